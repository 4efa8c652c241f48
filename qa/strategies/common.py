"""What the strategies share: the few sentences worth reading for a short answer, and
writing "<short answer> [n]. — “<the sentence>”"."""

from __future__ import annotations

from dataclasses import replace

from qa.extractive import Candidate, Evidence, ExtractiveGenerator, compose, refusal
from qa.question import Question
from qa.spans import mentions
from qa.types import Answer, Passage

READ_CANDIDATES = 3  # sentences searched for a short answer, best first
MIN_SHARE_OF_BEST = 0.85  # a lower-ranked sentence must score this close to the best


def readable(found: Evidence) -> list[Candidate]:
    """The best sentence and those scoring close to it, single sentences before pairs."""
    best = found.best.score
    close = [c for c in found.candidates if c.score >= MIN_SHARE_OF_BEST * best]
    return close[:READ_CANDIDATES]


def lead_answer(
    question: str,
    lead: str,
    short: str,
    cited: list[tuple[str, Passage, float]],
    finder: ExtractiveGenerator,
) -> Answer:
    """``lead`` cited with the passage(s) of ``cited``, then the sentences quoted."""
    quoted = compose(question, cited)
    numbers = "".join(f"[{c.number}]" for c in quoted.citations)
    lead = lead.rstrip(". ")
    text = f"{lead} {numbers}. — {quoted.text}"
    return replace(quoted, text=text, short_answer=short)


def topic_evidence(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Evidence | Answer:
    """For a summary, "latest" or timeline question: the evidence about its topic (the
    question without its framing words), or the refusal when nothing retrieved is about it."""
    topic = finder.read(question.topic or question.text)
    found = finder.evidence(topic, passages)
    if isinstance(found, str):
        return refusal(question.full, f"nothing retrieved is about {question.topic!r}: {found}")
    return found


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def names_covered(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> bool:
    """Whether the sentence's passage (with its headline) names everything the question
    names: "How many helicopters did Russia give Iran?" is not answered from a passage
    that never mentions Iran. (The passage, not the sentence: a sentence says "the two
    countries" or "we" for names its passage gives.)"""
    context = f"{passage.title} {passage.text}"
    terms = finder.same_terms(found, context)
    for name in question.names:
        wanted = finder.terms_of(name) & found.weights.keys()
        if not wanted:
            continue
        if wanted <= terms or mentions(context, name):
            continue
        if any(
            (t.startswith(w) and len(w) >= 4) or (w.startswith(t) and len(t) >= 5)
            for w in wanted
            for t in terms
        ):
            continue  # "Russian" for "Russia", "Russia" for "Russian"
        return False
    return True
