"""The answer strategies, one per question shape, on small scripted passages.

The questions are parsed by the real spaCy model; embeddings are the scripted
word-overlap vectors of test_extractive, so what is chosen can be asserted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from spacy.tokens import Doc

from index.nlp import Entity, load_nlp
from qa.dates import resolve, undated_place
from qa.extractive import Candidate, ExtractiveGenerator
from qa.question import asks_for_latest, asks_within_one_article, read_question
from qa.spans import date_spans, entity_spans, mentions, of_an_agent
from qa.strategies import comparison, contest, inference, yesno
from qa.strategies.factoid import short_answer
from qa.strategies.when import asks_ahead, date_expressions
from qa.types import Answer, Passage
from tests.test_extractive import analyze, embed_many, idf


def passage(n: int, text: str, *, day: str = "2023-10-01", source: str = "Test Wire") -> Passage:
    return Passage(
        chunk_id=f"chunk-{n}",
        text=text,
        title=f"Article {n}",
        source=source,
        date=day,
        url="",
        file="news.txt",
        doc_id=f"doc-{n}",
        score=1.0,
    )


@pytest.fixture
def generator() -> ExtractiveGenerator:
    return ExtractiveGenerator(analyze=analyze, idf=idf, embed_many=embed_many, parse=load_nlp())


def all_alike() -> ExtractiveGenerator:
    """A finder whose vectors find every sentence as close to the question as can be: for
    tests of a reading, not of the similarity."""
    return ExtractiveGenerator(
        analyze=analyze,
        idf=idf,
        embed_many=lambda texts: [[1.0, 0.0] for _ in texts],
        parse=load_nlp(),
    )


@pytest.mark.parametrize(
    ("question", "shape"),
    [
        ("Did Russia give Pakistan helicopters?", "yesno"),
        ("Under the Doha deal, did the US promise to withdraw?", "yesno"),
        ("Was Janjua foreign secretary when she went to Moscow?", "yesno"),
        ("When Lavrov went to Pakistan, was it his first visit in nine years?", "yesno"),
        ("When was the intergovernmental agreement concluded?", "when"),
        ("Which countries attended the talks?", "list"),
        ("When was the deal signed?", "when"),
        ("How many helicopters did Russia give?", "factoid"),
        ("Summarize the coverage of the trial", "summary"),
        ("What's the latest on the pipeline?", "latest"),
        ("How did the dispute develop?", "timeline"),
        ("Did both TechCrunch and The Verge report the outage?", "comparison"),
        ("Why did the talks fail?", "explain"),
        ("How many subscribers has the service signed up so far?", "factoid"),
        ("Did Pakistan attend the recent meeting in Moscow?", "yesno"),
        ("Trace the contacts between the two countries since 2016.", "timeline"),
        ("What did Lavrov say about cooperation in education?", "summary"),
        ("What did the Taliban guarantee?", "explain"),
        ("What was the sequence of the meetings Lavrov recalled?", "timeline"),
        ("How did Jim Jordan's bid for speaker play out?", "timeline"),
        ("How have relations between the two countries changed over the decades?", "timeline"),
        ("Did the article, which covered the trial, say how the jury voted?", "yesno"),
        ("Between the reports of 4 and 9 October, was there a change in how it was told?", "yesno"),
        ("Before the Times reported the verdict, did the Guardian describe how it came?", "yesno"),
        ("In what order did the sanctions come?", "timeline"),
        ("What are the recent developments in the talks?", "latest"),
        ("Did The Verge score Amazon's latest Echo Frames above its rival?", "yesno"),
        ("What are the latest developments in the talks?", "latest"),
        ("When Lavrov came to Islamabad, did Khan thank Russia for the recent meeting?", "yesno"),
        ("What's going wrong at ASOS?", "summary"),
        ("Lay out the meetings in these reports, from the earliest to the latest.", "timeline"),
        (
            "How did the Kelce and Swift story build, from his first try to her first game?",
            "timeline",
        ),
    ],
)
def test_the_question_s_shape_is_read_from_its_parse(question: str, shape: str) -> None:
    assert read_question(question, load_nlp()).shape == shape


@pytest.mark.parametrize(
    ("question", "latest"),
    [
        ("What's the latest on the pipeline?", True),
        ("What are the recent developments in the talks?", True),
        ("Which company, recently reviewed by TechCrunch, cut prices?", False),
        ("Considering the recent escalation, which country hosted the summit?", False),
        ("Did Pakistan attend the recent meeting?", False),
        ("Did The Verge score Amazon's latest Echo Frames above its rival?", False),
        ("What are the latest developments in the talks?", True),
        ("Is there any latest news on the talks?", True),
    ],
)
def test_retrieval_reads_a_question_for_the_newest_coverage_as_the_shape_does(
    question: str, latest: bool
) -> None:
    assert asks_for_latest(question) == latest
    assert (read_question(question, load_nlp()).shape == "latest") == latest


@pytest.mark.parametrize(
    ("expression", "published", "meant"),
    [
        ("last year", "2018-02-20", "2017"),
        ("Friday", "2018-02-20", "Friday, 16 February 2018"),  # the 20th was a Tuesday
        ("last Friday", "2023-11-24", "Friday, 17 November 2023"),  # in a Friday's paper
        ("Friday", "2023-11-24", "Friday, 24 November 2023"),
        ("yesterday", "2021-04-07", "6 April 2021"),
        ("last month", "2021-01-15", "December 2020"),
        ("February", "2021-03-18", "February 2021"),
        ("on 7 April 2021", "2023-01-01", "on 7 April 2021"),  # already absolute
    ],
)
def test_a_relative_date_is_resolved_against_the_article_s_date(
    expression: str, published: str, meant: str
) -> None:
    resolved = resolve(expression, published)
    assert resolved is not None and resolved.text == meant


@pytest.mark.parametrize(
    ("expression", "published", "tense", "meant"),
    [
        ("May 1", "2021-04-07", "", "1 May 2021"),  # "a May 1 deadline approaches": nearest
        ("December", "2021-01-15", "", "December 2020"),
        ("November", "2018-02-20", "past", "November 2017"),  # "was held in November"
        ("April", "2021-04-07", "past", "April 2021"),  # earlier this month
        ("March", "2021-04-07", "future", "March 2022"),  # "will open in March"
        ("next May", "2021-04-07", "", "May 2021"),
    ],
)
def test_a_month_without_a_year_is_placed_by_the_verb_s_tense_else_the_nearest(
    expression: str, published: str, tense: str, meant: str
) -> None:
    resolved = resolve(expression, published, tense)
    assert resolved is not None and resolved.text == meant


def test_an_expression_that_names_no_date_resolves_to_nothing() -> None:
    assert resolve("the other day", "") is None


def test_when_gives_the_relative_date_made_absolute_and_says_how(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Last year, Russia delivered four helicopters to Pakistan.", day="2018-02-20")
    ]
    answer = generator.generate("When did Russia deliver helicopters to Pakistan?", passages)
    assert answer.shape == "when" and answer.short_answer == "2017"
    assert "counted from the article's date, 20 February 2018" in answer.text


def test_without_a_date_in_the_evidence_when_gives_the_publication_date_labelled(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "Russia delivered four helicopters to Pakistan.", day="2021-04-07")]
    answer = generator.generate("When did Russia deliver helicopters to Pakistan?", passages)
    assert answer.short_answer == "7 April 2021 (publication date)"
    assert answer.citations


def test_the_word_before_a_weekday_counts_when_the_model_tags_the_day_alone(
    generator: ExtractiveGenerator,
) -> None:
    dated = passage(
        1, "The points deduction was announced last Friday by the commission.", day="2023-11-24"
    )
    answer = generator.generate("When was the points deduction announced?", [dated])
    assert "17 November 2023" in answer.short_answer


def test_a_relative_date_in_an_undated_article_is_quoted_and_said_to_be_unplaceable(
    generator: ExtractiveGenerator,
) -> None:
    undated = replace(
        passage(1, "Last year, Russia delivered four helicopters to Pakistan."), date=""
    )
    answer = generator.generate("When did Russia deliver helicopters to Pakistan?", [undated])
    assert answer.short_answer == "Last year"
    assert "carries no date" in answer.text and answer.citations


def test_a_when_question_is_not_answered_with_the_date_of_someone_else_s_action(
    generator: ExtractiveGenerator,
) -> None:
    other = passage(
        1,
        "Asif's visit to Moscow follows an earlier visit by Foreign Secretary Tehmina Janjua "
        "to Moscow in October 2017.",
        day="2018-02-20",
    )
    reported = replace(
        passage(2, "Lavrov held talks with Imran Khan on his visit to Pakistan.", day="2021-04-07"),
        title="Lavrov visits Pakistan in search of Afghan peace",
    )
    answer = generator.generate("When did Lavrov visit Moscow?", [other])
    assert "October 2017" not in answer.text
    answer = generator.generate("When did Lavrov visit Pakistan?", [other, reported])
    assert answer.short_answer == "7 April 2021"
    assert "the date of the report" in answer.text


def test_when_a_study_was_published_is_not_when_the_article_on_it_was(
    generator: ExtractiveGenerator,
) -> None:
    study = replace(
        passage(
            1,
            "The weight loss drugs may raise the risk of stomach paralysis, according to a "
            "study published Thursday in JAMA.",
            day="2023-10-07",
        ),
        title="Weight loss drugs linked to stomach paralysis in study",
    )
    answer = generator.generate(
        "When was the JAMA study on weight loss drugs and stomach paralysis published?", [study]
    )
    assert answer.short_answer == "Thursday, 5 October 2023"


def test_a_when_answer_dates_the_asked_action_not_another_verb_of_its_sentence(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "The singer was born in Nov. 1945 and wrote his best known song at 25."),
        passage(
            2,
            "His record was broken in Nov. 2021 when a Taylor Swift song hit No. 1 on the chart.",
        ),
        passage(3, "It first hit No. 1 on the chart on Jan. 15, 1972."),
    ]
    answer = generator.generate(
        "When did his best known song first reach No. 1 on the chart?", passages
    )
    assert answer.short_answer == "Jan. 15, 1972"


def test_what_was_still_to_come_is_not_dated_by_its_report(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Owen Teale will play Scrooge in a Melbourne season of A Christmas Carol.")
    ]
    answer = generator.generate("When did A Christmas Carol open in Melbourne?", passages)
    assert answer.refused and not answer.citations


def test_yes_needs_a_sentence_with_every_name_and_the_verb(generator: ExtractiveGenerator) -> None:
    passages = [passage(1, "Russia delivered four helicopters to Pakistan in March.")]
    answer = generator.generate("Did Russia deliver helicopters to Pakistan?", passages)
    assert answer.shape == "yesno" and answer.text.startswith("Yes [1]. — ")
    assert answer.short_answer == "Yes"


def test_a_meeting_is_the_same_from_either_side(generator: ExtractiveGenerator) -> None:
    passages = [
        passage(1, "Foreign Minister Sergei Lavrov meets Prime Minister Imran Khan in Islamabad.")
    ]
    assert generator.generate("Did Imran Khan meet Lavrov?", passages).short_answer == "Yes"
    assert generator.generate("Did Imran Khan meet Asif?", passages).short_answer != "No"


def test_a_phrasal_verb_in_the_sentence_says_the_claim_s_verb(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Changpeng Zhao, the founder of Binance, is stepping down as chief executive.")
    ]
    assert generator.generate("Did Changpeng Zhao step down?", passages).short_answer == "Yes"


def test_who_did_it_in_a_relative_clause_is_the_noun_the_clause_hangs_on(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "The board praised Greg Brockman, who resigned as chairman on Friday.")]
    assert generator.generate("Did the board resign?", passages).short_answer != "Yes"


def test_a_negated_sentence_gives_no(generator: ExtractiveGenerator) -> None:
    passages = [passage(1, "Russia did not deliver helicopters to Pakistan last year.")]
    answer = generator.generate("Did Russia deliver helicopters to Pakistan?", passages)
    assert answer.short_answer == "No" and answer.citations


@pytest.mark.parametrize(
    ("question", "said", "instead"),
    [
        (
            "Did Bajwa visit Lavrov in Islamabad?",
            "Bajwa visited Lavrov in the city of Rawalpindi.",
            "Rawalpindi",
        ),
        (
            "Did Russia give Pakistan six combat helicopters?",
            "Russia gave Pakistan four combat helicopters.",
            "four",
        ),
    ],
)
def test_the_claim_s_event_with_another_value_in_one_place_is_a_no_that_names_it(
    generator: ExtractiveGenerator, question: str, said: str, instead: str
) -> None:
    answer = generator.generate(question, [passage(1, said)])
    assert answer.short_answer == "No"
    assert answer.text.startswith(f"No — the report gives {instead}")


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("Did Russia give Pakistan more than three combat helicopters?", "Yes"),
        ("Did Russia give Pakistan at least 4 combat helicopters?", "Yes"),
        ("Did Russia give Pakistan fewer than three combat helicopters?", "No"),
        ("Did Russia give Pakistan over ten combat helicopters?", "No"),
    ],
)
def test_a_claim_that_bounds_its_number_is_judged_by_the_number_the_report_gives(
    question: str, verdict: str
) -> None:
    same = all_alike()
    said = "Russia gave Pakistan four combat helicopters."
    answer = same.generate(question, [passage(1, said)])
    assert answer.short_answer == verdict
    assert answer.text.startswith(f"{verdict} — the report gives four")


def test_a_claim_about_what_was_said_is_borne_out_by_any_verb_of_speech() -> None:
    same = all_alike()
    said = "Envoy Zamir Kabulov said Pakistan was a key regional player to negotiate with."
    question = "Did Kabulov describe Pakistan as a key player to negotiate with?"
    answer = same.generate(question, [passage(1, said)])
    assert answer.short_answer == "Yes" and answer.citations
    # the speaker must still be the claim's: another's words are no support
    other = "Minister Sergey Lavrov said Pakistan was a key regional player to negotiate with."
    assert same.generate(question, [passage(1, other)]).short_answer != "Yes"


def test_a_phrase_set_before_the_question_s_verb_places_the_claim_and_need_not_be_quoted() -> None:
    same = all_alike()
    # the deal is the headline's; the article names the buyer by his surname
    report = replace(
        passage(
            1, "For his 25% Ratcliffe obtains control but still the Glazers remain majority owners."
        ),
        title="Ratcliffe's deal for a stake in Manchester United",
    )
    question = (
        "After Jim Ratcliffe's deal for a stake in Manchester United, are the Glazers still "
        "the majority owners?"
    )
    answer = same.generate(question, [report])
    assert answer.short_answer == "Yes"
    assert "Glazers remain majority owners" in answer.citations[0].quote


def test_one_is_not_a_rival_count(generator: ExtractiveGenerator) -> None:
    said = "After evading one sack, Jones was sacked by Edwards at the 15-yard line."
    answer = generator.generate("Did Edwards sack Jones ten times?", [passage(1, said)])
    assert "gives one" not in answer.text


def test_another_value_is_no_no_when_a_passage_names_every_value_of_the_claim(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Russia gave Pakistan four transport-combat helicopters last year."),
        passage(2, "Russia gave Pakistan six combat helicopters in all, the ministry said."),
    ]
    answer = generator.generate("Did Russia give Pakistan six combat helicopters?", passages)
    assert answer.short_answer != "No"


def test_a_role_the_article_gives_the_claim_s_subject_in_full_names_the_subject(
    generator: ExtractiveGenerator,
) -> None:
    text = (
        "In Moscow, Russian foreign minister Sergey Lavrov met his Afghan counterpart. "
        "The Russian foreign minister also offered condolences to the victims of avalanches."
    )
    answer = generator.generate(
        "Did Lavrov offer condolences to the victims of avalanches?", [passage(1, text)]
    )
    assert answer.short_answer == "Yes"
    # a role the article gives to someone else names no one else
    answer = generator.generate(
        "Did Rabbani offer condolences to the victims of avalanches?", [passage(1, text)]
    )
    assert answer.short_answer != "Yes"


def test_a_sentence_with_the_opposite_outcome_is_a_no_that_quotes_it(
    generator: ExtractiveGenerator,
) -> None:
    said = [passage(1, "Biden said the deadline would be hard to meet for the troops.")]
    answer = generator.generate("Did Biden say the deadline would be easy to meet?", said)
    assert answer.text.startswith("No — the report says “hard”")
    answer = generator.generate("Did Biden say the deadline would be hard to meet?", said)
    assert answer.short_answer != "No"


def test_an_outcome_only_asked_about_or_supposed_is_no_opposite() -> None:
    asked = [passage(1, "The trial will show whether Bankman-Fried is found guilty of fraud.")]
    answer = all_alike().generate("Was Bankman-Fried acquitted of fraud?", asked)
    assert answer.short_answer != "No"
    said = [passage(1, "Bankman-Fried has been found guilty of fraud.")]
    assert (
        all_alike()
        .generate("Was Bankman-Fried acquitted of fraud?", said)
        .text.startswith("No — the report says “guilty”")
    )


def test_welcoming_is_the_opposite_of_objecting() -> None:
    same = all_alike()
    welcomed = [passage(2, "Pakistan did welcome Russia using its influence on them.")]
    answer = same.generate("Did Pakistan object to Russia using its influence?", welcomed)
    assert answer.text.startswith("No — the report says “welcome”")


def test_a_promise_is_not_a_report_that_it_happened(generator: ExtractiveGenerator) -> None:
    passages = [passage(1, "Russia pledged to deliver helicopters to Pakistan next year.")]
    answer = generator.generate("Did Russia deliver helicopters to Pakistan?", passages)
    assert answer.refused


def test_a_sentence_without_the_claim_s_number_is_no_yes(generator: ExtractiveGenerator) -> None:
    passages = [passage(1, "Russia delivered combat helicopters and trainers to Pakistan.")]
    answer = generator.generate("Did Russia deliver six combat helicopters to Pakistan?", passages)
    assert answer.short_answer != "Yes"


def test_a_number_that_only_says_which_deal_may_stand_before_the_sentence(
    generator: ExtractiveGenerator,
) -> None:
    said = "Ohtani agreed a $700 million deal with the Dodgers. The deal eclipsed Judge's record."
    answer = generator.generate(
        "Did the $700 million deal eclipse Judge's record?", [passage(1, said)]
    )
    assert answer.short_answer == "Yes"
    bigger = generator.generate(
        "Did the deal eclipse Judge's $900 million record?", [passage(1, said)]
    )
    assert bigger.short_answer != "Yes"


def test_a_sentence_missing_one_of_the_claim_s_names_is_no_yes(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "Russia delivered four helicopters to Afghanistan in March.")]
    answer = generator.generate("Did Russia deliver helicopters to Iran?", passages)
    assert answer.short_answer != "Yes"


def test_a_date_on_the_claim_is_checked_against_the_date_the_report_gives(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "On February 29, 2020, the United States and the Taliban signed a peace deal.")
    ]
    asked = "Did the United States and the Taliban sign a peace deal in {}?"
    same = generator.generate(asked.format("February 2020"), passages)
    other = generator.generate(asked.format("March 2020"), passages)
    assert same.short_answer == "Yes" and other.short_answer == "No"
    assert "February 29, 2020" in other.text and other.citations


def test_a_relative_date_is_read_from_the_article_s_day_before_judging_the_claim_s_date(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "Lavrov visited Islamabad on Wednesday for talks.", day="2021-04-07")]
    april = generator.generate("Did Lavrov visit Islamabad in April 2021?", passages)
    may = generator.generate("Did Lavrov visit Islamabad in May 2021?", passages)
    assert april.short_answer == "Yes" and may.short_answer == "No"
    assert "7 April 2021" in may.text


def test_the_scene_of_a_claim_need_only_be_in_the_article(
    generator: ExtractiveGenerator,
) -> None:
    text = "Lavrov arrived in Pakistan on Tuesday. Lavrov visited Islamabad for talks on Wednesday."
    passages = [passage(1, text, day="2021-04-07")]
    asked = "Did Lavrov visit Islamabad when the minister came to {}?"
    assert generator.generate(asked.format("Pakistan"), passages).short_answer == "Yes"
    assert generator.generate(asked.format("Nepal"), passages).short_answer != "Yes"


def test_is_it_true_that_asks_the_claim_and_a_short_form_names_the_country(
    generator: ExtractiveGenerator,
) -> None:
    question = "Is it true that the United States and the Taliban signed a peace deal in Doha?"
    for said in (
        "The US administration and the Taliban signed a peace deal in Doha.",
        # the short form in the subject of the sentence's verb too
        "On February 29, 2020, previous US administrations and the Taliban signed a peace "
        "deal in Doha.",
    ):
        assert generator.generate(question, [passage(1, said)]).short_answer == "Yes", said


def test_a_yes_no_question_is_never_answered_with_a_bare_sentence(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "The weather in Moscow was cold and grey all week long.")]
    answer = generator.generate("Did Russia deliver helicopters to Pakistan?", passages)
    assert answer.refused or answer.short_answer in ("Yes", "No")


def test_a_list_gives_every_item_of_the_asked_kind_once_in_order() -> None:
    passages = [
        passage(
            1,
            "Delegations from China, Iran and India attended the Moscow talks on Afghanistan.",
        )
    ]
    places = ExtractiveGenerator(
        analyze=analyze,
        idf=idf,
        embed_many=embed_many,
        parse=load_nlp(),
        noun_kind=lambda noun: frozenset({"GPE"}) if noun.startswith("countr") else frozenset(),
    )
    answer = places.generate("Which countries attended the Moscow talks on Afghanistan?", passages)
    assert answer.shape == "list"
    assert answer.short_answer == "China, Iran, India"
    assert answer.text.startswith("China, Iran and India [1].")


def _places() -> ExtractiveGenerator:
    return ExtractiveGenerator(
        analyze=analyze,
        idf=idf,
        embed_many=embed_many,
        parse=load_nlp(),
        noun_kind=lambda noun: frozenset({"GPE"}) if noun.startswith("countr") else frozenset(),
    )


def test_a_list_comes_from_the_sentence_that_enumerates_rather_than_from_single_mentions() -> None:
    passages = [
        passage(
            1,
            "Russia wants the expanded troika to make progress with the Moscow format. "
            "The expanded troika is made of Russia, China and the United States, to which "
            "Pakistan was later added.",
        )
    ]
    answer = _places().generate("Which countries make up the expanded troika?", passages)
    assert answer.short_answer == "Russia, China, United States, Pakistan"
    assert "Moscow" not in answer.text.split(" — ")[0]


def test_a_list_told_over_sentences_that_repeat_the_verb_is_read_on(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "On the Middle East, the ministers discussed the Syrian settlement and the Syrian "
            "chemical dossier. They discussed the Palestinian-Israeli settlement. "
            "Trade was up.",
        )
    ]
    answer = generator.generate("Which Middle East issues did the ministers discuss?", passages)
    assert "Palestinian-Israeli settlement" in answer.short_answer
    assert "Trade" not in answer.text


def test_a_list_announced_with_a_colon_gives_the_lines_below_it(
    generator: ExtractiveGenerator,
) -> None:
    text = (
        "Valve says this will be the Steam Deck line-up from now on:\n\n256GB Steam Deck LCD "
        "($399)\n\n512GB Steam Deck OLED ($549)\n\nAs a result, older models drop in price."
    )
    answer = generator.generate("Which models make up the Steam Deck line-up?", [passage(1, text)])
    assert answer.short_answer == "256GB Steam Deck LCD ($399); 512GB Steam Deck OLED ($549)"
    assert answer.text.startswith("256GB Steam Deck LCD ($399); 512GB Steam Deck OLED ($549) [1]")


def test_a_request_to_name_things_is_a_list_of_the_named_noun() -> None:
    read = read_question("Name the countries that make up the troika.", load_nlp())
    assert (read.shape, read.head_noun) == ("list", "countries")
    passages = [passage(1, "The countries that make up the troika: Russia, China and the US.")]
    answer = _places().generate("Name the countries that make up the troika.", passages)
    assert answer.short_answer == "Russia, China, US"


def test_which_official_is_answered_by_the_person_the_sentence_gives_another_title() -> None:
    people = ExtractiveGenerator(
        analyze=analyze,
        idf=idf,
        embed_many=embed_many,
        parse=load_nlp(),
        noun_kind=lambda noun: frozenset({"PERSON"}) if noun == "official" else frozenset(),
    )
    said = (
        "Russian presidential envoy Zamir Kabulov warned that pressure on Pakistan could "
        "destabilise the region."
    )
    answer = people.generate(
        "Which Russian official warned that pressure on Pakistan could destabilise the region?",
        [passage(1, said)],
    )
    assert answer.short_answer.endswith("Zamir Kabulov")


def test_which_role_is_answered_by_the_name_the_role_titles(
    generator: ExtractiveGenerator,
) -> None:
    said = "Asif's visit follows an earlier visit by Foreign Secretary Tehmina Janjua in October."
    answer = generator.generate("Which foreign secretary visited in October?", [passage(1, said)])
    assert answer.short_answer == "Tehmina Janjua"


def test_a_list_of_people_with_no_one_named_in_the_sentences_is_refused(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "The hearing on the damages was attended by many of the firm's staff.")]
    answer = generator.generate("Who all attended the hearing on the damages?", passages)
    assert answer.shape == "list"
    assert answer.refused


def test_a_list_of_things_discussed_is_the_verb_s_objects(generator: ExtractiveGenerator) -> None:
    passages = [
        passage(
            1,
            "Lavrov and Khan reviewed economic relations, the pandemic and a gas pipeline.",
        )
    ]
    answer = generator.generate("What topics did Lavrov and Khan review?", passages)
    assert answer.shape == "list"
    assert answer.short_answer == "economic relations, pandemic, gas pipeline"


def test_the_latest_puts_the_newest_article_first_and_a_timeline_the_oldest(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1, "The pipeline project was first proposed by the two governments.", day="2015-05-01"
        ),
        passage(
            2,
            "Construction of the pipeline project began near Karachi this week.",
            day="2021-04-07",
        ),
        passage(3, "The pipeline project stalled over financing terms again.", day="2018-02-20"),
    ]
    latest = generator.generate("What's the latest on the pipeline project?", passages)
    assert latest.shape == "latest"
    assert latest.text.index("7 April 2021") < latest.text.index("20 February 2018")
    assert latest.short_answer.startswith("7 April 2021")
    timeline = generator.generate("Give me a timeline of the pipeline project", passages)
    assert timeline.shape == "timeline"
    assert timeline.text.index("1 May 2015") < timeline.text.index("April 2021")


def test_the_latest_tells_the_newest_article_in_a_few_sentences_and_older_ones_in_one(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "The pipeline project resumed this week near Karachi. "
            "The pipeline project will cost more than planned. "
            "The pipeline project is due to finish in 2025. "
            "The pipeline project hired new engineers.",
            day="2021-04-07",
        ),
        passage(
            2,
            "The pipeline project stalled over financing terms. "
            "The pipeline project lost its main lender.",
            day="2018-02-20",
        ),
    ]
    latest = generator.generate("What's the latest on the pipeline project?", passages)
    newest, older = latest.text.splitlines()
    assert newest.startswith("7 April 2021") and newest.count("The pipeline project") == 3
    assert newest.index("resumed") < newest.index("engineers")  # in the article's order
    assert older.startswith("20 February 2018") and older.count("The pipeline project") == 1


def test_a_timeline_inside_one_article_follows_the_dates_its_sentences_state(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "The pipeline talks resumed in March 2019 after a long pause. "
            "The pipeline talks first began in November 2016 in Moscow. "
            "The pipeline talks ended last year without a deal.",
            day="2021-04-07",
        )
    ]
    timeline = generator.generate("Give me a timeline of the pipeline talks", passages)
    lines = timeline.text.splitlines()
    assert [line.split(" — ")[0] for line in lines] == ["November 2016", "March 2019", "2020"]


def test_a_bare_year_holding_the_article_s_day_sorts_at_that_day(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "The 2023 prize talks ended with a prize for the chemists.", day="2023-10-04"),
        passage(2, "On Monday the prize talks gave a prize to the doctors.", day="2023-10-02"),
    ]
    timeline = generator.generate("Give me a timeline of the prize talks", passages)
    lines = timeline.text.splitlines()
    # "2023" in a 4 October article is no earlier than Monday 2 October
    assert [line.split(" — ")[0] for line in lines] == ["Monday, 2 October 2023", "2023"]


def test_events_of_one_day_keep_their_article_s_order(generator: ExtractiveGenerator) -> None:
    passages = [
        passage(
            1,
            "Negotiators from both sides and many observers opened the long pipeline talks "
            "in March 2019. The pipeline talks stalled in March 2019. "
            "The pipeline talks resumed in May 2020.",
            day="2021-04-07",
        )
    ]
    timeline = generator.generate("Give me a timeline of the pipeline talks", passages)
    # the sentence that opened the talks is the weaker match, yet comes first
    assert timeline.text.index("opened") < timeline.text.index("stalled")
    assert timeline.text.index("stalled") < timeline.text.index("resumed")


def test_an_undated_article_s_events_follow_the_order_its_relative_dates_give(
    generator: ExtractiveGenerator,
) -> None:
    undated = replace(
        passage(
            1,
            "The pipeline talks will be held again in February. "
            "Back in December, the pipeline talks were held in Moscow. "
            "The pipeline talks first met last June in Astana.",
        ),
        date="",
    )
    timeline = generator.generate("Give me a timeline of the pipeline talks", [undated])
    lines = timeline.text.splitlines()
    # last June, then the December gone, then the February to come; no year is made up
    assert [line.split(" — ")[0] for line in lines] == [
        "“last June” (undated article)",
        "“December” (undated article)",
        "“February” (undated article)",
    ]


@pytest.mark.parametrize(
    ("expression", "tense", "place"),
    [
        ("last June", "", (-1, 0, 6, 0)),
        ("November last year", "past", (-1, 0, 11, 0)),
        ("December", "past", (-1, 0, 12, 0)),
        ("May this year", "past", (0, -1, 5, 0)),
        ("Tuesday", "", (0, 0, 0, 0)),
        ("February", "future", (0, 1, 2, 0)),
        ("next year", "", (1, 0, 0, 0)),
        ("2015", "past", None),  # an absolute date sorts by itself
        ("mid-February", "", None),  # past or future, the sentence does not say
    ],
)
def test_a_date_in_an_undated_article_is_placed_against_the_article_s_own_day(
    expression: str, tense: str, place: tuple[int, int, int, int] | None
) -> None:
    assert undated_place(expression, tense) == place


def test_a_timeline_tells_a_dated_event_that_does_not_repeat_the_question_s_words(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "The pipeline talks on gas prices resumed in March 2019 in Moscow. "
            "The pipeline talks on gas prices stalled in May 2020. "
            "In June 2016 officials from both sides began the pipeline talks.",
            day="2021-04-07",
        )
    ]
    timeline = generator.generate("How did the pipeline talks on gas prices develop?", passages)
    assert timeline.text.splitlines()[0].startswith("June 2016 — In June 2016 officials")


def test_a_timeline_of_one_article_is_told_by_that_article_s_dates_alone(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "The pipeline talks went well, officials said. "
            "The first round was held in March 2019. A second round followed in May 2020.",
            day="2021-04-07",
        ),
        passage(2, "A pipeline collapsed in June 2018.", day="2021-04-08"),
    ]
    question = "What was the sequence of events in the article on the pipeline talks?"
    timeline = generator.generate(question, passages)
    labels = [line.split(" — ")[0] for line in timeline.text.splitlines()]
    assert labels == ["March 2019", "May 2020"]  # not the other article, not the undated line


def test_the_finest_date_a_sentence_states_places_its_event(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "In the autumn of last year in October, the pipeline talks resumed. "
            "The pipeline talks stalled in June 2020.",
            day="2021-04-07",
        )
    ]
    timeline = generator.generate("Give me a timeline of the pipeline talks", passages)
    assert [line.split(" — ")[0] for line in timeline.text.splitlines()] == [
        "June 2020",
        "October 2020",
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Their rivals are set to meet on 1 December in Leuven.", "future"),
        ("Another meeting is due in mid-February in Moscow.", "future"),
        ("He is scheduled to be sentenced in March.", "future"),
        ("He was scheduled to be sentenced in March.", "past"),
    ],
)
def test_the_tense_of_a_date_follows_what_the_sentence_says_is_ahead(
    sentence: str, expected: str
) -> None:
    (_, tense, _), *_ = date_expressions(load_nlp()(sentence))
    assert tense == expected


def test_a_month_the_model_reads_as_part_of_a_name_is_still_a_date() -> None:
    doc = load_nlp()("Last September Khawaja had clearly told Lavrov about it.")
    doc.ents = [e for e in doc.ents if e.label_ not in ("DATE", "TIME")]  # as the model erred
    assert date_spans(doc) == [("September", 1)]
    assert date_expressions(doc)[0][0] == "Last September"


def test_a_year_in_quotes_alone_is_a_name_not_a_date() -> None:
    doc = load_nlp()('Kelce wore an outfit with "1989" in the title in October 2023.')
    assert [text for text, _ in date_spans(doc)] == ["October 2023"]


@pytest.mark.parametrize(
    ("question", "one_article"),
    [
        ("Walk me through the events in the Reuters report on Lavrov's trip.", True),
        ("In what order did the meetings mentioned in the Rabbani–Lavrov report take place?", True),
        ("How did their romance develop, according to the CBS timeline?", True),
        ("How did the story develop across the reports?", False),
        ("How did the troika develop, according to Lavrov's March 2021 remarks?", False),
    ],
)
def test_a_question_about_one_article_s_account_is_told_from_the_question(
    question: str, one_article: bool
) -> None:
    assert asks_within_one_article(question) is one_article


def test_what_someone_said_about_a_name_no_sentence_mentions_is_refused(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Lavrov met Prime Minister Imran Khan in Islamabad for talks on Afghanistan. "
            "Imran Khan stressed a political settlement in Afghanistan during the talks.",
            day="2021-04-07",
        )
    ]
    answer = generator.generate(
        "What did Imran Khan say to Lavrov about India during the talks?", passages
    )
    assert answer.refused and "India" in answer.refusal_reason


def test_an_interviewer_s_question_is_not_quoted_as_what_was_said(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Question: What kind of education ties are being built between the two countries? "
            "Lavrov: The education ties grow, with ninety scholarships each year.",
        )
    ]
    answer = generator.generate("Summarize the education ties.", passages)
    assert "scholarships" in answer.text and "What kind" not in answer.text


def test_a_sentence_that_says_all_asked_answers_in_an_article_that_says_the_setting(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        replace(
            passage(1, "In Doha, Lavrov did meet the Emir.", day="2021-04-07"),
            title="Lavrov on an official state visit to Qatar and Oman in April 2021",
        )
    ]
    answer = generator.generate(
        "Whom did Lavrov meet during his April 2021 official state visit to Qatar and Oman?",
        passages,
    )
    assert not answer.refused and "Emir" in answer.text


def test_when_something_is_to_happen_is_not_answered_by_when_it_was_announced(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Epic announced Friday that the next season would return to the original map, "
            "as the game turns the clock back come November 3.",
            day="2023-10-30",
        )
    ]
    answer = generator.generate("When was the next season set to return?", passages)
    assert answer.short_answer == "3 November 2023"


@pytest.mark.parametrize(
    ("question", "ahead"),
    [
        ("When will the trial start?", True),
        ("When is China due to host the second meeting?", True),
        ("When was that season set to start?", True),
        ("On what date is the second meeting of the contact group scheduled?", True),
        ("When was the meeting scheduled?", False),
        ("When did the trial start?", False),
        ("When did Will Smith speak at the library?", False),  # a name, not "will"
    ],
)
def test_a_question_about_what_is_to_come_is_told_from_its_words(
    question: str, ahead: bool
) -> None:
    assert asks_ahead(load_nlp()(question)) is ahead


def test_a_when_question_with_no_date_anywhere_is_refused_not_answered_with_a_sentence(
    generator: ExtractiveGenerator,
) -> None:
    undated = replace(
        passage(1, "The second meeting of the contact group is being prepared."), date=""
    )
    answer = generator.generate("When is the second meeting of the contact group?", [undated])
    assert answer.refused


def test_which_of_many_things_is_answered_by_the_one_the_sentence_singles_out(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Rabbani said they had many topics for talks in Moscow, in particular, "
            "the fight against terrorism.",
        )
    ]
    answer = generator.generate("Which topic did Rabbani single out for talks in Moscow?", passages)
    assert answer.short_answer == "the fight against terrorism"


def test_a_summary_groups_sentences_under_their_article_oldest_first(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "The pipeline project will carry gas from Karachi to Lahore.",
            day="2021-04-07",
            source="Reuters",
        ),
        passage(
            2,
            "The pipeline project was agreed between Russia and Pakistan.",
            day="2018-02-20",
            source="Dawn",
        ),
    ]
    answer = generator.generate("Summarize the coverage of the pipeline project", passages)
    assert answer.shape == "summary" and len(answer.citations) == 2
    assert answer.text.index("Dawn, 20 February 2018") < answer.text.index("Reuters, 7 April 2021")


def test_a_summary_has_at_least_three_sentences_where_its_article_has_them(
    generator: ExtractiveGenerator,
) -> None:
    text = (
        "The pipeline project will carry gas from Karachi to Lahore. "
        "Gazprom will build the pipeline with Pakistani partners. "
        "Construction of the pipeline is due to start in March. "
        "The weather in Moscow was cold."
    )
    answer = generator.generate("Summarize the pipeline project", [passage(1, text)])
    assert answer.shape == "summary"
    assert "Gazprom" in answer.text and "March" in answer.text
    assert "weather" not in answer.text


def test_a_summary_of_something_no_passage_is_about_is_refused(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "The weather in Moscow was cold and grey all week long.")]
    assert generator.generate("Summarize the coverage of the cricket final", passages).refused


def test_what_someone_said_about_a_topic_is_told_from_sentences_about_it(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Lavrov said Russia allocated 90 scholarships for students from Pakistan. "
            "Lavrov said the number of scholarships could grow next year. "
            "The weather in Moscow was cold and grey all week long.",
        )
    ]
    told = generator.generate("What did Lavrov say about scholarships for students?", passages)
    assert told.shape == "summary" and "90 scholarships" in told.text and "grow" in told.text
    assert "weather" not in told.text
    assert generator.generate("What did Lavrov say about the nuclear deal?", passages).refused


def two_reports() -> list[Passage]:
    """A Verge report of 5 June 2023 and a TechCrunch one of 4 October 2023."""
    return [
        passage(
            1,
            "Apple unveiled its new headset at the developer conference.",
            day="2023-06-05",
            source="The Verge",
        ),
        passage(
            2,
            "Google announced its new phone at an event in New York.",
            day="2023-10-04",
            source="TechCrunch",
        ),
    ]


def test_before_is_answered_from_both_reports_dates(generator: ExtractiveGenerator) -> None:
    passages = two_reports()
    answer = generator.generate(
        "Was the Verge report on Apple's new headset published before the TechCrunch report on Google's new phone?",
        passages,
    )
    assert answer.shape == "comparison" and answer.short_answer == "Yes"
    assert "5 June 2023 is before 4 October 2023" in answer.text
    assert len(answer.citations) == 2


def test_before_or_after_is_answered_with_the_one_that_holds(
    generator: ExtractiveGenerator,
) -> None:
    passages = two_reports()
    answer = generator.generate(
        "Was the TechCrunch report on Google's new phone published before or after the Verge report on Apple's new headset?",
        passages,
    )
    assert answer.short_answer == "After"


def test_whether_one_event_came_before_another_is_told_by_the_dates_the_sentences_state(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "The harbour title fight drew a big crowd.", day="2023-11-25"),
        passage(
            2,
            "December 16, 2023, will be the final broadcast of the boxing series.",
            day="2023-10-18",
        ),
    ]
    answer = generator.generate(
        "Did the harbour title fight come before the final broadcast of the boxing series?",
        passages,
    )
    # the October article dates the final broadcast in December: the fight came first
    assert answer.short_answer == "Yes"
    assert "25 November 2023 (the article's date) is before December 16, 2023" in answer.text


def test_whether_coverage_changed_is_refused_rather_than_guessed(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1, "Apple unveiled its new headset at the developer conference.", source="The Verge"
        )
    ]
    answer = generator.generate(
        "Did both The Verge and TechCrunch report consistent views on Apple's headset?", passages
    )
    assert answer.refused


def test_a_claim_asked_of_both_outlets_is_found_in_each_of_their_articles(
    generator: ExtractiveGenerator,
) -> None:
    verge = passage(1, "The new game has six worlds to explore.", source="The Verge")
    techcrunch = passage(
        2, "The new game has six worlds and a hidden seventh.", source="TechCrunch"
    )
    elsewhere = passage(
        3, "Critics called the new game a delight for players.", source="TechCrunch"
    )
    question = "Do both The Verge and TechCrunch say the new game has six worlds?"
    both = generator.generate(question, [verge, techcrunch])
    assert both.short_answer == "Yes" and len(both.citations) == 2
    # TechCrunch's only article never gives the number: no "Yes" from The Verge alone
    assert generator.generate(question, [verge, elsewhere]).refused


WIRED_PHONE = passage(
    2, "Google announced its new phone at an event.", day="2023-10-04", source="Wired"
)


def while_wired(verge_claim: str) -> str:
    """ "Does The Verge article say <claim>, while the Wired article says Google announced
    its new phone?", the second claim supported by WIRED_PHONE."""
    return (
        f"Does The Verge article say {verge_claim}, "
        "while the Wired article says Google announced its new phone?"
    )


def compared(question: str, passages: list[Passage], generator: ExtractiveGenerator) -> Answer:
    """The comparison strategy's answer, whatever shape the question reads as: a question
    of two claims joined by "while" reads as one yes/no claim (whose "Yes" would be no
    better than a guess, README), so these checks of the strategy call it directly."""
    read = replace(generator.read(question), shape="comparison")
    return comparison.answer(read, passages, generator)


def test_each_outlet_s_claim_is_found_in_its_own_articles_and_after_inside_one_orders_nothing(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Apple unveiled its new headset after a long delay.", source="The Verge"),
        WIRED_PHONE,
    ]
    question = while_wired("Apple unveiled its new headset after a long delay")
    answer = compared(question, passages, generator)
    assert answer.short_answer == "Yes" and len(answer.citations) == 2
    assert " is before " not in answer.text and " is after " not in answer.text


def test_a_claim_s_words_of_degree_must_be_in_its_sentence(generator: ExtractiveGenerator) -> None:
    passages = [
        passage(1, "Police assessed the threat against the two professors.", source="The Verge"),
        WIRED_PHONE,
    ]
    question = while_wired("police adequately assessed the threat against the two professors")
    assert compared(question, passages, generator).short_answer != "Yes"
    plain = question.replace("adequately ", "")
    assert compared(plain, passages, generator).short_answer == "Yes"


def test_a_negated_claim_needs_a_negated_sentence(generator: ExtractiveGenerator) -> None:
    passages = [
        passage(1, "Apple unveiled its new headset at the conference.", source="The Verge"),
        WIRED_PHONE,
    ]
    question = while_wired("Apple never unveiled its new headset")
    assert compared(question, passages, generator).short_answer != "Yes"


def test_who_did_it_is_the_agent_of_a_passive_sentence(generator: ExtractiveGenerator) -> None:
    passages = [passage(1, "The delegation was led at the talks in Moscow by a senior official.")]
    answer = generator.generate("Who led the delegation at the talks in Moscow?", passages)
    assert answer.short_answer == "senior official"


def test_a_who_question_whose_sentence_names_no_one_is_refused(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "The delegation at the talks in Moscow was large and arrived early.")]
    assert generator.generate("Who led the delegation at the talks in Moscow?", passages).refused


def test_an_amount_with_its_magnitude_written_on_answers_how_much(
    generator: ExtractiveGenerator,
) -> None:
    text = "Microsoft agreed to pay $69bn for Activision Blizzard, sealing its long deal."
    answer = generator.generate(
        "How much did Microsoft pay for Activision Blizzard?", [passage(1, text)]
    )
    assert answer.short_answer == "$69bn"


def test_how_much_someone_is_paying_is_an_amount_of_money_not_a_share(
    generator: ExtractiveGenerator,
) -> None:
    text = "The fund agreed to buy a 94% stake in the club from its owner in September."
    answer = generator.generate(
        "How much is the fund paying for the stake in the club?", [passage(1, text)]
    )
    assert answer.refused


def test_a_person_the_question_names_is_not_its_answer(generator: ExtractiveGenerator) -> None:
    passages = [
        passage(1, "Russian Foreign Minister Sergei Lavrov met Salahuddin Rabbani in Moscow.")
    ]
    answer = generator.generate("Who met Lavrov in Moscow?", passages)
    assert "Lavrov" not in answer.short_answer


def test_a_place_the_question_names_by_its_adjective_is_not_its_answer(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "Lavrov met Pakistan's army chief at army headquarters in Rawalpindi.")]
    answer = generator.generate("Where are the Pakistani army headquarters?", passages)
    assert answer.short_answer != "Pakistan"


def test_an_explanation_quotes_the_close_sentences_that_say_more_in_article_order(
    generator: ExtractiveGenerator,
) -> None:
    text = (
        "The regulator banned the watch imports over a patent dispute with Masimo. "
        "The weather in the capital was mild that week. "
        "The watch imports were banned after a patent ruling of the trade commission."
    )
    answer = generator.generate("Why were the watch imports banned?", [passage(1, text)])
    assert answer.shape == "explain"
    assert "Masimo" in answer.text and "trade commission" in answer.text
    assert "weather" not in answer.text
    assert answer.text.index("Masimo") < answer.text.index("trade commission")


@pytest.mark.parametrize(
    ("sentence", "name", "represented"),
    [
        (
            "The talks are attended by representatives of the authorities and the Taliban.",
            "Taliban",
            True,
        ),
        ("The representative of Qatar, Mutlaq al-Qahtani, attended the talks.", "Qatar", True),
        ("The participation of the Taliban was confirmed on Monday.", "Taliban", False),
    ],
)
def test_whom_an_agent_noun_is_of_is_not_its_doer(
    sentence: str, name: str, represented: bool
) -> None:
    doc = load_nlp()(sentence)
    start = next(t.i for t in doc if t.text == name)
    is_action = lambda token: token.lemma_.lower().startswith(("represent", "particip"))  # noqa: E731
    assert of_an_agent(doc, start, is_action) is represented


@pytest.mark.parametrize(
    ("sentence", "described"),
    [
        (
            "Asif's visit follows a visit by Foreign Secretary Tehmina Janjua in October.",
            "Foreign Secretary",
        ),
        (
            "Lavrov also met Pakistan's army chief, General Tehmina Janjua, in Rawalpindi.",
            "Pakistan's army chief",
        ),
    ],
)
def test_who_is_someone_is_answered_by_what_the_sentence_calls_them(
    generator: ExtractiveGenerator, sentence: str, described: str
) -> None:
    answer = generator.generate("Who is Tehmina Janjua?", [passage(1, sentence)])
    assert answer.short_answer == described


def test_which_role_is_answered_by_the_name_a_sentence_gives_that_role() -> None:
    passages = [
        passage(
            1, "Lavrov met Prime Minister Imran Khan and the country's army chief in Islamabad."
        ),
        passage(
            2, "Lavrov also met Pakistan's army chief, General Qamar Javed Bajwa, in Rawalpindi."
        ),
    ]
    # "army chief" names a person (what qa.nouns reads from the embedding model)
    people = ExtractiveGenerator(
        analyze=analyze,
        idf=idf,
        embed_many=embed_many,
        parse=load_nlp(),
        noun_kind=lambda noun: frozenset({"PERSON"}),
    )
    answer = people.generate("Which army chief did Lavrov meet?", passages)
    assert answer.short_answer == "General Qamar Javed Bajwa"


def test_a_headline_cannot_stand_in_for_a_subject_the_sentence_names_otherwise(
    generator: ExtractiveGenerator,
) -> None:
    text = "Opportunities opened after the accession of Islamabad to the SCO as a full member."
    passages = [replace(passage(1, text), title="Afghanistan and the SCO")]
    answer = generator.generate("Is Afghanistan a full member of the SCO?", passages)
    assert answer.short_answer != "Yes"


def test_a_phrasal_verb_matches_the_one_word_verb_it_stands_for(
    generator: ExtractiveGenerator,
) -> None:
    passages = [passage(1, "Afghanistan itself participates in the SCO as an observer.")]
    answer = generator.generate("Does Afghanistan take part in the SCO as an observer?", passages)
    assert answer.short_answer == "Yes"


def test_a_comparison_is_no_yes_from_an_article_that_never_names_the_claim_s_subject(
    generator: ExtractiveGenerator,
) -> None:
    text = "Russia, China and Pakistan took part in the Moscow meeting and in the Doha talks."
    answer = generator.generate(
        "Did the United States take part in both the Moscow meeting and the Doha talks?",
        [passage(1, text), passage(2, "The United States sent an envoy to Kabul in May.")],
    )
    assert answer.short_answer != "Yes"


def test_the_dates_module_formats_days_the_english_way() -> None:
    from qa.dates import long_date

    assert long_date(date(2021, 4, 7)) == "7 April 2021"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("noun", "labels"),
    [
        ("countries", {"GPE"}),
        ("companies", {"ORG"}),
        ("officials", {"PERSON"}),
        ("salary", {"MONEY"}),
        ("resolution", set()),  # names no kind: answered by phrases headed by the noun
        ("employees", {"PERSON"}),
        ("staff members", {"PERSON"}),
    ],
)
def test_a_noun_is_mapped_to_the_entity_kind_it_names_by_the_real_model(
    noun: str, labels: set[str]
) -> None:
    from index import embedding
    from index.settings import Settings
    from qa.nouns import NounKinds

    kinds = NounKinds(lambda texts: embedding.embed_texts(Settings(), texts))
    assert set(kinds(noun)) == labels


def test_did_one_outlet_report_before_another_is_decided_by_the_two_articles_dates(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Google announced its new phone at an event in New York.",
            day="2023-10-04",
            source="TechCrunch",
        ),
        passage(
            2,
            "Apple unveiled its new headset at the developer conference.",
            day="2023-06-05",
            source="The Verge",
        ),
    ]
    answer = generator.generate(
        "Did TechCrunch report that Google announced its new phone before The Verge reported "
        "that Apple unveiled its new headset?",
        passages,
    )
    assert answer.short_answer == "No"
    assert "4 October 2023 is after 5 June 2023" in answer.text
    assert len(answer.citations) == 2


def test_a_negated_claim_in_an_ordering_question_is_refused(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Google announced its new phone in New York.", source="TechCrunch"),
        passage(2, "Apple unveiled its new headset.", day="2023-06-05", source="The Verge"),
    ]
    answer = generator.generate(
        "Did TechCrunch fail to report that Google announced its new phone before The Verge "
        "reported that Apple unveiled its new headset?",
        passages,
    )
    assert answer.refused  # reported only after: failing, or never failing, is a judgement
    answer = generator.generate(
        "Did TechCrunch report that Google failed to announce its new phone before The Verge "
        "reported that Apple unveiled its new headset?",
        passages,
    )
    assert answer.refused


def test_a_report_the_question_denies_is_no_when_it_came_first(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1, "Google announced its new phone in New York.", day="2023-03-01", source="TechCrunch"
        ),
        passage(2, "Apple unveiled its new headset.", day="2023-06-05", source="The Verge"),
    ]
    answer = generator.generate(
        "Did TechCrunch fail to report that Google announced its new phone before The Verge "
        "reported that Apple unveiled its new headset?",
        passages,
    )
    assert answer.short_answer == "No" and "1 March 2023 is before 5 June 2023" in answer.text


def _with_entities(p: Passage, *names: tuple[str, str]) -> Passage:
    found = [
        Entity(text=n, label=label, start=p.text.index(n), end=p.text.index(n) + len(n))
        for n, label in names
    ]
    return replace(p, entities=found)


MULTI_HOP = (
    "Which company, described by TechCrunch as paying billions to stay the default search "
    "engine on phones, is also accused by The Verge of harming news publishers revenue?"
)


def test_a_multi_hop_which_question_names_what_every_claim_s_evidence_shares(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        _with_entities(
            passage(
                1,
                "Globex pays billions to stay the default search engine on phones, Initech says.",
                source="TechCrunch",
            ),
            ("Globex", "ORG"),
            ("Initech", "ORG"),
        ),
        _with_entities(
            passage(
                2,
                "Publishers say Globex is harming news publishers revenue with its search.",
                source="The Verge",
            ),
            ("Globex", "ORG"),
        ),
    ]
    answer = generator.generate(MULTI_HOP, passages)
    assert answer.short_answer == "Globex"
    assert answer.text.startswith("Globex [1][2].")
    assert len(answer.citations) == 2


def test_a_multi_hop_which_question_whose_claims_share_no_name_gets_no_name(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        _with_entities(
            passage(
                1,
                "Globex pays billions to stay the default search engine on phones.",
                source="TechCrunch",
            ),
            ("Globex", "ORG"),
        ),
        _with_entities(
            passage(
                2,
                "Publishers say Initech is harming news publishers revenue with its ads.",
                source="The Verge",
            ),
            ("Initech", "ORG"),
        ),
    ]
    answer = generator.generate(MULTI_HOP, passages)
    assert answer.short_answer not in ("Globex", "Initech")


def test_a_multi_hop_question_without_evidence_per_claim_is_answered_by_the_name_most_passages_share_said_as_such(
    generator: ExtractiveGenerator,
) -> None:
    about_globex = [
        "Globex opened a new office in Dublin last spring.",
        "Shares of Globex rose four percent on Tuesday.",
        "Globex hired a new chief financial officer.",
        "Analysts expect Globex to report higher sales.",
        "Globex said its cloud unit grew quickly.",
    ]
    passages = [
        _with_entities(passage(n, text, source="TechCrunch"), ("Globex", "ORG"))
        for n, text in enumerate(about_globex, start=1)
    ]
    passages.append(
        _with_entities(
            passage(6, "Initech cut prices in May.", source="The Verge"), ("Initech", "ORG")
        )
    )
    answer = generator.generate(MULTI_HOP, passages)
    assert answer.short_answer == "Globex"
    assert "No sentence found matches every part of the question" in answer.text
    assert answer.citations


def test_no_name_answers_when_the_passages_share_none_clearly(
    generator: ExtractiveGenerator,
) -> None:
    names = ["Globex", "Initech", "Hooli", "Globex", "Initech", "Hooli"]
    passages = [
        _with_entities(
            passage(n, f"{name} opened a new office in Dublin.", source="TechCrunch"), (name, "ORG")
        )
        for n, name in enumerate(names, start=1)
    ]
    assert generator.generate(MULTI_HOP, passages).short_answer == ""


def test_recently_in_a_which_question_places_a_fact_rather_than_asking_the_latest() -> None:
    nlp = load_nlp()
    assert (
        read_question("Which company, recently reviewed by TechCrunch, makes it?", nlp).shape
        == "factoid"
    )
    assert read_question("What is the most recent news on the pipeline?", nlp).shape == "latest"


@pytest.mark.parametrize(
    ("question", "about_everything"),
    [
        ("What's the latest?", True),
        ("What is the most recent news covered in these articles?", True),
        ("Summarize the articles", True),
        ("Give me a timeline of the coverage", True),
        ("What's new from TechCrunch?", True),  # an outlet is no subject of its own
        ("What's the latest on OpenAI?", False),
        ("Summarize the coverage of Sam Bankman-Fried's trial", False),
        ("Who met Lavrov?", False),  # not a latest, summary or timeline question
    ],
)
def test_a_question_about_the_coverage_as_a_whole_is_told_from_one_about_a_subject(
    question: str, about_everything: bool
) -> None:
    from qa.question import asks_about_everything

    assert asks_about_everything(question, ["TechCrunch", "The Verge"]) is about_everything


def test_a_plain_file_s_name_is_no_outlet_but_a_dotted_outlet_is_one() -> None:
    plain = replace(
        passage(1, "x"), source="003_e038c91dee60b0cf.txt", file="corpus/003_e038c91dee60b0cf.txt"
    )
    dotted = replace(passage(2, "x"), source="CBSSports.com", file="multihop/corpus.json")
    assert plain.outlet == "" and dotted.outlet == "CBSSports.com"


@pytest.mark.parametrize(
    ("question", "setting"),
    [
        (
            "What did Lavrov say about trade at his press conference with Asif?",
            ("at his press conference with Asif",),
        ),
        (
            "How did Lavrov describe the fighting when he opened the troika meeting?",
            ("when he opened the troika meeting",),
        ),
        (
            "What topics came up when Lavrov met the army chief, according to the statement?",
            ("when Lavrov met the army chief", "according to the statement"),
        ),
        ("When did Lavrov meet the army chief?", ()),  # a when-question asks the event itself
        ("What happened during Lavrov's visit to Pakistan?", ()),  # the setting is the topic
    ],
)
def test_the_setting_that_places_a_question_is_read_from_its_parse(
    question: str, setting: tuple[str, ...]
) -> None:
    assert read_question(question, load_nlp()).setting == setting


def test_the_setting_picks_the_article_and_the_answer_need_not_repeat_it(
    generator: ExtractiveGenerator,
) -> None:
    """The framing sentence repeats the setting's words and says nothing of the topic;
    the sentence about the topic, in the same article, is the answer."""
    opened = passage(
        1,
        "This was said by the minister Lavrov opening the troika meeting in Moscow. "
        "Lavrov said the fighting in the north had grown worse and civilians were dying.",
    )
    other = passage(2, "Lavrov said the fighting in the south was calm during a press conference.")
    answer = generator.generate(
        "How did Lavrov describe the fighting when he opened the troika meeting?", [other, opened]
    )
    assert "grown worse" in answer.text
    assert "calm" not in answer.text


def test_a_timeline_chooses_from_more_sentences_than_a_short_answer_reads(
    generator: ExtractiveGenerator,
) -> None:
    from qa.extractive import EMBED_CANDIDATES
    from qa.strategies.common import TOPIC_CANDIDATES, topic_evidence

    sentences = [f"The pipeline talks went on in round {n} of the meetings." for n in range(40)]
    passages = [passage(1, " ".join(sentences))]
    question = read_question("How did the pipeline talks develop?", load_nlp())
    found = topic_evidence(question, passages, generator)
    assert not isinstance(found, Answer)
    singles = [c for c in found.candidates if not c.pair]
    assert EMBED_CANDIDATES < len(found.candidates) <= TOPIC_CANDIDATES
    assert len(singles) > EMBED_CANDIDATES // 2


def test_a_sentence_that_points_back_is_quoted_with_the_sentence_it_points_at(
    generator: ExtractiveGenerator,
) -> None:
    """ "This was announced by Lavrov …" alone tells the reader nothing of what was."""
    text = (
        "The weather in the capital was mild that week. "
        "The terrorist group is trying to use the fighting to strengthen its position. "
        "This was announced on Thursday by the minister Lavrov, opening the troika meeting."
    )
    answer = generator.generate("When did Lavrov open the troika meeting?", [passage(1, text)])
    assert "trying to use the fighting" in answer.text
    assert "weather" not in answer.text
    assert answer.text.count("trying to use the fighting") == 1


def test_a_list_parses_no_sentence_with_fewer_than_two_names_of_the_asked_kind() -> None:
    from index.nlp import load_parser
    from qa.strategies.listing import _may_enumerate

    finder = ExtractiveGenerator(
        analyze=analyze, idf=idf, embed_many=embed_many, parse=load_nlp(), parse_text=load_parser()
    )
    read = replace(
        read_question("Which countries attended?", load_nlp()), answer_labels=frozenset({"GPE"})
    )
    text = "China and Iran attended. Only India came."
    stored = replace(
        passage(1, text),
        entities=(
            Entity(text="China", label="GPE", start=0, end=5),
            Entity(text="Iran", label="GPE", start=10, end=14),
            Entity(text="India", label="GPE", start=34, end=39),
        ),
    )
    two, one = (Candidate(s, 0, 1.0, 1.0, frozenset()) for s in text.split(". "))
    assert _may_enumerate(read, two, [stored], finder)
    assert not _may_enumerate(read, one, [stored], finder)
    # without stored entities only a parse can tell
    assert _may_enumerate(read, one, [passage(1, text)], finder)


def test_a_claim_with_no_verb_but_be_needs_its_predicate_said() -> None:
    same = all_alike()
    question = "Were the Irish ahead of the All Blacks at half-time?"
    said = "The All Blacks were leading the Irish at half-time of the quarter-final."
    assert same.generate(question, [passage(1, said)]).short_answer != "Yes"
    said = "The Irish were ahead of the All Blacks at half-time of the quarter-final."
    assert same.generate(question, [passage(1, said)]).short_answer == "Yes"


def _speech(position: int, text: str) -> Passage:
    return replace(passage(1, text), chunk_id=f"chunk-1-{position}", position=position)


def test_what_someone_said_goes_on_through_the_remarks_the_article_attributes_to_them(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        _speech(
            0,
            "The talks are stalling. This was announced on Thursday by Foreign Minister "
            "Anna Berg, opening the summit in Oslo.\n\n"
            '"Casualties are rising on both sides," she said. '
            "The hall was decorated with flags of every member state. "
            '"We ask both parties to sign the accord," the minister added.',
        ),
        _speech(
            1,
            '"Further delays are unacceptable to us all." '
            "She urged an end to the fighting before spring, Berg said. "
            'Diplomat Karl Ode said: "The summit will fail without money."',
        ),
    ]
    told = generator.generate("What did Anna Berg say when she opened the summit?", passages)
    assert "announced on Thursday" in told.text
    for remark in ("Casualties", "sign the accord", "delays are unacceptable", "spring"):
        assert remark in told.text
    # neither what the article tells in its own voice, nor another speaker's remarks
    assert "flags" not in told.text and "fail without money" not in told.text
    assert told.text.index("Casualties") < told.text.index("spring")


def test_a_quotation_no_later_attribution_gives_to_the_speaker_is_left_out(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        _speech(
            0,
            "Foreign Minister Anna Berg said in a statement that the talks in Oslo were stalling. "
            '"Casualties are rising on both sides," she said. '
            '"Our farmers cannot sell their grain." '
            "Delegates from nine countries attended the closing dinner. "
            '"The ministry hopes for a deal," the statement said.',
        )
    ]
    told = generator.generate("What did Anna Berg say about the talks in Oslo?", passages)
    assert "Casualties" in told.text and "grain" not in told.text
    # a statement is no role of hers: only "the minister", her title, stands for her
    assert "hopes for a deal" not in told.text


def test_an_inventory_names_each_person_the_articles_give_the_asked_role_once() -> None:
    finder = all_alike()
    passages = [
        passage(
            1,
            "Russian Foreign Minister Sergey Lavrov met Foreign Minister Anna Berg in Oslo. "
            "Prime Minister Olav Dahl did not attend the talks.",
        ),
        passage(
            2,
            "Foreign Minister Sergei Lavrov later flew home. "
            "Norwegian Foreign Minister Anna Berg thanked him.",
        ),
    ]
    told = finder.generate("Which foreign ministers appear in these articles?", passages)
    assert told.short_answer == "Sergey Lavrov, Anna Berg"  # one name per person, in order
    assert "Dahl" not in told.short_answer  # a minister, but not a foreign one
    # on a role, a nationality is denied only by a title giving another one
    norwegian = finder.generate(
        "Which Norwegian prime ministers are named in these reports?", passages
    )
    assert norwegian.short_answer == "Olav Dahl"
    # on a plain noun for people, the nationality is the kind: a title must give it
    officials = finder.generate("Which Norwegian officials are named in these reports?", passages)
    assert officials.short_answer == "Anna Berg"


def _two_events() -> list[Passage]:
    return [
        passage(1, "Acme launched its new phone on 3 March 2023 after a long delay."),
        passage(2, "Beta opened its first store in Oslo on 10 March 2023."),
    ]


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("Did Acme launch its new phone before Beta opened its first store?", "Yes"),
        ("Did Acme launch its new phone after Beta opened its first store?", "No"),
        ("Did Beta open its first store before Acme launched its new phone?", "No"),
    ],
)
def test_whether_one_event_came_before_another_is_told_by_the_dates_each_is_given(
    generator: ExtractiveGenerator, question: str, verdict: str
) -> None:
    told = generator.generate(question, _two_events())
    assert told.short_answer == verdict
    assert "3 March 2023" in told.text and "10 March 2023" in told.text
    assert len(told.citations) == 2


def test_an_event_the_articles_do_not_date_leaves_the_order_unanswered(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Acme launched its new phone after a long delay."),
        passage(2, "Beta opened its first store in Oslo on 10 March 2023."),
    ]
    told = generator.generate(
        "Did Acme launch its new phone before Beta opened its first store?", passages
    )
    assert told.short_answer not in ("Yes", "No")


def _described_reports() -> list[Passage]:
    return [
        replace(
            passage(
                1, "The summit preview says the pipeline deal will be signed.", day="2018-02-20"
            ),
            title="Preview of the Oslo summit",
        ),
        replace(
            passage(
                2, "The talks report says the pipeline deal was signed in Oslo.", day="2021-04-07"
            ),
            title="Report on the Oslo talks",
        ),
        replace(
            passage(
                3, "A pipeline deal is said to be signed, the preview claims.", day="2021-05-01"
            ),
            title="Another preview",
        ),
    ]


def test_both_reports_a_question_describes_are_each_checked_for_the_claim(
    generator: ExtractiveGenerator,
) -> None:
    told = generator.generate(
        "Do both the preview of the Oslo summit and the report on the Oslo talks mention the "
        "pipeline deal?",
        _described_reports(),
    )
    assert told.short_answer == "Yes"
    # one citation per report described: the 2018 preview's and the 2021 report's
    assert sorted(c.title for c in told.citations) == [
        "Preview of the Oslo summit",
        "Report on the Oslo talks",
    ]


def test_a_claim_one_described_report_does_not_make_is_no_yes(
    generator: ExtractiveGenerator,
) -> None:
    told = generator.generate(
        "Do both the preview of the Oslo summit and the report on the Oslo talks mention the "
        "Moscow embassy?",
        _described_reports(),
    )
    assert told.short_answer != "Yes"


def test_a_result_told_from_the_other_side_answers_who_won(generator: ExtractiveGenerator) -> None:
    beaten = [passage(1, "Germany beat the USMNT 3-1 in Hartford on Saturday.")]
    assert (
        generator.generate("Did the USMNT beat Germany in Hartford?", beaten).short_answer == "No"
    )
    assert (
        generator.generate("Did Germany beat the USMNT in Hartford?", beaten).short_answer == "Yes"
    )
    defeat = [passage(1, "Fans saw the 3-1 defeat for the USMNT against Germany in Hartford.")]
    answer = generator.generate("Did the USMNT beat Germany in Hartford?", defeat)
    assert answer.short_answer == "No"
    assert answer.text.startswith("No — Germany won [1]. — Fans saw the 3-1 defeat")


def test_what_a_clause_says_of_the_winner_does_not_name_the_loser(
    generator: ExtractiveGenerator,
) -> None:
    said = [passage(1, "It was Galatasaray, who beat United at Old Trafford in October.")]
    answer = generator.generate("Did Manchester United beat Galatasaray at Old Trafford?", said)
    assert answer.short_answer == "No" and answer.citations


def test_one_side_s_last_word_is_not_another_side_s_name(generator: ExtractiveGenerator) -> None:
    said = [passage(1, "Ohio State beat Penn State 20-12 at home on Saturday.")]
    assert generator.generate("Did Penn State beat Ohio State?", said).short_answer == "No"


def test_a_result_only_needed_or_supposed_is_no_result(generator: ExtractiveGenerator) -> None:
    said = [passage(1, "Alabama must beat Georgia in the SEC championship on Saturday.")]
    assert generator.generate("Did Alabama beat Georgia?", said).short_answer != "Yes"


def test_a_win_over_someone_else_says_nothing_of_the_asked_contest(
    generator: ExtractiveGenerator,
) -> None:
    said = [passage(1, "Galatasaray beat Copenhagen, a week after they played United at home.")]
    asked = generator.read("Did Manchester United beat Galatasaray at home?")
    answer = contest.answer(asked, said, generator)
    assert answer is not None and answer.refused


def test_reports_of_two_results_between_the_sides_leave_the_question_open(
    generator: ExtractiveGenerator,
) -> None:
    said = [
        passage(1, "The Braves beat the Phillies in Game 2 at home."),
        passage(2, "The Phillies beat the Braves in Game 2 at home."),
    ]
    asked = generator.read("Did the Braves beat the Phillies in Game 2?")
    answer = contest.answer(asked, said, generator)
    assert answer is not None and answer.refused


def test_two_sides_asked_together_are_not_read_as_one_result() -> None:
    asked = read_question("Did the Raiders and the Panthers both win their first game?", load_nlp())
    assert contest.read_contest(asked, all_alike()) is None


def test_a_person_the_sentence_titles_with_another_role_is_not_the_one_asked_for(
    generator: ExtractiveGenerator,
) -> None:
    khan = [passage(1, "Foreign Minister Sergei Lavrov met Pakistani Prime Minister Imran Khan.")]
    asked = "Who is the Afghan foreign minister that met Lavrov?"
    assert generator.generate(asked, khan).short_answer != "Imran Khan"
    prime = [passage(1, "Foreign Minister Sergei Lavrov met Afghan Prime Minister Ashraf Ghani.")]
    assert generator.generate(asked, prime).short_answer != "Ashraf Ghani"
    rabbani = [
        passage(1, "Foreign Minister Sergei Lavrov met Afghan Foreign Minister Salahuddin Rabbani.")
    ]
    assert generator.generate(asked, rabbani).short_answer == "Salahuddin Rabbani"


def test_another_value_in_a_supposed_clause_is_no_no(generator: ExtractiveGenerator) -> None:
    said = [passage(1, "Rivals may trade players if Ohtani signs with the Blue Jays this winter.")]
    assert generator.generate("Did Ohtani sign with the Yankees?", said).short_answer != "No"


def test_another_place_for_another_thing_is_no_no() -> None:
    generator = all_alike()
    said = [
        passage(
            1,
            "Russia and Pakistan decided to continue the joint tactical exercises "
            "'Friendship'. Back in December, a trilateral meeting between representatives of "
            "Russia, China and Pakistan was held in Moscow.",
        )
    ]
    asked = "Were the 'Friendship' joint tactical exercises with Pakistan held in Dagestan?"
    assert generator.generate(asked, said).short_answer != "No"
    same = "Was the trilateral meeting of Russia, China and Pakistan held in Beijing?"
    assert generator.generate(same, said).short_answer == "No"


def _money(noun: str) -> frozenset[str]:
    return frozenset({"MONEY"}) if noun.startswith("fee") else frozenset()


def test_how_big_a_thing_of_money_asks_an_amount_of_that_thing() -> None:
    asked = "How big a posting fee did the Dodgers have to pay?"
    read = read_question(asked, load_nlp(), noun_kind=_money)
    assert read.shape == "factoid" and read.head_noun == "fee"
    assert read.required and read.answer_labels == {"MONEY"}


def test_an_amount_of_something_else_is_no_answer() -> None:
    fees = ExtractiveGenerator(
        analyze=analyze, idf=idf, embed_many=embed_many, parse=load_nlp(), noun_kind=_money
    )
    asked = "How big a fee did the Dodgers pay for Yamamoto?"
    contract = [passage(1, "The Dodgers signed Yamamoto for $325 million over 12 years.")]
    assert fees.generate(asked, contract).refused
    fee = [passage(1, "The Dodgers will pay Yamamoto's club a $50.6 million fee.")]
    assert fees.generate(asked, fee).short_answer == "$50.6 million"


def test_refusing_or_failing_to_do_it_is_a_no(generator: ExtractiveGenerator) -> None:
    refused = [passage(1, "Pakistan refused to sign the gas deal with Russia in March.")]
    assert (
        generator.generate("Did Pakistan sign the gas deal with Russia?", refused).short_answer
        == "No"
    )
    failed = [passage(1, "Jordan failed to win the vote for speaker on Tuesday.")]
    assert generator.generate("Did Jordan win the vote for speaker?", failed).short_answer == "No"


def test_a_summary_of_someone_s_action_leaves_out_the_same_action_by_others(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "Lavrov's visit to Pakistan began on Wednesday with talks in Islamabad."),
        passage(2, "Asif's visit to Moscow began on Monday with talks with Lavrov in Moscow."),
        passage(3, "During his visit to Pakistan, Lavrov met the army chief in Rawalpindi."),
    ]
    answer = generator.generate("Summarize Lavrov's visit to Pakistan", passages)
    assert answer.shape == "summary" and "Islamabad" in answer.text
    assert "Asif" not in answer.text


def test_who_someone_met_names_everyone_the_best_sentences_give(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "In Islamabad, Lavrov meets Prime Minister Imran Khan on Wednesday."),
        passage(2, "In Islamabad, Lavrov also meets the army chief, General Qamar Bajwa."),
    ]
    answer = generator.generate("Who does Lavrov meet in Islamabad?", passages)
    assert "Imran Khan" in answer.short_answer and "Qamar Bajwa" in answer.short_answer
    assert len(answer.citations) == 2


def test_winning_a_game_of_a_series_is_not_winning_the_series(
    generator: ExtractiveGenerator,
) -> None:
    game = [passage(1, "The Diamondbacks have won Game 2 of the World Series in Texas.")]
    assert generator.generate("Did the Diamondbacks win the World Series?", game).refused
    series = [passage(1, "The Rangers win the World Series in five games against Arizona.")]
    answer = generator.generate("Did Arizona win the World Series?", series)
    assert answer.short_answer == "No"
    answer = generator.generate("Did the Rangers win the World Series?", series)
    assert answer.short_answer == "Yes"


def test_a_day_of_the_claim_s_date_is_checked_as_a_date_not_as_a_number(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(1, "On February 29, 2020, the United States and the Taliban signed a peace deal.")
    ]
    asked = "Did the United States and the Taliban sign a peace deal on 1 March 2020?"
    answer = generator.generate(asked, passages)
    assert answer.short_answer == "No" and "February 29, 2020" in answer.text


def test_a_claim_with_no_verb_but_be_needs_most_of_its_words_said() -> None:
    said = [passage(1, "Gary Wang, the co-founder of FTX and Alameda Research, testified.")]
    answer = all_alike().generate(
        "Was FTX co-founder Gary Wang the sole majority owner of Alameda Research?", said
    )
    assert answer.short_answer != "Yes"


def test_a_share_asks_for_a_percentage() -> None:
    read = read_question("What share of its search revenue does Google pay Apple?", load_nlp())
    assert read.shape == "factoid" and read.answer_labels == {"PERCENT"} and read.required


def test_an_explanation_reads_on_into_the_sentence_after_the_best_one(
    generator: ExtractiveGenerator,
) -> None:
    text = (
        "Pebble, the Twitter rival, is shutting down its app on Friday. "
        "Its app made Pebble no money. "
        "Tickets for the concert in Paris sold out in an hour."
    )
    answer = generator.generate("Why is Pebble shutting down its app?", [passage(1, text)])
    assert answer.shape == "explain"
    assert "made Pebble no money [1]" in answer.text
    assert "Tickets" not in answer.text  # off the question: the reading stops


def test_a_capital_stands_for_its_country_in_a_yes_no_claim() -> None:
    said = "Islamabad and Moscow consider the new US strategy on Afghanistan hopeless."
    answer = all_alike().generate(
        "Did Russia and Pakistan call the new US strategy on Afghanistan hopeless?",
        [passage(1, said)],
    )
    assert answer.short_answer == "Yes"


def test_a_country_does_not_stand_for_its_capital_as_a_place() -> None:
    said = "The fifth meeting of the commission was held in Pakistan in November."
    answer = all_alike().generate(
        "Was the fifth meeting of the commission held in Islamabad?", [passage(1, said)]
    )
    assert answer.short_answer != "Yes"


def test_one_of_several_is_no_number_the_sentence_must_state() -> None:
    said = "OpenAI is a member of the AI Alliance that Meta and IBM launched."
    answer = all_alike().generate(
        "Is OpenAI one of the members of the AI Alliance that Meta and IBM launched?",
        [passage(1, said)],
    )
    assert answer.short_answer == "Yes"


def test_at_what_level_is_answered_by_the_level_s_qualifier(
    generator: ExtractiveGenerator,
) -> None:
    said = "Lavrov said all partners will be represented at a high level in Moscow."
    answer = generator.generate(
        "At what level will the partners be represented in Moscow?", [passage(1, said)]
    )
    assert answer.short_answer == "high level"


def test_not_only_but_is_no_negation() -> None:
    nlp = load_nlp()
    added = nlp("The Wildcats not only got halfway there but marked their first win since 2015.")
    denied = nlp("The Wildcats did not get halfway there.")
    assert not yesno._negated_word(next(t for t in added if t.dep_ == "ROOT"))
    assert yesno._negated_word(next(t for t in denied if t.dep_ == "ROOT"))


def test_years_not_in_prison_do_not_answer_how_many_years_in_prison(
    generator: ExtractiveGenerator,
) -> None:
    asked = "How many years in prison did Franke get for abusing her children?"
    other_years = [passage(1, "Franke told her children they would get no presents one year.")]
    assert generator.generate(asked, other_years).refused
    sentenced = [
        passage(1, "Franke was sentenced to four years in prison for abusing her children.")
    ]
    assert "four years" in generator.generate(asked, sentenced).text.lower()


def test_an_explanation_reads_on_into_the_article_s_next_chunk_when_it_says_the_verb(
    generator: ExtractiveGenerator,
) -> None:
    met = "Lavrov also met General Bajwa for talks at headquarters, according to the military."
    discussed = (
        "During the meeting, the talks covered defence cooperation and regional security. "
        "In the 1980s, Pakistan backed the fighters who battled Soviet forces."
    )
    first = replace(passage(1, met), doc_id="doc-a", position=0)
    second = replace(passage(2, discussed), doc_id="doc-a", position=1)
    answer = generator.generate(
        "According to the military, what did Lavrov and General Bajwa talk about?", [first, second]
    )
    assert "covered defence cooperation and regional security [2]" in answer.text
    assert "1980s" not in answer.text


def test_the_latest_quotes_no_question_a_guide_asks_its_readers(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "What is the pipeline project and when will it open? "
            "Construction of the pipeline project began near Karachi this week.",
            day="2021-04-07",
        ),
        passage(2, "The pipeline project stalled over financing terms again.", day="2018-02-20"),
    ]
    latest = generator.generate("What's the latest on the pipeline project?", passages)
    assert "Construction of the pipeline project began" in latest.text
    assert "when will it open" not in latest.text


def test_a_list_with_no_items_picked_out_reads_on_after_its_best_sentence(
    generator: ExtractiveGenerator,
) -> None:
    text = (
        "Sony asked Congress to adopt a set of principles on generative AI. "
        "The principles Sony asked for demand consent and credit for every artist. "
        "Tickets for the concert in Paris sold out in an hour."
    )
    answer = generator.generate(
        "What principles did Sony ask Congress to adopt?", [passage(1, text)]
    )
    assert "consent and credit" in answer.text
    assert "Tickets" not in answer.text


def _kinds(noun: str) -> frozenset[str]:
    return {"individual": frozenset({"PERSON"}), "company": frozenset({"ORG"})}.get(
        noun, frozenset({"PERSON", "ORG", "NORP"})
    )


@pytest.mark.parametrize(
    ("question", "labels"),
    [
        ("Who is the individual that founded FTX?", {"PERSON"}),
        ("Who is the company that sued Google?", {"ORG"}),
        ("Who met Lavrov in Doha?", {"PERSON", "ORG"}),
    ],
)
def test_who_is_the_noun_asks_for_the_noun_s_kind(question: str, labels: set[str]) -> None:
    assert read_question(question, load_nlp(), noun_kind=_kinds).answer_labels == labels


def test_a_person_counts_wherever_the_surname_is_written(generator: ExtractiveGenerator) -> None:
    def with_people(n: int, text: str) -> Passage:
        people = [
            Entity(
                text=name, label="PERSON", start=text.index(name), end=text.index(name) + len(name)
            )
            for name in ("Sam Bankman-Fried", "Caroline Ellison")
            if name in text
        ]
        return replace(passage(n, text), entities=tuple(people))

    passages = [
        with_people(1, "Sam Bankman-Fried went on trial for fraud in New York."),
        with_people(2, "Caroline Ellison told the jury that Bankman-Fried directed the fraud."),
        with_people(3, "Caroline Ellison testified for three days."),
        *(with_people(n, f"Bankman-Fried faced fraud charge number {n}.") for n in range(4, 8)),
    ]
    question = generator.read(
        "Who is the person on trial for fraud, as reported by both outlets, "
        "and is accused by prosecutors of committing fraud for personal gain?"
    )
    answer = inference.dominant_answer(question, passages, generator)
    assert answer is not None and answer.short_answer == "Sam Bankman-Fried"


def test_who_were_the_is_answered_by_the_names_the_sentence_equates_with_the_noun(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "In the 1980s, Pakistan and the United States were the main supporters of the "
            "Islamist fighters who battled Soviet forces.",
        )
    ]
    answer = generator.generate(
        "Who were the main supporters of the Islamist fighters in the 1980s?", passages
    )
    assert answer.short_answer == "Pakistan and the United States"


def test_a_price_comes_from_a_sentence_that_says_the_deal(generator: ExtractiveGenerator) -> None:
    valued = [
        passage(1, "Shein is currently valued at around £53bn and owns Missguided."),
        passage(2, "Online shoppers pay less at Shein than at rival fashion retailers."),
    ]
    answer = generator.generate("How much did Shein pay for Missguided?", valued)
    assert answer.refused and "53" not in answer.text
    paid = [passage(1, "Microsoft agreed to pay $69bn for Activision Blizzard.")]
    answer = generator.generate("How much did Microsoft pay for Activision Blizzard?", paid)
    assert answer.short_answer == "$69bn"


def test_both_after_the_verb_asks_the_claim_of_each_occasion(
    generator: ExtractiveGenerator,
) -> None:
    trilateral = passage(1, "Pakistan attended the December trilateral meeting in Moscow.")
    troika = passage(
        2, "Pakistan attended the expanded troika meeting in Moscow.", day="2021-03-18"
    )
    question = (
        "Did Pakistan attend both the December trilateral meeting and the expanded troika meeting?"
    )
    answer = generator.generate(question, [trilateral, troika])
    assert answer.short_answer == "Yes" and len(answer.citations) == 2
    absent = passage(2, "Pakistan did not attend the expanded troika meeting.", day="2021-03-18")
    answer = generator.generate(question, [trilateral, absent])
    assert answer.short_answer == "No"
    answer = generator.generate(question, [troika])
    assert answer.refused  # one occasion's evidence is no "Yes" to both


def test_a_name_is_mentioned_with_a_middle_name_but_not_across_other_words() -> None:
    assert mentions("Foreign Minister Khawaja Muhammad Asif left for Moscow", "Khawaja Asif")
    assert not mentions("Khawaja Ali went to Moscow with Asif", "Khawaja Asif")


def test_what_someone_thinks_a_thing_is_neither_bears_out_nor_denies_that_it_is(
    generator: ExtractiveGenerator,
) -> None:
    thought = passage(1, "Foster said the All Blacks never consider themselves favourites.")
    answer = generator.generate("Were the All Blacks the favourites?", [thought])
    assert answer.refused


def test_a_claim_with_no_verb_is_denied_by_a_negated_verb_over_its_words(
    generator: ExtractiveGenerator,
) -> None:
    left_out = passage(
        1,
        "The Afghan government was upset for not being invited to the December meeting in Moscow.",
    )
    answer = generator.generate(
        "Was the Afghan government at the December meeting in Moscow?", [left_out]
    )
    assert answer.short_answer == "No"


def test_the_size_of_a_change_is_a_number_the_change_governs(
    generator: ExtractiveGenerator,
) -> None:
    allocated = passage(
        1,
        "Russia allocated 90 state scholarships to Pakistani students this year. Russia is "
        "ready to increase the number of scholarships.",
    )
    answer = generator.generate(
        "By how many scholarships will Russia increase its offer?", [allocated]
    )
    assert answer.short_answer != "90 state scholarships" and "90" not in answer.short_answer


def test_who_was_the_role_is_not_any_name_of_a_sentence_that_never_says_the_role(
    generator: ExtractiveGenerator,
) -> None:
    question = generator.read("Who was the All Blacks captain in the final?")
    assert (
        short_answer(question, "The Bokke beat the All Blacks in the final in Paris.", generator)
        == ""
    )
    titled = "Sam Cane, the All Blacks captain, was sent off in the final."
    assert short_answer(question, titled, generator) == "Sam Cane"


def test_a_phrasal_verb_is_not_answered_by_the_verb_with_another_particle(
    generator: ExtractiveGenerator,
) -> None:
    sent_home = passage(1, "Ireland were sent home by the All Blacks in the final.")
    answer = generator.generate("Who was sent off in the final?", [sent_home])
    assert answer.short_answer != "Ireland"


def test_a_name_does_not_run_on_past_a_full_stop_into_the_next_sentence() -> None:
    vocab = load_nlp().vocab
    words = ["second", "in", "Pool", "B.", "However", ",", "with"]
    run_on = Doc(vocab, words=words, ents=["O", "O", "B-ORG", "I-ORG", "I-ORG", "O", "O"])
    assert entity_spans(run_on, {"ORG"}) == []
    initial = Doc(
        vocab,
        words=["John", "F.", "Kennedy", "spoke"],
        ents=["B-PERSON", "I-PERSON", "I-PERSON", "O"],
    )
    assert entity_spans(initial, {"PERSON"}) == [("John F. Kennedy", 0)]


def test_a_list_asked_of_the_doers_is_not_what_they_act_on(generator: ExtractiveGenerator) -> None:
    limits = passage(1, "Map apps limited live traffic features, routes and closures in Gaza.")
    answer = generator.generate("Which map apps limited live traffic features in Gaza?", [limits])
    assert "routes" not in answer.short_answer and "closures" not in answer.short_answer


def test_the_kind_of_the_asked_noun_is_read_with_its_compound_nouns() -> None:
    def kinds(noun: str) -> frozenset[str]:
        return frozenset({"PERSON"}) if noun == "staff members" else frozenset({"ORG"})

    read = read_question("Which staff members were suspended?", load_nlp(), noun_kind=kinds)
    assert read.answer_labels == {"PERSON"}


def test_the_latest_tells_the_newest_article_s_news_before_its_backstory(
    generator: ExtractiveGenerator,
) -> None:
    news = passage(
        1,
        "Last year the United States agreed with the Taliban to withdraw its troops from "
        "Afghanistan. The United States is now pushing to withdraw its troops from Afghanistan "
        "by May. The United States says the withdrawal of its troops from Afghanistan will be "
        "hard to finish by May. Afghanistan fears the troops of the United States will "
        "withdraw too fast.",
        day="2021-04-07",
    )
    older = passage(
        2, "The United States pledged to withdraw its troops within 14 months.", day="2021-03-18"
    )
    answer = generator.generate(
        "What's the latest on the United States withdrawing its troops from Afghanistan?",
        [news, older],
    )
    assert "Last year" not in answer.text and "withdraw too fast" in answer.text


def test_the_unit_asked_for_and_the_verb_s_particle_need_not_be_in_the_sentence(
    generator: ExtractiveGenerator,
) -> None:
    left = passage(
        1,
        "Foreign Minister Asif on Monday left for Moscow at the invitation of Lavrov.",
        day="2018-02-20",
    )
    answer = generator.generate(
        "On what date did Asif set off for Moscow at Lavrov's invitation?", [left]
    )
    assert answer.short_answer == "Monday, 19 February 2018"


def test_a_when_answer_comes_from_a_sentence_with_the_question_s_figures(
    generator: ExtractiveGenerator,
) -> None:
    vague = passage(
        1, "In Grenada this year, England score heavily against West Indies.", day="2023-12-21"
    )
    answer = generator.generate("On what date did England score 267 against West Indies?", [vague])
    assert answer.refused
    told = passage(
        1, "England scored 267 against West Indies in Grenada on Tuesday.", day="2023-12-21"
    )
    answer = generator.generate("On what date did England score 267 against West Indies?", [told])
    assert answer.short_answer == "Tuesday, 19 December 2023"


def test_an_amount_only_projected_is_no_answer_to_what_it_is(
    generator: ExtractiveGenerator,
) -> None:
    projected = passage(1, "Ohtani's contract with the Dodgers could be worth $500 million.")
    signed = passage(2, "The contract Ohtani signed with the Dodgers is worth $700 million.")
    answer = generator.generate(
        "How much is Ohtani's contract with the Dodgers worth?", [projected, signed]
    )
    assert answer.short_answer == "$700 million"


def test_a_country_is_no_province_or_city_asked_for() -> None:
    finder = ExtractiveGenerator(
        analyze=analyze,
        idf=idf,
        embed_many=embed_many,
        parse=load_nlp(),
        noun_kind=lambda noun: frozenset({"GPE"}) if noun.startswith("provinc") else frozenset(),
    )
    said = passage(
        1, "Russia said the unidentified helicopters were flying to Afghan provinces in the north."
    )
    answer = finder.generate(
        "Which Afghan provinces were the unidentified helicopters flying to?", [said]
    )
    assert "Russia" not in answer.short_answer


def test_an_outlet_s_report_before_or_after_its_own_next_report(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1, "Purdy threw four touchdowns in the rout.", day="2023-10-08", source="Sporting News"
        ),
        passage(
            2,
            "New Orleans scored two fourth quarter touchdowns.",
            day="2023-10-19",
            source="Sporting News",
        ),
    ]
    answer = generator.generate(
        "Did Sporting News report on Purdy's four touchdowns before or after highlighting the two "
        "fourth quarter touchdowns by New Orleans?",
        passages,
    )
    assert answer.short_answer == "Before" and len(answer.citations) == 2


def test_the_other_report_s_outlet_may_come_at_the_end_of_its_side(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Teale landed his highest profile role in his 50s.",
            day="2023-10-20",
            source="The Herald",
        ),
        passage(
            2,
            "McRae gave a breakthrough performance on the show.",
            day="2023-11-30",
            source="The Age",
        ),
    ]
    answer = generator.generate(
        "Was Teale's highest profile role discussed in The Herald before McRae's breakthrough "
        "performance on the show was reported by The Age?",
        passages,
    )
    assert answer.short_answer == "Yes"


def test_which_outlet_reported_it_is_the_outlet_of_the_article_that_says_it(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1, "Taylor Swift has been named Time's Person of the Year.", source="The Independent"
        ),
        passage(2, "Travis Kelce caught two passes for the Chiefs.", source="Sporting News"),
    ]
    answer = generator.generate(
        "Which outlet reported that Taylor Swift was named Time's Person of the Year?", passages
    )
    assert answer.short_answer == "The Independent" and len(answer.citations) == 1
    answer = generator.generate(
        "Between the Sporting News report and the Independent article, which news source "
        "reported that Taylor Swift was named Time's Person of the Year?",
        passages,
    )
    assert answer.short_answer == "The Independent"
    plain = [replace(p, source=p.file) for p in passages]  # files with no outlet
    answer = generator.generate(
        "Which outlet reported that Taylor Swift was named Time's Person of the Year?", plain
    )
    assert answer.refused


def test_which_outlet_is_chosen_among_reports_of_the_months_the_question_gives(
    generator: ExtractiveGenerator,
) -> None:
    passages = [
        passage(
            1,
            "Ramos scored a successful penalty in the match.",
            day="2023-11-27",
            source="The Guardian",
        ),
        passage(
            2,
            "Wullaert scored a successful penalty in the match.",
            day="2023-10-31",
            source="Sport Grill",
        ),
    ]
    answer = generator.generate(
        "Between the report from The Guardian on November 27th and the article from Sport Grill "
        "on October 31st, which news source detailed a successful penalty in the match?",
        passages,
    )
    assert answer.short_answer == "Both"
    answer = generator.generate(
        "Between the report from The Guardian on October 6th and the article from Sport Grill "
        "on October 31st, which news source detailed a successful penalty in the match?",
        passages,
    )
    assert answer.short_answer == "Sport Grill"  # the Guardian's report of 27 November is another
    answer = generator.generate(
        "Which news source gave a consistent account of the successful penalty?", passages
    )
    assert answer.refused
