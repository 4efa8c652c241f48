"""What part of a yes/no claim a sentence must state, and what only places it.

"Did Imran Khan hold talks with Lavrov when the Russian minister came to Pakistan?"
claims a meeting; the when-clause only says which visit. A report of the meeting need
not repeat the scene: its article must mention the scene's names, the sentence need not.
The same holds for a clause hung on a noun ("the meeting held in Moscow", "the meeting
that Khan's office thanked Russia for hosting"), a place hung on a noun ("the talks in
Moscow") and a concession ("despite objections from India").

A date the claim puts on its action ("signed in March 2020", "met … in April 2021") is
a value like any other: a sentence dating the action within it supports the claim, a
sentence dating the same action elsewhere ("On February 29, 2020, … signed") denies it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.dates import resolve, sort_key

# dependency labels of the parts of a question that set the scene of its claim
SCENE_CLAUSES = frozenset({"advcl", "relcl", "acl"})
SCENE_PREPOSITIONS = frozenset({"despite", "during", "amid"})
# set before the question's verb ("After Ratcliffe's deal, are the Glazers still the
# majority owners?"), these place the claim in time rather than claim an order
FRONTED_SCENE_PREPOSITIONS = frozenset({"after", "following", "since", "before"})
PLACING_PREPOSITIONS = frozenset({"in", "at"})
PLACES = frozenset({"GPE", "LOC", "FAC"})
# prepositions that date an action: "in March 2020", "on 1 March 2020"
DATING_PREPOSITIONS = frozenset({"in", "on", "during"})

Period = tuple[int, int, int]  # (year, month, day); 0 where the date does not say


@dataclass(frozen=True)
class Scope:
    """The question's scene (token indices) and the period its claim is dated to."""

    scene: frozenset[int]
    period: Period | None
    period_tokens: frozenset[int]

    def in_scene(self, doc: Any, text: str) -> bool:
        """Whether every mention of ``text`` in the question lies in its scene."""
        spans = [e for e in doc.ents if text in e.text or e.text in text]
        return bool(spans) and all(all(t.i in self.scene for t in span) for span in spans)


def scope_of(doc: Any, main_verb: str) -> Scope:
    """The scene and the claim's period of a parsed yes/no question whose action is
    ``main_verb`` (a lemma; "" when the parse found none)."""
    scene: set[int] = set()
    for token in doc:
        if _sets_scene(token, main_verb):
            scene.update(t.i for t in token.subtree)
    period, tokens = _claim_period(doc, main_verb, scene)
    return Scope(frozenset(scene), period, tokens)


def _sets_scene(token: Any, main_verb: str) -> bool:
    """A clause or phrase that places the claim: "when …", "… held in Moscow", "despite
    …", "in spite of …", "After …, did …" (not the claim's own verb, should the parse
    hang it there)."""
    if token.dep_ in SCENE_CLAUSES:
        return bool(token.lemma_.lower() != main_verb)
    if token.dep_ != "prep":
        return False
    root = next((t for t in token.doc if t.dep_ == "ROOT"), None)
    fronted = root is not None and token.i < root.i
    return (
        token.lower_ in SCENE_PREPOSITIONS
        or (fronted and token.lower_ in FRONTED_SCENE_PREPOSITIONS)
        or (token.lower_ == "in" and any(c.lower_ == "spite" for c in token.children))
        or _places_a_noun(token)
    )


def _places_a_noun(prep: Any) -> bool:
    """ "the talks in Moscow", "the summit at Camp David": a place that says which
    event a noun is, as "the talks held in Moscow" does (not "met in Moscow", which
    places the claim's own action and is part of it)."""
    return bool(
        prep.lower_ in PLACING_PREPOSITIONS
        and prep.head.pos_ == "NOUN"
        and any(c.dep_ == "pobj" and c.ent_type_ in PLACES for c in prep.children)
    )


def _claim_period(
    doc: Any, main_verb: str, scene: set[int]
) -> tuple[Period | None, frozenset[int]]:
    """The one dated period the claim's action is put in, with the tokens saying it."""
    found: list[tuple[Period, frozenset[int]]] = []
    for ent in doc.ents:
        if ent.label_ != "DATE" or any(t.i in scene for t in ent):
            continue
        head = ent.root.head
        if ent.root.dep_ != "pobj" or head.lower_ not in DATING_PREPOSITIONS:
            continue
        if main_verb and head.head.lemma_.lower() != main_verb:
            continue
        period = period_of(ent.text, "")
        if period is not None:
            found.append((period, frozenset(t.i for t in ent) | {head.i}))
    return found[0] if len(found) == 1 else (None, frozenset())


def period_of(expression: str, published: str, tense: str = "") -> Period | None:
    """(year, month, day) of a date expression, read against the publication date;
    None without a year."""
    resolved = resolve(expression, published, tense)
    return sort_key(resolved.text) if resolved else None


def within(asked: Period, said: Period) -> bool:
    """Whether ``said`` lies inside ``asked``: equal at every level ``asked`` names."""
    return all(a == 0 or a == s for a, s in zip(asked, said, strict=True))


def conflicts(asked: Period, said: Period) -> bool:
    """Whether the two differ at a level both name: March 2020 against 29 February 2020."""
    return any(a and s and a != s for a, s in zip(asked, said, strict=True))


@dataclass(frozen=True)
class StatedDate:
    """A date a sentence gives its action, as a period and as the reader should see it."""

    period: Period
    shown: str  # "Wednesday, 7 April 2021 (“on Wednesday”, counted from the article's date …)"


def sentence_dates(doc: Any, verb_lemma: str, published: str) -> list[StatedDate]:
    """The dates a parsed sentence puts on its ``verb_lemma`` action: its date phrases
    hanging on that verb (or every date phrase when the verb is not found), each read
    against the publication date in the verb's tense."""
    verbs = [t for t in doc if t.lemma_.lower() == verb_lemma] if verb_lemma else []
    out: list[StatedDate] = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        verb = next((v for v in verbs if v in ent.root.ancestors), None)
        if verbs and verb is None:
            continue
        tense = "past" if verb is not None and verb.tag_ in ("VBD", "VBN") else ""
        resolved = resolve(ent.text, published, tense)
        period = sort_key(resolved.text) if resolved else None
        if resolved is not None and period is not None:
            why = f" ({resolved.explanation})" if resolved.explanation else ""
            out.append(StatedDate(period, f"{resolved.text}{why}"))
    return out
