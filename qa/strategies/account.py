"""What someone said, as the article goes on to report it ("What did Lavrov say when he
opened the meeting?", "How did the minister describe the situation?").

News writing puts the frame first ("This was announced by Lavrov, opening a meeting of
the troika") and the remarks after it, each closed by an attribution to the same
speaker: '"…," he said', '"…," the minister added', '"…," Lavrov concluded'. The
sentence finder finds the frame, because it names the speaker and the occasion; the
remarks share few words with the question. So an account is the sentence that names
the speaker (the anchor) and the sentences after it in the same article that are
attributed to the same speaker (by a pronoun, a name of theirs or a plain role noun),
read on into the article's next retrieved chunks. A quotation attributed to no one is
theirs when a later attribution to them closes it. The account ends at a sentence
attributed to someone else, after MAX_GAP sentences attributed to nobody, or at
MAX_SENTENCES. Explanations and summaries that ask what a named person said use it;
when the article reports no more of theirs, those strategies answer as before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from qa.extractive import Candidate, ExtractiveGenerator, compose
from qa.question import Question
from qa.spans import title_tokens
from qa.strategies.common import sentences_after
from qa.types import Answer, Passage

MAX_SENTENCES = 6  # the anchor and the remarks after it
ANCHOR_SHARE = 0.85  # of the best sentence's score, for a sentence naming the speaker
MAX_GAP = 3  # sentences attributed to nobody between two of the speaker's
# A question asks for someone's account when one of these has a named subject.
ACCOUNT_VERBS = frozenset(
    {
        "say",
        "describe",
        "tell",
        "state",
        "call",
        "respond",
        "react",
        "announce",
        "stress",
        "warn",
        "urge",
        "explain",
        "propose",
        "characterise",
        "characterize",
        "claim",
        "note",
        "argue",
    }
)
# Verbs that attribute a sentence to its speaker ('"…," he added').
ATTRIBUTION_VERBS = frozenset(
    {
        "say",
        "add",
        "write",
        "tell",
        "state",
        "note",
        "conclude",
        "stress",
        "emphasise",
        "emphasize",
        "underline",
        "recall",
        "warn",
        "explain",
        "insist",
        "point",
        "announce",
        "urge",
        "believe",
        "comment",
        "suggest",
    }
)
SPEECH_VERBS = ACCOUNT_VERBS | ATTRIBUTION_VERBS
_SAME_SPEAKER_PRONOUNS = frozenset({"he", "she"})

Attribution = Literal["speaker", "other", "quoted", "none"]
_QUOTE_MARKS = ('"', "“", "‘", "'")
# case kept: "US" is no "us"
_FIRST_PERSON = frozenset({"I", "we", "We", "our", "Our", "my", "My", "me"})


@dataclass(frozen=True)
class Said:
    sentence: str
    passage: Passage


def speaker(question: Question, finder: ExtractiveGenerator) -> frozenset[str]:
    """The words of the name of the person whose account the question asks for ("Lavrov"
    in "What did Lavrov say about …?"), or none when it asks for no one's. What a country
    or a ministry "said" is a topic reported by many, which a summary answers."""
    doc = finder.parse_question(question.text)
    for token in doc:
        if token.lemma_.lower() not in ACCOUNT_VERBS or token.pos_ not in ("VERB", "AUX"):
            continue
        for child in token.children:
            if child.dep_ == "nsubj" and child.pos_ == "PROPN" and child.ent_type_ == "PERSON":
                return frozenset(
                    t.lower_ for t in child.subtree if t.pos_ == "PROPN" and t.is_alpha
                )
    return frozenset()


def answer(
    question: Question,
    candidates: list[Candidate],
    passages: list[Passage],
    finder: ExtractiveGenerator,
) -> Answer | None:
    """The account of the speaker the question names, from the best sentence naming them
    as its speaker (within ANCHOR_SHARE of the best score; ``candidates`` best first);
    None when the question names no speaker or the article reports no more of theirs."""
    names = speaker(question, finder)
    if not names or not candidates:
        return None
    anchor = next(
        (
            c
            for c in candidates
            if c.score >= ANCHOR_SHARE * candidates[0].score and names & _words(c.sentence)
        ),
        None,
    )
    if anchor is None:
        return None
    roles = _roles(anchor.sentence, names, finder, passages[anchor.passage])
    if attribution(anchor.sentence, passages[anchor.passage], names, roles, finder) != "speaker":
        return None  # the best sentence names them, but says what someone else said
    remarks = _remarks(anchor, names, roles, passages, finder)
    if not remarks:
        return None
    parts = [(anchor.sentence, passages[anchor.passage], anchor.score)]
    parts += [(said.sentence, said.passage, anchor.score) for said in remarks]
    return compose(question.full, parts)


def _remarks(
    anchor: Candidate,
    names: frozenset[str],
    roles: frozenset[str],
    passages: list[Passage],
    finder: ExtractiveGenerator,
) -> list[Said]:
    """The sentences after the anchor attributed to the speaker, in the article's order.
    A quotation attributed to no one is theirs only when a later sentence attributed to
    them closes it ('"…. We call on both sides …," the minister said')."""
    gap = 0
    out: list[Said] = []
    quoted: list[Said] = []
    for sentence, passage in sentences_after(anchor, passages):
        attributed = attribution(sentence, passage, names, roles, finder)
        if attributed == "other":
            break
        if attributed == "quoted":
            quoted.append(Said(sentence, passage))
        elif attributed == "none":
            gap += 1
        else:
            out += [*quoted, Said(sentence, passage)]
            quoted, gap = [], 0
        if gap + len(quoted) > MAX_GAP or len(out) >= MAX_SENTENCES - 1:
            break
    return out[: MAX_SENTENCES - 1]


def _roles(
    anchor: str, names: frozenset[str], finder: ExtractiveGenerator, passage: Passage
) -> frozenset[str]:
    """The words the anchor titles the speaker with ("minister" in "Russian Foreign
    Minister Sergey Lavrov"): "the minister added" is then the speaker too, while "the
    statement said" is not."""
    doc = finder.parse_sentence(anchor, passage)
    return frozenset(
        t.lower_
        for ent in doc.ents
        if names & {w.lower_ for w in ent}
        for t in title_tokens(doc, ent.start)
        if not (ent.start <= t.i < ent.end)
    )


def attribution(
    sentence: str,
    passage: Passage,
    names: frozenset[str],
    roles: frozenset[str],
    finder: ExtractiveGenerator,
) -> Attribution:
    """Whom a sentence reports: the speaker (a verb of speech whose subject or agent is
    he/she, a word of the speaker's name or a role the anchor gives them, "the
    minister"; or "according to" them), someone else (anyone else in those places), a
    quotation or a sentence in the first person attributed to no one, or nothing said."""
    doc = finder.parse_sentence(sentence, passage)
    found = {_whose(who, names, roles) for token in doc for who in _attributed_to(token)}
    if "speaker" in found or "other" in found:
        return "speaker" if "speaker" in found else "other"
    if sentence.lstrip("- ").startswith(_QUOTE_MARKS) or any(t.text in _FIRST_PERSON for t in doc):
        return "quoted"
    return "none"


def _attributed_to(token: Any) -> list[Any]:
    """Whom ``token`` attributes the sentence to: the subject of a verb of speech or the
    agent of a passive one ("announced by Lavrov"), or the object of "according to"."""
    if token.lower_ == "according":
        return [g for c in token.children for g in c.children if g.dep_ == "pobj"]
    if token.pos_ != "VERB" or token.lemma_.lower() not in SPEECH_VERBS:
        return []
    subjects = [c for c in token.children if c.dep_ == "nsubj"]
    agents = [
        g for c in token.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"
    ]
    return subjects + agents


def _whose(subject: Any, names: frozenset[str], roles: frozenset[str]) -> Attribution:
    words = {t.lower_ for t in subject.subtree}
    if words & names or subject.lower_ in _SAME_SPEAKER_PRONOUNS:
        return "speaker"
    if subject.pos_ == "NOUN" and subject.lower_ in roles:
        return "speaker"  # "the minister added"
    if subject.pos_ == "PROPN":
        return "other"
    return "none"  # "civilians continue", "according to our assessment": no one named


def _words(sentence: str) -> set[str]:
    return set(re.findall(r"[a-z]+", sentence.lower()))
