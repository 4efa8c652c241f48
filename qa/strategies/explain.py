"""Explanations ("Why …?", "How did X respond …?", "What did X say when …?", "What is
the deal about?"): the best sentence and the few that say more of the same, in the
articles' own order.

One sentence rarely explains: the reason, the reaction or the remarks run over two or
three sentences, and the one that scores best is often the frame ("This was stated by
Lavrov while addressing a press conference …") rather than what was said. So the answer
is the best sentence plus those scoring close to it (EXPLAIN_SHARE of its score) that
say something new (not REDUNDANT to a chosen one), at most MAX_SENTENCES, each cited;
the sentence finder's evidence bar and its refusal stand as for every shape.

A reporter gives the reason after the sentence that states what happened ("Pebble is
shutting down. … the app maxed out at 3,000 daily active users"): when the close
sentences leave room, the answer reads on from the best sentence into the ones that
follow it in its article, while each stays on the question (READ_ON_SIMILARITY).
"""

from __future__ import annotations

from qa.extractive import Candidate, Evidence, ExtractiveGenerator, compose
from qa.question import Question, without_phrases
from qa.strategies import account
from qa.strategies.common import is_a_question, names_covered, sentences_after
from qa.types import Answer, Passage

MAX_SENTENCES = 3
EXPLAIN_SHARE = 0.85  # of the best sentence's score
REDUNDANT = 0.8  # MiniLM cosine above which two sentences say the same
READ_ON = 2  # sentences after the best one that may carry on its explanation
READ_ON_SIMILARITY = 0.35  # MiniLM cosine to the question a sentence read on keeps


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    found = finder.evidence(question, passages)
    if isinstance(found, str):
        return finder.sentence_answer(question, passages)
    said = account.answer(question, found.candidates, passages, finder)
    if said is not None:
        return said
    return explained(question, found, passages, finder)


def explained(
    question: Question, found: Evidence, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer:
    """The best sentence, those close to it that say more, and the ones read on after it."""
    chosen = _close_sentences(question, found, passages, finder)
    ordered = sorted(chosen, key=lambda c: (c.passage, _position(c, passages)))
    parts = [(c.sentence, passages[c.passage], c.score) for c in ordered]
    if len(chosen) < MAX_SENTENCES:
        at = next((i + 1 for i, c in enumerate(ordered) if c is found.best), len(parts))
        parts[at:at] = _read_on(question, found, chosen, passages, finder)
    return compose(question.full, parts)


def _read_on(
    question: Question,
    found: Evidence,
    chosen: list[Candidate],
    passages: list[Passage],
    finder: ExtractiveGenerator,
) -> list[tuple[str, Passage, float]]:
    """The sentences right after the best one in its article (as far as retrieval brought
    it), up to READ_ON, while each stays on the question — close to it, or saying its
    verb ("… were discussed" for "What did they talk about?") — none already chosen,
    none a question of its own."""
    best = found.best
    verb = finder.terms_of(question.focus_verb or question.focus_lemma)
    after = sentences_after(best, passages)[:READ_ON]
    if not after:
        return []
    # the question without its setting: "According to Pakistan's military, …" makes any
    # sentence about Pakistan's military look close
    asked = without_phrases(question.text, question.setting)
    vectors = finder.embed([asked, *(s for s, _ in after)])
    out: list[tuple[str, Passage, float]] = []
    for i, (sentence, passage) in enumerate(after, start=1):
        on_it = float(vectors[0] @ vectors[i]) >= READ_ON_SIMILARITY or bool(
            verb and verb <= finder.same_terms(found, sentence)
        )
        if not on_it or is_a_question(sentence) or any(sentence in c.sentence for c in chosen):
            break
        out.append((sentence, passage, best.score))
    return out


def _close_sentences(
    question: Question, found: Evidence, passages: list[Passage], finder: ExtractiveGenerator
) -> list[Candidate]:
    best = found.best
    # first the sentences that cover what the best one leaves out (as every shape does)
    chosen = finder.covering(found)
    pool = [
        c
        for c in found.candidates
        if all(c is not other for other in chosen)
        and not c.pair
        and c.score >= EXPLAIN_SHARE * best.score
        and names_covered(question, found, c, passages[c.passage], finder)
    ]
    if not pool or len(chosen) >= MAX_SENTENCES:
        return chosen
    vectors = finder.embed([c.sentence for c in chosen] + [c.sentence for c in pool])
    picked = list(range(len(chosen)))
    for i, candidate in enumerate(pool, start=len(chosen)):
        if len(chosen) >= MAX_SENTENCES:
            break
        if any(
            candidate.sentence in c.sentence or c.sentence in candidate.sentence for c in chosen
        ):
            continue
        if max(float(vectors[i] @ vectors[j]) for j in picked) >= REDUNDANT:
            continue
        chosen.append(candidate)
        picked.append(i)
    return chosen


def _position(candidate: Candidate, passages: list[Passage]) -> int:
    at = passages[candidate.passage].text.find(candidate.sentence.split(". ")[0])
    return at if at >= 0 else len(passages[candidate.passage].text)
