"""Run `newsdesk ingest`, and kill -9 this very process at a chosen point of the run.

Used by tests/test_faults.py: ``python -m tests.crash_ingest POINT -- INGEST ARGS``.
The kill is a real SIGKILL (no cleanup, no finally blocks, no flush); the hooks only
choose the moment, so the test does not depend on timing luck:

- ``embedding``  while the model is embedding the second batch of new chunks
- ``write``      halfway through writing the second batch to Chroma
- ``delete``     halfway through deleting stale chunks
- ``bm25``       after the BM25 index is saved to its temporary folder, before the swap
- ``manifest``   halfway through writing the final manifest
- ``none``       no kill (a normal run, with the same small batches)

Batches are shrunk to 8 chunks so the bundled corpus spans several of them.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from typing import Any

from index import embedding, manifest, pipeline
from index.store import ChunkStore
from ui import cli


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)
    time.sleep(60)  # never reached: SIGKILL cannot be caught


def arm(point: str) -> None:
    calls = {"n": 0}

    def nth_call(n: int) -> bool:
        calls["n"] += 1
        return calls["n"] == n

    if point == "embedding":
        real_embed = embedding.embed_texts

        def embed(settings: Any, texts: list[str]) -> list[list[float]]:
            if nth_call(2):
                threading.Timer(0.05, die).start()  # lands while the model is running
            return real_embed(settings, texts)

        embedding.embed_texts = embed  # type: ignore[assignment]
    elif point == "write":
        real_add = ChunkStore.add

        def add(self: ChunkStore, ids: Any, vectors: Any, texts: Any, metas: Any) -> None:
            if nth_call(2):
                half = len(ids) // 2
                real_add(self, ids[:half], vectors[:half], texts[:half], metas[:half])
                die()
            real_add(self, ids, vectors, texts, metas)

        ChunkStore.add = add  # type: ignore[method-assign]
    elif point == "delete":
        real_delete = ChunkStore.delete

        def delete(self: ChunkStore, ids: Any) -> None:
            real_delete(self, ids[: max(1, len(ids) // 2)])
            die()

        ChunkStore.delete = delete  # type: ignore[method-assign]
    elif point == "bm25":
        import bm25s

        real_save = bm25s.BM25.save

        def save(self: Any, path: str, *args: Any, **kwargs: Any) -> None:
            real_save(self, path, *args, **kwargs)
            die()

        bm25s.BM25.save = save  # type: ignore[method-assign]
    elif point == "manifest":
        real_save_manifest = manifest.save_manifest

        def save_manifest(index_dir: Any, state: manifest.Manifest) -> None:
            if state.state != "clean":
                real_save_manifest(index_dir, state)
                return
            with (index_dir / (manifest.MANIFEST_FILE + ".tmp")).open("w") as handle:
                handle.write('{"state": "clean", "roots": [')
                handle.flush()
            with (index_dir / manifest.MANIFEST_FILE).open("w") as handle:
                handle.write('{"state": "cle')  # as if the file system kept half a write
                handle.flush()
            die()

        pipeline.save_manifest = save_manifest  # type: ignore[assignment]
    elif point != "none":
        raise SystemExit(f"unknown crash point {point!r}")


def main() -> int:
    point, _, rest = sys.argv[1], sys.argv[2], sys.argv[3:]
    pipeline.EMBED_STEP = 8
    arm(point)
    return cli.main(["ingest", "--quiet", *rest])


if __name__ == "__main__":
    sys.exit(main())
