"""PersistedDocuments: turns `documentId` / APQ hashes into the query to run.

Apollo's automatic persisted queries (version 1): a request carries
`extensions.persistedQuery.sha256Hash`; without `query` the hash is looked
up (`PERSISTED_QUERY_NOT_FOUND` when unknown, so the client resends with the
query), with `query` the hash must be its SHA-256 and the query is stored
once it has validated. Trusted documents come from a manifest and are found
by `documentId` or by hash; with `trusted_only` nothing else runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gateway.documents.manifest import (
    HASH_PREFIX,
    SHA256_HEX,
    load_manifest,
    sha256_hex,
)
from gateway.documents.stores import MemoryStore, RedisStore

if TYPE_CHECKING:
    from gateway.config import Settings
    from gateway.documents.manifest import TrustedDocuments
    from gateway.documents.stores import DocumentStore

BAD_REQUEST = "BAD_REQUEST"
NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_TRUSTED = "QUERY_NOT_IN_SAFELIST"
# The messages Apollo Client and urql match on.
NOT_FOUND_MESSAGE = "PersistedQueryNotFound"
NOT_SUPPORTED_MESSAGE = "PersistedQueryNotSupported"
CACHE_CONTROL = "private, no-cache, must-revalidate"


class DocumentError(Exception):
    """A request refused while finding its document, with a stable code.

    `BAD_REQUEST` is a malformed request (HTTP 400); the other codes are
    request errors, answered like a validation error.
    """

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Resolved:
    """The query to run, and the hash to store it under once it validated."""

    query: str | None
    register: str | None = None


class PersistedDocuments:
    """The APQ store (None: APQ off) and the trusted manifest (None: none)."""

    def __init__(
        self,
        store: DocumentStore | None,
        trusted: TrustedDocuments | None = None,
        *,
        trusted_only: bool = False,
    ) -> None:
        self.store = store
        self.trusted = trusted
        self.trusted_only = trusted_only

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedDocuments:
        """Built at start: a bad manifest raises ManifestError right away."""
        store: DocumentStore | None = None
        if settings.apq and settings.redis_url:
            store = RedisStore(
                settings.redis_url,
                ttl=settings.apq_ttl,
                timeout=settings.redis_timeout,
            )
        elif settings.apq:
            store = MemoryStore(settings.apq_cache_size)
        trusted = None
        if settings.trusted_documents is not None:
            trusted = load_manifest(settings.trusted_documents)
        return cls(store, trusted, trusted_only=settings.trusted_documents_only)

    async def resolve(
        self,
        query: str | None,
        extensions: dict[str, Any] | None,
        document_id: object = None,
    ) -> Resolved:
        """The query this request runs; raises DocumentError."""
        if document_id is not None:
            if query is not None:
                raise DocumentError(
                    "Send either `query` or `documentId`, not both.", BAD_REQUEST
                )
            return Resolved(await self._by_id(document_id))
        persisted = (extensions or {}).get("persistedQuery")
        if persisted is not None:
            return await self._persisted(query, persisted)
        if query is not None and self.trusted_only:
            self._check_trusted(sha256_hex(query))
        return Resolved(query)

    async def register(self, sha256: str, query: str) -> None:
        if self.store is not None:
            await self.store.put(sha256, query)

    async def aclose(self) -> None:
        if self.store is not None:
            await self.store.aclose()

    async def _by_id(self, document_id: object) -> str:
        if not isinstance(document_id, str) or not document_id:
            raise DocumentError("`documentId` must be a non-empty string.", BAD_REQUEST)
        text = self.trusted.get(document_id) if self.trusted else None
        digest = document_id.removeprefix(HASH_PREFIX).lower()
        if text is None and self._apq_usable and SHA256_HEX.fullmatch(digest):
            text = await self.store.get(digest) if self.store else None
        if text is None:
            raise DocumentError(f"Unknown documentId {document_id!r}.", NOT_FOUND)
        return text

    async def _persisted(self, query: str | None, persisted: object) -> Resolved:
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise DocumentError(
                "Unsupported `extensions.persistedQuery`: only version 1 is.",
                BAD_REQUEST,
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not SHA256_HEX.fullmatch(digest.lower()):
            raise DocumentError(
                "`persistedQuery.sha256Hash` must be a SHA-256 hex digest.",
                BAD_REQUEST,
            )
        digest = digest.lower()
        if query is None:
            text = self.trusted.by_sha256.get(digest) if self.trusted else None
            if text is None and not self.trusted_only:
                if self.store is None:
                    raise DocumentError(NOT_SUPPORTED_MESSAGE, NOT_SUPPORTED)
                text = await self.store.get(digest)
            if text is None:
                raise DocumentError(NOT_FOUND_MESSAGE, NOT_FOUND)
            return Resolved(text)
        if sha256_hex(query) != digest:
            raise DocumentError("provided sha does not match query", BAD_REQUEST)
        if self.trusted is not None and digest in self.trusted.by_sha256:
            return Resolved(query)  # already known: nothing to store
        if self.trusted_only:
            self._check_trusted(digest)
        if self.store is None:
            raise DocumentError(NOT_SUPPORTED_MESSAGE, NOT_SUPPORTED)
        return Resolved(query, digest)

    @property
    def _apq_usable(self) -> bool:
        return self.store is not None and not self.trusted_only

    def _check_trusted(self, digest: str) -> None:
        if self.trusted is None or digest not in self.trusted.by_sha256:
            raise DocumentError(
                "Only trusted documents may run here: send a `documentId` from "
                "the gateway's manifest.",
                NOT_TRUSTED,
            )
