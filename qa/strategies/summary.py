"""Summaries ("Summarize …", "Tell me about …", "What happened …"): the few most salient,
non-redundant sentences of the relevant articles, grouped by article, articles in date
order, each introduced by its outlet and date and each sentence cited.

Salience is relevance to the topic (the sentence finder's score) times centrality
among the retrieved sentences (mean similarity to the others: what many passages
repeat is what the coverage is about); redundancy is kept out by maximal marginal
relevance. Refused only when nothing retrieved is about the topic.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from qa.extractive import Candidate, ExtractiveGenerator, cite, compose, refusal
from qa.question import SAID_ABOUT, Question, asks_about_everything
from qa.spans import mentions
from qa.strategies import account
from qa.strategies.common import opening_sentences, topic_evidence, where_from
from qa.strategies.when import someone_else_did_it
from qa.types import Answer, Passage

MAX_SENTENCES = 6
MIN_SENTENCES = 3
MIN_RELEVANCE = 0.6  # share of the best sentence's score a summary sentence keeps
FLOOR_RELEVANCE = 0.4  # … to reach MIN_SENTENCES, from the same articles
REDUNDANT = 0.8  # embedding similarity above which two sentences say the same
MMR_LAMBDA = 0.7


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    if asks_about_everything(question.text, {p.source for p in passages}):
        # "Summarize the articles": each article the retrieval brought (the newest), by
        # its opening sentence
        openings = opening_sentences(passages)[:MAX_SENTENCES]
        if not openings:
            return refusal(question.full, "no article with a sentence to show")
        return write_by_article(question, openings, passages)
    found = topic_evidence(question, passages, finder)
    if isinstance(found, Answer):
        return found
    about = names_said_about(question)
    said = account.answer(question, found.candidates, passages, finder)
    if said is not None:
        return _about(question, said, about)
    pool = [
        c for c in found.candidates if not c.pair and c.score >= MIN_RELEVANCE * found.best.score
    ]
    pool = _not_someone_elses(question, pool, passages, finder) or pool
    if not pool:
        pool = [found.best]
    if len(pool) < MIN_SENTENCES:
        more = _more_from_the_same_articles(pool, found.candidates, found.best.score, passages)
        pool += _not_someone_elses(question, more, passages, finder) if more else []
    chosen = select(pool, finder)
    return _about(question, write_by_article(question, chosen, passages), about)


def names_said_about(question: Question) -> list[str]:
    """The names of what a "what did X say about Y" question asks about: "India" in "What
    did Imran Khan say to Lavrov about India during his visit?"."""
    said = SAID_ABOUT.search(question.text)
    if not said:
        return []
    topic = re.split(
        r"\b(?:during|at|in|when|while|after|before|since)\b|[,?]", question.text[said.end() :]
    )[0]
    return [name for name in question.names if mentions(topic, name)]


def _about(question: Question, answer: Answer, names: list[str]) -> Answer:
    """The summary, or the refusal when it says nothing of a name asked about: an account
    of the visit is no account of what was said about India."""
    missing = [name for name in names if not mentions(answer.text, name)]
    if missing:
        return refusal(question.full, f"no sentence found that says anything about {missing[0]!r}")
    return answer


def _not_someone_elses(
    question: Question, pool: list[Candidate], passages: list[Passage], finder: ExtractiveGenerator
) -> list[Candidate]:
    """For a topic that is someone's action ("Lavrov's visit to Pakistan"), the sentences
    that do not give that action to someone else ("Asif is visiting Moscow", "a visit by
    Foreign Secretary Janjua")."""
    owned = owned_action(question.topic or question.text, finder)
    if owned is None:
        return pool
    asked = replace(question, subject=owned[0], focus_lemma=owned[1])
    action = finder.terms_of(owned[1])
    return [
        c
        for c in pool
        if not (
            action & finder.terms_of(c.sentence)
            and someone_else_did_it(
                finder.parse_sentence(c.sentence, passages[c.passage]), asked, finder
            )
        )
    ]


def owned_action(topic: str, finder: ExtractiveGenerator) -> tuple[str, str] | None:
    """ "Lavrov's visit to Pakistan" → ("Lavrov", "visit"): a named owner's action noun."""
    doc = finder.parse_question(topic)
    for token in doc:
        if token.pos_ != "NOUN":
            continue
        owner = next((c for c in token.children if c.dep_ == "poss" and c.pos_ == "PROPN"), None)
        if owner is not None:
            return " ".join(t.text for t in owner.subtree if t.dep_ != "case"), token.lemma_.lower()
    return None


def _more_from_the_same_articles(
    pool: list[Candidate], candidates: list[Candidate], best: float, passages: list[Passage]
) -> list[Candidate]:
    """A summary of one or two sentences is an answer, not a summary: the next best
    sentences (down to FLOOR_RELEVANCE of the best) of the articles already chosen."""
    articles = {passages[c.passage].doc_id for c in pool}
    more = [
        c
        for c in candidates
        if c not in pool
        and not c.pair
        and c.score >= FLOOR_RELEVANCE * best
        and passages[c.passage].doc_id in articles
    ]
    return more[: MIN_SENTENCES - len(pool)]


def select(pool: list[Candidate], finder: ExtractiveGenerator) -> list[Candidate]:
    """Maximal marginal relevance over relevance × centrality."""
    vectors = finder.embed([c.sentence for c in pool])
    sims = vectors @ vectors.T
    n = len(pool)
    centrality = (sims.sum(axis=1) - 1.0) / max(1, n - 1)
    salience = np.array([c.score for c in pool]) * (0.5 + centrality)
    chosen: list[int] = []
    while len(chosen) < min(MAX_SENTENCES, n):
        best, best_value = -1, -np.inf
        for i in range(n):
            if i in chosen:
                continue
            overlap = max((float(sims[i, j]) for j in chosen), default=0.0)
            if overlap >= REDUNDANT:
                continue
            value = MMR_LAMBDA * float(salience[i]) - (1 - MMR_LAMBDA) * overlap
            if value > best_value:
                best, best_value = i, value
        if best < 0:
            break
        chosen.append(best)
    return [pool[i] for i in chosen]


def write_by_article(
    question: Question, chosen: list[Candidate], passages: list[Passage]
) -> Answer:
    """Sentences grouped under their article (outlet, date), articles oldest first,
    sentences in the article's own order."""
    by_doc: dict[str, list[Candidate]] = {}
    for candidate in chosen:
        passage = passages[candidate.passage]
        by_doc.setdefault(passage.doc_id or passage.chunk_id, []).append(candidate)

    def first_passage(group: list[Candidate]) -> Passage:
        return passages[group[0].passage]

    groups = sorted(
        by_doc.values(), key=lambda g: (first_passage(g).date or "9999", first_passage(g).title)
    )
    for group in groups:
        group.sort(
            key=lambda c: (c.passage, passages[c.passage].text.find(c.sentence.split(". ")[0]))
        )
    ordered = [c for group in groups for c in group]
    quoted = compose(question.full, [(c.sentence, passages[c.passage], c.score) for c in ordered])
    number = {c.chunk_id: c.number for c in quoted.citations}
    lines = []
    for group in groups:
        head = first_passage(group)
        where = where_from(head)
        said = " ".join(cite(c.sentence, passages[c.passage], number) for c in group)
        lines.append(f"{where} — {head.title}: {said}" if where else f"{head.title}: {said}")
    return replace(quoted, text="\n\n".join(lines))
