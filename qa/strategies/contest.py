"""Who won: "Did the USMNT beat Germany in their October friendly?", "Did Manchester United
beat Galatasaray at Old Trafford?", "Did New Zealand win the Rugby World Cup final?".

A report of a result rarely repeats the question's verb with its subject and object in
place: it tells the result from either side ("the 3-1 defeat for the USMNT against
Germany", "Galatasaray, who won at Old Trafford … against United", "South Africa beat
New Zealand in the final"). The claim's sentence check (``yesno``) sees a sentence whose
subject is the other side and finds no support; here the sentence is read for who won
and who lost — the subject and object of a verb of winning or losing, the owner of a
"win" or a "defeat" and whom it was against — and the answer is "Yes" when the asked
winner won, "No" when the other side did.

Only the few words that say a result count (RESULT_VERBS, WINNING_NOUNS, LOSING_NOUNS),
each side must be named (a pronoun owner, "their 3-2 win", tells nothing), what was won
must be what was asked ("won Game 2 of the World Series" is not the World Series), and
every sentence among the best that tells a result must tell the same one. Otherwise the
answer is the refusal: a question about a result is not handed to the yes/no strategy,
whose sentence check would take "have won Game 2 of the 2023 World Series" for "Did the
Diamondbacks win the World Series?".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qa.extractive import Candidate, ExtractiveGenerator, refusal
from qa.question import Question
from qa.spans import mentions, same_name
from qa.strategies import yesno
from qa.strategies.claim_scope import Scope, scope_of
from qa.strategies.common import lead_answer
from qa.types import Answer, Passage

# verbs whose subject won, and the one whose subject lost
WINNING_VERBS = frozenset(
    {"win", "beat", "defeat", "edge", "overcome", "outlast", "rout", "thrash", "upset", "top"}
)
LOSING_VERBS = frozenset({"lose"})
RESULT_VERBS = WINNING_VERBS | LOSING_VERBS
WINNING_NOUNS = frozenset({"win", "victory", "triumph"})
LOSING_NOUNS = frozenset({"defeat", "loss"})
# a preposition on a result that names the other side: "win over", "defeat to", "loss against"
OPPONENT_PREPOSITIONS = frozenset({"against", "over", "to"})
CHECKED_CANDIDATES = 8
_CONTEST_CLAUSE = ("out", "on", "top")  # "come out on top" is to win


@dataclass(frozen=True)
class Contest:
    """What the question asks: did ``side`` win (``wins``) or lose, against ``other``
    (a name, or "" for "Did New Zealand win the final?", where ``event`` is "final"; a
    sentence must then name the event, with the words that say which one)."""

    side: str
    other: str
    wins: bool
    event: str
    qualifiers: tuple[str, ...] = ()  # the event's words that say which: "first" game
    one_winner: bool = False  # "the World Series", "the final": whoever else won it, they did not


@dataclass(frozen=True)
class Result:
    winner: str  # the phrase naming the side that won, or ""
    loser: str
    prize: str = ""  # what a "won" says was won: "series" of "won the World Series"
    held_in: str = ""  # where the result was had: "final" of "beat New Zealand in the final"


def answer(
    question: Question, passages: list[Passage], finder: ExtractiveGenerator
) -> Answer | None:
    """ "Yes"/"No" from the result the best sentences tell; the refusal when they tell
    none, or more than one; None when the question asks no result."""
    contest = read_contest(question, finder)
    if contest is None:
        return None
    found = finder.evidence(question, passages)
    if isinstance(found, str):
        return None
    scope = scope_of(finder.parse_question(question.text), question.focus_lemma)
    verdicts: list[tuple[bool, Candidate]] = []
    for candidate in found.candidates[:CHECKED_CANDIDATES]:  # each sentence once
        passage = passages[candidate.passage]
        won = _side_won(contest, question, scope, candidate, passage, finder)
        if won is not None:
            verdicts.append((won, candidate))
    if len({won for won, _ in verdicts}) > 1:
        return refusal(question.full, "the reports tell more than one result of it")
    if not verdicts:
        # a sentence that says a side won something ("won Game 2 of the World Series")
        # is no support for having won what was asked
        return refusal(question.full, "no sentence tells who won it")
    won, best = verdicts[0]
    verdict = "Yes" if won == contest.wins else "No"
    if won:
        outcome = f"{contest.side} won"
    else:
        outcome = f"{contest.other} won" if contest.other else f"{contest.side} lost"
    passage = passages[best.passage]
    return lead_answer(
        question.full,
        f"{verdict} — {outcome}",
        verdict,
        [(best.sentence, passage, best.score)],
        finder,
    )


def read_contest(question: Question, finder: ExtractiveGenerator) -> Contest | None:
    """The contest a yes/no question asks about, if it asks who won one."""
    if question.shape != "yesno" or question.negated:
        return None
    doc = finder.parse_question(question.text)
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None:
        return None
    lemma = root.lemma_.lower()
    comes_out_on_top = (
        lemma == "come" and tuple(t.lower_ for t in doc[root.i + 1 : root.i + 4]) == _CONTEST_CLAUSE
    )
    if lemma not in RESULT_VERBS and not comes_out_on_top:
        return None
    subject = next((c for c in root.children if c.dep_ == "nsubj"), None)
    side = _named(subject, question)
    if subject is None or not side or any(c.dep_ == "conj" for c in subject.children):
        return None  # "Did the Raiders and the Panthers both win …?" asks two results
    other, event = "", ""
    qualifiers: tuple[str, ...] = ()
    one_winner = False
    for child in root.children:
        if child.dep_ == "dobj":
            named = "" if lemma == "win" else _named(child, question)
            one_winner = lemma == "win" and (
                child.pos_ == "PROPN" or any(c.lower_ == "the" for c in child.children)
            )
            if named:
                other = named
            else:
                event = child.lemma_.lower()
                qualifiers = tuple(
                    c.lower_ for c in child.children if c.dep_ == "amod" and not c.ent_type_
                )
        if child.dep_ == "prep" and child.lower_ in OPPONENT_PREPOSITIONS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            other = other or _named(obj, question)
    if comes_out_on_top:
        prep = next((t for t in doc if t.lower_ == "against" and t.dep_ == "prep"), None)
        obj = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep else None
        other = _named(obj, question)
    if not other and not event:
        return None
    return Contest(
        side=side,
        other=other,
        wins=lemma != "lose",
        event=event,
        qualifiers=qualifiers,
        one_winner=one_winner and not other,
    )


def _named(token: Any, question: Question) -> str:
    """The question's name that the phrase headed by ``token`` is, or "" ("the 2023 Rugby
    World Cup final" is a final, not the Rugby World Cup)."""
    if token is None or not (token.ent_type_ or token.pos_ == "PROPN"):
        return ""
    phrase = _phrase(token)
    return next((name for name in question.names if name in phrase or same_name(name, phrase)), "")


def results(doc: Any) -> list[Result]:
    """Who won and who lost, by each word of the sentence that tells a result."""
    out: list[Result] = []
    for token in doc:
        lemma = token.lemma_.lower()
        if token.pos_ in ("VERB", "AUX") and lemma in WINNING_VERBS and _failed(token):
            # "Jordan failed to win the vote": Jordan did not win it
            subject = yesno.subject_of(token)
            won = next((c for c in token.children if c.dep_ == "dobj"), None)
            if subject is not None and subject.pos_ != "PRON":
                out.append(
                    Result(
                        winner="",
                        loser=_phrase(subject),
                        prize=won.lemma_.lower() if won is not None and lemma == "win" else "",
                        held_in=_held_in(token),
                    )
                )
        elif token.pos_ in ("VERB", "AUX") and lemma in RESULT_VERBS and not _supposed(token):
            subject = yesno.subject_of(token)
            passive = any(c.dep_ == "nsubjpass" for c in token.children)
            objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass")]
            opponents = _opponents(token)
            doer = _phrase(subject) if subject is not None and subject.pos_ != "PRON" else ""
            done_to = _phrase(objects[0]) if objects else opponents
            held = _held_in(token)
            if lemma in LOSING_VERBS:
                out.append(Result(winner=opponents, loser=doer, held_in=held))
            elif lemma == "win" and not passive:
                won = next((c for c in token.children if c.dep_ == "dobj"), None)
                prize = won.lemma_.lower() if won is not None else ""
                out.append(Result(winner=doer, loser=opponents, prize=prize, held_in=held))
            elif lemma != "win":
                out.append(Result(winner=doer, loser=done_to, held_in=held))
        elif token.pos_ == "NOUN" and lemma in WINNING_NOUNS | LOSING_NOUNS:
            owner = _owner(token)
            held = _held_in(token)
            if lemma in WINNING_NOUNS:
                out.append(Result(winner=owner, loser=_opponents(token), held_in=held))
            else:
                out.append(Result(winner=_opponents(token), loser=owner, held_in=held))
    return [r for r in out if r.winner or r.loser]


def _held_in(word: Any) -> str:
    """The event a result word says it was had in: "final" of "beat them in the final"
    (not "Game 3" of "in Game 3 of the World Series")."""
    for child in word.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "at"):
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return str(obj.lemma_.lower())
    return ""


# what a clause or phrase hung on a side says of it is not the side's name: "Galatasaray,
# who won … against United" names Galatasaray alone
_ASIDES = frozenset({"relcl", "acl", "appos", "prep", "advcl", "punct"})


def _failed(verb: Any) -> bool:
    """ "failed to win", "refused to beat": a result denied."""
    return bool(verb.dep_ == "xcomp" and verb.head.lemma_.lower() in yesno.NEGATING_VERBS)


def _supposed(verb: Any) -> bool:
    """A result only wished, needed or supposed: "Alabama must beat Georgia", "hoping to
    beat", "if they beat Copenhagen"."""
    if verb.dep_ == "xcomp":
        return True
    return any(
        (c.dep_ == "aux" and c.tag_ == "MD")
        or (c.dep_ == "mark" and c.lower_ in yesno.SUPPOSING_MARKS)
        for c in verb.children
    )


def _phrase(token: Any) -> str:
    """The words naming the side a token heads, without what is said of it."""
    left_out: set[int] = set()
    for child in token.children:
        if child.dep_ in _ASIDES:
            left_out.update(t.i for t in child.subtree)
    return " ".join(t.text for t in token.subtree if t.i not in left_out)


def _owner(noun: Any) -> str:
    """Whose win or defeat: "Galatasaray's win", "the Springboks victory", "the defeat
    for the USMNT" (not "their win": a pronoun names no side)."""
    for child in noun.children:
        if child.dep_ == "poss" and child.pos_ != "PRON":
            return _phrase(child)
        if child.dep_ == "compound" and child.ent_type_:
            return _phrase(child)
        if child.dep_ == "prep" and child.lower_ == "for":
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ != "PRON":
                return _phrase(obj)
    return ""


def _opponents(word: Any) -> str:
    """The other side named by a preposition on the result: "against Germany"."""
    for child in word.children:
        if child.dep_ == "prep" and child.lower_ in OPPONENT_PREPOSITIONS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None and obj.pos_ != "PRON":
                return _phrase(obj)
    return ""


def _side_won(
    contest: Contest,
    question: Question,
    scope: Scope,
    candidate: Candidate,
    passage: Passage,
    finder: ExtractiveGenerator,
) -> bool | None:
    """Whether the asked side won by the sentence's account, or None when it tells no
    result of the asked contest: both sides named (the other side may be the headline's),
    the event asked for named, the sentence dated within the asked period."""
    doc = finder.parse_sentence(candidate.sentence, passage)
    if not yesno.dated_within(scope, doc, passage, question.focus_lemma):
        return None
    if contest.event and not any(t.lemma_.lower() == contest.event for t in doc):
        return None
    if not all(any(t.lower_ == word for t in doc) for word in contest.qualifiers):
        return None  # "their second win" is not their first game
    told: set[bool] = set()
    for result in results(doc):
        if contest.event and result.prize:
            if result.prize != contest.event:
                continue  # "won Game 2 of the World Series" is not the World Series
            if contest.one_winner and result.winner:
                told.add(_says(result.winner, contest.side))
                continue
        elif contest.event and result.held_in != contest.event:
            continue  # a game of the series, not the series; a final must be said to be one
        side_won = _says(result.winner, contest.side) or _says(result.loser, contest.other)
        side_lost = _says(result.loser, contest.side) or _says(result.winner, contest.other)
        if side_won == side_lost:
            continue
        if _someone_else(result, contest):
            continue  # Galatasaray beating Copenhagen tells nothing of Galatasaray v United
        if contest.other:
            # the other side must be this contest's: named in the sentence or its headline
            around = f"{passage.title} {candidate.sentence}"
            if not (_says(around, contest.other) and _says(around, contest.side)):
                continue
        elif not (_says(result.loser, contest.side) or _says(result.winner, contest.side)):
            continue
        told.add(side_won)
    return told.pop() if len(told) == 1 else None


def _someone_else(result: Result, contest: Contest) -> bool:
    """Whether the result names a winner or a loser that is neither side asked about."""
    sides = [name for name in (contest.side, contest.other) if name]
    return any(
        phrase and not any(_says(phrase, name) for name in sides)
        for phrase in (result.winner, result.loser)
    )


def _says(phrase: str, name: str) -> bool:
    """Whether the phrase names the side: in full, or by the last word of its name when no
    other capitalised word stands before that word ("United" for Manchester United, not
    "Ohio State" for Penn State)."""
    if not (phrase and name):
        return False
    if mentions(phrase, name):
        return True
    words = name.split()
    if len(words) < 2:
        return False
    said = phrase.split()
    for i, word in enumerate(said):
        if word == words[-1]:
            before = said[i - 1] if i > 0 else ""
            if not (before[:1].isupper() and before not in words):
                return True
    return False
