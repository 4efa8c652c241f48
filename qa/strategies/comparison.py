"""Comparisons across outlets and dates ("Does the TechCrunch article report X, while The
Verge's says Y?", "Was X reported before Y?").

Each claim is checked against the articles of the outlet it names (or all, if it names
none) with the sentence finder; a claim with no supporting sentence makes the answer the
refusal. "Yes" comes only from a supporting sentence for every claim, one citation per
claim. For "before"/"after" the two claims' articles are dated and the dates compared:
"Yes"/"No" with both dates. Questions that ask whether coverage *changed* or stayed
*consistent* need a judgement the sentences cannot give, and are refused rather than
answered by default. A comparison asked with "which" is answered as a factoid.
"""

from __future__ import annotations

import re
from dataclasses import replace

from qa.claims import fact_clauses, supports
from qa.dates import day_key, long_date_or_blank, told_apart
from qa.extractive import ExtractiveGenerator, refusal
from qa.question import Question
from qa.spans import numbers_in
from qa.strategies import factoid, yesno
from qa.strategies.chronology import DATED, stated_date
from qa.strategies.common import (
    cited_lines,
    names_covered,
    names_outlet,
    outlet_spellings,
    outlets_of,
)
from qa.strategies.described_reports import described_sides
from qa.types import Answer, Passage

_FRAMING = re.compile(
    r"\b(?:does|do|did|is|was|were|has|have|had|both|the|an?|articles?|reports?|reporting|"
    r"stor(?:y|ies)|pieces?|coverage|published|posted|from|by|suggests?|suggested|impl(?:y|ies|ied)|"
    r"indicates?|indicated|claims?|claimed|states?|stated|says?|said|reports? that|that|while|"
    r"whereas|according to|as reported|portray(?:s|al)?|describe[sd]?|mentions?|mentioned|"
    r"highlights?|highlighted|discuss(?:es|ed)?)\b",
    re.I,
)
_ORDER = re.compile(
    r"\b(before or after|after or before|earlier or later|before|after|earlier than|"
    r"later than|prior to|following)\b",
    re.I,
)
_CONTRAST = re.compile(r"\b(?:while|whereas)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|never|no|without|fail(?:s|ed|ing)?|lack\w*|n't)\b", re.I)
ARTICLE_SIDE = "article:"  # a side that is one article a question describes
OUTLET_WORDS = 6  # "… before 'The Verge' reported …": the outlet opens the second side
_JUDGEMENT = re.compile(
    r"\b(?:change|changed|consistent|inconsisten\w*|differ\w*|same|similar|contradict\w*)\b", re.I
)


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    if question.wh:
        return factoid.answer(question, passages, finder)
    if _JUDGEMENT.search(question.text):
        return refusal(
            question.full,
            "whether the coverage changed or agrees is a judgement the sentences do not state",
        )
    outlets = outlets_of(passages)
    order = _ORDER.search(question.text)
    if order and not (_CONTRAST.search(question.text) and not orders_reports(question, passages)):
        # "after" inside one of the claims of "X says A after B, while Y says C" orders
        # nothing
        return _ordered_claims(question, order, passages, outlets, finder)
    found: list[tuple[str, str, Passage, float]] = []  # claim, sentence, passage, score
    sides = _claims_by_side(question.text, outlets)
    if len(sides) == 1:
        # "Do both the 2018 preview of Asif's trip and Lavrov's press conference …?"
        described = described_sides(question, passages, finder)
        if described:
            sides = [(question.text, f"{ARTICLE_SIDE}{doc_id}") for doc_id in described]
        elif distributed := _distributed(question.text, finder):
            # "Did a gas pipeline come up both when Lavrov hosted Asif and when he met Imran
            # Khan?": the claim asked of each occasion, as a yes/no question of its own
            return _each_occasion(question, distributed, passages, finder)
    shared = _asked_of_each(question, finder) if len({p for p, _ in sides}) < len(sides) else ""
    # one side, yet "both" asked: one sentence must speak of each of the two things
    joined = _both_parts(question.text, finder) if len(sides) == 1 else []
    used: set[str] = set()  # each side's evidence from an article of its own
    for part, side in sides:
        pool = [p for p in passages if _on_side(p, side) and p.doc_id not in used]
        claim = shared or _claim(part, outlets)
        if not pool or len(claim.split()) < 2:
            return refusal(question.full, f"no article of {side or 'any outlet'} found")
        read = finder.read(claim)
        evidence = finder.evidence(read, pool)
        if isinstance(evidence, str):
            return refusal(question.full, f"{evidence} for {claim!r}")
        claimed = replace(read, names=_claimed_names(read, question, finder))
        figures = numbers_in(claim)
        qualifiers = _qualifiers(claim, finder) & evidence.weights.keys()
        negated = _NEGATED.search(claim)
        best = next(
            (
                c
                for c in evidence.candidates
                if figures <= numbers_in(c.sentence)
                # a sentence close to "X never did Y" is as likely to say that X did Y
                and (not negated or _NEGATED.search(c.sentence))
                and names_covered(claimed, evidence, c, pool[c.passage], finder)
                and qualifiers <= finder.same_terms(evidence, c.sentence)
                and all(
                    _speaks_of(part, finder.same_terms(evidence, c.sentence)) for part in joined
                )
            ),
            None,
        )
        if best is None:
            return refusal(
                question.full,
                f"no sentence found for {claim!r} that states its numbers in an article "
                "naming all it names",
            )
        used.add(pool[best.passage].doc_id)
        found.append((claim, best.sentence, pool[best.passage], best.score))
    quoted, numbers = cited_lines(question.full, [(s, p, score) for _, s, p, score in found])
    return replace(quoted, text=f"Yes {numbers}.\n{quoted.text}", short_answer="Yes")


# words before "both" that make a claim of their own ("a gas pipeline project came up")
MIN_CLAIM_WORDS = 3
_BOTH = re.compile(r"\b(?:both|each of|all of)\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def _qualifiers(claim: str, finder: ExtractiveGenerator) -> set[str]:
    """The claim's words of degree and judgement ("adequately", "fully", "valid"): a
    sentence that supports the claim says them too."""
    doc = finder.parse_question(claim)
    return {
        term
        for t in doc
        if (t.pos_ == "ADV" and t.dep_ == "advmod") or (t.pos_ == "ADJ" and not t.ent_type_)
        for term in finder.terms_of(t.text)
    }


def _claims_by_side(question: str, outlets: list[str]) -> list[tuple[str, str]]:
    """Each claim with the side whose articles must carry it: an outlet, a year, or ""
    for any article. A claim per clause ("X reports A, while Y says B"); one claim
    checked on each side when it is asked of several ("Do both X and Y say A?", "… in
    both 2018 and 2021?")."""
    parts = fact_clauses(question) or [question]
    if len(parts) > 1:
        return [(part, _named_outlet(part, outlets)) for part in parts]
    named = [o for o in outlets if names_outlet(question, o)]
    if _BOTH.search(question):
        if len(named) >= 2:
            return [(question, outlet) for outlet in named]
        years = list(dict.fromkeys(_YEAR.findall(question)))
        if len(years) >= 2:
            return [(question, year) for year in years]
    return [(question, named[0] if named else "")]


def _both_parts(question: str, finder: ExtractiveGenerator) -> list[set[str]]:
    """The terms only one of "both A and B" uses, for each of A and B: "Was the Afghan
    government at the table both for the December trilateral meeting in Moscow and for the
    expanded troika meeting of March 2021?" → {december, trilateral, moscow}, {expanded,
    troika, march, 2021}. Read from the words, since the parser often hangs "both" on the
    wrong word."""
    split = _split_at_both(question)
    if split is None:
        return []
    _, first, second = split
    a, b = set(finder.terms_of(first)), set(finder.terms_of(second))
    return [part for part in (a - b, b - a) if part]


def _split_at_both(question: str) -> tuple[str, str, str] | None:
    """What comes before "both", and its two parts: "X came up both when A and when B" →
    ("X came up", "when A", "when B"), read from the words."""
    both = _BOTH.search(question)
    if both is None:
        return None
    first, _, second = question[both.end() :].partition(" and ")
    if not second:
        return None
    return question[: both.start()].strip(), first.strip(), second.strip()


def _distributed(question: str, finder: ExtractiveGenerator) -> list[str]:
    """A claim made of two things after its verb ("X came up both when A and when B"),
    as two claims ("X came up when A", "X came up when B"); nothing when "both" comes
    before the verb ("Do both Russia and Pakistan …?": one claim of two names), nor when
    it joins the subjects of a clause of its own ("Does the report say both Russia and
    Pakistan have long histories …?": the second part has the verb)."""
    split = _split_at_both(question)
    if split is None:
        return []
    before, first, second = split
    if len(before.split()) < MIN_CLAIM_WORDS:
        return []
    same_opening = first.split()[:1] == second.split()[:1]  # "for X and for Y"
    if not same_opening and any(
        t.pos_ in ("VERB", "AUX") for t in finder.parse_question(second.rstrip("?") + ".")
    ):
        return []
    return [f"{before} {first}", f"{before} {second}"]


def _each_occasion(
    question: Question, claims: list[str], passages: list[Passage], finder: ExtractiveGenerator
) -> Answer:
    """ "Yes" when every claim is a "Yes" of its own (``yesno``: support for each of its
    parts, no sentence saying the opposite), "No" when one is a "No", cited; otherwise
    the refusal."""
    verdicts = [
        yesno.answer(finder.read(f"{claim.rstrip('?')}?"), passages, finder) for claim in claims
    ]
    unsure = next((v for v in verdicts if v.refused), None)
    denied = next((v for v in verdicts if v.short_answer == "No"), None)
    if denied is None and unsure is not None:
        return refusal(question.full, f"{unsure.refusal_reason} (one of the two occasions)")
    shown = [denied] if denied is not None else verdicts
    by_chunk = {p.chunk_id: p for p in passages}
    lines = [
        (c.quote or c.text, by_chunk[c.chunk_id], c.score)
        for v in shown
        for c in v.citations
        if c.chunk_id in by_chunk
    ]
    if not lines:
        return refusal(question.full, "no cited sentence for the occasions asked about")
    verdict = "No" if denied is not None else "Yes"
    quoted, numbers = cited_lines(question.full, lines)
    return replace(quoted, text=f"{verdict} {numbers}.\n{quoted.text}", short_answer=verdict)


def _speaks_of(part: set[str], said: set[str]) -> bool:
    """Whether a sentence says at least half of what marks one side of "both A and B"
    (a word's derivation counts: "Russian" for "Russia")."""
    told = [t for t in part if t in said or any(_kin(t, s) for s in said)]
    return len(told) * 2 >= len(part)


def _kin(a: str, b: str) -> bool:
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 4 and longer.startswith(shorter)


def _on_side(passage: Passage, side: str) -> bool:
    """Whether a passage's article is on the side: of that outlet, or dated that year (an
    undated article may be of any year)."""
    if not side:
        return True
    if side.startswith(ARTICLE_SIDE):
        return (passage.doc_id or passage.chunk_id) == side.removeprefix(ARTICLE_SIDE)
    if side.isdigit():
        return passage.date[:4] in (side, "")
    return passage.source == side


def _asked_of_each(question: Question, finder: ExtractiveGenerator) -> str:
    """What "both" sides are asked to say: the question without the part naming the
    sides ("Do both X and Y *mention a gas pipeline project*?", "Was IS *said to be
    strengthening in the north* in both 2018 and 2021?")."""
    doc = finder.parse_question(question.text)
    both = next((t for t in doc if _BOTH.fullmatch(t.lower_)), None)
    if both is None:
        return ""
    sides = next(
        (t for t in both.ancestors if t.dep_ in ("nsubj", "nsubjpass", "prep", "dobj")), None
    )
    if sides is not None:
        skipped = {t.i for t in sides.subtree}
        kept = [
            t.text
            for t in doc
            if t.i not in skipped and not t.is_punct and not (t.dep_ == "aux" and t.i < sides.i)
        ]
        return " ".join(kept)
    # a parse that lost the sentence's shape: the claim is what follows the first verb
    # after "both … and …"
    link = next((t for t in doc[both.i :] if t.lower_ == "and"), None)
    verb = next((t for t in doc[link.i :] if t.pos_ == "VERB"), None) if link else None
    return doc[verb.i :].text.rstrip("?").strip() if verb is not None else ""


_REPORT_NOUNS = frozenset({"article", "report", "story", "piece", "coverage", "account"})


def _claimed_names(
    read: Question, question: Question, finder: ExtractiveGenerator
) -> tuple[str, ...]:
    """The claim's names without those the question gives as a report's outlet ("the
    2021 Reuters article"): the outlet is where the claim is looked for, not part of it."""
    doc = finder.parse_question(question.text)
    outlets = {
        ent.text
        for ent in doc.ents
        if ent.root.dep_ in ("compound", "poss", "nmod")
        and ent.root.head.lemma_.lower() in _REPORT_NOUNS
    }
    return tuple(n for n in read.names if not any(n in outlet for outlet in outlets))


def orders_reports(question: Question, passages: list[Passage]) -> bool:
    """Whether a yes/no question asks if one outlet's report came before or after
    another's ("Did TechCrunch report X before The Verge reported Y?"): an order word
    with an outlet named on each side."""
    order = _ORDER.search(question.text)
    if not order:
        return False
    outlets = outlets_of(passages)
    before, after = question.text[: order.start()], question.text[order.end() :]
    # "… after a delay, while the Wired article says …": the order is inside a claim
    opening = _CONTRAST.split(" ".join(after.split()[:OUTLET_WORDS]))[0]
    if not _named_outlet(before, outlets):
        return False
    return bool(
        _named_outlet(opening, outlets)
        or _SAME_OUTLET_GOES_ON.match(after)
        or (
            not _CONTRAST.search(after)
            and _REPORTED_BY.search(after)
            and _named_outlet(after, outlets)
        )
    )


# "… before or after highlighting X": the same outlet's next report
_SAME_OUTLET_GOES_ON = re.compile(
    r"\s*(?:highlighting|reporting|covering|mentioning|detailing|discussing|publishing)\b", re.I
)
# "… before Y was reported by The Age": the other side's outlet at its end
_REPORTED_BY = re.compile(
    r"\b(?:reported|covered|published|mentioned|discussed|detailed|highlighted)\s+(?:by|in|on)\b",
    re.I,
)


def _ordered_claims(
    question: Question,
    order: re.Match[str],
    passages: list[Passage],
    outlets: list[str],
    finder: ExtractiveGenerator,
) -> Answer:
    """ "Did TechCrunch report X before The Verge reported Y?": each side's article is
    the passage (of the outlet that side names) with the sentence closest to its claim,
    close enough to count as evidence (``inference.CLAIM_SIMILARITY``); their dates
    decide."""
    sides = [question.text[: order.start()], question.text[order.end() :]]
    # "Did X fail to report A before Y …?" asks the order of the reports and denies it
    failed = _FAILED_TO_REPORT.search(sides[0])
    if failed is not None:
        if " or " in order.group(1):
            return refusal(question.full, "a denied report cannot be placed before or after")
        sides[0] = sides[0][: failed.start()] + failed.group("verb") + sides[0][failed.end() :]
    claims: list[tuple[str, frozenset[str]]] = []
    for side in sides:
        outlet = _named_outlet(side, outlets)
        if not outlet and claims and _SAME_OUTLET_GOES_ON.match(side):
            outlet = next(iter(claims[0][1]), "")  # "X reported A before highlighting B"
        claims.append((_claim(side, outlets), frozenset({outlet}) if outlet else frozenset()))
    found: list[tuple[str, str, Passage, float]] = []
    for (claim, _), support in zip(
        claims, supports(claims, passages, finder.embed, finder.terms_of), strict=True
    ):
        if _NEGATED.search(claim):
            # Similarity cannot tell "X failed to win" from "X won".
            return refusal(question.full, f"a negated claim cannot be checked: {claim!r}")
        if len(claim.split()) < 2 or not support:
            return refusal(question.full, f"no article found that reports {claim!r}")
        best = support[0]
        found.append((claim, best.sentence, passages[best.passage], best.similarity))
    if not any(outlet for _, outlet in claims) and not _REPORTING.search(question.text):
        ordered = _ordered_events(question, order.group(1).lower(), found, finder)
    else:
        ordered = _ordered(question, order.group(1).lower(), found)
    if failed is None or ordered.refused:
        return ordered
    if ordered.short_answer != "Yes":
        # reported only after: whether that is "failing to report it before" or having
        # never failed to report it is the reader's judgement
        return refusal(question.full, "the report the question denies came after the other")
    return _turned_round(ordered)


# "fail to report", "not report", "not discussed": a report the question denies
_FAILED_TO_REPORT = re.compile(
    r"\b(?:fail(?:ed|s)?\s+to|not)\s+"
    r"(?P<verb>report\w*|cover\w*|mention\w*|publish\w*|discuss\w*|describe\w*|"
    r"feature\w*|detail\w*|highlight\w*|write|wr[io]te\w*)\b",
    re.I,
)


def _turned_round(answer: Answer) -> Answer:
    """ "Did X fail to report A before …?" is "No" when X reported it before."""
    return replace(answer, text="No" + answer.text.removeprefix("Yes"), short_answer="No")


# words that make an order question one about reports, dated by their publication
_REPORTING = re.compile(
    r"\b(?:report\w*|articles?|stor(?:y|ies)|publish\w*|cover\w*|piece|wr[io]te|written|"
    r"announc\w*|coverage|news)\b",
    re.I,
)


def _ordered_events(
    question: Question,
    relation: str,
    found: list[tuple[str, str, Passage, float]],
    finder: ExtractiveGenerator,
) -> Answer:
    """ "Did the fight come before Showtime's final show?": events, not reports, so each is
    dated by the date its sentence states ("December 16, 2023, will be the final
    broadcast" in an October article), else by its article's date; dates the text does
    not tell apart (a month against a day in it) leave the order to the refusal."""
    dated: list[tuple[tuple[int, ...], str]] = []
    for _, sentence, passage, _ in found:
        stated = stated_date(finder.parse_sentence(sentence, passage), passage.date, 0)
        day = day_key(passage.date)
        if stated is not None and stated[0][0] == DATED:
            dated.append((stated[0][1:], stated[1]))
        elif day is not None:
            dated.append((day, f"{long_date_or_blank(passage.date)} (the article's date)"))
        else:
            return refusal(question.full, f"no date found for {sentence!r}")
    (first, first_label), (second, second_label) = dated
    if not told_apart(first, second):
        return refusal(question.full, f"{first_label} and {second_label} do not tell the order")
    return _verdict(question, relation, found, first < second, first_label, second_label)


def _ordered(
    question: Question, relation: str, found: list[tuple[str, str, Passage, float]]
) -> Answer:
    """ "Was X reported before Y?": compare the two articles' publication dates."""
    if len(found) != 2 or not (found[0][2].date and found[1][2].date):
        return refusal(question.full, "the two reports' dates are not both known")
    first, second = found[0][2].date[:10], found[1][2].date[:10]
    if first == second:
        return refusal(question.full, "both reports carry the same date")
    labels = long_date_or_blank(first), long_date_or_blank(second)
    return _verdict(question, relation, found, first < second, *labels)


def _verdict(
    question: Question,
    relation: str,
    found: list[tuple[str, str, Passage, float]],
    earlier: bool,
    first: str,
    second: str,
) -> Answer:
    """ "Yes [1][2]: 5 June 2023 is before 4 October 2023." (or "No"; "Before"/"After" for
    "… before or after …?", which asks which of the two), over one cited line per side."""
    wanted_earlier = relation in ("before", "earlier than", "prior to")
    verdict = "Yes" if earlier == wanted_earlier else "No"
    if " or " in relation:
        options = relation.split(" or ")
        verdict = next(o for o in options if (o in ("before", "earlier")) == earlier).capitalize()
    quoted, numbers = cited_lines(question.full, [(s, p, score) for _, s, p, score in found])
    when = f"{first} is {'before' if earlier else 'after'} {second}"
    return replace(
        quoted, text=f"{verdict} {numbers}: {when}.\n{quoted.text}", short_answer=verdict
    )


def _named_outlet(text: str, outlets: list[str]) -> str:
    return next((outlet for outlet in outlets if names_outlet(text, outlet)), "")


def _claim(text: str, outlets: list[str]) -> str:
    """The claim without the outlet and the framing ("Does the X article suggest that")."""
    for outlet in outlets:
        for name in outlet_spellings(outlet):
            text = re.sub(rf"\b{re.escape(name)}(?:'s)?", " ", text, flags=re.I)
    # a capitalised word inside the question is part of a name ("the United States")
    text = _FRAMING.sub(
        lambda m: m.group(0) if m.start() and m.group(0)[0].isupper() else " ", text
    )
    return " ".join(text.replace("?", " ").split()).strip(" ,;")
