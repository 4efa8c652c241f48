"""The default answer generator: extractive, offline, deterministic.

``generate`` reads the question (``qa.question``) and hands it to the strategy for its
shape (``qa.strategies``); this module is the sentence finder they all build on. It
answers with the corpus's own sentences. Each sentence of the top passages is scored
for the question:

* coverage: the IDF-weighted share of the question's content terms in the sentence
  (and, at half weight, in its article's headline and the sentence before it, which
  resolve "he" and "the minister");
* meaning: cosine similarity of sentence and question embeddings (MiniLM);
* answer type: "how many" wants a number, "when" a date, "who" a name, "where" a
  place; a sentence without one scores lower, and for "how old"/"how many" it cannot
  answer at all;
* position: passages ranked higher by retrieval weigh a little more.

A question word the article puts differently still counts: a reporter's synonym
(``qa.synonyms``) or a derived form ("threaten"/"threats"). Sentences that cannot answer
what is asked (``qa.question``) are passed over: "how many troops" needs a number of
troops, "who is the president of Pakistan" a president named next to Pakistan.

The best sentence must clear a calibrated evidence bar; otherwise the generator
refuses. Further sentences are added only when they cover question terms the chosen
ones miss, so the answer stays short. Each sentence is written with ``[n]``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np

from index.nlp import Entity, set_entities
from index.text import chunk_sentences, jaccard, split_sentences, word_shingles
from qa.announced_list import items_after
from qa.claims import fact_clauses
from qa.question import (
    AGE,
    DATE_LABELS,
    DATE_WORDS,
    NUMBER_LABELS,
    PERSON_LABELS,
    PLACE_LABELS,
    QUANTITY,
    QUESTION_WORDS,
    NounKind,
    Parse,
    Question,
    read_question,
    without_asked_words,
    without_framing,
    without_phrases,
)
from qa.synonyms import one_word_verbs, opposite_table, synonym_table
from qa.types import Answer, Citation, Passage

NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")

MAX_PASSAGES = 8
MIN_COVERAGE = 0.34
MIN_PLACED_CONTEXT = 0.9  # the sentence and its article cover the question with its setting
MIN_SIMILARITY = 0.25
MIN_SCORE = 0.36
# A sentence that says the same in other words ("pledged" for "promised", "forces" for
# "troops") shares few terms with the question; a high embedding similarity stands in.
STRONG_SIMILARITY = 0.65
MIN_PARAPHRASE_COVERAGE = 0.15
MISSING_TERMS_REFUSE = 0.5
EXTRA_SENTENCE_GAIN = 0.2
MAX_SENTENCES = 3
EMBED_CANDIDATES = 12
PAIR_PENALTY = 0.04
PAIR_MAX_WORDS = 40

FOCUS_WEIGHT = 2.0
CARRIED_WEIGHT = 0.5
# With its main verb found nowhere, the best sentence must cover this much of the rest.
MIN_REST_COVERAGE = 0.5
COUNT_WINDOW = 4  # words after a number that name what it counts
WORD_CACHE = 100_000
PARSE_CACHE = 4096
ATTRIBUTE_WINDOW = 4  # words between "president" and "Pakistan" in "Pakistan's president"


@dataclass(frozen=True)
class AnswerType:
    """A pattern that a sentence answering the question contains (a number, a date, a
    name), and whether a sentence without it cannot answer at all."""

    pattern: re.Pattern[str] | None
    required: bool


def answer_type(question: Question) -> AnswerType:
    if question.age:
        return AnswerType(AGE, True)
    labels = question.answer_labels
    if labels and labels <= NUMBER_LABELS:
        return AnswerType(QUANTITY, question.required)
    if labels and labels <= DATE_LABELS:
        return AnswerType(DATE_WORDS, False)
    if question.wh in ("who", "whom", "whose", "where") or (
        labels and labels <= PERSON_LABELS | PLACE_LABELS
    ):
        return AnswerType(NAME, False)
    return AnswerType(None, False)


@dataclass
class Candidate:
    sentence: str
    passage: int
    coverage: float
    context_coverage: float
    terms: frozenset[str]
    pair: bool = False
    similarity: float = 0.0
    score: float = 0.0

    @property
    def lexical(self) -> float:
        """Coverage by the sentence itself, and at less weight by its headline and neighbour."""
        return 0.7 * self.coverage + 0.3 * self.context_coverage


class ExtractiveGenerator:
    """Composes answers from corpus sentences; see the module docstring."""

    name = "extractive"

    def __init__(
        self,
        analyze: Callable[[str], list[str]],
        idf: Callable[[list[str]], dict[str, float]],
        embed_many: Callable[[list[str]], list[list[float]]],
        parse: Parse,
        parse_text: Parse | None = None,
        noun_kind: NounKind | None = None,
    ) -> None:
        self.parse = parse
        self.noun_kind = noun_kind
        self._analyze: Callable[[str], list[str]] = lambda text: analyze(one_word_verbs(text))
        self._idf = idf
        self._embed_many = embed_many
        # Compared after stemming: "besides" is "besid" and "why" is "whi" by then.
        self._question_stems = frozenset(analyze(" ".join(sorted(QUESTION_WORDS))))
        self._synonyms = synonym_table(analyze)
        self.opposites = opposite_table(analyze)
        # Word-by-word analysis (for "next to" checks) repeats the same corpus words.
        self._word_terms: Callable[[str], frozenset[str]] = lru_cache(maxsize=WORD_CACHE)(
            self._terms_of_word
        )
        self._parsed: Callable[[str], Any] = lru_cache(maxsize=PARSE_CACHE)(parse)
        self._parsed_text: Callable[[str], Any] = lru_cache(maxsize=PARSE_CACHE)(
            parse_text or parse
        )
        self._with_entities: Callable[[str, tuple[Entity, ...]], Any] = lru_cache(
            maxsize=PARSE_CACHE
        )(self._entities_set)
        self._stored_entities = parse_text is not None

    def _entities_set(self, sentence: str, entities: tuple[Entity, ...]) -> Any:
        # a copy: the cached parse is shared, and the same sentence may stand in two
        # articles with other entities (and be read by two requests at once)
        return set_entities(self._parsed_text(sentence).copy(), entities)

    def _terms_of_word(self, word: str) -> frozenset[str]:
        return frozenset(self._analyze(word))

    def parse_question(self, text: str) -> Any:
        """The question's full parse, entities included (cached)."""
        return self._parsed(text)

    def parse_sentence(self, sentence: str, passage: Passage | None = None) -> Any:
        """A corpus sentence's parse, for picking a short answer out of it (cached: the
        same sentences answer many questions). Its entities are the ones found at ingest
        and stored with the passage: no NER runs at question time. (Passages of an index
        built before entities were stored are parsed with NER.)"""
        found = self.entities_in(sentence, passage)
        if found is None:
            return self._parsed(sentence)
        return self._with_entities(sentence, found)

    def entities_in(self, sentence: str, passage: Passage | None) -> tuple[Entity, ...] | None:
        """Where the passage's stored entities stand in the sentence (each mention; two
        may overlap), without parsing it; None when entities are not stored and only a
        parse finds them."""
        if not self._stored_entities or passage is None or not passage.entities:
            return None
        return tuple(
            Entity(text=entity.text, label=entity.label, start=match.start(), end=match.end())
            for entity in passage.entities
            for match in re.finditer(re.escape(entity.text), sentence)
        )

    def read(self, query: str) -> Question:
        return read_question(query, self.parse, self.noun_kind)

    def generate(self, question: str, passages: list[Passage]) -> Answer:
        """Read the question and answer it with the strategy for its shape."""
        from qa.strategies import answer_by_shape

        read = self.read(question)
        answer = answer_by_shape(read, passages[:MAX_PASSAGES], self)
        return replace(answer, shape=read.shape, query=question)

    def sentence_answer(self, question: Question, passages: list[Passage]) -> Answer:
        """The sentences that best answer the question, each cited, or the refusal."""
        found = self.evidence(question, passages)
        if isinstance(found, str):
            return self.claims_answer(question, passages, found)
        return self.answer_from(found, passages)

    def answer_from(self, found: Evidence, passages: list[Passage]) -> Answer:
        chosen = self.covering(found)
        return compose(
            found.question.full, [(c.sentence, passages[c.passage], c.score) for c in chosen]
        )

    def covering(self, found: Evidence) -> list[Candidate]:
        """The best sentence, then those that add question terms it leaves out and speak
        to what is asked (the question's verb or answer type), at most MAX_SENTENCES."""
        focus_terms = set(self._analyze(found.question.focus_verb)) & found.weights.keys()
        candidates = [
            c for c in found.candidates if _addresses(c, focus_terms, found.kind) or c is found.best
        ]
        return self._cover(found.best, candidates, found.weights, found.total)

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit vectors of the texts (the engine caches them)."""
        return np.asarray(self._embed_many(texts), dtype=np.float32)

    def terms_of(self, text: str) -> set[str]:
        """The analysed (stemmed) terms of a text, as the finder compares them."""
        return set(self._analyze(text))

    def same_terms(self, found: Evidence, text: str) -> set[str]:
        """``text``'s terms with synonyms and derived forms mapped to the question's."""
        terms = set(self._analyze(text))
        return terms | {found.variants[t] for t in terms if t in found.variants}

    def claims_answer(self, question: Question, passages: list[Passage], why: str) -> Answer:
        """A question that strings several claims together rarely has one sentence that
        covers it: answer it claim by claim, one supporting sentence each, and only when
        every claim finds its support (otherwise the refusal stands). On MultiHop-RAG
        this answers 43% of sampled answerable questions instead of 15%, while null
        (unanswerable) questions answered go from 1 to 5 of 301."""
        claims = fact_clauses(question.text)
        if not claims or not passages:
            return refusal(question.full, why)
        parts: list[tuple[str, Passage, float]] = []
        for claim in claims:
            found = self.evidence(self.read(claim), passages)
            if isinstance(found, str):
                return refusal(question.full, f"{why}; per claim: {found} for {claim!r}")
            best = found.best
            if all(best.sentence != sentence for sentence, _, _ in parts):
                parts.append((best.sentence, passages[best.passage], best.score))
        answer = compose(question.full, parts)
        answer.meta["claims"] = len(claims)
        return answer

    def evidence(
        self, read: Question, passages: list[Passage], breadth: int = EMBED_CANDIDATES
    ) -> Evidence | str:
        """The best supporting sentence with its scored rivals, or why there is none.
        ``breadth``: how many sentences, best by their words, are scored in full (a
        summary or a timeline reads more of them than a short answer needs)."""
        question = read.full
        terms = [
            t
            for t in dict.fromkeys(
                self._analyze(without_asked_words(without_framing(question), read.focus_verb))
            )
            if t not in QUESTION_WORDS and t not in self._question_stems
        ]
        if not passages or not terms:
            return "no passage matches the question"
        weights = self._idf(terms)
        focus = [t for t in self._analyze(read.focus_verb) if t in weights]
        for term in focus:
            weights[term] *= FOCUS_WEIGHT
        seen_anywhere = set()
        for p in passages:
            seen_anywhere.update(self._analyze(f"{p.title} {_dateline(p)} {p.text}"))
        variants = _variants([t for t in weights if t not in seen_anywhere], seen_anywhere)
        for term in weights:
            for synonym in self._synonyms.get(term, ()):
                if synonym in seen_anywhere and synonym not in weights:
                    variants.setdefault(synonym, term)
        seen_anywhere.update(variants.values())
        # A main verb no passage uses may be a synonym ("urge" for "call on", "stress" for
        # "highlight"): the rest of the question decides, and it must ask more than a name.
        unmentioned = [t for t in focus if t not in seen_anywhere]
        for term in unmentioned:
            del weights[term]
        names = set(self._analyze(" ".join(read.names)))
        rest = {t: w for t, w in weights.items() if t not in names and t not in focus}
        if unmentioned and not rest:
            # "When was Imran Khan born?": passages about Imran Khan, none about a birth.
            return f"no passage mentions what the question asks about ({unmentioned[0]!r})"
        # Names a follow-up carries from earlier turns come after its question mark
        # (qa.followup): they place the question but are not what it asks.
        if read.context:
            for term in set(self._analyze(read.context)) - set(self._analyze(read.text)):
                if term in weights:
                    weights[term] *= CARRIED_WEIGHT
        total = sum(weights.values()) or 1.0
        missing = sum(w for t, w in weights.items() if t not in seen_anywhere) / total
        if missing >= MISSING_TERMS_REFUSE:
            return f"{missing:.0%} of the question's key terms appear in no passage"

        setting = self._setting_terms(read, weights)
        candidates = self._candidates(passages, weights, variants, setting)
        candidates.sort(key=lambda c: (-c.lexical, c.passage))
        candidates = _once_each(candidates)[:breadth]
        if not candidates:
            return "no sentence in the passages answers it"
        kind = answer_type(read)
        self._score(without_phrases(question, read.setting), candidates, kind)
        candidates.sort(key=lambda c: (-c.score, c.passage))
        # "What is Imran Khan's political party?" wants a sentence naming a party, next to
        # him ("Who is the president of Pakistan?" is not "Pakistan … President Trump");
        # "How many US troops …?" wants a number of troops, not "within 14 months".
        wanted = read.attribute
        attribute = [t for t in self._analyze(wanted) if t not in self._question_stems][-1:]
        if attribute:  # its head noun: "party" of "political party"
            owners = set(weights) - set(attribute)
            candidates = [
                c for c in candidates if self._near(c.sentence, attribute[0], owners, variants)
            ]
            if not candidates:
                return f"no passage gives the {wanted!r} asked for"
        noun = read.counted
        counted = set(self._analyze(noun))
        if counted:
            candidates = [c for c in candidates if self._counts(c.sentence, counted, variants)]
            # "How many years in prison …?": years that are not in prison count nothing asked
            bound = self._counted_in(read, noun)
            candidates = [c for c in candidates if bound <= {variants.get(t, t) for t in c.terms}]
            if not candidates:
                return f"no passage gives a number of {noun!r}"
        best = candidates[0]
        paraphrase = (
            best.similarity >= STRONG_SIMILARITY and best.coverage >= MIN_PARAPHRASE_COVERAGE
        )
        # "Whom did Lavrov meet during his April 2021 visit to Pakistan?": a sentence that
        # says all the question asks, in an article that says its setting, covers it
        placed = (
            bool(setting)
            and best.context_coverage >= MIN_PLACED_CONTEXT
            and covered(best.terms, {t: w for t, w in weights.items() if t not in setting})
            >= MIN_COVERAGE
        )
        if (
            (best.coverage < MIN_COVERAGE and not paraphrase and not placed)
            or best.similarity < MIN_SIMILARITY
            or best.score < MIN_SCORE
        ):
            return f"the best evidence is too weak (score {best.score:.2f})"
        if unmentioned and covered(best.terms, rest) < MIN_REST_COVERAGE:
            return f"no passage mentions what the question asks about ({unmentioned[0]!r})"
        if kind.required and kind.pattern is not None and not kind.pattern.search(best.sentence):
            return "no passage states what the question asks for"
        return Evidence(read, best, candidates, weights, total, kind, variants)

    def _setting_terms(self, read: Question, weights: dict[str, float]) -> set[str]:
        """The question's terms that only its setting uses ("when he opened the troika
        meeting"): an article says them, its answering sentence need not."""
        if not read.setting:
            return set()
        placed = set(self._analyze(" ".join(read.setting)))
        asked = set(self._analyze(without_phrases(read.text, read.setting)))
        if not asked & weights.keys():
            return set()  # "What happened during Lavrov's visit?": the setting is what is asked
        return (placed - asked) & weights.keys()

    def _near(
        self, sentence: str, attribute: str, owners: set[str], variants: dict[str, str]
    ) -> bool:
        """Whether the sentence names the attribute close to what it belongs to (any of
        the question's other terms, ``owners``): "Pakistan's president", not "Pakistan …
        President Trump", nor "leaders of some provinces" for the Taliban's leader."""
        stems = [
            {variants.get(t, t) for t in self._word_terms(word)}
            for word in re.findall(r"[\w'-]+", sentence)
        ]
        at = [i for i, found in enumerate(stems) if attribute in found]
        if not at:
            return False
        # With nothing else in the question, the attribute alone must do ("Who is the
        # president?"); otherwise what it belongs to is named close by.
        if not owners:
            return True
        near = [i for i, found in enumerate(stems) if found & owners]
        return any(abs(a - o) <= ATTRIBUTE_WINDOW for a in at for o in near)

    def _counted_in(self, read: Question, noun: str) -> set[str]:
        """The terms of what the counted noun is counted in or of, as the question puts
        it ("years *in prison*", "seats *in the Senate*"): a sentence counting that noun
        must say them too."""
        doc = self.parse_question(read.text)
        token = next((t for t in doc if t.text == noun), None)
        if token is None:
            return set()
        objects = [
            o.text
            for prep in token.children
            if prep.dep_ == "prep"
            for o in prep.children
            if o.dep_ == "pobj" and o.pos_ in ("NOUN", "PROPN")
        ]
        return set(self._analyze(" ".join(objects)))

    def _counts(self, sentence: str, counted: set[str], variants: dict[str, str]) -> bool:
        """Whether a number in the sentence counts one of the ``counted`` words: "four
        transport-combat helicopters", "90 state scholarships", "thousands of bandits"."""
        words = re.findall(r"[\w'-]+", sentence)
        for i, word in enumerate(words):
            if QUANTITY.fullmatch(word) or word.lower() in ("few", "dozens", "hundreds"):
                following = [
                    t for w in words[i + 1 : i + 1 + COUNT_WINDOW] for t in self._word_terms(w)
                ]
                if {variants.get(t, t) for t in following} & counted:
                    return True
        return False

    def _candidates(
        self,
        passages: list[Passage],
        weights: dict[str, float],
        variants: dict[str, str],
        setting: set[str] | None = None,
    ) -> list[Candidate]:
        """Single sentences, and adjacent pairs where a short sentence leans on its
        neighbour. Terms of the question's setting count as the headline's do, for every
        sentence of an article that says them anywhere (in the passages read)."""
        out: list[Candidate] = []

        def analyzed_terms(text: str) -> set[str]:
            terms = set(self._analyze(text))
            return terms | {variants[t] for t in terms if t in variants}

        placed: dict[str, set[str]] = {}
        if setting:
            for passage in passages:
                article = passage.doc_id or passage.chunk_id
                said = analyzed_terms(f"{passage.title} {passage.text}") & setting
                placed[article] = placed.get(article, set()) | said

        for index, passage in enumerate(passages):
            title_terms = analyzed_terms(f"{passage.title} {_dateline(passage)}")
            title_terms |= placed.get(passage.doc_id or passage.chunk_id, set())
            units: list[tuple[str, set[str], bool]] = []
            for paragraph in passage.text.split("\n\n"):
                sentences = split_sentences(paragraph)
                analyzed = [analyzed_terms(x) for x in sentences]
                for i, text, is_pair in sentence_units(sentences):
                    terms = analyzed[i] | analyzed[i + 1] if is_pair else analyzed[i]
                    units.append((text, terms, is_pair))
            previous: set[str] = set()
            for text, terms, is_pair in units:
                out.append(
                    Candidate(
                        text,
                        index,
                        covered(terms, weights),
                        covered(terms | title_terms | previous, weights),
                        frozenset(terms & weights.keys()),
                        pair=is_pair,
                    )
                )
                if not is_pair:
                    previous = terms
        return out

    def _score(self, question: str, candidates: list[Candidate], kind: AnswerType) -> None:
        vectors = np.asarray(
            self._embed_many([question] + [c.sentence for c in candidates]), dtype=np.float32
        )
        sims = vectors[1:] @ vectors[0]
        for candidate, sim in zip(candidates, sims, strict=True):
            candidate.similarity = float(sim)
            typed = 0.0
            if kind.pattern is not None:
                typed = 0.08 if kind.pattern.search(candidate.sentence) else -0.08
            rank = 0.04 / (1 + candidate.passage)
            penalty = PAIR_PENALTY if candidate.pair else 0.0
            candidate.score = (
                0.55 * candidate.lexical + 0.45 * candidate.similarity + typed + rank - penalty
            )

    def _cover(
        self,
        best: Candidate,
        candidates: list[Candidate],
        weights: dict[str, float],
        total: float,
    ) -> list[Candidate]:
        chosen = [best]
        answered = set(best.terms)
        for candidate in candidates[1:]:
            if len(chosen) >= MAX_SENTENCES:
                break
            gain = sum(weights[t] for t in candidate.terms - answered) / total
            redundant = any(
                jaccard(word_shingles(candidate.sentence, 2), word_shingles(c.sentence, 2)) >= 0.5
                for c in chosen
            )
            if (
                gain >= EXTRA_SENTENCE_GAIN
                and candidate.score >= 0.8 * best.score
                and not redundant
            ):
                chosen.append(candidate)
                answered |= candidate.terms
        return chosen


@dataclass(frozen=True)
class Evidence:
    """What the finder found for a question: the best sentence, its scored rivals, and
    the weighted question terms they were scored on."""

    question: Question
    best: Candidate
    candidates: list[Candidate]
    weights: dict[str, float]
    total: float
    kind: AnswerType
    variants: dict[str, str]


def covered(terms: set[str] | frozenset[str], weights: dict[str, float]) -> float:
    """The IDF-weighted share of the question's terms among ``terms``."""
    return sum(w for t, w in weights.items() if t in terms) / (sum(weights.values()) or 1.0)


# Derivations the stemmer leaves apart: "threat"/"threaten", "north"/"northern",
# "Pakistan"/"Pakistani". (Shorter stems would join "part" and "parti".)
_DERIVATIONS = (("en", 5), ("ern", 4), ("n", 6), ("i", 6))


def _variants(unseen: list[str], vocabulary: set[str]) -> dict[str, str]:
    """Passage terms standing for question terms no passage uses, by derivation."""
    out: dict[str, str] = {}
    for term in unseen:
        for suffix, shortest in _DERIVATIONS:
            longer = term + suffix  # "threat" -> "threaten"
            if len(term) >= shortest and longer in vocabulary:
                out[longer] = term
            shorter = term[: -len(suffix)]  # "northern" -> "north"
            if term.endswith(suffix) and len(shorter) >= shortest and shorter in vocabulary:
                out[shorter] = term
    return out


def _addresses(candidate: Candidate, focus: set[str], kind: AnswerType) -> bool:
    """Whether a sentence speaks to what is asked: the question's verb, or its answer type.

    Extra sentences that only restate the question's premise ("they signed the deal in
    Doha") add a citation but no answer, so they are not added.
    """
    if focus and not focus & candidate.terms:
        return False
    return not (kind.pattern is not None and not kind.pattern.search(candidate.sentence))


def _dateline(passage: Passage) -> str:
    """The article's year and month in words ("2018 February"): "Lavrov's 2021 trip" is
    about an article dated 2021 even when no sentence repeats the year."""
    try:
        day = date.fromisoformat(passage.date[:10])
    except ValueError:
        return ""
    return f"{day.year} {day:%B}"


def sentence_units(sentences: list[str]) -> Iterator[tuple[int, str, bool]]:
    """The candidate answers of a paragraph's sentences, as (index of the first
    sentence, text, whether it is a pair): each answerable sentence, and each sentence
    joined with a short one after it (which may lean on it)."""
    for i, sentence in enumerate(sentences):
        if _answerable_sentence(sentence):
            yield i, sentence, False
        if i + 1 < len(sentences) and len(sentences[i + 1].split()) < PAIR_MAX_WORDS:
            yield i, f"{sentence} {sentences[i + 1]}", True


def candidate_texts(passage_text: str) -> list[str]:
    """Every text a passage of this text offers as a candidate answer: what an answer
    embeds, so what ``qa.warm`` embeds ahead of time."""
    return [
        text
        for paragraph in passage_text.split("\n\n")
        for _, text, _ in sentence_units(split_sentences(paragraph))
    ]


def _answerable_sentence(sentence: str) -> bool:
    """Sentences, not headings, captions or fragments."""
    words = sentence.split()
    if len(words) < 5:
        return False
    return bool(re.search(r"""[.!?]["')\]]*$""", sentence)) or len(words) >= 12


# A sentence whose subject is a demonstrative pronoun ("This was stated by Lavrov …",
# "That is why …") points back at the sentence before it: alone it tells nothing.
_POINTS_BACK = re.compile(
    r"^[\"“]?(?:This|That|These|Those)\s+(?:is|was|were|are|has|had|have|will|would|could|"
    r"can|may|might|must|should)\b"
)


def with_antecedent(sentence: str, passage: Passage) -> str:
    """The sentence, preceded by the one it points back at when it opens on "This was …"
    (the passage's sentence before it, if the passage holds one)."""
    if not _POINTS_BACK.match(sentence):
        return sentence
    sentences = chunk_sentences(passage.text)
    first = sentence.split(". ")[0]
    at = next((i for i, s in enumerate(sentences) if s.startswith(first)), 0)
    return f"{sentences[at - 1]} {sentence}" if at > 0 else sentence


def cite(sentence: str, passage: Passage, numbers: dict[str, int]) -> str:
    """A quoted sentence as an answer line writes it: with the sentence it points back
    at, if any, and the citation marker of its passage (``numbers``: chunk id → [n])."""
    return with_marker(with_antecedent(sentence, passage), numbers[passage.chunk_id])


def _once_each(candidates: list[Candidate]) -> list[Candidate]:
    """Each sentence once, where it scores best: a line that an outlet repeats in every
    article of a story ("X, the founder of failed exchange FTX, is on trial for …") would
    otherwise fill every place read in full and keep out the sentences that differ."""
    seen: set[str] = set()
    out: list[Candidate] = []
    for candidate in candidates:
        key = " ".join(candidate.sentence.split())
        if key not in seen:
            seen.add(key)
            out.append(candidate)
    return out


def compose(
    question: str, parts: list[tuple[str, Passage, float]], *, with_lists: bool = True
) -> Answer:
    """Write sentences with ``[n]`` markers; citations numbered in order of first use.
    A sentence announcing a list set out below it is written with the list's items
    (unless ``with_lists`` is off: the answer gives them already).
    A sentence already quoted from the same passage — alone or inside a pair of
    sentences quoted before it — is not written twice; one that points back at the
    sentence before it ("This was stated by …") is quoted with it."""
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    quotes: dict[str, list[str]] = {}
    pieces: list[str] = []
    for said, passage, score in parts:
        sentence = with_antecedent(said, passage)
        if any(sentence.strip() in quoted for quoted in quotes.get(passage.chunk_id, [])):
            continue
        if passage.chunk_id not in numbers:
            numbers[passage.chunk_id] = len(numbers) + 1
            quotes[passage.chunk_id] = []
            citations.append(
                Citation(
                    number=numbers[passage.chunk_id],
                    title=passage.title,
                    source=passage.source,
                    date=passage.date,
                    url=passage.url,
                    text=passage.text,
                    score=round(score, 3),
                    chunk_id=passage.chunk_id,
                )
            )
        quotes[passage.chunk_id].append(sentence)
        written = with_announced_items(sentence, passage) if with_lists else sentence
        pieces.append(with_marker(written, numbers[passage.chunk_id]))
    citations = [
        Citation(**{**c.__dict__, "quote": " ".join(quotes[c.chunk_id])}) for c in citations
    ]
    return Answer(
        text=" ".join(pieces), citations=citations, query=question, generator="extractive"
    )


def with_announced_items(sentence: str, passage: Passage) -> str:
    """A sentence that announces a list set out below it ("… the line-up moving
    forward:") is quoted with the list's items, which are no sentences of their own."""
    listed = items_after(sentence, passage, [passage])
    if listed is None:
        return sentence
    return f"{sentence.rstrip()} {'; '.join(listed.items)}."


def with_marker(sentence: str, number: int) -> str:
    match = re.search(r"""([.!?]["')\]]*|[.!?])$""", sentence)
    if match and match.group(0) in (".", "!", "?"):
        return f"{sentence[:-1]} [{number}]{sentence[-1]}"
    return f"{sentence} [{number}]"


def refusal(question: str, why: str) -> Answer:
    subject = question.strip().rstrip("?").strip()
    text = f'The articles don\'t say. I found nothing in the indexed articles that answers "{subject}".'
    return Answer(
        text=text,
        citations=[],
        refused=True,
        query=question,
        generator="extractive",
        refusal_reason=why,
    )
