"""A question's separate claims.

Multi-hop questions string several claims together ("Which company raised prices,
lost subscribers in Europe, and is expected to launch a cheaper plan?"). Each claim
usually comes from a different article, so retrieval runs one sub-query per claim and
the extractive generator looks for one supporting sentence per claim.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from index.text import chunk_sentences
from qa.types import Passage

# A sentence at least this similar (MiniLM cosine) to a claim makes its passage evidence
# for the claim (set on the MultiHop-RAG tuning third; see qa.strategies.inference).
CLAIM_SIMILARITY = 0.5

_FACT_SPLIT = re.compile(
    r",\s*(?:and|while|whereas|but|yet)?\s*|;\s*|\s+(?:while|whereas)\s+|\s+and\s+(?=(?:is|was|are|were|has|had|also)\b)",
    re.I,
)

_ATTRIBUTION = frozenset(
    "according reported report reports reporting both article articles the and also was "
    "published by from as per".split()
)


def longest_first(names: Iterable[str]) -> list[str]:
    """Names longest first, equal lengths alphabetically: "Cnbc | World Business News
    Leader" is cut from a question before "Cnbc" is, and in the same order in every
    process (a set's order changes with Python's hash seed, and answers did with it)."""
    return sorted(names, key=lambda name: (-len(name), name))


def fact_clauses(question: str, sources: frozenset[str] = frozenset()) -> list[str]:
    """The question's separate claims, when it strings several together with commas,
    "while" or "and is": each can then find its own article. A part that only names
    outlets ("as reported by both X and Y") is no claim."""
    parts = []
    for part in _FACT_SPLIT.split(question):
        claim = part
        for source in longest_first(sources):
            claim = re.sub(re.escape(source), " ", claim, flags=re.I)
        words = [w for w in re.findall(r"[A-Za-z]{3,}", claim) if w.lower() not in _ATTRIBUTION]
        if len(words) >= 4:
            parts.append(part)
    return parts if len(parts) > 1 else []


_EVENT_SPLIT = re.compile(r"\s+(?:before|after)\s+", re.I)
_YES_NO_START = re.compile(r"^\W*(?:did|does|do|was|were|is|are|has|have|had)\b", re.I)
MIN_EVENT_WORDS = 3


def event_clauses(question: str) -> list[str]:
    """The two events a yes/no question orders ("Was X fired before Y agreed to Z?"):
    each can then find its own article. Read from the words, before any parse."""
    if not _YES_NO_START.match(question):
        return []
    parts = _EVENT_SPLIT.split(question.rstrip("?"), maxsplit=1)
    if len(parts) != 2 or any(len(p.split()) < MIN_EVENT_WORDS for p in parts):
        return []
    return parts


@dataclass(frozen=True)
class Support:
    """A passage's sentence closest to one claim, and how close it is."""

    passage: int
    sentence: str
    similarity: float


def supports(
    claims: Sequence[tuple[str, frozenset[str]]],
    passages: list[Passage],
    embed: Callable[[list[str]], Any],
    terms: Callable[[str], set[str]] | None = None,
) -> list[list[Support]]:
    """For each (claim, its outlets) the passages of those outlets (of any, if none) whose
    closest sentence is within CLAIM_SIMILARITY of the claim, closest first. ``embed``
    gives unit vectors (a matrix, one row per text).

    With ``terms`` (a text's analysed words), only sentences that share a word with a
    claim they may support are embedded: embedding is most of an answer's time, and a
    sentence sharing no word with a claim is rarely within the bar of it."""
    wanted = [(terms(c) if terms else set(), outlets) for c, outlets in claims]

    def may_support(i: int, sentence: str) -> bool:
        if terms is None:
            return True
        own = terms(sentence)
        source = passages[i].source
        return any(own & words and (not outlets or source in outlets) for words, outlets in wanted)

    sentences: list[tuple[int, str]] = [
        (i, s)
        for i, p in enumerate(passages)
        for s in chunk_sentences(p.text)
        if len(s.split()) >= 4 and may_support(i, s)
    ]
    if not sentences or not claims:
        return [[] for _ in claims]
    vectors = embed([c for c, _ in claims] + [s for _, s in sentences])
    similarity = vectors[len(claims) :] @ vectors[: len(claims)].T  # sentences × claims
    out: list[list[Support]] = []
    for j, (_, outlets) in enumerate(claims):
        best: dict[int, Support] = {}
        for row, (i, sentence) in enumerate(sentences):
            if outlets and passages[i].source not in outlets:
                continue
            score = float(similarity[row, j])
            if score >= CLAIM_SIMILARITY and (i not in best or score > best[i].similarity):
                best[i] = Support(i, sentence, score)
        out.append(sorted(best.values(), key=lambda s: -s.similarity))
    return out
