"""Two questions asked as one: "When did Epic announce the return to Chapter 1, and when
was that season set to start?", "What's the latest on the Bills, and how had their game
against Cincinnati gone?".

Readers join two questions with ", and <wh-word>" as often as they ask one. No strategy
answers both (one question has one shape), so each part is asked on its own, the second
as a follow-up of the first (its "that season", "it" and "before that" point back), and
the two answers are joined, their citations numbered as one list. A part the articles do
not answer says so; both unanswered is the refusal.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.extractive import refusal
from qa.types import Answer, Citation

MAX_WORDS = 30  # a longer question strings claims together (MultiHop-RAG's), not questions
MIN_PART_WORDS = 3  # "and how many?" leans on the first question; alone it asks nothing
_JOINED = re.compile(
    r"^(?P<first>(?:who|whom|whose|what|what's|which|when|where|why|how|did|does|do|is|are|"
    r"was|were|has|have|had|can|could|will|would)\b.+?),\s*and\s+"
    r"(?P<second>(?:who|whom|whose|what|which|when|where|why|how)\b.+)$",
    re.I,
)


def split_question(question: str) -> tuple[str, str] | None:
    """The two questions of "<question>, and <wh-question>?", or None for one question."""
    text = " ".join(question.split())
    if len(text.split()) > MAX_WORDS:
        return None
    joined = _JOINED.match(text)
    if joined is None:
        return None
    first = joined.group("first").rstrip(" ,;") + "?"
    second = joined.group("second").strip()
    second = second[0].upper() + second[1:]
    return first, second if second.endswith("?") else f"{second}?"


def joined_answer(question: str, parts: tuple[str, str], first: Answer, second: Answer) -> Answer:
    """The two answers as one: the first's text, then the second's with its citation
    numbers moved on past the first's (a passage both cite keeps one number); the short
    answer is the first's, which the text opens on. A part the articles do not answer
    keeps its own "the articles don't say"; when neither is answered, the question is
    refused whole. An answer the first already gives is not given twice."""
    if first.refused and second.refused:
        return refusal(question, f"{first.refusal_reason}; {second.refusal_reason}")
    # a refused part is quoted as asked, not as the follow-up reading of it
    first, second = (
        replace(answer, text=refusal(part, answer.refusal_reason).text)
        if answer.refused
        else answer
        for answer, part in zip((first, second), parts, strict=True)
    )
    if _told_in(second, first) or (second.refused and len(parts[1].split()) < MIN_PART_WORDS):
        # one passage answers both; or an elliptical "and how many?" the first answers
        return replace(first, query=question)
    if second.refused:
        return replace(first, text=f"{first.text}\n\n{second.text}", query=question)
    if first.refused:  # the text no longer opens on the second's short answer
        return replace(
            second, text=f"{first.text}\n\n{second.text}", short_answer="", query=question
        )
    numbers = {c.chunk_id: c.number for c in first.citations}
    citations: list[Citation] = list(first.citations)
    moved: dict[int, int] = {}
    for citation in second.citations:
        if citation.chunk_id and citation.chunk_id in numbers:
            moved[citation.number] = numbers[citation.chunk_id]
            continue
        number = len(citations) + 1
        moved[citation.number] = number
        citations.append(replace(citation, number=number))
        numbers[citation.chunk_id] = number
    text = re.sub(
        r"\[(\d+)\]", lambda m: f"[{moved.get(int(m.group(1)), m.group(1))}]", second.text
    )
    return replace(first, text=f"{first.text}\n\n{text}", citations=citations, query=question)


def _told_in(answer: Answer, other: Answer) -> bool:
    """Whether ``other`` already says all ``answer`` quotes, and its short answer."""
    if answer.refused or not answer.citations:
        return False
    # a quote ends where its citation marker went in: "… of 2015 [1]."
    quotes = [c.quote.rstrip(" .!?") for c in answer.citations if c.quote]
    return (
        bool(quotes) and all(q in other.text for q in quotes) and answer.short_answer in other.text
    )
