"""The BM25 side of retrieval (bm25s), built from the Chroma collection and kept beside it.

The BM25 index is derived data: it is rebuilt whenever the set of chunk ids in Chroma
differs from the one it was built from (a fingerprint saved with it), so it can never
drift from the vector store, whichever process ingested. Ingestion rebuilds it at the
end of each run so the first question after an ingest does not pay for it.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from index.morphology import base_forms
from index.store import ChunkStore, Metadata

LEXICAL_DIR = "bm25"
ANALYZER_VERSION = 2  # bump when tokenisation changes: the saved BM25 index is rebuilt


@dataclass
class LexicalIndex:
    ids: list[str]
    texts: list[str]
    metadatas: list[Metadata]
    fingerprint: str
    _bm25: Any
    _stemmer: Any

    @property
    def row_of(self) -> dict[str, int]:
        """Chunk id → row, built once: retrieval maps dense hits through it on every query."""
        cached: dict[str, int] | None = getattr(self, "_row_of", None)
        if cached is None:
            cached = {chunk_id: row for row, chunk_id in enumerate(self.ids)}
            self._row_of = cached
        return cached

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, score) of the best ``k`` chunks for ``query``; rows index ``ids``."""
        import bm25s

        tokens = bm25s.tokenize(
            [base_forms(query)], stopwords="en", stemmer=self._stemmer, show_progress=False
        )
        if not tokens.vocab:
            return []
        k = min(k, len(self.ids))
        rows, scores = self._bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(int(r), float(s)) for r, s in zip(rows[0], scores[0], strict=True) if s > 0]

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """IDF of each analysed (stemmed) token in the corpus; unknown tokens get the maximum."""
        vocab = self._bm25.vocab_dict
        n = max(1, len(self.ids))
        out: dict[str, float] = {}
        for token in tokens:
            df = self._doc_freq.get(vocab[token], 0) if token in vocab else 0
            out[token] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        return out

    def analyze(self, text: str) -> list[str]:
        import bm25s

        tokens = bm25s.tokenize(
            [base_forms(text)],
            stopwords="en",
            stemmer=self._stemmer,
            return_ids=False,
            show_progress=False,
        )
        return list(tokens[0]) if tokens else []

    @property
    def _doc_freq(self) -> dict[int, int]:
        cached = getattr(self, "_df_cache", None)
        if cached is None:
            scores = self._bm25.scores
            indptr = np.asarray(scores["indptr"])
            cached = {i: int(indptr[i + 1] - indptr[i]) for i in range(len(indptr) - 1)}
            self._df_cache = cached
        return cached


def lexical_text(text: str, metadata: Metadata) -> str:
    return base_forms(f"{metadata.get('header', '')}\n\n{text}")


def ids_fingerprint(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


def load_or_build(store: ChunkStore, index_dir: Path) -> LexicalIndex:
    """The BM25 index matching the store's current chunks, loaded from disk or rebuilt."""
    ids, texts, metadatas = store.all_chunks()
    fingerprint = ids_fingerprint(ids)
    folder = index_dir / LEXICAL_DIR
    bm25 = _load(folder, fingerprint)
    if bm25 is None:
        bm25 = _build(
            folder, fingerprint, [lexical_text(t, m) for t, m in zip(texts, metadatas, strict=True)]
        )
    return LexicalIndex(ids, texts, metadatas, fingerprint, bm25, _stemmer())


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def _load(folder: Path, fingerprint: str) -> Any:
    """The saved BM25 model when it was built from exactly these chunks, else None."""
    import bm25s

    try:
        info = json.loads((folder / "newsdesk.json").read_text("utf-8"))
        if info.get("fingerprint") != fingerprint or info.get("analyzer") != ANALYZER_VERSION:
            return None
        return bm25s.BM25.load(str(folder))
    except (OSError, ValueError, KeyError):
        return None


def _build(folder: Path, fingerprint: str, corpus: list[str]) -> Any:
    """Index ``corpus`` and save it atomically beside Chroma (best effort when read-only)."""
    import bm25s

    bm25 = bm25s.BM25()
    if not corpus:
        return bm25
    tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=_stemmer(), show_progress=False)
    bm25.index(tokens, show_progress=False)
    tmp = folder.with_name(folder.name + ".tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        bm25.save(str(tmp))
        (tmp / "newsdesk.json").write_text(
            json.dumps({"fingerprint": fingerprint, "analyzer": ANALYZER_VERSION}), "utf-8"
        )
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    except OSError:
        pass  # a read-only index still answers; BM25 is rebuilt in memory next time
    return bm25
