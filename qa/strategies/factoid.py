"""Factoids (who, what, where, which, how many, how much): the short answer first.

The typed span comes from the best sentences' parse: the argument the wh-word stands
for ("Who did Lavrov meet?" → "the Emir of Qatar"), a number with what it counts ("how
many helicopters" → "four transport-combat helicopters Mi-35M"), a phrase headed by the
asked noun that names one thing ("which resolution" → "Resolution 2513"), or an entity of
the asked kind (a person for "who", a place for "where"). Spans the question already
names are not answers. With no span, the cited sentence stands on its own.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from qa.claims import fact_clauses
from qa.extractive import Evidence, ExtractiveGenerator, refusal
from qa.places import names_no_such_place
from qa.question import DURATION, Question, equated_noun
from qa.spans import (
    age_spans,
    by_distance,
    counted_spans,
    description_spans,
    entity_spans,
    headed_spans,
    new_to,
    of_an_agent,
    qualified_spans,
    repeats_person,
    role_spans,
    said_up_to_its_verb,
    same_name,
    singled_out_spans,
    tied_to_noun,
    verb_above,
)
from qa.strategies import inference
from qa.strategies.common import capitalised, lead_answer, names_covered, readable
from qa.strategies.inventory import (
    NATIONALITY_LABELS,
    PEOPLE_NOUNS,
    Role,
    country_key,
    has_role,
    role_of,
    title_of,
)
from qa.types import Answer, Passage

# With no short answer picked out, a sentence covering this much of the question's
# weighted terms is still quoted as the answer (set on extra_qa and bundled_dev).
STRONG_COVERAGE = 0.6
NAME_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART"}
)


# "In the report on Rabbani's talks, which agency …?": a phrase that places the question
# in a report, not a claim about what is asked
_IN_A_REPORT = re.compile(
    r"^\W*(?:in|from) (?:the|this|that|a|an) (?:[\w'’-]+ ){0,3}?"
    r"(?:report|article|story|piece|interview|coverage)\b",
    re.I,
)


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    claims = [
        c for i, c in enumerate(fact_clauses(question.text)) if i or not _IN_A_REPORT.match(c)
    ]
    if len(claims) > 1:
        shared = inference.answer(question, passages, finder)
        by_claims = shared or _shared_by_claims(question, passages, finder)
        if by_claims.refused:
            return inference.dominant_answer(question, passages, finder) or by_claims
        return by_claims
    found = finder.evidence(question, passages)
    if isinstance(found, str):
        return finder.sentence_answer(question, passages)
    several = _people_met(question, found, passages, finder)
    if len(several) > 1:
        return lead_answer(
            question.full,
            "; ".join(capitalised(short) for short, _ in several),
            "; ".join(short for short, _ in several),
            [(c.sentence, passages[c.passage], c.score) for _, c in several],
            finder,
        )
    for candidate in readable(found):
        if not names_covered(question, found, candidate, passages[candidate.passage], finder):
            continue
        short = short_answer(
            question, candidate.sentence, finder, found, passages[candidate.passage]
        )
        if short:
            return lead_answer(
                question.full,
                capitalised(short),
                short,
                [(candidate.sentence, passages[candidate.passage], candidate.score)],
                finder,
            )
    best = found.best
    strong = best.coverage >= STRONG_COVERAGE and names_covered(
        question, found, best, passages[best.passage], finder
    )
    if question.required or question.wh in ("who", "whom", "whose") or not strong:
        # "How much did Pakistan pay?", "Who led the delegation?": a sentence that names
        # no amount, no person, is about the question but does not answer it — unless
        # it says nearly all the question says, and then it is quoted as it is.
        return refusal(question.full, f"no passage names the {_wanted(question)} asked for")
    return finder.answer_from(found, passages)


def _people_met(
    question: Question, found: Evidence, passages: list[Passage], finder: ExtractiveGenerator
) -> list[tuple[str, Any]]:
    """ "Who did Lavrov meet in Pakistan?": each person the best sentences (those close to
    the best one) give as the asked verb's object, when they give more than one — one
    report says "met Prime Minister Imran Khan", the next "also met the army chief,
    General Bajwa"."""
    if question.wh not in ("who", "whom") or question.wh_role != "dobj":
        return []  # "Which army chief did Lavrov meet?" asks for one role's holder
    out: list[tuple[str, Any]] = []
    for candidate in readable(found):
        if candidate.pair:
            continue
        passage = passages[candidate.passage]
        if not names_covered(question, found, candidate, passage, finder):
            continue
        doc = finder.parse_sentence(candidate.sentence, passage)
        people = [
            text
            for text, start in role_spans(doc, question)
            if any(e.label_ == "PERSON" and e.text in text for e in doc.ents)
            and new_to(question, text, finder.terms_of)
        ]
        if people and not any(same_name(people[0], known) for known, _ in out):
            out.append((people[0], candidate))
    return out


def _asks_who_someone_is(question: Question) -> bool:
    """ "Who is/was <name>?": nothing asked of the name but what it is."""
    if question.wh != "who" or question.wh_role != "attr" or not question.names:
        return False
    rest = re.sub(r"\b(?:who|is|was|are|were|the)\b|[?,.!]", " ", question.text, flags=re.I)
    for name in question.names:
        rest = rest.replace(name, " ")
    return not rest.split()


def _wanted(question: Question) -> str:
    if question.age:
        return "age"
    if question.counted:
        return f"number of {question.counted}"
    if question.required:
        return "amount"
    return question.head_noun or {"who": "person", "where": "place"}.get(question.wh, "name")


def short_answer(
    question: Question,
    sentence: str,
    finder: ExtractiveGenerator,
    found: Evidence | None = None,
    passage: Passage | None = None,
) -> str:
    """The span of ``sentence`` that answers the question, or ""."""
    if question.age:
        spans = age_spans(sentence)
        return spans[0][0] if spans else ""
    doc = finder.parse_sentence(sentence, passage)
    tiers: list[list[tuple[str, int]]] = []
    if _asks_who_someone_is(question):
        # "Who is Tehmina Janjua?" asks what she is, not another name
        tiers.append(description_spans(doc, question.names))
    elif question.counted:
        counted = counted_spans(doc, question.counted, finder.terms_of)
        counted = _as_fact(question, doc, counted, finder)
        tiers.append(_of_the_deal(question, doc, counted, finder, found))
    elif question.required and question.answer_labels:
        spans = entity_spans(doc, question.answer_labels)
        if not _names_the_asked_noun(question, doc, finder):
            spans = []  # "$325 million" of a contract is no posting fee
        spans = _of_the_deal(question, doc, spans, finder, found)  # "valued at £53bn": no price
        spans = _as_fact(question, doc, spans, finder)
        if question.duration:
            spans = [(text, i) for text, i in spans if DURATION.search(text)]
        tiers.append(spans)
    else:
        if question.head_noun:
            # "which anniversary" → "the 70th anniversary", "which resolution" → "Resolution 2513"
            tiers.append(headed_spans(doc, question.head_noun))
            tiers.append(singled_out_spans(doc, question.head_noun))
            if not question.answer_labels:
                # "Which foreign secretary …?" → "Foreign Secretary Tehmina Janjua": a
                # name the asked noun titles, whatever kind of thing the noun is
                tiers.append(
                    [
                        (ent.text, ent.start)
                        for ent in doc.ents
                        if ent.label_ in NAME_LABELS
                        and tied_to_noun(doc, ent.start, question.head_noun)
                    ]
                )
        action = finder.terms_of(question.focus_lemma)
        particle = _focus_particle(question, finder)

        def is_action(token: Any) -> bool:
            said = finder.same_terms(found, token.text) if found else finder.terms_of(token.text)
            return bool(action and said & action) and _keeps_particle(token, question, particle)

        same_verb = [t for t in doc if t.lemma_.lower() == question.focus_lemma]
        if not same_verb or any(_keeps_particle(t, question, particle) for t in same_verb):
            tiers.append(_called(role_spans(doc, question, is_action), doc, question))
        who_noun = _who_noun(question, finder)
        tiers.append(_equated_spans(doc, who_noun, finder, found))
        # A name of the asked kind answers only where the sentence says the asked
        # action: "Who did Lavrov meet?" is not answered by whoever a sentence about
        # a signing names.
        says_action = not action or any(
            finder.terms_of(t.text) & action and _keeps_particle(t, question, particle) for t in doc
        )
        # "Who was the All Blacks captain …?" is not answered by a name in a sentence that
        # says nothing of a captain
        says_noun = who_noun is None or bool(
            finder.terms_of(who_noun.text)
            & (finder.same_terms(found, doc.text) if found else finder.terms_of(doc.text))
        )
        if question.answer_labels and says_action and says_noun:
            names = [
                (text, i)
                for text, i in _called(entity_spans(doc, question.answer_labels), doc, question)
                if not of_an_agent(doc, i, is_action)
            ]
            tiers.append(by_distance(names, doc, question.focus_lemma, finder.terms_of))
        if _asks_in_what_way(question, finder):
            tiers.append(qualified_spans(doc, question.head_noun))
    asked_role = _asked_role(question, finder)
    for spans in tiers:
        fresh = [
            text
            for text, start in spans
            if new_to(question, text, finder.terms_of)
            and not names_no_such_place(question.head_noun, text)
            and not repeats_person(question, doc, text)
            and not (asked_role and _titled_otherwise(asked_role, doc, start))
        ]
        if fresh:
            return fresh[0]
    return ""


def _asks_in_what_way(question: Question, finder: ExtractiveGenerator) -> bool:
    """ "At what level …?", "In what condition …?": the asked noun, of no kind of name,
    is governed by a preposition — a degree or manner, which the noun's qualifier
    ("a high level") gives. "What option …?" asks which option, not what it is like."""
    if not question.head_noun or question.answer_labels:
        return False
    doc = finder.parse_question(question.text)
    return any(t.text == question.head_noun and t.head.dep_ == "prep" and t.i <= 3 for t in doc)


def _focus_particle(question: Question, finder: ExtractiveGenerator) -> str:
    """The particle of the question's phrasal verb ("off" of "sent off", "up" of "gave
    up"): the verb without it, or with another ("sent home"), is another action."""
    if not question.focus_lemma:
        return ""
    doc = finder.parse_question(question.text)
    for token in doc:
        if token.lemma_.lower() == question.focus_lemma:
            return next((c.lower_ for c in token.children if c.dep_ == "prt"), "")
    return ""


def _keeps_particle(token: Any, question: Question, particle: str) -> bool:
    """Whether the sentence's word for the asked verb keeps its particle: "sent home" is
    not "sent off"; another verb for it ("gave" for "handed over") needs none."""
    if not particle or token.lemma_.lower() != question.focus_lemma:
        return True
    return any(c.dep_ == "prt" and c.lower_ == particle for c in token.children)


def _who_noun(question: Question, finder: ExtractiveGenerator) -> Any:
    """The noun a "Who is/were the …?" question equates its answer with: "supporters" in
    "Who were the main supporters of the fighters?"."""
    if question.wh != "who" or question.wh_role != "attr":
        return None
    doc = finder.parse_question(question.text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    return equated_noun(root) if root is not None else None


def _equated_spans(
    doc: Any, noun: Any, finder: ExtractiveGenerator, found: Evidence | None
) -> list[tuple[str, int]]:
    """The other side of the sentence's "be" from the asked noun, when it names someone
    or something: "Pakistan and the United States were the main supporters of …" answers
    "Who were the main backers of …?". The sentence equates them, so the names answer
    whatever their kind — countries back fighters as people do."""
    if noun is None:
        return []
    asked = finder.terms_of(noun.text)
    out: list[tuple[str, int]] = []
    for verb in doc:
        if verb.lemma_ != "be":
            continue
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        attribute = next((c for c in verb.children if c.dep_ == "attr"), None)
        if subject is None or attribute is None:
            continue
        said = (
            finder.same_terms(found, attribute.text) if found else finder.terms_of(attribute.text)
        )
        words = list(subject.subtree)
        if said & asked and any(t.ent_type_ in NAME_LABELS for t in words):
            out.append((doc[words[0].i : words[-1].i + 1].text, words[0].i))
    return out


def _asked_role(question: Question, finder: ExtractiveGenerator) -> Role | None:
    """The role of the person asked for: "Who is the Afghan foreign minister that …?",
    "Which Pakistani official …?"."""
    if "PERSON" not in question.answer_labels:
        return None
    doc = finder.parse_question(question.text)
    noun = None
    if question.wh == "who" and question.wh_role == "attr":
        noun = _who_noun(question, finder)
    elif question.head_noun:
        noun = next((t for t in doc if t.text == question.head_noun and t.pos_ == "NOUN"), None)
    if noun is None or noun.lemma_.lower() in PEOPLE_NOUNS:
        return None
    return role_of(noun)


def _titled_otherwise(role: Role, doc: Any, start: int) -> bool:
    """Whether the sentence titles the person at ``start`` with another role than the
    asked one: a nationality other than the asked one ("Pakistani Prime Minister Imran
    Khan" for an Afghan minister), or the asked noun without the asked words ("Prime
    Minister" for a foreign minister). A person the sentence gives no title is not."""
    ent = next((e for e in doc.ents if e.start <= start < e.end), None)
    if ent is None or ent.label_ != "PERSON":
        return False
    title = title_of(doc, ent)
    countries = {country_key(t.text) for t in title if t.ent_type_ in NATIONALITY_LABELS}
    if role.countries and countries and not role.countries & countries:
        return True
    words = {t.lemma_.lower() for t in title}
    return role.noun in words and not has_role(title, role.noun, role.words)


# nouns that name no particular amount: "How much money …?", "How big a share …?"
_ANY_AMOUNT = frozenset(
    {"money", "amount", "sum", "figure", "number", "cash", "share", "percentage", "proportion"}
)


_MODALS = frozenset({"would", "could", "might", "may", "should", "'d"})
_PROJECTING = frozenset({"predict", "project", "forecast", "estimate", "expect", "anticipate"})


def _as_fact(
    question: Question, doc: Any, spans: list[tuple[str, int]], finder: ExtractiveGenerator
) -> list[tuple[str, int]]:
    """The amounts the sentence states as fact: not one under a "would" or "could", or
    what "will have to" be paid ("the Dodgers will have to pay $248.15 million" is a
    projection; "will pay a $50.6 million fee" is agreed), or that
    someone predicts ("predicted $535 million"), unless the question asks what is to come
    ("How much will it cost?")."""
    if any(t.lower_ in _MODALS for t in finder.parse_question(question.text)):
        return spans
    out = []
    for text, start in spans:
        verb = verb_above(doc[start])
        head = verb.head
        projected = verb.pos_ in ("VERB", "AUX") and (
            verb.lemma_.lower() in _PROJECTING
            or any(
                c.dep_ == "aux" and c.lower_ in _MODALS for c in [*verb.children, *head.children]
            )
            # "will have to pay $248.15 million": what it would take, not what was agreed
            # ("will pay a $50.6 million fee", the verb's own "will")
            or (
                head.i != verb.i
                and any(c.dep_ == "aux" and c.lower_ in ("will", "'ll") for c in head.children)
            )
        )
        if not projected:
            out.append((text, start))
    return out


def _of_the_deal(
    question: Question,
    doc: Any,
    spans: list[tuple[str, int]],
    finder: ExtractiveGenerator,
    found: Evidence | None,
) -> list[tuple[str, int]]:
    """The amounts that the deal the question asks the price of governs ("pay", "buy",
    "spend", or their synonyms), or the change it asks the size of ("By how many
    scholarships will Russia increase its offer?"): "How much did Shein pay for
    Missguided?" is not answered by "Shein is valued at around £53bn", nor the increase
    by "90 state scholarships were allocated … We will be ready to increase this figure"."""
    price = question.answer_labels == {"MONEY"} and question.focus_lemma in _DEAL_VERBS
    change = bool(question.focus_lemma) and _BY_HOW_MUCH.search(question.text) is not None
    if not (price or change):
        return spans
    asked = finder.terms_of(question.focus_lemma)

    def says_it(text: str) -> bool:
        said = finder.same_terms(found, text) if found else finder.terms_of(text)
        return bool(asked & said)

    return [(text, start) for text, start in spans if said_up_to_its_verb(doc[start], says_it)]


# verbs whose amount is a price paid
_DEAL_VERBS = frozenset({"pay", "buy", "purchase", "acquire", "spend"})
_BY_HOW_MUCH = re.compile(r"\bby how (?:many|much)\b", re.I)


def _names_the_asked_noun(question: Question, doc: Any, finder: ExtractiveGenerator) -> bool:
    """Whether the sentence says what the asked amount is of ("fee" for "How big a
    posting fee …?", "fine" for "What fine …?"): an amount in a sentence that does not is
    another amount."""
    noun = question.head_noun
    if not noun or question.counted or noun.lower() in _ANY_AMOUNT:
        return True
    wanted = finder.terms_of(noun)
    return not wanted or any(finder.terms_of(t.text) & wanted for t in doc)


def _called(spans: list[tuple[str, int]], doc: Any, question: Question) -> list[tuple[str, int]]:
    """For "Which army chief …?" (a person asked for by role), the spans the sentence
    calls by that role: "General Bajwa" of "army chief, General Bajwa", not "Imran
    Khan" of "Prime Minister Imran Khan and the army chief"."""
    noun = question.head_noun
    if not noun or "PERSON" not in question.answer_labels:
        return spans
    lemma = noun.lower().rstrip("s")
    if not any(t.lower_.rstrip("s") == lemma for t in doc):
        # "Which Russian official warned …?" of "Envoy Zamir Kabulov … warned": a word
        # the sentence does not use cannot tell its people apart
        return spans
    return [
        (text, i)
        for text, i in spans
        if lemma in {w.lower().rstrip("s") for w in text.split()} or tied_to_noun(doc, i, noun)
    ]


def _shared_by_claims(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer:
    """ "Which company, described by one outlet as …, and by another as …?": one supporting
    sentence per claim (or the refusal), and first the name that all of them share."""
    answer = finder.claims_answer(question, passages, "the question strings several claims")
    if answer.refused:
        return answer
    labels = question.answer_labels or NAME_LABELS
    shared: list[str] | None = None
    by_chunk = {p.chunk_id: p for p in passages}
    for citation in answer.citations:
        doc = finder.parse_sentence(citation.quote, by_chunk.get(citation.chunk_id))
        names = [
            text for text, _ in entity_spans(doc, labels) if new_to(question, text, finder.terms_of)
        ]
        names += [citation.title]  # the article is about it even where a sentence says "it"
        if shared is None:
            shared = names[:-1]
        else:
            shared = [
                n for n in shared if any(same_name(n, other) or n in other for other in names)
            ]
    if not shared:
        return answer
    numbers = "".join(f"[{c.number}]" for c in answer.citations)
    return replace(answer, text=f"{shared[0]} {numbers}. — {answer.text}", short_answer=shared[0])
