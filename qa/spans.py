"""Short answers picked out of a sentence's parse: a name, a number with what it counts,
"Resolution 2513" for "which resolution", the person met for "who did X meet".

Each picker returns the candidate spans in the order the sentence gives them; a span
that only repeats what the question already names is no answer and is left out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from qa.dates import MONTHS, WEEKDAYS
from qa.question import AGE, DATE_LABELS, Question

MAX_SPAN_WORDS = 9
# a surname stands for the full name ("Asif" for "Khawaja Asif"); a shorter one ("Wu")
# names too many people
MIN_SURNAME = 4


def tokens_text(tokens: Iterable[Any]) -> str:
    """Parsed tokens as the text wrote them, with their own spacing ("$4.3 billion", not
    "$ 4.3 billion")."""
    return "".join(t.text_with_ws for t in tokens).strip()


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 1 or w.isdigit()}


def new_to(question: Question, text: str, stem: Callable[[str], set[str]]) -> bool:
    """Whether ``text`` says something the question does not already name. A word
    derived from one the question uses names the same thing: "Pakistan" is not news to
    "Where is the Pakistani army headquarters?", nor "Russian" to a question on Russia."""
    asked = stem(question.full)
    own = stem(text) - {"the", "a", "an", "of"}
    return any(not _derived_from_any(term, asked) for term in own - asked)


MIN_DERIVED_STEM = 5  # "pakistan"/"pakistani", "russia"/"russian"; not "part"/"parti"


def _derived_from_any(term: str, asked: set[str]) -> bool:
    return any(
        min(len(term), len(other)) >= MIN_DERIVED_STEM
        and (term.startswith(other) or other.startswith(term))
        for other in asked
    )


def repeats_person(question: Question, doc: Any, text: str) -> bool:
    """Whether every person ``text`` names (by the sentence's parse) is one the question
    already names: "Who is the Afghan minister that met Lavrov?" is not answered by
    "Russian Foreign Minister Sergei Lavrov", whose words are not all in the question."""
    people = [e.text for e in doc.ents if e.label_ == "PERSON" and e.text in text]
    return bool(people) and all(
        any(same_name(person, name) for name in question.names) for person in people
    )


def tied_to_noun(doc: Any, start: int, noun: str) -> bool:
    """Whether the name starting at token ``start`` is tied to ``noun`` by the parse: in
    apposition ("Pakistan's army chief, General Bajwa"), as its title ("army chief
    Bajwa", "Foreign Minister Rabbani"), or inside it. "Which army chief did Lavrov
    meet?" is not answered by "Prime Minister Imran Khan and the country's army chief"."""
    lemma = noun.lower().rstrip("s")
    titles = title_tokens(doc, start, qualified=False)
    return any(t.lemma_.lower().rstrip("s") == lemma for t in titles)


def title_tokens(doc: Any, start: int, qualified: bool = True) -> list[Any]:
    """The name starting at token ``start`` with the words that title it: its title
    ("Foreign Minister", "army chief"), a noun in apposition and, if ``qualified``, the
    words that qualify those ("Russian", "Pakistan's")."""
    linked = ("compound", "amod", "poss") if qualified else ("compound",)
    ent = next((e for e in doc.ents if e.start <= start < e.end), None)
    root = ent.root if ent is not None else doc[start]
    near = [*(ent or [root]), *(t for t in root.children if t.dep_ in ("appos", "compound"))]
    if root.dep_ in ("appos", "compound"):
        near.append(root.head)
    near += [t for t in root.head.children if t.dep_ == "appos" and root.dep_ != "conj"]
    for token in list(near):
        near += [t for t in token.children if t.dep_ in linked]
    return near


def description_spans(doc: Any, names: Iterable[str]) -> list[tuple[str, int]]:
    """What the sentence calls a person the question names ("Who is Tehmina Janjua?"):
    a title before the name ("Foreign Secretary Tehmina Janjua"), a noun the name stands
    beside ("his Afghan counterpart Salahuddin Rabbani", "Janjua, Pakistan's foreign
    secretary"), or what the name "is" ("Janjua is the foreign secretary")."""
    out: list[tuple[str, int]] = []
    for ent in doc.ents:
        if ent.label_ != "PERSON" or not any(_same_person(ent.text, n) for n in names):
            continue
        root = ent.root
        title = [t for t in doc[: ent.start] if _heads_to(t, root)]
        nouns = [c for c in root.children if c.dep_ == "appos" and c.pos_ == "NOUN"]
        if root.dep_ == "appos" and root.head.pos_ == "NOUN":
            nouns.append(root.head)
        modal = any(c.tag_ == "MD" for c in root.head.children)  # "will be a great speaker"
        if root.dep_ == "nsubj" and root.head.lemma_ == "be" and not modal:
            nouns += [c for c in root.head.children if c.dep_ == "attr" and c.pos_ == "NOUN"]
        named = {t.i for t in root.subtree}  # the name with its own title
        for noun in nouns:
            words = [
                t
                for t in noun.subtree
                if t.i not in named
                and t.dep_ not in ("det", "punct")
                and not (t.dep_ == "poss" and t.pos_ == "PRON")
            ]
            if words:
                first, last = words[0].i, words[-1].i
                contiguous = last - first + 1 == len(words)
                text = doc[first : last + 1].text if contiguous else " ".join(t.text for t in words)
                out.append((_clean(text), first))
        if title:  # after the fuller phrases: "General" says less than "army chief"
            out.append((_clean(doc[title[0].i : ent.start].text), title[0].i))
    return [(text, i) for text, i in out if text]


def _same_person(a: str, b: str) -> bool:
    """Two spellings of one person's name, a middle name or not ("Khawaja Muhammad
    Asif", "Khawaja Asif")."""
    x, y = a.split(), b.split()
    return same_name(a, b) or (len(x) > 1 and len(y) > 1 and x[0] == y[0] and x[-1] == y[-1])


def _heads_to(token: Any, root: Any) -> bool:
    """Whether ``token``'s chain of heads reaches ``root`` through modifiers only."""
    while token.dep_ in ("compound", "amod") and token.head.i != token.i:
        token = token.head
        if token.i == root.i:
            return True
    return False


def _clean(text: str) -> str:
    text = re.sub(r"^(?:the|a|an)\s+(?=[A-Z])", "", text.strip(), flags=re.I)
    return text.strip(" ,;:.\"'“”‘’()-–—")  # "Sam Cane -" of "Sam Cane - the captain"


def entity_spans(doc: Any, labels: Iterable[str]) -> list[tuple[str, int]]:
    """Entities of the wanted labels, with the token index where each starts."""
    wanted = set(labels)
    out = []
    for e in doc.ents:
        if e.label_ not in wanted or not _clean(e.text) or _runs_into_a_sentence(e):
            continue
        start = e.start
        if e.label_ == "MONEY" and start > 0 and doc[start - 1].text in _CURRENCY:
            start -= 1  # "$69bn", where the model left the sign out
        out.append((_clean(doc[start : e.end].text), start))
    return out


_CURRENCY = frozenset("$£€¥")


def _runs_into_a_sentence(ent: Any) -> bool:
    """Whether the model ran an entity on past a full stop into the next sentence's first
    word ("Pool B. However"), which no name has: "John F. Kennedy" goes on with a name."""
    return any(token.is_stop and token.doc[token.i - 1].text.endswith(".") for token in ent[1:])


def date_spans(doc: Any) -> list[tuple[str, int]]:
    """The dates a sentence states: its date entities, and a month or weekday the model
    left untagged. In "where last September Khawaja had told Lavrov", it reads "September
    Khawaja" as a name; a month is still a date when a date word stands before it ("last",
    "in", "since" …) or a number after it ("May 1"), which keeps "Theresa May" out."""
    spans = [
        (text, start)
        for text, start in entity_spans(doc, DATE_LABELS)
        if not _quoted_alone(doc, start, len(text.split()))
    ]
    tagged = {i for e in doc.ents if e.label_ in DATE_LABELS for i in range(e.start, e.end)}
    for token in doc:
        if token.i in tagged or not token.text[:1].isupper():
            continue
        if token.lower_ not in MONTHS and token.lower_ not in WEEKDAYS:
            continue
        before = doc[token.i - 1].lower_ if token.i > 0 else ""
        after = doc[token.i + 1] if token.i + 1 < len(doc) else None
        numbered = after is not None and after.like_num and after.i not in tagged
        if before not in _DATE_LEADS and not numbered:
            continue
        end = token.i + 2 if numbered else token.i + 1
        # "November 14, 2023": the year after the day belongs to the date
        year = (
            doc[end + 1 : end + 2]
            if end < len(doc) and doc[end].text == ","
            else doc[end : end + 1]
        )
        if numbered and len(year) and year[0].shape_ == "dddd":
            end = year[0].i + 1
        spans.append((doc[token.i : end].text, token.i))
    return sorted(spans, key=lambda span: span[1])


def _quoted_alone(doc: Any, start: int, words: int) -> bool:
    """Whether a span stands alone in quotes: "1989" in 'an outfit with "1989" in the
    title' is a name, not a year."""
    end = start + words
    return start > 0 and end < len(doc) and doc[start - 1].is_quote and doc[end].is_quote


# words that make the month or weekday after them a date
_DATE_LEADS = frozenset(
    "last next this previous past coming in on since until by before after early late "
    "mid back during".split()
)


def role_spans(
    doc: Any, question: Question, is_action: Callable[[Any], bool] | None = None
) -> list[tuple[str, int]]:
    """The argument of the question's main verb that its wh-word stands for: in "Lavrov
    met the Emir of Qatar in Doha", "Who did Lavrov meet?" (the object) gives "the Emir
    of Qatar". ``is_action`` also accepts a reporter's synonym of the verb ("expressed"
    for "offered")."""
    if not question.focus_lemma or not question.wh_role:
        return []
    roles = {
        "dobj": ("dobj",),
        "nsubj": ("nsubj", "agent"),
        "nsubjpass": ("nsubjpass", "dobj"),
        "pobj": ("pobj", "dobj", "dative"),
        "dative": ("dative", "dobj"),
        "attr": ("attr", "dobj"),
    }.get(question.wh_role, ())
    out: list[tuple[str, int]] = []
    if question.wh_role == "nsubj" and is_action is not None:
        # The action as a noun names its doer: "the participation of the Taliban",
        # "Lavrov's visit".
        for token in doc:
            if token.pos_ != "NOUN" or not is_action(token) or names_an_agent(token):
                continue
            for child in token.children:
                filler = child if child.dep_ == "poss" else None
                if child.dep_ == "prep" and child.lower_ == "of":
                    filler = next((c for c in child.children if c.dep_ == "pobj"), None)
                if filler is not None and (filler.ent_type_ or filler.pos_ == "PROPN"):
                    start, end = filler.left_edge.i, _phrase_end(filler)
                    if end - start + 1 <= MAX_SPAN_WORDS:
                        out.append((_clean(doc[start : end + 1].text), start))
    for token in doc:
        if not (
            token.lemma_.lower() == question.focus_lemma
            or (is_action is not None and token.pos_ == "VERB" and is_action(token))
        ):
            continue
        for child in token.children:
            if child.dep_ not in roles:
                continue
            head = child
            if child.dep_ == "agent":  # "was met by X": X is the agent's object
                head = next((c for c in child.children if c.dep_ == "pobj"), None)
                if head is None:
                    continue
            person = next(
                (c for c in head.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None
            )
            if person is not None:  # "Pakistan's army chief, General Qamar Javed Bajwa"
                head = person
            start = head.left_edge.i
            end = _phrase_end(head)  # "the Emir of Qatar", not a following clause
            if end - start + 1 > MAX_SPAN_WORDS:
                continue
            out.append((_clean(doc[start : end + 1].text), start))
    return [(text, i) for text, i in out if text]


# Endings of nouns that name the doer of an action, not the action: "representative",
# "supporter", "negotiator", "participant", "strategist" (not "agreement", "statement").
_AGENT_ENDINGS = ("ive", "er", "or", "ant", "ent", "ist")
MIN_AGENT_NOUN = 6


def names_an_agent(noun: Any) -> bool:
    """Whether an action's noun names its doer ("the representatives of the Taliban"), so
    that what follows its "of" is whom the action is for, not who does it (unlike "the
    participation of the Taliban")."""
    lemma = noun.lemma_.lower()
    return bool(
        len(lemma) >= MIN_AGENT_NOUN
        and lemma.endswith(_AGENT_ENDINGS)
        and not lemma.endswith("ment")
    )


def of_an_agent(doc: Any, start: int, is_action: Callable[[Any], bool]) -> bool:
    """Whether the name at token ``start`` is what an agent noun of the asked action is
    of: "the Taliban" in "representatives of the Afghan authorities and the Taliban" for
    "Who represented Qatar?" is represented, not a representative."""
    token = next((e.root for e in doc.ents if e.start == start), doc[start])
    for _ in range(4):  # "the Taliban" of "the authorities and the Taliban"
        if token.dep_ != "conj":
            break
        token = token.head
    preposition = token.head
    if token.dep_ != "pobj" or preposition.lower_ != "of":
        return False
    noun = preposition.head
    return noun.pos_ == "NOUN" and is_action(noun) and names_an_agent(noun)


def by_distance(
    spans: list[tuple[str, int]], doc: Any, lemma: str, stem: Callable[[str], set[str]]
) -> list[tuple[str, int]]:
    """Spans nearest the question's verb first: in "Rabbani thanked Lavrov for offering
    condolences", who offered them is the name next to "offering"."""
    at = [t.i for t in doc if lemma and stem(t.text) & stem(lemma)]
    if not at:
        return spans
    return sorted(spans, key=lambda span: min(abs(span[1] - i) for i in at))


def _phrase_end(head: Any) -> int:
    """The last token of a noun phrase with at most one "of"-complement."""
    end = head.i
    for child in head.rights:
        if child.dep_ in ("compound", "nummod", "appos", "amod", "poss"):
            end = max(end, child.right_edge.i)
        elif child.dep_ == "prep" and child.lower_ == "of":
            end = max(end, child.right_edge.i)
            break
        else:
            break
    return int(end)


def counted_spans(doc: Any, counted: str, stem: Callable[[str], set[str]]) -> list[tuple[str, int]]:
    """A number and what it counts: "four transport-combat helicopters Mi-35M" for
    "how many helicopters", "10 countries" for "how many countries"."""
    wanted = stem(counted)
    out: list[tuple[str, int]] = []
    for token in doc:
        if not (token.like_num or token.ent_type_ in ("CARDINAL", "QUANTITY", "MONEY")):
            continue
        if not token.like_num and token.lower_ in ("a", "an", "the"):
            continue
        noun = token.head if token.dep_ in ("nummod", "quantmod", "amod") else None
        if noun is None:
            window = doc[token.i + 1 : token.i + 5]
            noun = next((t for t in window if t.pos_ in ("NOUN", "PROPN")), None)
        if noun is None or not stem(noun.text) & wanted:
            continue
        start = min(token.i, noun.i)
        end = int(noun.i)
        while (
            end + 1 < len(doc)
            and doc[end + 1].pos_ in ("PROPN", "NUM")
            and doc[end + 1].head.i
            in (
                noun.i,
                end,
            )
        ):
            end += 1
        out.append((_clean(doc[start : end + 1].text), start))
    return out


def amount_spans(doc: Any, labels: Iterable[str]) -> list[tuple[str, int]]:
    """Amounts without a counted noun ("How much will it cost?"): money first."""
    return entity_spans(doc, labels)


# words after a plural noun that single out one or a few of the things it counts
_SINGLING_OUT = ("in particular", "particularly", "especially", "notably", "such as", "namely")


def singled_out_spans(doc: Any, head_noun: str) -> list[tuple[str, int]]:
    """What a sentence singles out of the asked noun's things: "the fight against
    terrorism" of "We have many topics for discussion, in particular, the fight against
    terrorism" for "Which topic did he single out?"."""
    out: list[tuple[str, int]] = []
    for token in doc:
        if token.pos_ != "NOUN" or not _is_the_noun(token, head_noun):
            continue
        at = _after_marker(doc, token.i + 1, token.i + 1 + SINGLING_OUT_REACH)
        if at is None:
            continue
        noun = next((t for t in doc[at:] if t.pos_ in ("NOUN", "PROPN")), None)
        if noun is None:
            continue
        start = max(at, noun.left_edge.i)
        while start < noun.i and doc[start].is_punct:
            start += 1
        end = min(noun.right_edge.i, start + MAX_SPAN_WORDS - 1)
        out.append((tokens_text(doc[start : end + 1]).rstrip(" ,.;"), start))
    return out


SINGLING_OUT_REACH = 9  # tokens from the noun to the end of "in particular"


def _after_marker(doc: Any, start: int, end: int) -> int | None:
    """Where the words after the first singling-out marker (in ``_SINGLING_OUT``'s order)
    found whole within tokens ``start``–``end`` begin."""
    lowered = [t.lower_ for t in doc[start:end]]
    for marker in _SINGLING_OUT:
        words = marker.split()
        for i in range(len(lowered) - len(words) + 1):
            if lowered[i : i + len(words)] == words:
                return start + i + len(words)
    return None


def _is_the_noun(token: Any, head_noun: str) -> bool:
    """Whether the token is the asked noun, in either number ("resolution" and
    "resolutions", "topic" and "topics")."""
    lemma = head_noun.lower().rstrip("s")
    return bool(token.lower_.startswith(lemma[: max(4, len(lemma) - 1)]))


def headed_spans(doc: Any, head_noun: str) -> list[tuple[str, int]]:
    """A phrase headed by the asked noun that names one thing: "UN Security Council
    Resolution 2513" for "which resolution", but not the bare "the resolutions"."""
    out: list[tuple[str, int]] = []
    for token in doc:
        if not _is_the_noun(token, head_noun):
            continue
        left = [
            t
            for t in token.lefts
            if t.dep_ in ("compound", "amod", "nmod", "nummod")
            and (t.pos_ in ("PROPN", "NUM") or t.ent_type_)
        ]
        right = [
            t
            for t in token.rights
            if t.dep_ in ("nummod", "appos", "npadvmod", "compound")
            and (t.like_num or t.pos_ == "PROPN")
        ]
        specified = any(t.pos_ == "NUM" or t.ent_type_ for t in left)
        owner = next(
            (
                c
                for c in token.rights
                if c.dep_ == "prep"
                and c.lower_ == "of"
                and any(t.ent_type_ or t.pos_ == "PROPN" for t in c.subtree)
            ),
            None,
        )
        if not right and not ((token.pos_ == "PROPN" or specified) and left) and owner is None:
            continue
        if owner is not None and not right:
            right = [owner]  # "the basis of the UN Security Council resolutions"
        start = left[0].left_edge.i if left else token.i
        end = right[-1].right_edge.i if right else token.i
        named = [t for t in right if t.dep_ == "appos" and t.ent_type_]
        if named:  # "Pakistan's army chief, General Qamar Javed Bajwa": the name itself
            start, end = named[0].left_edge.i, named[0].right_edge.i
        if end - start + 1 > MAX_SPAN_WORDS:
            continue
        out.append((_clean(doc[start : end + 1].text), start))
    return out


def qualified_spans(doc: Any, head_noun: str) -> list[tuple[str, int]]:
    """The asked noun with the adjectives that qualify it: "the highest level" → "highest
    level" for "At what level …?". For a noun that no kind of name answers (a level, a
    pace, a tone), the qualifier is the answer."""
    out: list[tuple[str, int]] = []
    for token in doc:
        if token.pos_ != "NOUN" or not _is_the_noun(token, head_noun):
            continue
        qualifiers = [t for t in token.lefts if t.dep_ == "amod" and t.pos_ == "ADJ"]
        if qualifiers:
            start = qualifiers[0].left_edge.i
            out.append((_clean(doc[start : token.i + 1].text), start))
    return out


def age_spans(sentence: str) -> list[tuple[str, int]]:
    return [(m.group(0), m.start()) for m in AGE.finditer(sentence)]


_LINKS = frozenset({"of", "the", "and", "for", "&"})


def initials(name: str) -> str:
    """ "United States" → "US", "Shanghai Cooperation Organization" → "SCO"."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", name) if w.lower() not in _LINKS]
    return "".join(w[0] for w in words).upper() if len(words) > 1 else ""


def same_name(a: str, b: str) -> bool:
    """Whether two names can be one thing: equal, one inside the other ("Lavrov",
    "Sergey Lavrov"), or one the other's initials ("US", "United States")."""
    x, y = a.strip().lower(), b.strip().lower()
    if not x or not y:
        return False
    if x == y or re.search(rf"\b{re.escape(x)}\b", y) or re.search(rf"\b{re.escape(y)}\b", x):
        return True
    return a.replace(".", "").upper() == initials(b) or b.replace(".", "").upper() == initials(a)


def mentions(text: str, name: str) -> bool:
    """Whether ``text`` names ``name``, spelled out or, for a short name, by the words it
    abbreviates ("United States" for "US", also inside "the United States and NATO"), or
    with a middle name ("Khawaja Muhammad Asif" for "Khawaja Asif")."""
    if re.search(rf"\b{re.escape(name)}", text, re.I):
        return True
    first, *rest = name.split()
    if rest and re.search(
        rf"\b{re.escape(first)}(?:\s+[A-Z][\w.'-]*){{1,2}}\s+{re.escape(' '.join(rest))}\b", text
    ):
        return True
    runs = re.findall(r"[A-Z][\w'-]*(?:\s+(?:of|the|and|for|&)?\s*[A-Z][\w'-]*)+", text)
    runs += [part for run in runs for part in re.split(r"\s+(?:and|&)\s+", run)[1:]]
    runs += [re.split(r"\s+(?:and|&)\s+", run)[0] for run in runs]
    short = name.replace(".", "").upper()
    return any(initials(run) == short for run in runs) or any(
        same_name(name, run) for run in runs if len(run) > len(name)
    )


_CONJUNCT_ASIDES = frozenset({"conj", "cc", "punct", "appos", "relcl"})
_LEADING_WORDS = frozenset({"the", "a", "an", "its", "their", "his", "her", "our", "also"})


def object_spans(doc: Any, is_verb: Callable[[Any], bool]) -> list[tuple[str, int]]:
    """The things a verb's object lists: "They discussed economic relations, the COVID-19
    pandemic and progress on a gas pipeline" → "economic relations", "COVID-19 pandemic",
    "progress on a gas pipeline" (for "What topics did they discuss?", whose noun the
    sentence never repeats). ``is_verb`` says which tokens are the question's verb."""
    out: list[tuple[str, int]] = []
    for verb in doc:
        if not is_verb(verb):
            continue
        for obj in verb.children:
            if obj.dep_ not in ("dobj", "attr", "nsubjpass"):
                continue
            conjuncts = [obj, *(t for t in obj.subtree if t.dep_ == "conj")]
            for head in conjuncts:
                skipped = {
                    t.i for c in head.children if c.dep_ in _CONJUNCT_ASIDES for t in c.subtree
                }
                words = [t for t in head.subtree if t.i not in skipped]
                while words and words[0].lower_ in _LEADING_WORDS:
                    words = words[1:]
                if words and len(words) <= MAX_SPAN_WORDS:
                    # as written: "Palestinian-Israeli", not "Palestinian - Israeli"
                    out.append((" ".join(tokens_text(words).split()), words[0].i))
    return out


_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
NUMBER_WORDS = {
    **{word: n for n, word in enumerate(_UNITS)},
    **{word: 20 + 10 * n for n, word in enumerate(_TENS)},
}


def number_value(text: str) -> float | None:
    """The value a number is written as: "11", "1,300", "2.5", "ten", "forty" — or None."""
    cleaned = text.strip().lower().replace(",", "")
    try:
        return float(cleaned)
    except ValueError:
        value = NUMBER_WORDS.get(cleaned)
        return None if value is None else float(value)


# the small numbers a claim writes as words ("six worlds")
_SMALL_NUMBER_WORDS = {word: str(n) for word, n in NUMBER_WORDS.items() if n <= 12}
_A_YEAR = re.compile(r"\b(?:19|20)\d\d\b")


def numbers_in(text: str) -> set[str]:
    """The numbers a text states, digits and small number words alike ("six" is "6");
    years left out (they place a report rather than state a figure)."""
    text = _A_YEAR.sub(" ", text)
    # digits inside a name ("T20", "M3") state no figure
    out = {n.replace(",", "") for n in re.findall(r"(?<![A-Za-z\d])\d[\d,]*(?:\.\d+)?", text)}
    words = re.findall(r"[a-z]+", text.lower())
    return out | {_SMALL_NUMBER_WORDS[w] for w in words if w in _SMALL_NUMBER_WORDS and w != "one"}


def verb_above(token: Any) -> Any:
    """The first verb at or above ``token`` in its parse (the root when none is): the verb
    a word of a sentence belongs to."""
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return token


def said_up_to_its_verb(token: Any, says: Callable[[str], bool]) -> bool:
    """Whether ``token``, a word on the way up from it to its verb, or that verb ``says``
    the thing asked (``says`` reads a word's text): "hit No. 1 … on Jan. 15, 1972" dates
    the hitting; "broken in Nov. 2021 when … hit No. 1" dates the breaking."""
    while not says(token.text) and token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:
        token = token.head
    return says(token.text)
