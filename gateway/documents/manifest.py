"""Trusted-document manifests: Relay's persisted output, GraphQL Code
Generator's `persisted-documents.json` (both a JSON map id → document) and
Apollo's persisted query manifest."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

APOLLO_FORMAT = "apollo-persisted-query-manifest"
SHA256_HEX = re.compile(r"[0-9a-f]{64}")
HASH_PREFIX = "sha256:"


class ManifestError(ValueError):
    """The manifest file is missing, not JSON, or not a map of documents."""


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class TrustedDocuments:
    """The manifest's documents, by their id and by the SHA-256 of their text.

    The SHA-256 index lets APQ clients (which always send SHA-256) use a
    manifest whose ids come from another algorithm (Relay's MD5, Code
    Generator's SHA-1).
    """

    by_id: dict[str, str]
    by_sha256: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        index = {sha256_hex(text): text for text in self.by_id.values()}
        object.__setattr__(self, "by_sha256", index)

    def get(self, document_id: str) -> str | None:
        """The document sent as `documentId`: its id, or `sha256:<hex>`."""
        found = self.by_id.get(document_id)
        if found is None and document_id.startswith(HASH_PREFIX):
            found = self.by_sha256.get(document_id.removeprefix(HASH_PREFIX).lower())
        return found

    def __len__(self) -> int:
        return len(self.by_id)


def parse_manifest(data: object) -> dict[str, str]:
    """id → document text from a decoded manifest; raises ManifestError."""
    if isinstance(data, dict) and data.get("format") == APOLLO_FORMAT:
        operations = data.get("operations")
        if data.get("version") != 1 or not isinstance(operations, list):
            raise ManifestError("an Apollo manifest needs version 1 and operations")
        pairs = []
        for operation in operations:
            if not isinstance(operation, dict):
                raise ManifestError("every Apollo manifest operation is an object")
            pairs.append((operation.get("id"), operation.get("body")))
    elif isinstance(data, dict):
        pairs = list(data.items())
    else:
        raise ManifestError("a manifest is a JSON object mapping ids to documents")
    documents: dict[str, str] = {}
    for document_id, text in pairs:
        if not isinstance(document_id, str) or not document_id:
            raise ManifestError(f"document id {document_id!r} is not a string")
        if not isinstance(text, str) or not text.strip():
            raise ManifestError(f"document {document_id!r} is not a GraphQL string")
        documents[document_id] = text
    if not documents:
        raise ManifestError("the manifest has no documents")
    return documents


def load_manifest(path: Path) -> TrustedDocuments:
    """Read a manifest file; raises ManifestError saying what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"cannot read {path}: {exc.strerror}") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ManifestError(f"{path} is not a JSON file: {exc}") from exc
    try:
        return TrustedDocuments(parse_manifest(data))
    except ManifestError as exc:
        raise ManifestError(f"{path}: {exc}") from exc
