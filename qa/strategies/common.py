"""What the strategies share: the few sentences worth reading for a short answer,
writing "<short answer> [n]. — “<the sentence>”", the outlets a question names, and one
cited line per claim ("TechCrunch, 7 April 2021: <sentence> [1]")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from index.text import chunk_sentences
from qa.claims import longest_first
from qa.dates import long_date_or_blank
from qa.extractive import (
    Candidate,
    Evidence,
    ExtractiveGenerator,
    cite,
    compose,
    refusal,
)
from qa.question import SAID_ABOUT, Question
from qa.spans import mentions
from qa.types import Answer, Passage

READ_CANDIDATES = 3  # sentences searched for a short answer, best first
MIN_SHARE_OF_BEST = 0.85  # a lower-ranked sentence must score this close to the best
# A sentence this close (MiniLM cosine) to a summary's or timeline's topic is about it
# when the sentence finder finds no sentence sharing the topic's words.
TOPIC_SIMILARITY = 0.45
# Sentences a summary, "latest" or timeline answer chooses from (a short answer reads 12).
TOPIC_CANDIDATES = 30


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


MIN_OPENING_WORDS = 8  # an article's opening sentence, not a dateline or a caption


def opening_sentences(passages: list[Passage]) -> list[Candidate]:
    """Each article's first sentence of some length that is not its headline, in the
    passages' order: the key sentence of an article when the question is about the
    coverage as a whole ("What's the latest?"), not about a topic within it."""
    out: list[Candidate] = []
    seen: set[str] = set()
    for index, passage in enumerate(passages):
        article = passage.doc_id or passage.chunk_id
        if article in seen:
            continue
        for sentence in chunk_sentences(passage.text):
            if len(sentence.split()) >= MIN_OPENING_WORDS and sentence.strip() != passage.title:
                out.append(Candidate(sentence, index, 1.0, 1.0, frozenset(), score=1.0))
                seen.add(article)
                break
    return out


@dataclass(frozen=True)
class TopicEvidence:
    """The sentences about a summary's, "latest" or timeline question's topic, best first."""

    best: Candidate
    candidates: list[Candidate]


def topic_evidence(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> TopicEvidence | Answer:
    """For a summary, "latest" or timeline question: the evidence about its topic (the
    question without its framing words, the sentences that are questions left out), or
    the refusal when nothing retrieved is about it.

    The sentence finder asks a sentence to share the topic's words; a topic in other words
    ("the most recent status of the talks" for "the talks have made little headway") is
    found by meaning instead: sentences within TOPIC_SIMILARITY of it, in passages that
    name every name the question names."""
    # the topic is read alone; the setting that places it is the question's
    topic = replace(finder.read(question.topic or question.text), setting=question.setting)
    found = finder.evidence(topic, passages, breadth=TOPIC_CANDIDATES)
    if not isinstance(found, str):
        return _stated(TopicEvidence(found.best, found.candidates))
    if SAID_ABOUT.match(question.text):
        # "What did Lavrov say about the Iran deal?" names its topic exactly: a sentence
        # merely close in meaning is no account of what was said about it
        return refusal(question.full, f"nothing retrieved is about {question.topic!r}: {found}")
    close = _close_to(topic.full, question, passages, finder)
    if not close:
        return refusal(question.full, f"nothing retrieved is about {question.topic!r}: {found}")
    return _stated(TopicEvidence(close[0], close))


def is_a_question(sentence: str) -> bool:
    """Whether a sentence asks rather than tells ("What is the College Football Playoff?"
    in a betting guide, an interviewer's "What kind of interaction …?")."""
    return sentence.rstrip().endswith("?")


def _stated(found: TopicEvidence) -> TopicEvidence:
    """The evidence without the sentences that are questions, which tell no news of the
    topic (all of it, should every sentence be one)."""
    stated = [c for c in found.candidates if not is_a_question(c.sentence)]
    return replace(found, candidates=stated or found.candidates)


def _close_to(
    topic: str, question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> list[Candidate]:
    named = [
        i
        for i, p in enumerate(passages)
        if all(mentions(f"{p.title} {p.text}", name) for name in question.names)
    ]
    sentences = [
        (i, s) for i in named for s in chunk_sentences(passages[i].text) if len(s.split()) >= 4
    ]
    if not sentences:
        return []
    vectors = finder.embed([topic] + [s for _, s in sentences])
    similarity = vectors[1:] @ vectors[0]
    close = [
        Candidate(s, i, 0.0, 0.0, frozenset(), similarity=float(x), score=float(x))
        for (i, s), x in zip(sentences, similarity, strict=True)
        if x >= TOPIC_SIMILARITY
    ]
    return sorted(close, key=lambda c: (-c.score, c.passage))


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


def outlets_of(passages: list[Passage]) -> list[str]:
    """The passages' outlets, longest name first (so "The Verge" is tried before "Verge")."""
    return longest_first({p.source for p in passages if p.source})


def names_outlet(text: str, outlet: str) -> bool:
    """Whether ``text`` names the outlet ("TechCrunch" for "TechCrunch | Startup News")."""
    name = _short_name(outlet)
    return bool(name) and re.search(rf"\b{re.escape(name)}\b", text, re.I) is not None


def outlet_spellings(outlet: str) -> list[str]:
    """How a question may write the outlet, longest first: "TechCrunch | Startup News",
    then "TechCrunch"."""
    return longest_first({outlet, _short_name(outlet)})


def _short_name(outlet: str) -> str:
    return outlet.split(" | ")[0].strip()


def cited_lines(question: str, parts: list[tuple[str, Passage, float]]) -> tuple[Answer, str]:
    """The (sentence, passage, score) parts composed into one cited answer whose text is
    one line per part, "Outlet, 7 April 2021: <sentence> [n]" (the headline for an article
    with neither); and every citation number
    ("[1][2]"), for the verdict line a strategy puts above them."""
    quoted = compose(question, parts)
    number = {c.chunk_id: c.number for c in quoted.citations}
    lines = [f"{where_from(p) or p.title}: {cite(s, p, number)}" for s, p, _ in parts]
    numbers = "".join(f"[{c.number}]" for c in quoted.citations)
    return replace(quoted, text="\n".join(lines)), numbers


def where_from(passage: Passage) -> str:
    """ "TechCrunch, 7 April 2021": the article's outlet and date, as far as known. A
    plain file has no outlet; its name is not one ("003_e038c91dee60b0cf.txt")."""
    return ", ".join(x for x in (passage.outlet, long_date_or_blank(passage.date)) if x)


def sentences_after(anchor: Candidate, passages: list[Passage]) -> list[tuple[str, Passage]]:
    """The sentences that follow the anchor in its chunk, then in the article's next
    chunks as far as retrieval brought them."""
    passage = passages[anchor.passage]
    sentences = chunk_sentences(passage.text)
    first = anchor.sentence.split(". ")[0]
    at = next((i for i, s in enumerate(sentences) if anchor.sentence.startswith(s)), None)
    if at is None:
        at = next((i for i, s in enumerate(sentences) if s.startswith(first)), None)
    if at is None:
        return []
    while at + 1 < len(sentences) and sentences[at + 1] in anchor.sentence:
        at += 1  # the anchor is a pair of sentences
    out = [(s, passage) for s in sentences[at + 1 :]]
    if passage.position < 0:
        return out
    position = passage.position
    while True:
        following = next(
            (p for p in passages if p.doc_id == passage.doc_id and p.position == position + 1),
            None,
        )
        if following is None:
            return out
        out += [(s, following) for s in chunk_sentences(following.text)]
        position += 1
