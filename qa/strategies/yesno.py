"""Yes/no questions: "Yes" only when a sentence supports every part of the claim, "No"
only when one states the opposite, otherwise the refusal — always with the evidence.

Support means the sentence (with its headline) names every thing the question names,
uses its main verb (or a reporter's synonym for it) and covers what the claim says of
them. The opposite is the same claim negated ("did not supply"), or the same claim with
another value in one place: another country after the same preposition, another number.
A yes/no question is never answered with a bare sentence.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from index.text import split_sentences
from qa.dates import day_key
from qa.extractive import Candidate, Evidence, ExtractiveGenerator, covered, refusal
from qa.places import capital_standing_for
from qa.question import Question
from qa.spans import MIN_SURNAME, initials, mentions, number_value, same_name, verb_above
from qa.strategies.claim_scope import (
    Scope,
    conflicts,
    scope_of,
    sentence_dates,
    within,
)
from qa.strategies.common import lead_answer
from qa.synonyms import one_word_verb
from qa.types import Answer, Passage

SUPPORT_CANDIDATES = 5
MIN_OBJECT_COVERAGE = 0.6  # share of the claim's other terms a sentence must cover
# … when the sentence has the claim's own verb, every name and every number, less of the
# rest will do; a claim with no verb but "be" is all in that rest, and keeps the 0.6
# (README checks: the held-out run found "Was Gary Wang the majority owner …?" a "Yes")
MIN_SUPPORT_COVERAGE = 0.5
CONTEXT_SENTENCES = 2  # the subject's number may stand this far before its sentence
MIN_NAME_STEM = 4  # shorter names ("US", "UN") must match whole
NEGATIONS = frozenset({"not", "n't", "never", "no"})
# verbs that deny the verb they govern: "refused to sign", "failed to win"
NEGATING_VERBS = frozenset({"fail", "refuse", "decline"})
# words that open a clause only supposed or asked: "if Ohtani signs", "whether he is found …"
SUPPOSING_MARKS = frozenset({"if", "whether", "unless"})
# A sentence that says the claim in other words ("met … Bajwa" for "held talks with
# Bajwa"): this close to the question (MiniLM cosine), every name and number of the claim
# in it, and most of the rest of the claim.
PARAPHRASE_SIMILARITY = 0.7
# Verbs that attribute a claim to someone ("according to Lavrov", "as Lavrov put it",
# "did Lavrov say that …"): that someone is looked for in the article, not the sentence.
ATTRIBUTING_VERBS = frozenset({"say", "put", "tell", "state", "claim", "report", "note", "add"})
NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "PRODUCT", "EVENT"})
# verbs of what someone thinks a thing is: "consider themselves favourites" is no fact
OPINION_VERBS = frozenset(
    {"consider", "believe", "think", "regard", "deem", "feel", "see", "view", "reckon"}
)
_DOERS = frozenset({"PERSON", "ORG", "GPE"})
# Verbs whose doer and other party can swap: if A met B, B met A.
RECIPROCAL_VERBS = frozenset({"meet", "talk", "speak", "negotiate", "confer", "clash"})


def answer(question: Question, passages: list[Passage], finder: ExtractiveGenerator) -> Answer:
    found = finder.evidence(question, passages)
    if isinstance(found, str):
        return _dont_know(question, found)
    candidates = found.candidates[:SUPPORT_CANDIDATES]
    # a sentence that turns the claim's outcome round is no support for it
    for candidate in candidates:
        passage = passages[candidate.passage]
        opposite = _says_the_opposite(question, found, candidate, passage, finder)
        if opposite:
            return _verdict(question, "No", candidate, passage, finder, says=opposite)
    for candidate in candidates:
        passage = passages[candidate.passage]
        if not _supports(question, found, candidate, passage, finder):
            continue
        doc = finder.parse_sentence(candidate.sentence, passage)
        if not subject_agrees(doc, question, finder) and not _does_it_by_role(
            doc, question, passage, found, finder
        ):
            continue
        if _hedged(doc, question) and not _hedged(finder.parse_question(question.text), question):
            continue
        if _only_an_opinion(doc, question):
            continue
        negated = _negated(doc, question)
        verdict = "No" if negated != question.negated else "Yes"
        return _verdict(question, verdict, candidate, passage, finder)
    for candidate in candidates:
        passage = passages[candidate.passage]
        if _dated_elsewhere(question, found, candidate, passage, finder):
            return _verdict(question, "No", candidate, passage, finder)
    for candidate in candidates:
        passage = passages[candidate.passage]
        if _contradicts(question, found, candidate, passage, finder):
            return _verdict(question, "No", candidate, passage, finder)
    for candidate in candidates:
        passage = passages[candidate.passage]
        if _paraphrases(question, found, candidate, passage, finder):
            doc = finder.parse_sentence(candidate.sentence, passage)
            # the literal checks that do not depend on wording hold here too
            synonyms = lambda text: finder.same_terms(found, text)  # noqa: E731
            if not subject_agrees(doc, question, finder, synonyms) or _hedged(doc, question):
                continue
            if _hedged_anywhere(doc) and not question.negated:
                continue
            verdict = "No" if _negated(doc, question) != question.negated else "Yes"
            return _verdict(question, verdict, candidate, passage, finder)
    for candidate in candidates:
        passage = passages[candidate.passage]
        if _replaces_one_value(question, found, candidate, passage, finder):
            return _verdict(question, "No", candidate, passage, finder)
    for candidate in candidates:
        passage = passages[candidate.passage]
        other = _another_value(question, found, candidate, passage, passages, finder)
        if other:
            verdict = "Yes" if other.within_bound else "No"
            return _verdict(question, verdict, candidate, passage, finder, instead=other.shown)
    return _dont_know(question, "no sentence supports or contradicts every part of the claim")


def _dont_know(question: Question, why: str) -> Answer:
    return refusal(question.full, why)


def _verdict(
    question: Question,
    verdict: str,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
    *,
    instead: str = "",
    says: str = "",
) -> Answer:
    """The verdict, cited; when the claim is dated, with the date the sentence gives;
    when another value stands in the claim's place, with that value."""
    lead = verdict
    if instead:
        lead = f"{verdict} — the report gives {instead}"
    elif says:
        lead = f"{verdict} — the report says “{says}”"
    if _scope(question, finder).period is not None:
        doc = finder.parse_sentence(candidate.sentence, passage)
        said = sentence_dates(doc, question.focus_lemma, passage.date)
        if said:
            lead = f"{verdict} — the report dates it {said[0].shown}"
    return lead_answer(
        question.full, lead, verdict, [(candidate.sentence, passage, candidate.score)], finder
    )


def _name_terms(question: Question, finder: ExtractiveGenerator, found: Evidence) -> list[set[str]]:
    return [
        finder.terms_of(name) & found.weights.keys()
        for name in question.names
        if finder.terms_of(name) & found.weights.keys()
    ]


def _scope(question: Question, finder: ExtractiveGenerator) -> Scope:
    return scope_of(finder.parse_question(question.text), question.focus_lemma)


def _scene_terms(question: Question, scope: Scope, finder: ExtractiveGenerator) -> set[str]:
    """Terms only the question's scene and its date use: the sentence need not say them."""
    doc = finder.parse_question(question.text)
    aside = scope.scene | scope.period_tokens
    claim = finder.terms_of(" ".join(t.text for t in doc if t.i not in aside))
    return finder.terms_of(" ".join(t.text for t in doc if t.i in aside)) - claim


def dated_within(scope: Scope, doc: Any, passage: Passage, focus_lemma: str) -> bool:
    """The sentence dates the claim's action inside the asked period; a sentence giving
    no date is read as of its article's day."""
    if scope.period is None:
        return True
    said = sentence_dates(doc, focus_lemma, passage.date)
    if said:
        return any(within(scope.period, stated.period) for stated in said)
    published = day_key(passage.date)
    return published is not None and within(scope.period, published)


def _dated_elsewhere(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> bool:
    """The claim as asked, but the sentence dates its action outside the asked period:
    "signed in March 2020?" against "On February 29, 2020, … signed"."""
    scope = _scope(question, finder)
    if scope.period is None or question.negated:
        return False
    if not _supports(question, found, candidate, passage, finder, dated=False):
        return False
    doc = finder.parse_sentence(candidate.sentence, passage)
    if (
        not subject_agrees(doc, question, finder)
        or _hedged(doc, question)
        or _negated(doc, question)
    ):
        return False
    said = sentence_dates(doc, question.focus_lemma, passage.date)
    return bool(said) and all(conflicts(scope.period, stated.period) for stated in said)


def _supports(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
    *,
    dated: bool = True,
) -> bool:
    """Every name, the main verb and most of the rest of the claim are in the sentence
    (names may stand in the headline: "he" in the sentence, "Lavrov" above it; names of
    the question's scene anywhere in the article), and the action is dated as asked."""
    # In a pair of sentences the claim stands in one of them; the other, like the
    # headline, may only say who "we" or "he" is.
    focus = finder.terms_of(question.focus_verb or question.focus_lemma)
    sentence = _claim_sentence(candidate.sentence, focus, found, finder)
    own = finder.same_terms(found, sentence)
    around = finder.same_terms(found, f"{passage.title} {candidate.sentence}")
    subject = finder.terms_of(question.subject)
    attributed = _attributed_names(question, finder)
    scope = _scope(question, finder)
    asked = finder.parse_question(question.text)
    for name in question.names:
        terms = finder.terms_of(name) & found.weights.keys()
        if name in attributed or scope.in_scene(asked, name):
            if not _in_article(name, passage):
                return False
            continue
        # the subject may stand in the headline ("we" in a minister's quote); every
        # other name the claim makes must be in the sentence itself
        in_subject = (
            bool(terms)
            and terms <= subject
            and not _someone_else(question, finder.parse_sentence(candidate.sentence, passage))
        )
        where, text = (
            (around, f"{passage.title} {candidate.sentence}") if in_subject else (own, sentence)
        )
        if not (all(_named(term, where) for term in terms) or mentioned(name, text)):
            doc = finder.parse_sentence(candidate.sentence, passage)
            if not (terms <= subject and _named_by_role(name, doc, passage)):
                return False
    if not _numbers_said(question, candidate, passage, found, finder):
        return False  # "six helicopters" is not borne out by "four helicopters"
    if not _action_said(question, focus, own, candidate.sentence, passage, finder):
        return False  # the claim's action, in the sentence (a verb no passage uses: none)
    if dated and not dated_within(
        scope, finder.parse_sentence(candidate.sentence, passage), passage, question.focus_lemma
    ):
        return False
    names = _name_terms(question, finder, found)
    aside = _scene_terms(question, scope, finder)
    rest = {
        t: w
        for t, w in found.weights.items()
        if t not in focus and t not in aside and not any(t in n for n in names)
    }
    if not rest:
        return bool(focus) or candidate.coverage >= 0.99
    root = next((t for t in asked if t.dep_ == "ROOT"), None)
    copular = not question.focus_lemma and (root is None or root.lemma_.lower() == "be")
    return covered(own, rest) >= (MIN_OBJECT_COVERAGE if copular else MIN_SUPPORT_COVERAGE)


_ASIDES = frozenset({"relcl", "appos", "nmod", "conj", "cc", "acl", "punct", "advmod"})


def _phrase_of(noun: Any) -> str:
    """A noun's own phrase, without the clauses and asides hung on it: in "Altman - and
    potentially Greg Brockman, who stepped down", as the parser hangs it, the one who
    stepped down is Brockman, not Altman."""
    skipped = {t.i for c in noun.children if c.dep_ in _ASIDES for t in c.subtree}
    return " ".join(t.text for t in noun.subtree if t.i not in skipped)


def _someone_else(question: Question, doc: Any) -> bool:
    """Whether the sentence names a country, person or organisation the question does
    not: then the headline cannot stand in for the claim's subject ("Is Afghanistan a
    full member?" is not supported by "the accession of Islamabad … as a full member"
    under a headline about Afghanistan)."""
    return any(
        e.label_ in _DOERS
        and not any(
            same_name(e.text, name) or e.text == capital_standing_for(name)
            for name in question.names
        )
        for e in doc.ents
    )


def _claim_sentence(
    text: str, focus: set[str], found: Evidence, finder: ExtractiveGenerator
) -> str:
    """Of a candidate pair, the sentence that carries the claim: the one with its verb,
    else the one covering more of the question."""
    parts = split_sentences(text)
    if len(parts) < 2:
        return text

    def weight(part: str) -> tuple[bool, float]:
        terms = finder.same_terms(found, part)
        return (bool(focus) and focus <= terms, sum(found.weights.get(t, 0.0) for t in terms))

    return max(parts, key=weight)


def _named(term: str, terms: set[str]) -> bool:
    """A name's term, or a word derived from it: "Russia" in "the Russian side",
    "Pakistan" in "Pakistani troops"."""
    return term in terms or (len(term) >= MIN_NAME_STEM and any(t.startswith(term) for t in terms))


def subject_of(verb: Any) -> Any:
    """Who does what the verb says: its subject, the agent of a passive ("signed by the
    parties"), or for "pledged to withdraw" the subject of "pledged"."""
    for _ in range(4):
        for child in verb.children:
            if child.dep_ == "nsubj" and child.tag_ in ("WP", "WDT") and verb.dep_ == "relcl":
                return verb.head  # "Brockman, who stepped down": Brockman did
            if child.dep_ == "nsubj":
                return child
            if child.dep_ == "agent":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head is not verb:
            verb = verb.head
            continue
        return None
    return None


def subject_agrees(
    doc: Any,
    question: Question,
    finder: ExtractiveGenerator,
    verb_terms: Callable[[str], set[str]] | None = None,
) -> bool:
    """The claim's subject does the claim's action in the sentence: "Did Russia sign …?"
    is not supported by "… which was signed by the parties" in a sentence that names
    Russia elsewhere. A pronoun subject ("we gave") is taken as the one the context names."""
    wanted = finder.terms_of(question.subject)
    if not question.focus_lemma or not wanted:
        return True
    focus = finder.terms_of(question.focus_verb or question.focus_lemma)
    # ``verb_terms`` may map a reporter's synonym to the question's verb ("gave" for "supply")
    of_verb = verb_terms or finder.terms_of
    # a phrasal verb reads as its one-word verb: "stepping down" as "resign"
    verbs = [
        t for t in doc if t.pos_ in ("VERB", "AUX") and of_verb(one_word_verb(t) or t.text) & focus
    ]
    if not verbs and question.focus_lemma in REPORTING_VERBS:
        # "Did the envoy describe …?": whoever "said" it in the sentence
        verbs = [t for t in doc if t.pos_ == "VERB" and t.lemma_.lower() in _SPEECH_VERBS]
    for noun in doc:
        # "Lavrov's visit to Pakistan" says that Lavrov visited it
        if noun.pos_ == "NOUN" and finder.terms_of(noun.text) & focus:
            owners = [c for c in noun.children if c.dep_ == "poss"]
            if any(wanted & finder.terms_of(" ".join(t.text for t in o.subtree)) for o in owners):
                return True
    for verb in verbs:
        if verb.lemma_.lower() in RECIPROCAL_VERBS and any(
            wanted & finder.terms_of(" ".join(t.text for t in c.subtree))
            for c in verb.children
            if c.dep_ == "dobj" or (c.dep_ == "prep" and c.lower_ == "with")
        ):
            return True  # "Did Khan meet Lavrov?" — "Lavrov met Khan" says it too
        subject = subject_of(verb)
        if subject is None:
            # "Rabbani thanked Lavrov for offering condolences": no subject in the
            # parse; the name standing nearest before the verb is taken as the doer
            before = [e for e in doc.ents if e.end <= verb.i and e.label_ in NAME_LABELS]
            if before and wanted & finder.terms_of(before[-1].text):
                return True
            continue
        if subject.pos_ == "PRON":
            return True
        said = _phrase_of(subject)
        if wanted & finder.terms_of(said) or any(
            mentioned(name, said) for name in question.names if name in question.subject
        ):
            return True
    return False


def _hedged(doc: Any, question: Question) -> bool:
    """Whether the claim's verb is only promised, planned or possible ("pledged to
    withdraw", "will withdraw", "could withdraw"): that is not a report that it happened."""
    verbs = [t for t in doc if question.focus_lemma and t.lemma_.lower() == question.focus_lemma]
    for verb in verbs:
        if any(c.dep_ == "aux" and c.tag_ == "MD" for c in verb.children):
            return True
        if any(c.dep_ == "mark" and c.lower_ in SUPPOSING_MARKS for c in verb.children):
            return True  # "if Ohtani signs with …"
        if (
            verb.dep_ in ("xcomp", "ccomp")
            and verb.head.pos_ == "VERB"
            and verb.head.lemma_.lower() not in NEGATING_VERBS
        ):
            return True
    return False


def _negated(doc: Any, question: Question) -> bool:
    """Whether the sentence denies the claim: its verb (the question's, or the main one)
    carries a negation."""
    verbs = [t for t in doc if question.focus_lemma and t.lemma_.lower() == question.focus_lemma]
    if not verbs:
        verbs = [t for t in doc if t.dep_ == "ROOT"] + _verbs_of_the_claim_s_words(doc, question)
    if any(
        v.dep_ == "xcomp" and v.head.lemma_.lower() in NEGATING_VERBS and not _negated_word(v.head)
        for v in verbs
    ):
        return True  # "Pakistan refused to sign", "Jordan failed to win"
    return any(_negated_word(verb) for verb in verbs)


def _only_an_opinion(doc: Any, question: Question) -> bool:
    """Whether a claim with no verb of its own is only what someone thinks in the
    sentence ("… never consider themselves favourites"): that neither bears out nor
    denies "Were the All Blacks the favourites?"."""
    if question.focus_lemma:
        return False
    return any(
        verb.lemma_.lower() in OPINION_VERBS for verb in _verbs_of_the_claim_s_words(doc, question)
    )


def _verbs_of_the_claim_s_words(doc: Any, question: Question) -> list[Any]:
    """For a claim with no verb of its own ("Were the All Blacks the favourites?"), the
    verbs that govern the claim's nouns and adjectives in the sentence: "… never consider
    themselves favourites" denies it, though "said" does not."""
    asked = set(re.findall(r"[a-z]+", question.text.lower()))
    out = []
    for token in doc:
        if token.pos_ not in ("NOUN", "ADJ") or token.lower_ not in asked:
            continue
        head = verb_above(token)
        if head.pos_ in ("VERB", "AUX"):
            out.append(head)
    return out


def _negated_word(verb: Any) -> bool:
    return any(
        (child.dep_ == "neg" or child.lower_ in NEGATIONS) and not _not_only(child)
        for child in verb.children
    )


def _not_only(token: Any) -> bool:
    """ "not only … but …" adds to what the verb says; it denies nothing."""
    following = token.nbor(1) if token.i + 1 < len(token.doc) else None
    return token.lower_ == "not" and following is not None and following.lower_ == "only"


def _contradicts(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> bool:
    """The same claim with another value in one place: all but one of the question's
    names, its verb, and in the missing name's place another name of the same kind
    ("supplied … to Afghanistan" against "to Pakistan"), or another number."""
    focus = finder.terms_of(question.focus_verb or question.focus_lemma) & found.weights.keys()
    if not focus or not focus <= set(candidate.terms):
        return False
    asked = finder.parse_question(question.text)
    sentence = finder.parse_sentence(candidate.sentence, passage)
    if _supposed(sentence, question):
        return False  # "if Ohtani signs with the Blue Jays" says nothing of where he signed
    if _other_thing_does_it(sentence, asked, question, finder):
        return False  # "a meeting was held in Moscow" is not where the exercises were held
    around = set(candidate.terms) | finder.same_terms(found, passage.title)
    missing = [
        e
        for e in asked.ents
        if e.label_ in NAME_LABELS
        and not (finder.terms_of(e.text) & found.weights.keys()) <= around
    ]
    present = [
        e
        for e in asked.ents
        if e.label_ in NAME_LABELS and (finder.terms_of(e.text) & found.weights.keys()) <= around
    ]
    # meeting one party does not contradict meeting another
    if len(missing) == 1 and present and question.focus_lemma not in RECIPROCAL_VERBS:
        gap = missing[0]
        for other in sentence.ents:
            if (
                other.label_ == gap.label_
                and not same_name(gap.text, other.text)
                and _same_place(gap.root, other.root, question.focus_lemma)
            ):
                return True
    asked_numbers = {t.text for t in asked if t.like_num}
    if asked_numbers and not missing:
        said = {t.text for t in sentence if t.like_num}
        counted = {t.head.lemma_ for t in asked if t.like_num}
        return (
            bool(said)
            and not (asked_numbers & said)
            and any(t.like_num and t.head.lemma_ in counted for t in sentence)
        )
    return False


def _same_place(asked: Any, said: Any, verb: str) -> bool:
    """Whether two names fill the same slot of the claim's verb: objects of the same
    preposition attached to it, or both its direct objects, or both its subjects."""
    if asked.dep_ == "pobj" and said.dep_ == "pobj":
        return bool(asked.head.lower_ == said.head.lower_ and said.head.head.lemma_.lower() == verb)
    return bool(
        asked.dep_ == said.dep_
        and asked.dep_ in ("dobj", "nsubj", "dative")
        and said.head.lemma_.lower() == verb
    )


def _attributed_names(question: Question, finder: ExtractiveGenerator) -> set[str]:
    """Names the question gives as the source of the claim, not a part of it: "according
    to Lavrov", "as Lavrov put it", "did Lavrov say that …"."""
    doc = finder.parse_question(question.text)
    out: set[str] = set()
    for ent in doc.ents:
        root = ent.root
        head = root.head
        if (root.dep_ == "pobj" and head.lower_ == "to" and head.head.lower_ == "according") or (
            root.dep_ == "nsubj"
            and head.lemma_.lower() in ATTRIBUTING_VERBS
            and (
                any(c.dep_ == "ccomp" for c in head.children)
                or any(c.dep_ == "mark" and c.lower_ == "as" for c in head.children)
            )
        ):
            out.add(ent.text)
    return {name for name in question.names if any(name in said for said in out)}


def _in_article(name: str, passage: Passage) -> bool:
    """The passage or its headline names ``name``, if need be by its surname alone."""
    return mentioned(name, f"{passage.title}\n{passage.text}")


def _claim_names_and_numbers(
    question: Question, found: Evidence, finder: ExtractiveGenerator
) -> tuple[list[str], set[str]]:
    """The names the claim makes (attributions left out) and the numbers it states."""
    attributed = _attributed_names(question, finder)
    names = [n for n in question.names if n not in attributed]
    asked = finder.parse_question(question.text)
    # "one of the subjects" picks a thing out of several; it states no figure
    numbers = {
        t.lower_
        for t in asked
        if t.like_num
        and not (t.lower_ == "one" and t.i + 1 < len(asked) and asked[t.i + 1].lower_ == "of")
    }
    return names, numbers


def _numbers_said(
    question: Question,
    candidate: Candidate,
    passage: Passage,
    found: Evidence,
    finder: ExtractiveGenerator,
) -> bool:
    """Every number the claim states is in the sentence (a year may be its article's);
    one that only says which thing the claim is about ("the $700 million deal" as its
    subject) may stand in the headline or the sentences just before, as the subject's
    name may."""
    _, numbers = _claim_names_and_numbers(question, found, finder)
    # a date the claim puts on its action is checked as a date (claim_scope), not here
    asked = finder.parse_question(question.text)
    numbers -= {t.lower_ for t in asked if t.like_num and t.ent_type_ == "DATE"}
    said = _words(f"{candidate.sentence} {passage.date[:4]}")
    missing = numbers - said
    if not missing:
        return True
    subject = _words(question.subject)
    if not missing <= subject:
        return False
    start = passage.text.find(candidate.sentence[:60])
    before = split_sentences(passage.text[: max(start, 0)])[-CONTEXT_SENTENCES:]
    return missing <= _words(" ".join([passage.title, *before]))


def _words(text: str) -> set[str]:
    return {t.lower() for t in re.findall(r"\b\w+\b", text)}


def mentioned(name: str, text: str) -> bool:
    """``text`` names ``name`` as written, by its initials ("US" for "United States": in
    the claim's own sentence a short form is the name), by the surname alone, or by the
    capital that stands for a country ("Moscow and Islamabad consider …" for "Russia and
    Pakistan"; ``qa.places``)."""
    surname = name.split()[-1] if len(name.split()) > 1 else ""
    short_form = initials(name)
    return (
        mentions(text, name)
        or bool(short_form and re.search(rf"\b{short_form}\b", text))
        or (len(surname) >= MIN_SURNAME and bool(re.search(rf"\b{re.escape(surname)}\b", text)))
        or bool((capital := capital_standing_for(name)) and mentions(text, capital))
    )


def _name_in(name: str, text: str, terms: set[str], finder: ExtractiveGenerator) -> bool:
    wanted = finder.terms_of(name)
    return (bool(wanted) and all(_named(term, terms) for term in wanted)) or mentioned(name, text)


def _paraphrases(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> bool:
    """The claim in other words: the sentence is within PARAPHRASE_SIMILARITY of the
    question, names every name and number of the claim (the subject may stand in the
    headline, an attribution anywhere in the article; a year may be the article's own),
    has the claim's verb or a reporter's synonym of it (the model cannot tell "was
    elected" from "lost the vote", so a verb is never taken on similarity alone), and
    covers most of the rest of it."""
    if candidate.similarity < PARAPHRASE_SIMILARITY:
        return False
    names, _ = _claim_names_and_numbers(question, found, finder)
    own = finder.same_terms(found, candidate.sentence)
    focus = finder.terms_of(question.focus_verb or question.focus_lemma)
    if not _action_said(question, focus, own, candidate.sentence, passage, finder):
        return False  # nor is a verb or a predicate ("ahead", "a member") taken on similarity
    around = f"{passage.title} {candidate.sentence}"
    subject = finder.terms_of(question.subject)
    for name in names:
        in_subject = bool(finder.terms_of(name)) and finder.terms_of(name) <= subject
        text = around if in_subject else candidate.sentence
        if not _name_in(name, text, finder.same_terms(found, text), finder):
            return False
    if not _numbers_said(question, candidate, passage, found, finder):
        return False
    name_terms = {t for n in question.names for t in finder.terms_of(n)}
    rest = {t: w for t, w in found.weights.items() if t not in name_terms and t not in focus}
    if not rest:
        return True
    return covered(own, rest) >= MIN_OBJECT_COVERAGE


# Verbs that ask what someone said: "Did the envoy describe Pakistan as a key player?"
# is borne out by "the envoy said Pakistan was a key player".
REPORTING_VERBS = frozenset(
    {
        "describe",
        "say",
        "tell",
        "state",
        "claim",
        "report",
        "note",
        "call",
        "characterise",
        "characterize",
        "label",
        "mention",
    }
)

_SPEECH_VERBS = REPORTING_VERBS | ATTRIBUTING_VERBS


def _action_said(
    question: Question,
    focus: set[str],
    own: set[str],
    sentence: str,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> bool:
    """Whether the sentence (its terms ``own``) says what the claim does: its verb
    (``focus``), any verb of speech for a claim about what was said, and for a claim with
    no verb but "be", its predicate."""
    if focus and not focus <= own and not _reports_as_asked(question, sentence, passage, finder):
        return False
    return _predicate_said(question, own, finder)


def _predicate_said(question: Question, own: set[str], finder: ExtractiveGenerator) -> bool:
    """A claim with no verb but "be" stands on its predicate: "Were Ireland ahead …?",
    "Is Afghanistan a full member …?" — the sentence must say "ahead", "member" (or a
    reporter's synonym), whatever else of the claim it shares."""
    if question.focus_lemma:
        return True
    asked = finder.parse_question(question.text)
    root = next((t for t in asked if t.dep_ == "ROOT"), None)
    if root is None or root.lemma_.lower() != "be":
        return True
    predicates = [
        c for c in root.children if c.dep_ in ("attr", "acomp", "advmod", "oprd") and c.is_alpha
    ]
    predicates = [p for p in predicates if p.lower_ not in ("still", "also", "already", "now")]
    return all(finder.terms_of(p.lemma_) & own or finder.terms_of(p.text) & own for p in predicates)


def _reports_as_asked(
    question: Question, sentence: str, passage: Passage, finder: ExtractiveGenerator
) -> bool:
    """Whether a claim about what was said ("describe … as", "say that") meets a sentence
    that reports speech in any of the reporter's verbs ("said", "told", "noted")."""
    if question.focus_lemma not in REPORTING_VERBS:
        return False
    doc = finder.parse_sentence(sentence, passage)
    return any(t.pos_ == "VERB" and t.lemma_.lower() in _SPEECH_VERBS for t in doc)


def _hedged_anywhere(doc: Any) -> bool:
    """A modal or conditional on the sentence's main verb ("could", "will", "if")."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    return any(
        (c.dep_ == "aux" and c.tag_ == "MD") or (c.dep_ == "mark" and c.lower_ in ("if", "unless"))
        for root in roots
        for c in root.children
    )


def _replaces_one_value(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> bool:
    """The claim with another value in one place, said in other words: the sentence is
    within PARAPHRASE_SIMILARITY of the question and covers most of the rest of the
    claim, every name of the claim but one is in it, and where the question puts that
    name after a preposition ("to Islamabad") the sentence puts another name of the same
    kind after the same preposition ("to Lahore")."""
    if candidate.similarity < PARAPHRASE_SIMILARITY:
        return False
    names, _ = _claim_names_and_numbers(question, found, finder)
    missing = _names_missing(names, candidate, passage, found, finder)
    if len(missing) != 1 or len(names) < 2:
        return False
    asked = finder.parse_question(question.text)
    gap = next((e for e in asked.ents if e.text == missing[0] or missing[0] in e.text), None)
    if gap is None or gap.root.dep_ != "pobj":
        return False
    own = finder.same_terms(found, candidate.sentence)
    if not _covers_all_but(found, own, finder.terms_of(gap.text)):
        return False
    sentence = finder.parse_sentence(candidate.sentence, passage)
    if _supposed(sentence, question) or _other_thing_does_it(sentence, asked, question, finder):
        return False
    return any(
        other.label_ == gap.label_
        and other.root.dep_ == "pobj"
        and other.root.head.lower_ == gap.root.head.lower_
        and not same_name(gap.text, other.text)
        and not any(same_name(other.text, n) or n in other.text for n in names)
        for other in sentence.ents
    )


def _names_missing(
    names: list[str],
    candidate: Candidate,
    passage: Passage,
    found: Evidence,
    finder: ExtractiveGenerator,
) -> list[str]:
    """The claim's names that neither the sentence nor its headline gives."""
    around = f"{passage.title} {candidate.sentence}"
    terms = finder.same_terms(found, around)
    return [n for n in names if not _name_in(n, around, terms, finder)]


def _covers_all_but(found: Evidence, own: set[str], left_out: set[str]) -> bool:
    """Whether ``own`` covers MIN_OBJECT_COVERAGE of the claim's terms but ``left_out``
    (the value or the word a "No" turns on)."""
    rest = {t: w for t, w in found.weights.items() if t not in left_out}
    return bool(rest) and covered(own, rest) >= MIN_OBJECT_COVERAGE


# A sentence this close to the question (MiniLM cosine) may be the claim's own event
# with one value replaced. Set on the dev question sets of both corpora: 0.6 answers
# three "No" questions (b3-13, b5-19, bA-yn-04), 0.5 and 0.7 two each; none wrong.
VALUE_SIMILARITY = 0.6
_LIGHT_LEMMAS = frozenset({"be", "have", "do", "make", "get", "take"})


def _another_value(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    passages: list[Passage],
    finder: ExtractiveGenerator,
) -> OtherValue | None:
    """The claim's event with one of its values replaced, or None: exactly one name or
    number of the claim is missing from the sentence's passage ("six" helicopters, a meeting
    "in Islamabad", patents "owned by Qualcomm"), every other name of the claim is in the
    sentence (the subject may be in its headline), the sentence covers most of the rest
    of the claim, and it puts another name or number in that value's slot: after the
    same preposition, or in the same role under a word of the claim ("four … helicopters"
    for "six combat helicopters"). Returns the other value, shown with the "No" — or
    with a "Yes" when the claim bounds its number ("more than ten times") and the
    other value is within the bound ("11 times").

    A passage that names every value of the claim may hold it, so then there is no "No";
    and a claim of one name alone has no event to anchor the swap."""
    if candidate.similarity < VALUE_SIMILARITY or question.negated:
        return None
    asked = finder.parse_question(question.text)
    sentence = finder.parse_sentence(candidate.sentence, passage)
    if _supposed(sentence, question) or _other_thing_does_it(sentence, asked, question, finder):
        return None
    names, _ = _claim_names_and_numbers(question, found, finder)
    # the values the sentence's own passage lacks; and no passage may name them all, or
    # the claim may hold there
    own_text = f"{passage.title}\n{passage.text}"
    numbers = [t for t in asked if t.like_num and t.ent_type_ != "DATE"]
    gaps = [n for n in names if not mentioned(n, own_text)]
    gaps_n = [t for t in numbers if not _number_in(t.lower_, own_text)]
    if len(gaps) + len(gaps_n) != 1 or len(names) < 1 + len(gaps):
        return None
    for other in passages:
        text = f"{other.title}\n{other.text}"
        if all(mentioned(n, text) for n in names) and all(
            _number_in(t.lower_, text) for t in numbers
        ):
            return None
    if _names_missing([n for n in names if n not in gaps], candidate, passage, found, finder):
        return None
    gap_text = gaps[0] if gaps else gaps_n[0].text
    bound = _bound(gaps_n[0]) if gaps_n else None
    if bound is not None:  # "more than ten": the bound's words are the value's, not the event's
        gap_text = f"{bound.words} {gap_text}"
    own = finder.same_terms(found, candidate.sentence) | finder.same_terms(found, passage.title)
    if not _covers_all_but(found, own, finder.terms_of(gap_text)):
        return None
    sentence = finder.parse_sentence(candidate.sentence, passage)
    if gaps_n:
        gap = gaps_n[0]
        # "one" is as often a pronoun ("evading one sack", "one of them") as a count
        rivals = [t for t in sentence if t.like_num and t.ent_type_ != "DATE" and t.lower_ != "one"]
    else:
        gap = _token_of(asked, gap_text)
        if gap is None:
            return None
        rivals = [t for t in sentence if t.pos_ == "PROPN" and t.ent_iob_ in ("B", "O")]
    for rival in rivals:
        shown = _value_phrase(sentence, rival)
        if any(same_name(shown, n) or mentioned(n, shown) for n in question.names):
            continue
        if _same_slot(gap, rival, finder):
            if bound is not None:
                asked_value, said_value = number_value(gap.text), number_value(rival.text)
                if asked_value is None or said_value is None:
                    continue
                return OtherValue(shown, bound.holds(said_value, asked_value))
            return OtherValue(shown, within_bound=False)
    return None


@dataclass(frozen=True)
class OtherValue:
    """The value a sentence gives in the place of the claim's, and whether it still
    meets the claim ("11" for "more than ten")."""

    shown: str
    within_bound: bool


# "more than ten", "at least 5", "under 100": the words before a number that make a
# claim about a range, read backwards from the number
_BOUNDS: dict[tuple[str, ...], Callable[[float, float], bool]] = {
    ("than", "more"): operator.gt,
    ("than", "greater"): operator.gt,
    ("over",): operator.gt,
    ("above",): operator.gt,
    ("least", "at"): operator.ge,
    ("than", "fewer"): operator.lt,
    ("than", "less"): operator.lt,
    ("under",): operator.lt,
    ("below",): operator.lt,
    ("most", "at"): operator.le,
}


@dataclass(frozen=True)
class Bound:
    """What the words before a claim's number make of it: ``holds(said, asked)``, and
    the two words read (left out of the claim's coverage with the number)."""

    holds: Callable[[float, float], bool]
    words: str


def _bound(number: Any) -> Bound | None:
    """The comparison the words before a number put on it ("more than ten": >)."""
    window = number.doc[max(0, number.i - 2) : number.i]
    before = [t.lower_ for t in reversed(window)]
    for words, holds in _BOUNDS.items():
        if tuple(before[: len(words)]) == words:
            return Bound(holds, window.text)
    return None


def _number_in(number: str, text: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(number)}(?![\w])", text, re.I) is not None


def _token_of(doc: Any, name: str) -> Any:
    """The token of the question that heads the name (an entity's root, else the last
    word of the name)."""
    for ent in doc.ents:
        if same_name(ent.text, name):
            return ent.root
    last = name.split()[-1].lower()
    return next((t for t in doc if t.lower_ == last), None)


def _value_phrase(doc: Any, token: Any) -> str:
    """The whole name or number a token belongs to ("Qamar Javed Bajwa", "49.9%"), or
    the phrase it names ("the previous US administration" for its "US")."""
    if token.dep_ == "compound" and token.head.pos_ == "NOUN":
        # "the previous US administration", not "US"
        return _phrase_of(token.head)
    ent = next((e for e in doc.ents if e.start <= token.i < e.end), None)
    if ent is not None:
        return str(ent.text)
    words = [token]
    while words[-1].i + 1 < len(doc) and doc[words[-1].i + 1].pos_ == "PROPN":
        words.append(doc[words[-1].i + 1])
    return " ".join(t.text for t in words)


def _same_slot(asked: Any, said: Any, finder: ExtractiveGenerator) -> bool:
    """Whether two values fill the same place: objects of the same preposition (also
    through "the city of …"), or the same role (a number counting, an object, a subject) under words of the same stem."""
    if asked.dep_ == "pobj" and said.dep_ == "pobj":
        preposition = asked.head.lemma_.lower()
        if said.head.lemma_.lower() == preposition:
            return True
        # "in the city of Rawalpindi" puts Rawalpindi where "in Islamabad" puts Islamabad
        named = said.head.head  # "city"
        return bool(
            said.head.lower_ == "of"
            and named.dep_ == "pobj"
            and named.head.lemma_.lower() == preposition
        )
    if asked.dep_ != said.dep_:
        return False
    return bool(_anchors(asked, finder) & _anchors(said, finder))


def _anchors(token: Any, finder: ExtractiveGenerator) -> set[str]:
    """Stems of the nearest nouns and verbs above a token (two of them, light verbs
    left out): what its value is the value of."""
    out: set[str] = set()
    head = token
    for _ in range(4):
        if head.head is head:
            break  # the root has been read
        head = head.head
        if head.pos_ in ("NOUN", "VERB") and head.lemma_.lower() not in _LIGHT_LEMMAS:
            out |= finder.terms_of(head.lemma_)
            if len(out) >= 2:
                break
    return out


_ROLE_DETERMINERS = frozenset({"the", "a", "an", "this", "that"})


def _does_it_by_role(
    doc: Any, question: Question, passage: Passage, found: Evidence, finder: ExtractiveGenerator
) -> bool:
    """The claim's subject, called by its role, is the subject of the claim's verb (or a
    reporter's synonym of it): "The Russian foreign minister also expressed condolences"
    for "Did Lavrov offer condolences?" (see ``_named_by_role``)."""
    focus = finder.terms_of(question.focus_verb or question.focus_lemma)
    if not focus:
        return False
    names = [n for n in question.names if n in question.subject]
    return any(
        _named_by_role(name, doc, passage, lambda verb: focus <= finder.same_terms(found, verb))
        for name in names
    )


def _named_by_role(
    name: str, doc: Any, passage: Passage, is_verb: Callable[[str], bool] | None = None
) -> bool:
    """Whether the sentence calls the person by a role that its passage gives them in
    full: "The Russian foreign minister also expressed condolences …" where the passage
    names "Russian Foreign Minister Sergey Lavrov" (for a claim about Lavrov). Only a
    definite role phrase heading a subject counts, and the passage must put that very
    phrase before the name."""
    surname = name.split()[-1]
    for token in doc:
        if token.dep_ not in ("nsubj", "nsubjpass") or token.pos_ != "NOUN":
            continue
        if is_verb is not None and not is_verb(token.head.text):
            continue
        words = [t for t in token.subtree if t.i <= token.i]
        if not words or words[0].lower_ != "the":
            continue
        role = [t.text for t in words if t.lower_ not in _ROLE_DETERMINERS]
        if len(role) < 2:
            continue  # "the minister" alone could be any minister
        pattern = r"\b" + r"\s+".join(re.escape(w) for w in role) + r"\s+(?:[A-Z][\w.'-]*\s+){0,3}"
        if re.search(pattern + re.escape(surname) + r"\b", passage.text, re.I):
            return True
    return False


def _other_thing_does_it(
    doc: Any, asked: Any, question: Question, finder: ExtractiveGenerator
) -> bool:
    """Whether the claim's verb has, in the sentence, a subject that is another kind of
    thing than the claim's: both common nouns, of different words."""
    claim_verbs = [t for t in asked if t.lemma_.lower() == question.focus_lemma]
    wanted = next(
        (c for v in claim_verbs for c in v.children if c.dep_ in ("nsubj", "nsubjpass")),
        # "Were the exercises held in …?" hangs the verb on its subject
        next((v.head for v in claim_verbs if v.dep_ == "acl"), None),
    )
    if wanted is None or wanted.pos_ != "NOUN":
        return False
    for verb in doc:
        if verb.lemma_.lower() != question.focus_lemma:
            continue
        said = next((c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if said is None or said.pos_ != "NOUN":
            return False
        return not finder.terms_of(said.lemma_) & (
            finder.terms_of(wanted.lemma_) | finder.terms_of(question.subject)
        )
    return False


def _supposed(doc: Any, question: Question) -> bool:
    """Whether every use of the claim's verb in the sentence is only supposed, asked or
    possible ("if Ohtani signs with the Blue Jays"): such a sentence contradicts nothing."""
    verbs = [t for t in doc if question.focus_lemma and t.lemma_.lower() == question.focus_lemma]
    return bool(verbs) and all(_conditional(v) for v in verbs)


def _conditional(token: Any) -> bool:
    """Whether the word stands in a clause that is only supposed, asked or possible:
    "whether he is found guilty", "if they lose", "could lose" (not "would": "said the
    deadline would be hard" reports what was said)."""
    for word in [token, *token.ancestors]:
        if any(
            (c.dep_ == "mark" and c.lower_ in SUPPOSING_MARKS)
            or (c.dep_ == "aux" and c.lower_ in ("could", "might", "may"))
            for c in word.children
        ):
            return True
    return False


def _says_the_opposite(
    question: Question,
    found: Evidence,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> str:
    """The claim with its outcome turned round, or "": one word of the claim ("win",
    "acquitted", "easy") is missing from the sentence, which has its opposite instead
    (``qa.synonyms.OPPOSITES``: "lost", "found guilty", "hard"), not negated, with every
    name of the claim (the subject may be in the headline) and most of the rest of it.
    Returns the sentence's word, shown with the "No"."""
    if candidate.similarity < VALUE_SIMILARITY or question.negated:
        return ""
    asked = finder.parse_question(question.text)
    own = finder.terms_of(candidate.sentence)
    turned = [
        (t, opposite)
        for t in asked
        if t.pos_ in ("VERB", "ADJ", "NOUN")
        for term in finder.terms_of(t.lemma_) | finder.terms_of(t.text)
        if term not in own
        for opposite in finder.opposites.get(term, ())
        if opposite in own
    ]
    if len({t.i for t, _ in turned}) != 1:
        return ""
    word, opposite = turned[0]
    sentence = finder.parse_sentence(candidate.sentence, passage)
    said = [t for t in sentence if opposite in finder.terms_of(t.text) | finder.terms_of(t.lemma_)]
    if not said or any(c.dep_ == "neg" for t in said for c in [*t.children, *t.head.children]):
        return ""
    if all(_conditional(t) for t in said):
        return ""  # "whether he is found guilty" reports no verdict
    names, _ = _claim_names_and_numbers(question, found, finder)
    if _names_missing(names, candidate, passage, found, finder):
        return ""
    gone = finder.terms_of(word.lemma_) | finder.terms_of(word.text)
    if not _covers_all_but(found, finder.same_terms(found, candidate.sentence), gone):
        return ""
    return str(said[0].text)
