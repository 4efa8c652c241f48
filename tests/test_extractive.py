"""The extractive generator's logic, with a scripted word-overlap embedder.

These pin how sentences are chosen, cited and refused without the model; the same
behaviours are pinned end to end on the real MiniLM in test_qa.py.
"""

from __future__ import annotations

import math
import re
import zlib

import pytest

from index.nlp import load_nlp
from qa.extractive import AnswerType, ExtractiveGenerator, compose
from qa.extractive import answer_type as _answer_type
from qa.question import Question, read_question
from qa.synonyms import synonym_table
from qa.types import Passage

STOP = {"the", "a", "an", "of", "to", "in", "on", "and", "did", "how", "many", "what", "who"}


def analyze(text: str) -> list[str]:
    """Lower-case words with a crude suffix strip: enough to match 'helicopters'/'helicopter'
    and 'delivered'/'deliver'."""
    return [re.sub(r"(?:ed|s)$", "", w) for w in re.findall(r"[a-z0-9]+", text.lower())]


def idf(terms: list[str]) -> dict[str, float]:
    return {t: 0.2 if t in STOP else 1.0 for t in terms}


def embed_many(texts: list[str]) -> list[list[float]]:
    """Bag-of-words vectors hashed into 4,096 dimensions: similarity is word overlap."""
    out = []
    for text in texts:
        vector = [0.0] * 4096
        for word in set(analyze(text)) - STOP:
            vector[zlib.crc32(word.encode()) % 4096] += 1.0
        norm = math.sqrt(sum(v * v for v in vector)) or 1.0
        out.append([v / norm for v in vector])
    return out


def passage(n: int, text: str, title: str = "") -> Passage:
    return Passage(
        chunk_id=f"chunk-{n}",
        text=text,
        title=title or f"Article {n}",
        source="Test Wire",
        date="2023-10-01",
        url="",
        file="news.txt",
        doc_id=f"doc-{n}",
        score=1.0,
    )


def read(question: str) -> Question:
    """The question as the real spaCy pipeline reads it."""
    return read_question(question, load_nlp())


def answer_type(question: str) -> AnswerType:
    return _answer_type(read(question))


@pytest.fixture
def generator() -> ExtractiveGenerator:
    return ExtractiveGenerator(analyze=analyze, idf=idf, embed_many=embed_many, parse=load_nlp())


def test_the_sentence_that_answers_is_quoted_with_its_citation_before_the_full_stop(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "The weather in Moscow was cold all week long. Officials met twice."),
        passage(
            2,
            "Russia delivered four helicopters to Pakistan under the new defence deal. "
            "The ceremony took place at an air base near the capital city.",
        ),
    ]
    answer = generator.generate("How many helicopters did Russia deliver to Pakistan?", passages)
    assert not answer.refused
    assert answer.shape == "factoid" and answer.short_answer == "four helicopters"
    assert answer.text.startswith("Four helicopters [1]. — Russia delivered four helicopters")
    assert answer.text.endswith("deal [1].")
    assert [c.chunk_id for c in answer.citations] == ["chunk-2"]
    assert "four helicopters" in answer.citations[0].quote


def test_it_refuses_when_the_question_s_key_terms_are_in_no_passage(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "The central bank kept interest rates unchanged on Thursday morning.")]
    answer = generator.generate("Who won the cricket world cup final in Ahmedabad?", passages)
    assert answer.refused and answer.citations == []
    assert answer.text.startswith("The articles don't say.")
    assert "key terms" in answer.refusal_reason


def test_how_many_is_refused_when_no_sentence_gives_a_number(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Russia delivered helicopters to Pakistan under the new defence deal signed."),
    ]
    answer = generator.generate("How many helicopters did Russia deliver to Pakistan?", passages)
    assert answer.refused
    assert answer.citations == []


def test_no_passages_means_a_refusal(generator: ExtractiveGenerator) -> None:
    assert generator.generate("What did the minister announce?", []).refused


def test_a_second_sentence_is_added_only_when_it_covers_what_the_first_misses(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "The pipeline will run from the port of Karachi to the city of Lahore."),
        passage(2, "The pipeline will carry gas from Karachi to Lahore, officials confirmed."),
        passage(
            3, "Gazprom will build the pipeline, and construction of the pipeline starts in March."
        ),
    ]
    answer = generator.generate(
        "Which company will build the Karachi Lahore pipeline and when does construction start?",
        passages,
    )
    assert not answer.refused
    # The near-repeat (passage 2) adds nothing the first sentence lacks, so it is left out.
    assert "chunk-2" not in {c.chunk_id for c in answer.citations}
    assert "Gazprom" in answer.text


def test_a_sentence_every_article_repeats_is_read_once(generator: ExtractiveGenerator) -> None:
    boilerplate = "Bankman-Fried, the founder of exchange FTX, is on trial for fraud."
    passages = [passage(n, f"{boilerplate} Day {n} of the trial heard a witness.") for n in (1, 2)]
    passages.append(passage(3, "Bankman-Fried has been found guilty of fraud by the jury."))
    found = generator.evidence(read("Was Bankman-Fried found guilty of fraud?"), passages)
    assert not isinstance(found, str)
    sentences = [c.sentence for c in found.candidates]
    assert sentences.count(boilerplate) == 1
    assert "Bankman-Fried has been found guilty of fraud by the jury." in sentences


def test_citations_are_numbered_in_order_of_first_use() -> None:
    p1, p2 = passage(1, "One. Two."), passage(2, "Three.")
    answer = compose(
        "q",
        [
            ("Alpha happened first.", p2, 0.9),
            ("Beta came next.", p1, 0.8),
            ("Gamma closed it.", p2, 0.7),
        ],
    )
    assert answer.text == "Alpha happened first [1]. Beta came next [2]. Gamma closed it [1]."
    assert [(c.number, c.chunk_id) for c in answer.citations] == [(1, "chunk-2"), (2, "chunk-1")]
    assert answer.citations[0].quote == "Alpha happened first. Gamma closed it."


def test_a_sentence_quoted_inside_an_earlier_pair_is_not_written_again() -> None:
    p1, p2 = passage(1, "x"), passage(2, "y")
    answer = compose(
        "q",
        [
            ("Lavrov spoke of the CSTO. The CSTO fights trafficking.", p1, 0.9),
            ("The CSTO fights trafficking.", p1, 0.8),
            ("The CSTO fights trafficking.", p2, 0.7),  # another passage: its own citation
        ],
    )
    assert answer.text.count("The CSTO fights trafficking") == 2
    assert answer.citations[0].quote == "Lavrov spoke of the CSTO. The CSTO fights trafficking."


def test_a_sentence_ending_in_a_quote_gets_its_marker_after_the_quote() -> None:
    answer = compose("q", [('He said "we will win."', passage(1, "x"), 1.0)])
    assert answer.text == 'He said "we will win." [1]'


@pytest.mark.parametrize(
    ("question", "verb"),
    [
        ("What did the Taliban guarantee in Doha?", "guarantee"),
        ("What will Apple announce next week?", "announce"),
        ("What did the minister say?", ""),  # a light verb carries no focus
        ("Who is the president?", ""),
        ("What was discussed at the meeting?", "discussed"),  # passive questions too
        ("When was Imran Khan born?", "born"),
        ("How many people were killed in the attack?", "killed"),
        ("What was the name of the ship?", ""),
    ],
)
def test_the_question_s_main_verb_is_found(question: str, verb: str) -> None:
    assert read(question).focus_verb == verb


@pytest.mark.parametrize(
    ("question", "lemma"),
    [
        ("Was the agreement signed in 2015?", "sign"),
        # the participle the parser hangs on the subject, not an adjective before a noun
        ("Were representatives of Qatar invited to the expanded talks?", "invite"),
        ("Were the detained activists released on bail?", "release"),
    ],
)
def test_a_passive_yes_no_question_turns_on_its_participle(question: str, lemma: str) -> None:
    assert read(question).focus_lemma == lemma


@pytest.mark.parametrize(
    ("question", "matches", "required"),
    [
        ("How many people died?", "12 people", True),
        ("How old is the winner?", "the 34-year-old winner", True),
        ("When was the deal signed?", "in March 2023", False),
        ("Who signed the deal?", "the deal was signed by Imran Khan", False),
    ],
)
def test_the_expected_answer_type_follows_the_question_word(
    question: str, matches: str, required: bool
) -> None:
    kind = answer_type(question)
    assert kind.pattern is not None and kind.pattern.search(matches)
    assert kind.required is required


@pytest.mark.parametrize(
    ("sentence", "states_a_quantity"),
    [
        ("It will cost 4 billion dollars.", True),
        ("Russia gave Pakistan four helicopters.", True),
        ("The 2015 votes were counted twice.", True),
        ("It follows the intergovernmental agreement of 2015.", False),  # a year
        ("In May 2015, the pipeline deal was signed.", False),
        ("Energy is one of our priorities.", False),  # "one of" is no amount
    ],
)
def test_how_much_wants_an_amount_not_a_year(sentence: str, states_a_quantity: bool) -> None:
    kind = answer_type("How much will the pipeline cost?")
    assert kind.required and kind.pattern is not None
    assert bool(kind.pattern.search(sentence)) is states_a_quantity


def test_a_question_about_something_no_passage_mentions_is_refused(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Imran Khan met the Russian foreign minister in Islamabad on Wednesday."),
        passage(2, "Imran Khan highlighted the importance of a negotiated settlement in talks."),
    ]
    answer = generator.generate("When was Imran Khan born?", passages)
    assert answer.refused
    assert "born" in answer.refusal_reason


def test_names_carried_from_earlier_turns_weigh_less_than_the_question_s_own_words(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Lavrov met general Bajwa at the army headquarters in Rawalpindi on Wednesday."),
        passage(2, "Lavrov said security and trade were discussed."),
    ]
    # How qa.followup writes a follow-up: the earlier turn's names after the question.
    answer = generator.generate("What was discussed? Lavrov Rawalpindi Bajwa", passages)
    assert answer.text.startswith("Lavrov said security and trade were discussed")


def test_an_open_question_expects_no_particular_type() -> None:
    assert answer_type("Why did the talks fail?").pattern is None


def test_a_question_of_several_claims_is_answered_claim_by_claim(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Streamflix raised subscription prices in Canada during October for members."),
        passage(2, "Streamflix lost paying subscribers across Europe after the summer quarter."),
        passage(3, "Analysts expect Streamflix to launch a cheaper advertising plan next spring."),
    ]
    answer = generator.generate(
        "Which service raised subscription prices in Canada during October, lost paying "
        "subscribers across Europe, and is expected to launch a cheaper advertising plan?",
        passages,
    )
    assert not answer.refused
    assert [c.chunk_id for c in answer.citations] == ["chunk-1", "chunk-2", "chunk-3"]
    assert answer.meta["claims"] == 3


def test_a_claim_without_support_keeps_the_whole_question_refused(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Streamflix raised subscription prices in Canada during October for members."),
        passage(2, "Streamflix lost paying subscribers across Europe after the summer quarter."),
    ]
    answer = generator.generate(
        "Which service raised subscription prices in Canada during October, lost paying "
        "subscribers across Europe, and is expected to launch a cheaper advertising plan?",
        passages,
    )
    assert answer.refused and answer.citations == []
    assert "per claim" in answer.refusal_reason


def test_a_verb_the_reporter_swapped_for_a_synonym_still_answers(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Lavrov met Khan in Islamabad on Wednesday for talks on the region."),
        passage(2, "Khan highlighted the importance of a negotiated settlement in the region."),
    ]
    answer = generator.generate("What did Khan stress about a settlement?", passages)
    assert answer.text.startswith("Khan highlighted the importance")


def test_a_derived_form_of_a_question_word_matches_its_stem(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "The storm was forecast last week by the national weather office."),
        passage(2, "The storm flooded two cities in the north, Tromso and Alta, overnight."),
    ]
    answer = generator.generate("Which northern cities did the storm flood?", passages)
    assert answer.text.startswith("The storm flooded two cities in the north")


def test_a_main_verb_no_passage_uses_is_judged_by_the_rest_of_the_question(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "We call on the warring parties to reduce the level of violence.")]
    answered = generator.generate(
        "What did Lavrov implore the warring parties to reduce?", passages
    )
    assert answered.text.startswith("We call on the warring parties")
    # With nothing but a name left besides the verb, nothing says what is asked.
    refused = generator.generate("When was Lavrov implored?", passages)
    assert refused.refused


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("How many US troops are in Afghanistan?", "troops"),
        ("How many helicopters did Russia give Pakistan?", "helicopters"),
        ("Within how many months did the allies pledge to withdraw?", "months"),
        ("How many state scholarships were allocated?", "scholarships"),
        ("How much gas will the pipeline carry each year?", "gas"),
        ("How much will the pipeline cost?", ""),  # any amount answers
        ("Why did the talks fail?", ""),
    ],
)
def test_a_how_many_question_counts_its_head_noun(question: str, noun: str) -> None:
    assert read(question).counted == noun


def test_a_number_that_counts_something_else_does_not_answer_how_many(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "The allies pledged to withdraw all troops from the country within 14 months."),
        passage(2, "They discussed the COVID-19 pandemic and progress on the gas pipeline."),
    ]
    troops = generator.generate("How many troops are in the country?", passages)
    assert troops.refused and "troops" in troops.refusal_reason
    # "COVID-19" is a name, not an amount of gas.
    assert generator.generate("How much gas will the pipeline carry?", passages).refused
    months = generator.generate("Within how many months will the allies withdraw troops?", passages)
    assert "14 months" in months.text


@pytest.mark.parametrize(
    ("question", "attribute"),
    [
        ("What is Imran Khan's political party?", "political party"),
        ("Who is the president of Pakistan?", "president"),
        ("Who is the Russian president's envoy to Afghanistan?", "envoy"),
        ("What is the population of Kabul?", "population"),
        ("What is Russia concerned about?", ""),
        ("What did Lavrov say?", ""),
        ("What was the feud between SSSniperwolf and Jacksfilms about?", ""),
    ],
)
def test_a_what_is_x_s_y_question_asks_for_its_y(question: str, attribute: str) -> None:
    assert read(question).attribute == attribute


def test_a_sentence_without_the_asked_attribute_next_to_its_owner_does_not_answer(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Imran Khan met the Russian foreign minister in Islamabad on Wednesday."),
        passage(2, "Moscow stood by Pakistan in the face of the strategy of President Trump."),
    ]
    assert generator.generate("What is Imran Khan's political party?", passages).refused
    assert generator.generate("Who is the president of Pakistan?", passages).refused
    leaders = [passage(4, "The leaders of some provinces say helicopters fly to militant areas.")]
    assert generator.generate("Who is the leader of the Taliban?", leaders).refused
    passages.append(passage(3, "Pakistan's president, Arif Alvi, received the envoy on Monday."))
    answer = generator.generate("Who is the president of Pakistan?", passages)
    assert "Arif Alvi" in answer.text


def test_synonyms_join_reporting_verbs_both_ways_but_not_according_to() -> None:
    table = synonym_table(analyze)
    assert "highlight" in table["stres"] and "stres" in table["highlight"]
    assert "accord" not in table["agreement"]
    # "Pakistan appreciated Russia's efforts" thanks Russia; a backer supports
    assert "appreciate" in table["thank"] and "backer" in table["support"]


def test_a_question_term_no_passage_uses_is_matched_to_its_derivations_in_the_passages() -> None:
    from qa.extractive import _variants

    vocabulary = {"threaten", "north", "pakistani", "parti", "talk"}
    found = _variants(["threat", "northern", "pakistan", "part", "talks"], vocabulary)
    assert found == {"threaten": "threat", "north": "northern", "pakistani": "pakistan"}


def test_a_sentence_two_articles_share_keeps_each_article_s_entities() -> None:
    from dataclasses import replace

    from index.nlp import Entity, load_parser

    finder = ExtractiveGenerator(
        analyze=analyze, idf=idf, embed_many=embed_many, parse=load_nlp(), parse_text=load_parser()
    )
    sentence = "Jordan met Warner in Austin."
    jordan = Entity(text="Jordan", label="PERSON", start=0, end=6)
    as_person = replace(passage(1, sentence), entities=(jordan,))
    as_country = replace(passage(2, sentence), entities=(replace(jordan, label="GPE"),))
    first = finder.parse_sentence(sentence, as_person)
    second = finder.parse_sentence(sentence, as_country)
    assert [(e.text, e.label_) for e in first.ents] == [("Jordan", "PERSON")]
    assert [(e.text, e.label_) for e in second.ents] == [("Jordan", "GPE")]
