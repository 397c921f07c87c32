"""Persisted documents: APQ (hash → query, registered by clients) and trusted
documents (a manifest loaded at start), resolved to a query string before the
normal parse / validate / limit path."""

from gateway.documents.manifest import ManifestError, TrustedDocuments, load_manifest
from gateway.documents.resolve import DocumentError, PersistedDocuments, Resolved
from gateway.documents.stores import DocumentStore, MemoryStore, RedisStore

__all__ = [
    "DocumentError",
    "DocumentStore",
    "ManifestError",
    "MemoryStore",
    "PersistedDocuments",
    "RedisStore",
    "Resolved",
    "TrustedDocuments",
    "load_manifest",
]
