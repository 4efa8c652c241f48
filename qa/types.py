"""The objects that cross the ``qa`` boundary: ``Passage``, ``Citation``, ``Answer``."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Passage:
    """A retrieved chunk with its article's metadata and its retrieval score."""

    chunk_id: str
    text: str
    title: str
    source: str
    date: str = ""
    url: str = ""
    file: str = ""
    doc_id: str = ""
    score: float = 0.0


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
class Answer:
    """A reply: text with ``[n]`` markers, its citations in order of first use, and timings.

    A refusal has ``citations == []`` and ``refused`` set, and its text says plainly that
    the articles don't say.
    """

    text: str
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    query: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape shared by ``newsdesk ask --json`` and the web API."""
        return {
            "text": self.text,
            "refused": self.refused,
            "query": self.query,
            "citations": [asdict(c) for c in self.citations],
            "meta": self.meta,
        }
