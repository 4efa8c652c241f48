"""Multi-hop "which/who" questions: the name that the evidence for every claim shares.

"Which company, described by TechCrunch as spending billions to stay the default search
engine and by The Verge as harming news publishers, …?" strings claims together that no
single sentence states. Each claim is compared (MiniLM) with the sentences of the
articles it is about (the outlet it names, or every outlet the question names); a
passage whose best sentence comes close enough is evidence for that claim. The answer
is a name of the asked kind (entities found at ingest) that the evidence of *every*
claim mentions and the question itself does not; it is named first, with one cited
sentence per claim (a claim with no close sentence is said to have none). When fewer
than two claims, or fewer than half, find evidence, when no name is shared by all the
evidence found, or two names tie, this strategy gives way (``None``) and the
claim-by-claim sentence answer decides. When that too is refused, the last resort is
the name most of the passages read are about, if it clearly leads, said to be only that
(``dominant_answer``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

import numpy as np

from index.text import chunk_sentences
from qa.claims import CLAIM_SIMILARITY, Support, fact_clauses, supports
from qa.extractive import ExtractiveGenerator
from qa.question import Question
from qa.spans import MIN_SURNAME, same_name
from qa.strategies.common import cited_lines, names_outlet, outlet_spellings, outlets_of
from qa.types import Answer, Passage

# At least two claims, and at least half of them, need evidence (a sentence within
# qa.claims.CLAIM_SIMILARITY), and the winner's mean claim similarity must beat the
# runner-up's by MARGIN. Set on the MultiHop-RAG tuning third (index % 3 == 0; 300
# inference and 95 null questions): similarity 0.50, half the claims, margin 0.01 answers
# 41 % of the inference questions, 87 % of those correctly, and 4 of the 95 null
# questions; requiring every claim answers 22 %; a bar of 0.45 answers 7 null questions.
MARGIN = 0.01
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT"})

_WH_PHRASE = re.compile(
    r"^\s*(?:who|whom|whose|which|what)\b(?:\s+(?:is|was|are|were|has|had))?"
    r"(?:\s+(?:the|an?))?(?:\s+\w+)?\s*,?",
    re.I,
)
_FRAMING = re.compile(
    r"\b(?:as\s+)?(?:reported|described|covered|featured|discussed|mentioned|highlighted|"
    r"according)\b(?:\s+(?:by|in|to|from))?|\b(?:both|articles?|reports?|pieces?)\b",
    re.I,
)


# When the claims find too little evidence to share a name, the name of the asked kind
# that at least DOMINANT_PASSAGES of the passages read (the first eight) mention,
# DOMINANCE times as many as any other, answers, said as such. Set on the MultiHop-RAG
# tuning third: of the 115 inference questions the rule above left unanswered, 5 passages
# and twice the runner-up answer 17, 16 correctly, and none of its 41 null questions of
# this shape (4 passages: 22, 18 correctly; 1.5 times: 37, 27 correctly).
DOMINANT_PASSAGES = 5
DOMINANCE = 2.0


def answer(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    claims = _claims(question.text, passages)
    if len(claims) < 2 or not passages:
        return None
    return _shared_name(question, passages, claims, finder)


def dominant_answer(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    """The last resort for a question of several claims that neither a shared name nor
    a sentence per claim answers: the name most of the passages are about, when it
    clearly leads (``DOMINANT_PASSAGES``, ``DOMINANCE``)."""
    claims = _claims(question.text, passages)
    if len(claims) < 2 or not passages:
        return None
    return _dominant_name(question, passages, claims, finder)


def _shared_name(
    question: Question,
    passages: list[Passage],
    claims: list[tuple[str, frozenset[str]]],
    finder: ExtractiveGenerator,
) -> Answer | None:
    """The name the evidence of every supported claim mentions."""
    every = supports(claims, passages, finder.embed, finder.terms_of)
    supported = [i for i, found in enumerate(every) if found]
    if len(supported) < 2 or 2 * len(supported) < len(claims):
        return None
    evidence = [every[i] for i in supported]
    missing = [claims[i][0] for i in range(len(claims)) if not every[i]]
    labels = question.answer_labels or NAME_LABELS
    names = _candidate_names(question, passages, labels)
    ranked: list[tuple[float, str, list[Support]]] = []
    for name, forms in names.items():
        chosen: list[Support] = []
        for found in evidence:
            with_name = [s for s in found if _mentions_any(passages[s.passage], forms)]
            if not with_name:
                break
            chosen.append(max(with_name, key=lambda s: s.similarity))
        else:
            score = sum(s.similarity for s in chosen) / len(chosen)
            ranked.append((score, name, chosen))
    if not ranked:
        return None
    ranked.sort(key=lambda item: -item[0])
    if len(ranked) > 1 and ranked[0][0] - ranked[1][0] < MARGIN:
        return None
    _, name, chosen = ranked[0]
    forms = names[name]
    parts: list[tuple[str, Passage, float]] = []
    for i, support in zip(supported, chosen, strict=True):
        claim = claims[i][0]
        sentence = _sentence_naming(passages[support.passage], forms, support, finder, claim)
        if all(sentence != s for s, _, _ in parts):
            parts.append((sentence, passages[support.passage], support.similarity))
    quoted, numbers = cited_lines(question.full, parts)
    unfound = "".join(f"\nNo sentence found for: {claim}." for claim in missing)
    return replace(quoted, text=f"{name} {numbers}.\n{quoted.text}{unfound}", short_answer=name)


def _dominant_name(
    question: Question,
    passages: list[Passage],
    claims: list[tuple[str, frozenset[str]]],
    finder: ExtractiveGenerator,
) -> Answer | None:
    """The name most of the passages found for the claims are about, when it clearly
    leads; cited by the passages that name it (one per claim, in retrieval order), each
    by its sentence naming it closest to the question, and said to be no more than that."""
    names = _candidate_names(question, passages, question.answer_labels or NAME_LABELS)
    counted = sorted(
        ((sum(_mentions_any(p, forms) for p in passages), name) for name, forms in names.items()),
        key=lambda item: -item[0],
    )
    if not counted or counted[0][0] < DOMINANT_PASSAGES:
        return None
    runner_up = counted[1][0] if len(counted) > 1 else 0
    if counted[0][0] < DOMINANCE * runner_up:
        return None
    name = counted[0][1]
    forms = names[name]
    cited = [p for p in passages if _mentions_any(p, forms)][: len(claims)]
    naming = [(p, _naming_sentences(p, forms)) for p in cited]
    texts = [s for _, sentences in naming for s in sentences]
    if not texts:
        return None
    vectors = finder.embed([question.text, *texts])  # one model call for every passage
    scores = vectors[1:] @ vectors[0]
    parts: list[tuple[str, Passage, float]] = []
    start = 0
    for passage, sentences in naming:
        if not sentences:
            continue
        best = start + int(np.argmax(scores[start : start + len(sentences)]))
        start += len(sentences)
        if all(texts[best] != s for s, _, _ in parts):
            parts.append((texts[best], passage, float(scores[best])))
    quoted, numbers = cited_lines(question.full, parts)
    why = (
        f"\nNo sentence found matches every part of the question: {name} is the name "
        f"{counted[0][0]} of the {len(passages)} passages found for it share"
        + (f" (the next, {runner_up})." if runner_up else ".")
    )
    return replace(quoted, text=f"{name} {numbers}.\n{quoted.text}{why}", short_answer=name)


def _claims(text: str, passages: list[Passage]) -> list[tuple[str, frozenset[str]]]:
    """Each claim with the outlets it is about: the one it names, else every outlet
    the question names, else all."""
    outlets = outlets_of(passages)
    named = frozenset(o for o in outlets if names_outlet(text, o))
    out: list[tuple[str, frozenset[str]]] = []
    for part in fact_clauses(text, frozenset(outlets)):
        own = frozenset(o for o in outlets if names_outlet(part, o))
        claim = _claim_text(part, outlets)
        if len(claim.split()) >= 3:
            out.append((claim, own or named))
    return out


def _claim_text(part: str, outlets: list[str]) -> str:
    for outlet in outlets:
        for name in outlet_spellings(outlet):
            part = re.sub(rf"['‘’]?\b{re.escape(name)}\b['‘’]?(?:'s)?", " ", part, flags=re.I)
    part = _WH_PHRASE.sub(" ", part)
    part = _FRAMING.sub(" ", part)
    return " ".join(part.replace("?", " ").split()).strip(" ,;")


def _candidate_names(
    question: Question, passages: list[Passage], labels: frozenset[str]
) -> dict[str, frozenset[str]]:
    """Names of the asked kind in the passages, spellings of one thing grouped ("Sam
    Bankman-Fried", "Bankman-Fried"), minus what the question names and the outlets."""
    outlets = {p.source.lower() for p in passages if p.source}
    counts: dict[str, int] = defaultdict(int)
    people = {_clean(e.text) for p in passages for e in p.entities if e.label == "PERSON"}
    # whose surname it is: "Kelce" names no one when Travis and Jason Kelce both appear
    bearers: dict[str, set[str]] = defaultdict(set)
    for name in [*people, *question.names]:
        if len(name.split()) > 1:
            bearers[name.split()[-1]].add(name.lower())
    for passage in passages:
        for entity in passage.entities:
            text = _clean(entity.text)
            if entity.label not in labels or len(text) < 2 or text.lower() in outlets:
                continue
            if _asked_in(question.text, text):
                continue
            counts[text] += 1
    groups: list[list[str]] = []
    for text in sorted(counts, key=lambda t: (-counts[t], -len(t))):
        for group in groups:
            if any(same_name(text, other) and _compatible(text, other) for other in group):
                group.append(text)
                break
        else:
            groups.append([text])
    out: dict[str, frozenset[str]] = {}
    for group in groups:
        # The fullest spelling that contains the most frequent one ("Sam Bankman-Fried"
        # over "Bankman-Fried"), so the answer names it in full.
        head = group[0]
        full = max((g for g in group if head.lower() in g.lower()), key=len)
        # a person is named by the surname too ("Bankman-Fried"), which the model may
        # not tag as a person wherever it stands
        surnames = {g.split()[-1] for g in group if g in people and len(g.split()) > 1}
        out[full] = frozenset(group) | {
            n for n in surnames if len(n) >= MIN_SURNAME and len(bearers[n]) == 1
        }
    return out


def _compatible(a: str, b: str) -> bool:
    """Spellings of one name: a short form inside a longer one is one thing only when
    the longer adds at most a first name ("Altman", "Sam Altman"), not "Google" and
    "Google Cloud" (those stay apart)."""
    short, long = sorted((a, b), key=len)
    if short.lower() == long.lower():
        return True
    if long.lower().endswith(short.lower()):
        return True
    return short.replace(".", "").isupper()  # initials: "FTC", "Federal Trade Commission"


def _asked_in(question: str, name: str) -> bool:
    return re.search(rf"\b{re.escape(name)}\b", question, re.I) is not None


def _clean(text: str) -> str:
    """An entity's text as a name: one space between words, no quotes or possessive."""
    text = " ".join(text.split()).strip(" '\"’‘")
    # the small model sometimes runs an entity into the next word ("Taylor Swift and")
    text = re.sub(r"\s+(?:and|or|&)$", "", text)
    return re.sub(r"['’]s$", "", text)


def _mentions_any(passage: Passage, forms: frozenset[str]) -> bool:
    """Whether the passage names the thing: an entity found at ingest spelt one of its
    ways, or, for a person, the surname written out where no other name stands ("Rowan"
    of "Rowan Curran" is not Jim Rowan)."""
    if any(_clean(e.text) in forms for e in passage.entities):
        return True
    surnames = {f.split()[-1] for f in forms if " " in f} & forms
    for form in surnames:
        if len(form) < MIN_SURNAME or not form[0].isupper():
            continue
        for match in re.finditer(rf"(?<![\w-]){re.escape(form)}(?![\w-])", passage.text):
            if not any(
                e.start <= match.start() < e.end and _clean(e.text) not in forms
                for e in passage.entities
            ):
                return True
    return False


def _sentence_naming(
    passage: Passage,
    forms: frozenset[str],
    support: Support,
    finder: ExtractiveGenerator,
    claim: str,
) -> str:
    """The supporting sentence if it names the answer; else the passage's sentence that
    names it, when it too comes close enough to the claim, so the citation shows the
    name."""
    if any(re.search(rf"\b{re.escape(f)}\b", support.sentence) for f in forms):
        return support.sentence
    naming = _naming_sentences(passage, forms)
    if not naming:
        return support.sentence
    vectors = finder.embed([claim, *naming])
    scores = vectors[1:] @ vectors[0]
    best = int(np.argmax(scores))
    return naming[best] if scores[best] >= CLAIM_SIMILARITY else support.sentence


def _naming_sentences(passage: Passage, forms: frozenset[str]) -> list[str]:
    """The passage's sentences that name the answer in one of its spellings."""
    return [
        s
        for s in chunk_sentences(passage.text)
        if any(re.search(rf"\b{re.escape(f)}\b", s) for f in forms)
    ]
