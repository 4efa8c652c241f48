"""The Chroma side of the index: one cosine collection of chunks with content-hash ids.

Everything that talks to chromadb lives here, so its errors are translated into ours in
one place. Writes are batched below Chroma's own maximum batch size.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from index.errors import IndexNotBuiltError, IndexUnusableError
from index.settings import Settings

Metadata = dict[str, str | int | float | bool]

CHROMA_FILE = "chroma.sqlite3"
WRITE_BATCH = 1000


def _flat(metadata: Any) -> Metadata:
    return {
        k: v for k, v in dict(metadata or {}).items() if isinstance(v, str | int | float | bool)
    }


def _quiet_chroma() -> None:
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


def index_exists(settings: Settings) -> bool:
    return (settings.index_dir / CHROMA_FILE).is_file()


@contextmanager
def translate_errors(index_dir: Path, action: str) -> Iterator[None]:
    """Re-raise storage failures as ``IndexUnusableError`` with what to do about them."""
    try:
        yield
    except (IndexNotBuiltError, IndexUnusableError):
        raise
    except OSError as exc:
        raise IndexUnusableError(
            f"cannot {action} the index at {index_dir}: {exc.strerror or exc}. "
            "Check that the folder is writable and the disk has space, or choose another "
            "folder with --index-dir / NEWSDESK_INDEX_DIR."
        ) from exc
    except Exception as exc:
        raise IndexUnusableError(
            f"cannot {action} the index at {index_dir}: {type(exc).__name__}: {exc}. "
            "If the folder is damaged, move it aside and run `newsdesk ingest` to rebuild it."
        ) from exc


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
        with translate_errors(self.index_dir, "open"):
            if create:
                self.index_dir.mkdir(parents=True, exist_ok=True)
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            self.client = chromadb.PersistentClient(
                path=str(self.index_dir),
                settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False),
            )
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
                    raise IndexNotBuiltError(
                        f"the index at {self.index_dir} has no collection "
                        f"{settings.collection!r}; run `newsdesk ingest` to build it"
                    ) from exc
            self.max_batch = min(WRITE_BATCH, self.client.get_max_batch_size())

    def count(self) -> int:
        with translate_errors(self.index_dir, "read"):
            return int(self.collection.count())

    def all_metadata(self) -> dict[str, Metadata]:
        """Every chunk id with its metadata (no embeddings, no texts)."""
        with translate_errors(self.index_dir, "read"):
            result = self.collection.get(include=["metadatas"])
            metadatas = result["metadatas"] or []
            return {i: _flat(m) for i, m in zip(result["ids"], metadatas, strict=True)}

    def all_chunks(self) -> tuple[list[str], list[str], list[Metadata]]:
        """Every chunk's id, text and metadata, in a stable (id) order."""
        with translate_errors(self.index_dir, "read"):
            result = self.collection.get(include=["documents", "metadatas"])
            rows = sorted(
                zip(
                    result["ids"], result["documents"] or [], result["metadatas"] or [], strict=True
                )
            )
            return (
                [r[0] for r in rows],
                [r[1] or "" for r in rows],
                [_flat(r[2]) for r in rows],
            )

    def add(
        self,
        ids: Sequence[str],
        embeddings: Sequence[Sequence[float]],
        texts: Sequence[str],
        metadatas: Sequence[Metadata],
    ) -> None:
        with translate_errors(self.index_dir, "write"):
            for start in range(0, len(ids), self.max_batch):
                end = start + self.max_batch
                self.collection.upsert(
                    ids=list(ids[start:end]),
                    embeddings=cast(Any, [list(e) for e in embeddings[start:end]]),
                    documents=list(texts[start:end]),
                    metadatas=[dict(m) for m in metadatas[start:end]],
                )

    def update_metadata(self, ids: Sequence[str], metadatas: Sequence[Metadata]) -> None:
        with translate_errors(self.index_dir, "write"):
            for start in range(0, len(ids), self.max_batch):
                end = start + self.max_batch
                self.collection.update(
                    ids=list(ids[start:end]), metadatas=[dict(m) for m in metadatas[start:end]]
                )

    def delete(self, ids: Sequence[str]) -> None:
        with translate_errors(self.index_dir, "write"):
            for start in range(0, len(ids), self.max_batch):
                self.collection.delete(ids=list(ids[start : start + self.max_batch]))

    def query(
        self, embedding: Sequence[float], k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunk ids with their cosine similarity."""
        with translate_errors(self.index_dir, "search"):
            count = self.collection.count()
            if count == 0:
                return []
            result = self.collection.query(
                query_embeddings=cast(Any, [list(embedding)]),
                n_results=min(k, count),
                where=where or None,
                include=["distances"],
            )
            ids = result["ids"][0]
            distances = (result["distances"] or [[]])[0]
            return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]
