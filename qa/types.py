"""The objects that cross the ``qa`` boundary: ``Passage``, ``Citation``, ``Answer``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import PurePath
from typing import Any

from index.nlp import Entity


def outlet_name(source: str, file: str) -> str:
    """The outlet an article's ``source`` names, or "" when the source is only the name
    of the plain file it came from ("003_e038c91dee60b0cf.txt" is no outlet, while
    "CBSSports.com" is one)."""
    return "" if not source or source == PurePath(file).name else source


@dataclass(frozen=True, kw_only=True)
class Passage:
    """A retrieved chunk with its article's metadata and its retrieval score.

    ``entities`` were found at ingest; their offsets index ``text``."""

    chunk_id: str
    text: str
    title: str
    source: str
    date: str = ""
    url: str = ""
    file: str = ""
    doc_id: str = ""
    score: float = 0.0
    entities: tuple[Entity, ...] = ()
    position: int = -1  # the chunk's place in its article (0 first), -1 when unknown

    @property
    def outlet(self) -> str:
        """The article's outlet, or "" for a plain file (``outlet_name``)."""
        return outlet_name(self.source, self.file)


@dataclass(frozen=True, kw_only=True)
class Citation:
    """A numbered source of an answer: ``[number]`` in ``Answer.text`` points here."""

    number: int
    title: str
    source: str
    date: str
    url: str
    text: str
    score: float
    chunk_id: str = ""
    quote: str = ""  # the sentence(s) of the passage the answer used


@dataclass(frozen=True, kw_only=True)
class Unverified:
    """A sentence of an LLM answer that its citations do not back, and why."""

    sentence: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class Answer:
    """A reply: text with ``[n]`` markers, its citations in order of first use, and timings.

    A refusal has ``citations == []`` and ``refused`` set, and its text says plainly that
    the articles don't say; ``refusal_reason`` says why (for logs and evaluation).

    ``shape`` is the question's shape as read ("factoid", "yesno", "list", "when", ...),
    and ``short_answer`` the answer in a few words (a name, a number with its unit, a
    date, "Yes"/"No"), empty when there is none; ``text`` begins with it. ``generator``
    names what wrote the answer ("extractive" or "llm"); ``fallback`` says why the
    extractive answer stands in for the LLM's; ``unverified`` lists sentences of an LLM
    answer whose citation does not back them. ``meta`` holds diagnostics only (timings,
    counts): nothing outside ``qa`` may depend on its keys.
    """

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    query: str = ""
    shape: str = ""
    short_answer: str = ""
    generator: str = ""
    fallback: str = ""
    unverified: list[Unverified] = field(default_factory=list)
    refusal_reason: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared by ``newsdesk ask --json`` and the web API."""
        return {
            "text": self.text,
            "refused": self.refused,
            "query": self.query,
            "shape": self.shape,
            "short_answer": self.short_answer,
            "generator": self.generator,
            "fallback": self.fallback,
            "unverified": [asdict(u) for u in self.unverified],
            "refusal_reason": self.refusal_reason,
            "citations": [asdict(c) for c in self.citations],
            "meta": self.meta,
        }
