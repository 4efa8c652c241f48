"""``ask`` and ``retrieve``: the index opened lazily once per process, shared by threads.

The engine reopens itself when an ingest (in this process or another) has changed the
index since it was opened; it notices through the manifest's modification time.
"""

from __future__ import annotations

import logging
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from index import embedding, lexical
from index.errors import ConfigError, GenerationError, IndexNotBuiltError, QuestionError
from index.manifest import MANIFEST_FILE
from index.nlp import load_nlp, load_parser
from index.sentence_vectors import SentenceVectors
from index.settings import Settings
from index.store import ChunkStore, index_exists, is_finished
from qa.compound import joined_answer, split_question
from qa.extractive import ExtractiveGenerator
from qa.followup import message_text, standalone_query
from qa.nouns import NounKinds
from qa.question import QUESTION_WORDS
from qa.retrieval import Filters, hybrid_search, question_cues
from qa.types import Answer, Passage

MAX_QUESTION_CHARS = 2000
REMOTE_CHECK_SECONDS = 2.0
MAX_K = 50  # passages per question: beyond this answers do not improve, latency does worsen
DEFAULT_K = 10
VECTOR_CACHE = 50_000
STREAM_WORDS = 4

log = logging.getLogger("newsdesk.qa")


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
        self.sources = list(self.lexical.sources)
        self.opened_at = _manifest_mtime(settings.index_dir)
        self.checked_at = time.monotonic()
        self._vectors: dict[str, list[float]] = {}
        self._vectors_lock = threading.Lock()
        self.sentence_vectors = SentenceVectors(settings.index_dir, embedding.model_name(settings))
        self.extractive = ExtractiveGenerator(
            parse=load_nlp(settings.device),
            parse_text=load_parser(settings.device),
            noun_kind=NounKinds(self.embed_many),
            analyze=self.lexical.analyze,
            idf=self.lexical.idf,
            embed_many=self.embed_many,
        )
        self.generator: Generator = self.extractive
        self.llm: Any = None
        if settings.llm_base_url and settings.llm_model:
            from qa.llm import LLMGenerator

            self.llm = LLMGenerator(
                settings, self.lexical.analyze, QUESTION_WORDS, parse=load_parser(settings.device)
            )
            if settings.answer_generator == "llm":
                self.generator = self.llm

    def generator_named(self, name: str | None) -> Generator:
        if not name:
            return self.generator
        if name == "extractive":
            return self.extractive
        if name == "llm" and self.llm is not None:
            return self.llm  # type: ignore[no-any-return]
        raise ConfigError(
            f"there is no {name!r} answer generator here; configured: "
            f"{', '.join(self.settings.generators)} (set NEWSDESK_LLM_BASE_URL and "
            "NEWSDESK_LLM_MODEL for llm)"
        )

    def embed_many(self, texts: list[str]) -> list[list[float]]:
        """Embeddings with a bounded per-process cache (questions and corpus sentences
        recur), then the vectors a warm-up stored (``qa.warm``), then the model."""
        with self._vectors_lock:
            found = {t: self._vectors[t] for t in texts if t in self._vectors}
        missing = [t for t in dict.fromkeys(texts) if t not in found]
        if missing:
            stored = self.sentence_vectors.lookup(missing)
            found.update(
                (t, v.tolist()) for t, v in zip(missing, stored, strict=True) if v is not None
            )
            missing = [t for t in missing if t not in found]
        if missing:
            fresh = dict(zip(missing, embedding.embed_texts(self.settings, missing), strict=True))
            found.update(fresh)
            with self._vectors_lock:
                if len(self._vectors) + len(fresh) > VECTOR_CACHE:
                    self._vectors.clear()
                self._vectors.update(fresh)
        return [found[t] for t in texts]

    def changed_elsewhere(self) -> bool:
        """With a shared Chroma server another machine may ingest: every few seconds,
        compare the store's contents marker and version with our BM25 index (one small
        request): a finished ingest elsewhere changes the version even when it only
        relabelled chunks.
        A local index changes only through its manifest, which get_engine watches."""
        if not self.settings.chroma_url:
            return False
        now = time.monotonic()
        if now - self.checked_at < REMOTE_CHECK_SECONDS:
            return False
        self.checked_at = now
        marker, version = self.store.contents_state()
        if marker and marker != self.lexical.fingerprint:
            return True
        return is_finished(version) and version != self.lexical.version

    def retrieve(self, query: str, k: int, filters: Filters) -> list[Passage]:
        return hybrid_search(
            query,
            k=k,
            store=self.store,
            lexical=self.lexical,
            embed=self.embed_many,
            filters=filters,
            cues=question_cues(query, self.sources),
        )


_lock = threading.Lock()
_engines: dict[Settings, Engine] = {}


def get_engine(settings: Settings | None = None) -> Engine:
    settings = settings or Settings.from_env()
    # One engine per distinct configuration: the same index asked with other LLM
    # settings (another key, no fallback) must not reuse the first one's generator.
    key = settings.with_(index_dir=Path(settings.index_dir).absolute())
    with _lock:
        engine = _engines.get(key)
        if (
            engine is None
            or engine.opened_at != _manifest_mtime(settings.index_dir)
            or engine.changed_elsewhere()
        ):
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


_MARKUP = re.compile(
    r"<(script|style)\b[^>]*>.*?(</\1\s*>|$)|<!--.*?(-->|$)|</?[A-Za-z][^<>]*>", re.I | re.S
)


# Terminal escape sequences pasted with a question ("\x1b[31m", "\x1b]0;title\x07"):
# removed whole, so their printable tail ("[31m") does not stick to the first word.
_TERMINAL_ESCAPE = re.compile(
    r"\x1b(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])"
)


def clean_question(question: str) -> str:
    """The question as plain text on one line: HTML markup (pasted from a page, or an
    injection attempt) and terminal escape sequences removed, invisible formatting
    characters (zero-width spaces, direction marks) dropped, other control characters
    turned into spaces."""
    if not isinstance(question, str):
        raise QuestionError("the question must be text")
    text = _MARKUP.sub(" ", _TERMINAL_ESCAPE.sub("", question))
    text = "".join(
        ch if ch.isprintable() else ("" if unicodedata.category(ch) == "Cf" else " ") for ch in text
    )
    text = " ".join(text.split())
    if not text:
        raise QuestionError("the question is empty: type a question about the articles")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(text):,} characters long; the limit is {MAX_QUESTION_CHARS:,}. "
            "Ask something shorter."
        )
    return text


def clean_history(history: object) -> list[dict[str, str]]:
    """The conversation as role/content messages with plain-text content (Gradio may
    send lists of parts); turns of any other shape are dropped (clients send odd
    things), but history that is no list at all is an error."""
    if history is None:
        return []
    if isinstance(history, (str, bytes, dict)) or not isinstance(history, Sequence):
        raise QuestionError(
            'history must be a list of messages like {"role": "user", "content": "..."}'
        )
    return [
        {"role": str(m["role"]), "content": message_text(m.get("content"))}
        for m in history
        if isinstance(m, dict) and m.get("role") in ("user", "assistant")
    ]


def _search(
    question: str,
    history: Sequence[dict[str, Any]] | None,
    k: int,
    sources: Sequence[str] | None,
    date_from: date | None,
    date_to: date | None,
    settings: Settings | None,
    generator: Generator | None = None,
) -> tuple[Engine, str, list[Passage]]:
    """Validate, open the index, resolve a follow-up, retrieve: what ask and retrieve share.

    With the LLM generator, a follow-up is condensed into a standalone question by the
    model; if that fails, or without an LLM, earlier turns' names are carried over.
    """
    if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_K:
        raise QuestionError(f"k (passages to read) must be between 1 and {MAX_K}, got {k!r}")
    if date_from and date_to and date_from > date_to:
        raise QuestionError(f"the from date {date_from} is after the to date {date_to}")
    text = clean_question(question)
    history = clean_history(history)
    engine = get_engine(settings)
    query = standalone_query(text, history)
    if generator is not None and generator is engine.llm and history:
        query = _condensed(engine, text, history) or query
    return (
        engine,
        query,
        engine.retrieve(query, k, Filters(tuple(sources or ()), date_from, date_to)),
    )


def _condensed(engine: Engine, question: str, history: list[dict[str, str]]) -> str:
    try:
        condensed: str = engine.llm.condense(question, history)
    except GenerationError as exc:
        log.warning("could not condense the follow-up: %s", exc)
        return ""
    return condensed if 3 <= len(condensed) <= MAX_QUESTION_CHARS else ""


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
    generator: str | None = None,
    settings: Settings | None = None,
) -> Answer:
    """Answer with cited sentences from the articles, or say that they don't say.

    ``generator`` picks "extractive" or "llm" (default: ``Settings.answer_generator``).
    """
    stream = ask_stream(
        question,
        history,
        k=k,
        sources=sources,
        date_from=date_from,
        date_to=date_to,
        generator=generator,
        settings=settings,
        pieces=False,
    )
    for _ in stream:
        pass
    return stream.answer


class AnswerStream:
    """Text pieces as they are generated; ``answer`` holds the checked Answer at the end.

    What streams is the model's raw text; the final ``answer`` may differ (invalid
    citation numbers removed, sources renumbered, or an extractive fallback).
    """

    def __init__(self, pieces: Iterator[str], finish: Callable[[str], Answer]) -> None:
        self._pieces = pieces
        self._finish = finish
        self._answer: Answer | None = None

    def __iter__(self) -> Iterator[str]:
        collected: list[str] = []
        for piece in self._pieces:
            collected.append(piece)
            yield piece
        self._answer = self._finish("".join(collected))

    @property
    def answer(self) -> Answer:
        if self._answer is None:
            raise RuntimeError("iterate the stream to the end before reading its answer")
        return self._answer


def ask_stream(
    question: str,
    history: Sequence[dict[str, Any]] | None = None,
    *,
    k: int = DEFAULT_K,
    sources: Sequence[str] | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    generator: str | None = None,
    settings: Settings | None = None,
    pieces: bool = True,
) -> AnswerStream:
    """Like ``ask``, streamed: iterate for text pieces, then read ``.answer``.

    Bad questions and a missing index raise here, before anything streams.
    """
    started = time.perf_counter()
    engine = get_engine(settings)
    chosen = engine.generator_named(generator)
    cleaned = clean_question(question)  # raises for an empty or overlong question
    parts = split_question(cleaned) if chosen is engine.extractive else None
    finished: list[Answer] = []
    if parts is None:
        engine, query, passages = _search(
            question, history, k, sources, date_from, date_to, settings, chosen
        )
    else:
        # two questions asked as one: each on its own, the second as a follow-up
        answers: list[Answer] = []
        passages = []
        turns = clean_history(history)
        for part in parts:
            engine, asked, found = _search(
                part, turns, k, sources, date_from, date_to, settings, chosen
            )
            answers.append(chosen.generate(asked, found))
            passages += found
            turns = [
                *turns,
                {"role": "user", "content": part},
                {"role": "assistant", "content": answers[-1].text},
            ]
        query = cleaned
        finished.append(joined_answer(query, parts, answers[0], answers[1]))
    retrieved = time.perf_counter()
    failure: list[GenerationError] = []

    llm: Any = engine.llm

    def produce() -> Iterator[str]:
        if llm is not None and chosen.name == "llm":
            try:
                yield from llm.stream(query, passages)
            except GenerationError as exc:
                failure.append(exc)
            return
        if not finished:
            finished.append(chosen.generate(query, passages))
        answer = finished[0]
        if pieces:
            words = answer.text.split(" ")
            for start in range(0, len(words), STREAM_WORDS):
                yield " ".join(words[start : start + STREAM_WORDS]) + (
                    " " if start + STREAM_WORDS < len(words) else ""
                )

    def finish(text: str) -> Answer:
        answer = finished[0] if finished else _llm_answer(engine, query, passages, text, failure)
        meta = {
            **answer.meta,
            "retrieval_ms": round((retrieved - started) * 1000, 1),
            "total_ms": round((time.perf_counter() - started) * 1000, 1),
            "passages": len(passages),
        }
        shape = answer.shape or engine.extractive.read(query).shape  # an LLM's answer
        return replace(
            answer,
            query=query,
            generator=answer.generator or chosen.name,
            shape=shape,
            meta=meta,
        )

    return AnswerStream(produce(), finish)


def _llm_answer(
    engine: Engine,
    query: str,
    passages: list[Passage],
    text: str,
    failure: list[GenerationError],
) -> Answer:
    """Check the model's answer, or fall back to the extractive one when the model
    failed (if allowed) or cited nothing although the passages hold evidence."""
    if not failure:
        try:
            answer: Answer = engine.llm.finish(query, passages, text)
        except GenerationError as exc:
            failure.append(exc)
        else:
            if answer.refused or answer.citations:
                return answer
            fallback = engine.extractive.generate(query, passages)
            if fallback.refused:
                return replace(
                    fallback,
                    query=query,
                    generator="llm",
                    meta={**fallback.meta, "llm_uncited": text},
                )
            return _as_fallback(
                fallback,
                "the model cited no passage; this is the extractive answer instead",
                llm_uncited=text,
            )
    error = failure[0]
    if not engine.settings.llm_fallback:
        raise error
    log.warning("LLM failed, answering extractively: %s", error)
    return _as_fallback(
        engine.extractive.generate(query, passages),
        f"{error} — this is the extractive answer instead",
        llm_error=str(error),
    )


def _as_fallback(answer: Answer, why: str, **diagnostics: Any) -> Answer:
    """The extractive answer standing in for the model's, saying why."""
    return replace(
        answer, generator="extractive", fallback=why, meta={**answer.meta, **diagnostics}
    )
