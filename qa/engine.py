"""``ask`` and ``retrieve``: the index opened lazily once per process, shared by threads.

The engine reopens itself when an ingest (in this process or another) has changed the
index since it was opened; it notices through the manifest's modification time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from index import embedding, lexical
from index.errors import IndexNotBuiltError, QuestionError
from index.manifest import MANIFEST_FILE
from index.settings import Settings
from index.store import ChunkStore, index_exists
from qa.extractive import ExtractiveGenerator
from qa.followup import standalone_query
from qa.retrieval import Filters, hybrid_search, question_cues
from qa.types import Answer, Passage

MAX_QUESTION_CHARS = 2000
DEFAULT_K = 10
VECTOR_CACHE = 50_000


class Generator(Protocol):
    """What an answer generator does: passages in, cited answer out."""

    name: str

    def generate(self, question: str, passages: list[Passage]) -> Answer: ...


class Engine:
    """An opened index: Chroma, BM25, the embedding model and the generator."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.store = ChunkStore(settings, create=False)
        self.lexical = lexical.load_or_build(self.store, settings.index_dir)
        self.sources = sorted({str(m.get("source", "")) for m in self.lexical.metadatas} - {""})
        self.opened_at = _manifest_mtime(settings.index_dir)
        self._vectors: dict[str, list[float]] = {}
        self._vectors_lock = threading.Lock()
        self.generator: Generator = ExtractiveGenerator(
            analyze=self.lexical.analyze,
            idf=self.lexical.idf,
            embed_many=self.embed_many,
        )

    def embed_query(self, text: str) -> list[float]:
        return self.embed_many([text])[0]

    def embed_many(self, texts: list[str]) -> list[list[float]]:
        """Embeddings with a bounded per-process cache: questions and corpus sentences recur."""
        with self._vectors_lock:
            found = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            fresh = dict(zip(missing, embedding.embed_texts(self.settings, missing), strict=True))
            found.update(fresh)
            with self._vectors_lock:
                if len(self._vectors) + len(fresh) > VECTOR_CACHE:
                    self._vectors.clear()
                self._vectors.update(fresh)
        return [found[t] for t in texts]

    def retrieve(self, query: str, k: int, filters: Filters) -> list[Passage]:
        return hybrid_search(
            query,
            k=k,
            store=self.store,
            lexical=self.lexical,
            embed=self.embed_query,
            filters=filters,
            cues=question_cues(query, self.sources),
        )


_lock = threading.Lock()
_engines: dict[tuple[str, str], Engine] = {}


def get_engine(settings: Settings | None = None) -> Engine:
    settings = settings or Settings.from_env()
    key = (str(Path(settings.index_dir).absolute()), settings.collection)
    with _lock:
        engine = _engines.get(key)
        if engine is None or engine.opened_at != _manifest_mtime(settings.index_dir):
            if not index_exists(settings):
                raise IndexNotBuiltError(
                    f"there is no index at {settings.index_dir}; run `newsdesk ingest` "
                    "(or `make ingest`) to build it"
                )
            engine = Engine(settings)
            _engines[key] = engine
        return engine


def _manifest_mtime(index_dir: Path) -> float:
    try:
        return (index_dir / MANIFEST_FILE).stat().st_mtime
    except OSError:
        return 0.0


def clean_question(question: str) -> str:
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question)
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty: type a question about the articles")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Ask something shorter."
        )
    return text


def _search(
    question: str,
    history: Sequence[dict[str, Any]] | None,
    k: int,
    sources: Sequence[str] | None,
    date_from: date | None,
    date_to: date | None,
    settings: Settings | None,
) -> tuple[Engine, str, list[Passage]]:
    """Validate, open the index, resolve a follow-up, retrieve: what ask and retrieve share."""
    if k < 1:
        raise QuestionError(f"k must be at least 1, got {k}")
    text = clean_question(question)
    engine = get_engine(settings)
    query = standalone_query(text, history)
    return (
        engine,
        query,
        engine.retrieve(query, k, Filters(tuple(sources or ()), date_from, date_to)),
    )


def retrieve(
    question: str,
    k: int = DEFAULT_K,
    *,
    history: Sequence[dict[str, Any]] | None = None,
    sources: Sequence[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    settings: Settings | None = None,
) -> list[Passage]:
    """The ``k`` best passages for the question (history resolves follow-ups)."""
    _, _, passages = _search(question, history, k, sources, date_from, date_to, settings)
    return passages


def ask(
    question: str,
    history: Sequence[dict[str, Any]] | None = None,
    *,
    k: int = DEFAULT_K,
    sources: Sequence[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    settings: Settings | None = None,
) -> Answer:
    """Answer with cited sentences from the articles, or say that they don't say."""
    started = time.perf_counter()
    engine, query, passages = _search(question, history, k, sources, date_from, date_to, settings)
    retrieved = time.perf_counter()
    answer = engine.generator.generate(query, passages)
    meta = {
        **answer.meta,
        "generator": engine.generator.name,
        "retrieval_ms": round((retrieved - started) * 1000, 1),
        "total_ms": round((time.perf_counter() - started) * 1000, 1),
        "passages": len(passages),
    }
    return Answer(
        text=answer.text, citations=answer.citations, refused=answer.refused, query=query, meta=meta
    )
