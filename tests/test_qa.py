"""ask() and retrieve(): cited answers from a real index of the bundled corpus."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

import qa
from index import Settings, ingest
from qa import Answer, IndexNotBuiltError, QuestionError, ask, retrieve
from tests.conftest import SEED_CORPUS, SHARED

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    built = Settings(index_dir=tmp_path_factory.mktemp("qa") / "index")
    ingest(built, [SEED_CORPUS])
    return built


def markers(answer: Answer) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", answer.text)]


def test_public_api_is_exactly_what_qa_exports() -> None:
    assert set(qa.__all__) == {
        "ask",
        "ask_stream",
        "AnswerStream",
        "retrieve",
        "Answer",
        "Citation",
        "Passage",
        "Settings",
        "MAX_QUESTION_CHARS",
        "NewsdeskError",
        "ConfigError",
        "CorpusError",
        "GenerationError",
        "IndexNotBuiltError",
        "IndexUnusableError",
        "QuestionError",
        "index_info",
        "health",
        "IndexInfo",
        "DocumentInfo",
        "Health",
        "evaluate",
        "load_questions",
        "warm_sentence_vectors",
        "keep_warm",
        "WarmReport",
    }
    assert len(qa.__all__) == len(set(qa.__all__))
    assert all(hasattr(qa, name) for name in qa.__all__)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many helicopters did Russia give Pakistan?", "four"),
        ("Which two cities will the North-South gas pipeline connect?", "karachi"),
        ("Who did Lavrov meet at army headquarters in Rawalpindi?", "bajwa"),
        ("When did Khawaja Asif leave for Moscow?", "monday"),
        # Said in other words: "promise" for "guarantee", "troop" for "forces".
        ("What did the Taliban promise in exchange for the US troop withdrawal?", "terrorism"),
        # The year lives in the article's date, not in the sentence.
        (
            "How many years had it been since a Russian foreign minister visited Pakistan "
            "before Lavrov's 2021 trip?",
            "nine",
        ),
        # The reporter's verb is another: "highlighted" for "stress", "gratitude" for "thank".
        ("What did Imran Khan stress during his meeting with Lavrov?", "negotiated"),
        ("What did Lavrov thank Qatar for?", "reconciliation"),
    ],
)
def test_answers_cite_passages_that_contain_them(
    settings: Settings, question: str, expected: str
) -> None:
    answer = ask(question, settings=settings)
    assert not answer.refused and answer.citations
    assert expected in answer.text.lower()
    for citation in answer.citations:
        # The quote holds the passage's sentences the answer used, in order, each verbatim.
        assert citation.quote
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"])", citation.quote):
            assert sentence in citation.text
        assert citation.title and citation.source
    spoken = re.sub(r" \[\d+\]", "", answer.text)
    for citation in answer.citations:
        for sentence in re.split(r"(?<=[.!?])\s+", citation.quote):
            assert sentence.rstrip(".") in spoken


def test_every_sentence_carries_a_citation_and_numbers_follow_first_use(settings: Settings) -> None:
    answer = ask(
        "What have Russian officials said about the drug threat coming from Afghanistan?",
        settings=settings,
    )
    numbers = markers(answer)
    first_use = list(dict.fromkeys(numbers))
    assert first_use == list(range(1, len(answer.citations) + 1))
    assert [c.number for c in answer.citations] == first_use
    assert answer.text.rstrip().endswith(("].", "]", ']."', "]?", "]!"))


@pytest.mark.parametrize(
    "question",
    [
        "How old is Sergey Lavrov?",
        "What is the population of Karachi?",
        "Who won the football World Cup in 2018?",
        "What did the articles say about Bitcoin prices?",
        "How much will the North-South gas pipeline cost?",  # a year is not an amount
        "When was Imran Khan born?",  # articles about him, none about his birth
        "What is Imran Khan's political party?",  # about him, never about a party
        "Who is the president of Pakistan?",  # not "Pakistan … President Trump"
        "How many US troops are in Afghanistan?",  # not "within 14 months"
    ],
)
def test_questions_the_articles_do_not_answer_are_refused_plainly(
    settings: Settings, question: str
) -> None:
    answer = ask(question, settings=settings)
    assert answer.refused and answer.citations == []
    assert answer.text.startswith("The articles don't say")


def test_follow_up_questions_use_the_conversation(settings: Settings) -> None:
    first = ask("What did Zamir Kabulov say about Pakistan?", settings=settings)
    history = [
        {"role": "user", "content": "What did Zamir Kabulov say about Pakistan?"},
        {"role": "assistant", "content": first.text},
    ]
    follow = ask(
        "What did he warn could happen if too much pressure was put on it?",
        history,
        settings=settings,
    )
    assert "Kabulov" in follow.query
    assert "destabilise" in follow.text and follow.citations


def test_a_follow_up_can_lean_on_what_the_last_answer_named(settings: Settings) -> None:
    question = "What is the flagship energy project between Russia and Pakistan?"
    first = ask(question, settings=settings)
    history = [
        {"role": "user", "content": question},
        {"role": "assistant", "content": first.text},
    ]
    follow = ask("Which cities will it connect?", history, settings=settings)
    assert "Karachi" in follow.text and "Lahore" in follow.text and follow.citations


def test_two_questions_asked_as_one_are_both_answered_with_one_citation_list(
    settings: Settings,
) -> None:
    answer = ask(
        "Whom did Lavrov meet in Rawalpindi, and which cities will the North-South Gas "
        "Pipeline connect?",
        settings=settings,
    )
    assert "Bajwa" in answer.text and "Karachi" in answer.text
    assert sorted(set(markers(answer))) == [c.number for c in answer.citations] == [1, 2]


def test_a_phrase_placing_the_question_in_a_report_is_no_claim_of_its_own(
    settings: Settings,
) -> None:
    answer = ask(
        "In the report on Salahuddin Rabbani's talks in Moscow, which news agency is "
        "Lavrov's support for the Afghan leadership attributed to?",
        settings=settings,
    )
    # not a name two "claims" share ("the Islamist Taliban"), but the one the report quotes
    assert "TASS" in answer.short_answer and len(answer.citations) == 1


def test_gradio_style_history_with_content_parts_is_accepted(settings: Settings) -> None:
    history = [
        {
            "role": "user",
            "content": [{"type": "text", "text": "What did Zamir Kabulov say about Pakistan?"}],
        }
    ]
    follow = ask("What did he warn about?", history, settings=settings)
    assert "Kabulov" in follow.query


def test_retrieve_returns_k_passages_with_metadata_and_no_near_copies(settings: Settings) -> None:
    from tests.helpers import most_similar_pair

    passages = retrieve("Lavrov visit to Pakistan", k=5, settings=settings)
    assert len(passages) == 5 and len({p.chunk_id for p in passages}) == 5
    assert all(p.title and p.source and p.text and 0 < p.score <= 1 for p in passages)
    assert max(p.score for p in passages) == 1.0
    assert most_similar_pair([p.text for p in passages]) < 0.6


def test_explicit_filters_limit_sources_and_dates(settings: Settings) -> None:
    recent = retrieve("Lavrov Afghanistan", k=10, date_from=date(2021, 1, 1), settings=settings)
    assert recent and all(p.date >= "2021-01-01" for p in recent)
    only = retrieve(
        "Lavrov Afghanistan", k=10, sources=["004_bc584d9ab07f7a39.txt"], settings=settings
    )
    assert only and {p.source for p in only} == {"004_bc584d9ab07f7a39.txt"}


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01", "x" * 2001])
def test_empty_or_overlong_questions_raise_a_clear_error(settings: Settings, question: str) -> None:
    with pytest.raises(QuestionError) as caught:
        ask(question, settings=settings)
    assert isinstance(caught.value, ValueError)
    assert "empty" in str(caught.value) or "limit is 2,000" in str(caught.value)


def test_missing_index_tells_the_user_to_ingest(tmp_path: Path) -> None:
    with pytest.raises(IndexNotBuiltError, match="newsdesk ingest"):
        ask("Anything?", settings=Settings(index_dir=tmp_path / "nothing"))


def test_ask_is_safe_from_several_threads(settings: Settings) -> None:
    questions = [
        "How many helicopters did Russia give Pakistan?",
        "Who did Lavrov meet in Rawalpindi?",
    ] * 3
    alone = [ask(q, settings=settings).text for q in questions]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda q: ask(q, settings=settings).text, questions))
    assert together == alone


def cli(*args: str, index_dir: Path) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [str(Path(sys.executable).parent / "newsdesk"), "--index-dir", str(index_dir), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ},
    )


def test_cli_ask_prints_json_with_text_and_citations(settings: Settings) -> None:
    done = cli(
        "ask",
        "How many helicopters did Russia give Pakistan?",
        "--json",
        index_dir=settings.index_dir,
    )
    assert done.returncode == 0, done.stderr
    assert "Loading weights" not in done.stderr  # no progress bars from model loading
    data = json.loads(done.stdout)
    assert (
        "four" in data["text"]
        and data["citations"][0]["number"] == 1
        and data["citations"][0]["text"]
    )


def test_cli_eval_scores_our_own_wider_question_set(settings: Settings) -> None:
    """tests/data/extra_qa.jsonl: 88 questions on the bundled corpus that we wrote
    ourselves (x01-x38, then y01-y50 in a later session, each batch written before it was
    run), beside the public smoke set, to see whether the generator generalises.

    Since the question-shape strategies: refusals 0.94 -> 1.00, false refusals 0.04 -> 0.11,
    accuracy 0.86 -> 0.82 (a factoid with no name or amount to pick out is refused unless
    its sentence covers most of the question; README, "Question sets")."""
    done = cli(
        "eval", str(Path(__file__).parent / "data" / "extra_qa.jsonl"), index_dir=settings.index_dir
    )
    assert done.returncode == 0, done.stderr
    values = dict(re.findall(r"([a-z][a-z ]*?) (\d\.\d\d)", done.stdout.strip().splitlines()[-1]))
    assert float(values["accuracy"]) >= 0.80, done.stdout
    assert float(values["refusals"]) >= 0.95, done.stdout
    assert float(values["false refusals"]) <= 0.12, done.stdout


def test_cli_eval_scores_the_public_smoke_set(settings: Settings) -> None:
    done = cli("eval", str(SHARED / "eval" / "dev_qa.jsonl"), index_dir=settings.index_dir)
    assert done.returncode == 0, done.stderr
    summary = done.stdout.strip().splitlines()[-1]
    values = dict(re.findall(r"([a-z ]+?) (\d\.\d\d)", summary))
    assert float(values["accuracy"]) >= 0.9
    assert float(values[" refusals"] if " refusals" in values else values["refusals"]) == 1.0
    assert (
        float(
            values[" false refusals"] if " false refusals" in values else values["false refusals"]
        )
        == 0.0
    )


def test_a_claim_attributed_to_someone_is_checked_against_their_article(settings: Settings) -> None:
    """ "According to Lavrov" names the source, not part of the claim: the sentence
    ("we gave our partners four … helicopters") need not name him."""
    answer = ask(
        "According to Lavrov, did Russia supply Pakistan with four Mi-35M transport-combat "
        "helicopters?",
        settings=settings,
    )
    assert answer.short_answer == "Yes" and answer.citations


def test_a_claim_with_another_number_than_the_article_s_is_not_confirmed(
    settings: Settings,
) -> None:
    answer = ask(
        "According to Lavrov, did Russia supply Pakistan with six Mi-35M transport-combat "
        "helicopters?",
        settings=settings,
    )
    assert answer.short_answer != "Yes"


def test_when_an_article_was_published_is_answered_with_its_date(settings: Settings) -> None:
    answer = ask(
        "On what date was the article 'Kh Asif leaves for Moscow at Lavrov's invitation' "
        "published?",
        settings=settings,
    )
    assert answer.short_answer == "20 February 2018" and answer.citations


def test_last_month_and_a_weekday_are_dated_from_the_article(settings: Settings) -> None:
    conference = ask(
        "When did Russia host the international conference on Afghanistan in Moscow that "
        "the Reuters report says took place 'last month'?",
        settings=settings,
    )
    assert conference.short_answer == "March 2021"
    troika = ask(
        "On what date was the expanded troika meeting on Afghanistan opened by Lavrov 'on "
        "Thursday'?",
        settings=settings,
    )
    assert troika.short_answer == "Thursday, 18 March 2021"


def test_a_deadline_s_month_is_the_nearest_one_not_always_the_last(settings: Settings) -> None:
    answer = ask(
        "What date was the deadline for the US withdrawal from Afghanistan?", settings=settings
    )
    assert answer.short_answer == "1 May 2021"


def test_a_list_keeps_an_item_the_question_names_when_the_sentence_lists_it_with_others(
    settings: Settings,
) -> None:
    answer = ask(
        "Which countries were to be represented at the mid-February meeting on Afghanistan "
        "in Moscow?",
        settings=settings,
    )
    assert answer.short_answer == "Russia, Afghanistan, Pakistan, China, Iran, India"


def test_the_latest_with_no_subject_lists_the_newest_articles_first(settings: Settings) -> None:
    answer = ask("What's the latest?", settings=settings)
    lines = answer.text.splitlines()
    assert answer.shape == "latest" and answer.citations
    assert lines[0].startswith("7 April 2021 — Lavrov visits Pakistan in search of Afghan peace")
    assert lines[1].startswith("18 March 2021 — ")


def test_a_summary_names_an_article_by_its_date_and_headline_not_its_file_name(
    settings: Settings,
) -> None:
    answer = ask("Summarize the articles", settings=settings)
    assert answer.citations and ".txt" not in answer.text
    assert "20 February 2018 — Kh Asif leaves for Moscow" in answer.text


def test_terminal_escapes_pasted_with_a_question_are_removed_whole() -> None:
    from qa.engine import clean_question

    pasted = "\x1b[31mHow many helicopters did Russia give Pakistan?\x1b[0m\x07"
    assert clean_question(pasted) == "How many helicopters did Russia give Pakistan?"
    assert clean_question("\x1b]0;a window title\x07Who is Lavrov?") == "Who is Lavrov?"
