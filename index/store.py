"""The Chroma side of the index: one cosine collection of chunks with content-hash ids.

Everything that talks to chromadb lives here, so its errors are translated into ours in
one place. Writes are batched below Chroma's own maximum batch size.
"""

from __future__ import annotations

import errno
import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlparse

import numpy as np

from index.errors import IndexNotBuiltError, IndexUnusableError
from index.settings import Settings

Metadata = dict[str, str | int | float | bool]

CHROMA_FILE = "chroma.sqlite3"
WRITE_BATCH = 1000
READ_PAGE = 5000


MARKER_KEY = "newsdesk_ids_fingerprint"
# A token that changes with every finished ingest that wrote anything, and reads
# "writing-…" from a store's first write until the ingest finishes: derived state saved
# with a finished token is current while the store still shows that token (see lexical).
VERSION_KEY = "newsdesk_contents_version"
WRITING = "writing-"


def is_finished(version: str) -> bool:
    """Whether ``version`` marks contents no ingest is still writing."""
    return bool(version) and not version.startswith(WRITING)


def _flat(metadata: Any) -> Metadata:
    return {
        k: v for k, v in dict(metadata or {}).items() if isinstance(v, str | int | float | bool)
    }


def _quiet_chroma() -> None:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def index_exists(settings: Settings) -> bool:
    """Whether an index may be there to open. With a Chroma server only the server
    knows, so opening it decides (a missing collection raises IndexNotBuiltError)."""
    return bool(settings.chroma_url) or (settings.index_dir / CHROMA_FILE).is_file()


def where_is(settings: Settings) -> str:
    """How messages name the store: the folder, or the Chroma server."""
    if settings.chroma_url:
        return f"the Chroma server at {settings.chroma_url}"
    return str(settings.index_dir)


def _client(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if not settings.chroma_url:
        return chromadb.PersistentClient(path=str(settings.index_dir), settings=chroma_settings)
    parsed = urlparse(settings.chroma_url)
    try:
        return chromadb.HttpClient(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or (443 if parsed.scheme == "https" else 8000),
            ssl=parsed.scheme == "https",
            settings=chroma_settings,
        )
    except Exception as exc:
        raise IndexUnusableError(
            f"cannot reach the Chroma server at {settings.chroma_url} ({type(exc).__name__}). "
            "Start it (`chroma run --path DIR --port N`) or fix NEWSDESK_CHROMA_URL / --chroma-url."
        ) from exc


@contextmanager
def translate_errors(where: Path | str, action: str) -> Iterator[None]:
    """Re-raise storage failures as ``IndexUnusableError`` with what to do about them."""
    try:
        yield
    except (IndexNotBuiltError, IndexUnusableError):
        raise
    except Exception as exc:
        raise IndexUnusableError(_explain(exc, str(where), action)) from exc


def _explain(exc: Exception, where: str, action: str) -> str:
    if where.startswith("the Chroma server") and _is_connection_error(exc):
        return (
            f"cannot {action} the index: {where} does not answer ({type(exc).__name__}). "
            "Start it (`chroma run --path DIR --port N`) or fix NEWSDESK_CHROMA_URL / --chroma-url."
        )
    if _is_write_failure(exc):
        return (
            f"cannot {action} the index at {where}: the disk is full or the folder cannot be "
            f"written ({_short(exc)}). Free some space or fix the permissions (or choose "
            "another folder with --index-dir / NEWSDESK_INDEX_DIR), then run the same command "
            "again: it carries on where it stopped, and nothing already indexed is lost."
        )
    if isinstance(exc, OSError):
        return (
            f"cannot {action} the index at {where}: {exc.strerror or exc}. "
            "Check that the folder is writable and the disk has space, or choose another "
            "folder with --index-dir / NEWSDESK_INDEX_DIR."
        )
    return (
        f"cannot {action} the index at {where}: {type(exc).__name__}: {exc}. "
        "If the folder is damaged, move it aside and run `newsdesk ingest` to rebuild it."
    )


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "..."


def _is_write_failure(exc: BaseException) -> bool:
    """SQLite and the OS say "disk full" in several ways (ENOSPC, EFBIG, "disk I/O error",
    "database or disk is full", "readonly database")."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return True
    text = str(exc).lower()
    return any(
        w in text
        for w in (
            "disk i/o error",
            "disk is full",
            "no space left",
            "file too large",
            "readonly database",
            "read-only file system",
        )
    )


def _is_connection_error(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return any(
        w in text for w in ("connect", "timeout", "refused", "unreachable", "remoteprotocol")
    )


def _is_missing_collection(exc: BaseException) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "notfound" in text or "does not exist" in text or "not found" in text


class ChunkStore:
    """A Chroma collection holding chunk texts, embeddings and flat metadata."""

    def __init__(self, settings: Settings, *, create: bool) -> None:
        _quiet_chroma()
        self.settings = settings
        self.index_dir = settings.index_dir
        if not create and not index_exists(settings):
            raise IndexNotBuiltError(
                f"there is no index at {self.index_dir}; run `newsdesk ingest` "
                "(or `make ingest`) to build it"
            )
        self.where = where_is(settings)
        with translate_errors(self.where, "open"):
            if create:
                self.index_dir.mkdir(parents=True, exist_ok=True)
            self.client = _client(settings)
            if create:
                self.collection = self.client.get_or_create_collection(
                    settings.collection,
                    configuration={"hnsw": {"space": "cosine"}},
                    embedding_function=None,
                )
            else:
                try:
                    self.collection = self.client.get_collection(
                        settings.collection, embedding_function=None
                    )
                except Exception as exc:
                    if settings.chroma_url and not _is_missing_collection(exc):
                        raise
                    raise IndexNotBuiltError(
                        f"{self.where} has no collection {settings.collection!r}; "
                        "run `newsdesk ingest` to build it"
                    ) from exc
            self.max_batch = min(WRITE_BATCH, self.client.get_max_batch_size())
        self._writing = False

    def count(self) -> int:
        with translate_errors(self.where, "read"):
            return int(self.collection.count())

    def all_metadata(self) -> dict[str, Metadata]:
        """Every chunk id with its metadata (no embeddings, no texts)."""
        out: dict[str, Metadata] = {}
        for ids, _, metadatas, _ in self._pages(["metadatas"]):
            out.update((i, _flat(m)) for i, m in zip(ids, metadatas, strict=True))
        return out

    def all_ids(self) -> list[str]:
        """Every chunk id, sorted: a cheap read (no texts, no metadata)."""
        return sorted(i for ids, _, _, _ in self._pages([]) for i in ids)

    def all_chunks(self) -> tuple[list[str], list[str], list[Metadata]]:
        """Every chunk's id, text and metadata, in a stable (id) order."""
        ids, texts, metadatas, _ = self._all(["documents", "metadatas"])
        return ids, texts, metadatas

    def all_chunks_with_vectors(
        self,
    ) -> tuple[list[str], list[str], list[Metadata], np.ndarray]:
        """``all_chunks`` and each chunk's embedding (rows of a float32 matrix), in one read."""
        ids, texts, metadatas, vectors = self._all(["documents", "metadatas", "embeddings"])
        if not ids:
            return ids, texts, metadatas, np.zeros((0, 0), dtype=np.float32)
        return ids, texts, metadatas, np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1)

    def _all(self, include: list[str]) -> tuple[list[str], list[str], list[Metadata], list[Any]]:
        by_id = {
            i: (text or "", _flat(metadata), vector)
            for ids, texts, metadatas, vectors in self._pages(include)
            for i, text, metadata, vector in zip(ids, texts, metadatas, vectors, strict=True)
        }
        ordered = sorted(by_id)
        return (
            ordered,
            [by_id[i][0] for i in ordered],
            [by_id[i][1] for i in ordered],
            [by_id[i][2] for i in ordered],
        )

    def _pages(
        self, include: list[str]
    ) -> Iterator[tuple[list[str], list[Any], list[Any], list[Any]]]:
        """The whole collection, a page at a time: one unbounded get() of a large
        collection fails in SQLite ("too many SQL variables", seen at 100k chunks)."""
        with translate_errors(self.where, "read"):
            total = self.collection.count()
            for offset in range(0, total, READ_PAGE):
                page = self.collection.get(
                    include=cast(Any, include), limit=READ_PAGE, offset=offset
                )
                n = len(page["ids"])
                embeddings = page.get("embeddings")
                yield (
                    list(page["ids"]),
                    list(page["documents"] or [None] * n),
                    list(page["metadatas"] or [None] * n),
                    list(embeddings) if embeddings is not None else [None] * n,
                )

    def add(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        texts: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        with translate_errors(self.where, "write"):
            self._mark_writing()
            for start in range(0, len(ids), self.max_batch):
                end = start + self.max_batch
                self.collection.upsert(
                    ids=list(ids[start:end]),
                    embeddings=cast(Any, [list(e) for e in embeddings[start:end]]),
                    documents=list(texts[start:end]),
                    metadatas=[dict(m) for m in metadatas[start:end]],
                )

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[Metadata]) -> None:
        with translate_errors(self.where, "write"):
            self._mark_writing()
            for start in range(0, len(ids), self.max_batch):
                end = start + self.max_batch
                self.collection.update(
                    ids=list(ids[start:end]), metadatas=[dict(m) for m in metadatas[start:end]]
                )

    def delete(self, ids: Sequence[str]) -> None:
        with translate_errors(self.where, "write"):
            self._mark_writing()
            for start in range(0, len(ids), self.max_batch):
                self.collection.delete(ids=list(ids[start : start + self.max_batch]))

    def query(
        self, embeddings: Sequence[Sequence[float]], k: int, where: dict[str, Any] | None = None
    ) -> list[list[tuple[str, float]]]:
        """For each embedding, the nearest chunk ids with their cosine similarity.

        Several embeddings share one call: Chroma applies a ``where`` filter once per
        call, and a filtered search is the slow part on a large collection (65 ms
        against 7 ms unfiltered at 100k chunks)."""
        if not embeddings:
            return []
        with translate_errors(self.where, "search"):
            result = self.collection.query(
                query_embeddings=cast(Any, [list(e) for e in embeddings]),
                n_results=k,
                where=where or None,
                include=["distances"],
            )
            distances = result["distances"] or [[] for _ in embeddings]
            return [
                [(i, 1.0 - float(d)) for i, d in zip(ids, ds, strict=True)]
                for ids, ds in zip(result["ids"], distances, strict=True)
            ]

    def contents_marker(self) -> str:
        """The fingerprint of the chunk ids the last finished ingest left, as recorded
        in the collection's metadata ("" when none was recorded). Readers elsewhere (a
        web app on another machine) compare it with their BM25 index to notice changes."""
        return self.contents_state()[0]

    def contents_state(self) -> tuple[str, str]:
        """The contents marker and the contents version (``VERSION_KEY``), read fresh
        from the store in one request."""
        metadata = self._fresh_metadata()
        return str(metadata.get(MARKER_KEY, "")), str(metadata.get(VERSION_KEY, ""))

    def set_contents_marker(self, fingerprint: str) -> None:
        """Called when an ingest has finished writing: records the ids' fingerprint and
        a finished version, a new one if this store wrote anything."""
        with translate_errors(self.where, "write"):
            metadata = self._fresh_metadata()
            metadata[MARKER_KEY] = fingerprint
            if self._writing or not is_finished(str(metadata.get(VERSION_KEY, ""))):
                metadata[VERSION_KEY] = uuid.uuid4().hex
            self.collection.modify(metadata=metadata)
            self._writing = False

    def adopt_version(self) -> str:
        """Give a store written before versions existed a finished version (the caller
        makes sure no ingest is running), and return it."""
        with translate_errors(self.where, "write"):
            metadata = self._fresh_metadata()
            if not metadata.get(VERSION_KEY):
                metadata[VERSION_KEY] = uuid.uuid4().hex
                self.collection.modify(metadata=metadata)
            return str(metadata[VERSION_KEY])

    def _mark_writing(self) -> None:
        """Before this store's first write: readers must not trust derived state from now
        until ``set_contents_marker``, even if this process dies half-way."""
        if self._writing:
            return
        metadata = self._fresh_metadata()
        metadata[VERSION_KEY] = WRITING + uuid.uuid4().hex
        self.collection.modify(metadata=metadata)
        self._writing = True

    def _fresh_metadata(self) -> dict[str, Any]:
        with translate_errors(self.where, "read"):
            self.collection = self.client.get_collection(
                self.settings.collection, embedding_function=None
            )
            return dict(self.collection.metadata or {})
