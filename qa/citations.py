"""Checking a model's citations against the passages it was given.

An LLM writes ``[n]`` markers, but nothing makes them true. After generation:

* markers pointing at no passage are removed;
* each sentence is checked against the passages it cites: a sentence with no citation,
  or whose cited passages do not contain its content words (lexical support below a
  threshold), is listed as unverified, with the reason;
* the surviving passages are renumbered in order of first use, so ``[1]`` is always
  the first source in ``Answer.citations``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from index.text import split_sentences
from qa.types import Answer, Citation, Passage, Unverified

MIN_SUPPORT = 0.5  # share of a sentence's content terms its cited passages must contain
_MARKER_GROUP = re.compile(r"\s*\[(\d{1,3}(?:\s*[,;]\s*\d{1,3})*)\]")
REFUSAL_PATTERN = re.compile(
    r"\b(?:articles?|passages?|sources?)\s+(?:do(?:es)?\s*n[o']t|did\s*n[o']t)\s+"
    r"(?:say|cover|mention|contain|provide|address)",
    re.I,
)


@dataclass
class CheckedText:
    text: str
    citations: list[Citation]
    unverified: list[Unverified] = field(default_factory=list)
    dropped: list[int] = field(default_factory=list)

    @property
    def cited_anything(self) -> bool:
        return bool(self.citations)


def check_citations(
    text: str,
    passages: list[Passage],
    analyze: Callable[[str], list[str]],
    stopwords: frozenset[str] = frozenset(),
) -> CheckedText:
    """Drop invalid markers, flag unsupported sentences, renumber by first use."""
    dropped: list[int] = []
    order: dict[int, int] = {}  # passage index -> new number

    def renumber(match: re.Match[str]) -> str:
        kept = []
        for raw in re.split(r"\s*[,;]\s*", match.group(1)):
            n = int(raw)
            if 1 <= n <= len(passages):
                order.setdefault(n - 1, len(order) + 1)
                kept.append(order[n - 1])
            else:
                dropped.append(n)
        unique = list(dict.fromkeys(kept))
        return " " + "".join(f"[{k}]" for k in unique) if unique else ""

    cleaned = _MARKER_GROUP.sub(renumber, text.strip())
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    by_number = {number: index for index, number in order.items()}

    unverified: list[Unverified] = []
    quotes: dict[int, list[str]] = {}
    for sentence in split_sentences(cleaned):
        numbers = [int(n) for n in re.findall(r"\[(\d{1,3})\]", sentence)]
        bare = re.sub(r"\s*\[\d{1,3}\]", "", sentence).strip()
        terms = {t for t in analyze(bare) if t not in stopwords}
        if len(terms) < 2 or REFUSAL_PATTERN.search(bare):
            continue  # connective or "the articles don't say" sentences need no source
        if not numbers:
            unverified.append(Unverified(sentence=bare, reason="no citation"))
            continue
        best = 0.0
        for number in numbers:
            passage = passages[by_number[number]]
            found = set(analyze(f"{passage.title} {passage.text}"))
            support = len(terms & found) / len(terms)
            if support >= best:
                best = support
            if support >= MIN_SUPPORT:
                quotes.setdefault(number, []).append(bare)
        if best < MIN_SUPPORT:
            unverified.append(
                Unverified(
                    sentence=bare,
                    reason=f"the cited passage does not support it (support {best:.2f})",
                )
            )

    citations = []
    for number in sorted(by_number):
        passage = passages[by_number[number]]
        citations.append(
            Citation(
                number=number,
                title=passage.title,
                source=passage.source,
                date=passage.date,
                url=passage.url,
                text=passage.text,
                score=passage.score,
                chunk_id=passage.chunk_id,
                quote=" ".join(quotes.get(number, [])),
            )
        )
    return CheckedText(cleaned, citations, unverified, dropped)


def is_refusal(text: str) -> bool:
    """Whether a model's whole answer says that the passages don't cover the question."""
    return bool(REFUSAL_PATTERN.search(text)) and not re.search(r"\[\d{1,3}\]", text)


def checked_answer(question: str, checked: CheckedText, meta: dict[str, object]) -> Answer:
    return Answer(
        text=checked.text,
        citations=checked.citations,
        query=question,
        generator="llm",
        unverified=checked.unverified,
        meta={**meta, "dropped_citations": checked.dropped},
    )
