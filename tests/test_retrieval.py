"""Retrieval cues: outlets and dates named in a question, and per-outlet sub-queries."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from index import Settings, ingest
from qa import retrieve
from qa.claims import fact_clauses
from qa.retrieval import question_cues

OUTLETS = ["The Verge", "TechCrunch", "Fortune", "Sporting News"]


def test_outlets_months_and_days_named_in_a_question_are_found() -> None:
    cues = question_cues(
        "Did the 'Sporting News' report published on October 4, 2023 agree with TechCrunch in November 2023?",
        OUTLETS,
    )
    assert cues.sources == {"Sporting News", "TechCrunch"}
    assert (2023, 10) in cues.months and (2023, 11) in cues.months
    assert 20231004 in cues.days


def test_each_outlet_gets_the_clause_that_is_about_it() -> None:
    cues = question_cues(
        "Does 'The Verge' article suggest that Alameda had special privileges at the exchange, "
        "while the 'Fortune' article claims the trading firm's business practices were legal?",
        OUTLETS,
    )
    clauses = dict(cues.clauses)
    assert "special privileges" in clauses["The Verge"] and "legal" not in clauses["The Verge"]
    assert "business practices were legal" in clauses["Fortune"]


def test_a_question_stringing_claims_together_is_split_into_one_sub_query_per_claim() -> None:
    question = (
        "Which streaming service raised its prices in October, lost paying subscribers across Europe, "
        "and is expected to launch a cheaper plan, as reported by both The Verge and Fortune?"
    )
    parts = fact_clauses(question, frozenset({"The Verge", "Fortune"}))
    assert parts == [
        "Which streaming service raised its prices in October",
        "lost paying subscribers across Europe",
        "is expected to launch a cheaper plan",
    ]


def test_a_single_claim_is_not_split() -> None:
    assert fact_clauses("How many helicopters did Russia give Pakistan in 2023?") == []


def test_outlets_named_together_share_the_whole_question() -> None:
    question = "Who is the founder reported by both The Verge and TechCrunch to face a fraud trial?"
    clauses = dict(question_cues(question, OUTLETS).clauses)
    assert clauses["The Verge"] == question


@pytest.mark.slow
def indexed(records: list[dict[str, str]], tmp_path: Path) -> Settings:
    """Settings of a fresh index of the articles ``records`` (MultiHop-RAG's JSON shape)."""
    path = tmp_path / "news.json"
    path.write_text(json.dumps(records), "utf-8")
    settings = Settings(index_dir=tmp_path / "index")
    ingest(settings, [path])
    return settings


def test_a_question_about_two_outlets_retrieves_an_article_from_each(tmp_path: Path) -> None:
    topics = {
        "The Verge": "The exchange's founder faced a jury in Manhattan over missing customer deposits.",
        "Fortune": "The trading firm borrowed billions from the exchange under a special arrangement.",
        "TechCrunch": "A startup raised seed money to build tools for small bakeries in Ohio.",
        "Sporting News": "The quarterback threw three touchdowns in the fourth quarter on Sunday.",
    }
    records = []
    for outlet, lead in topics.items():
        for n in range(3):
            body = " ".join(
                [lead]
                + [
                    f"Paragraph {n}-{i} adds detail number {i} about {outlet.lower()} coverage."
                    for i in range(6)
                ]
            )
            records.append(
                {
                    "title": f"{outlet} story {n}",
                    "body": body,
                    "source": outlet,
                    "published_at": f"2023-10-0{n + 1}T00:00:00+00:00",
                }
            )
    settings = indexed(records, tmp_path)
    passages = retrieve(
        "Does The Verge report that the founder faced a jury, while Fortune says the trading firm borrowed billions?",
        k=4,
        settings=settings,
    )
    assert {p.source for p in passages[:2]} == {"The Verge", "Fortune"}
    dated = retrieve("What did Sporting News report on October 2, 2023?", k=3, settings=settings)
    assert dated[0].source == "Sporting News" and dated[0].date == "2023-10-02"


def test_our_bm25_terms_are_the_ones_bm25s_tokenize_gives() -> None:
    """The index is built with bm25s.tokenize over base_forms(text); questions and
    sentences are analysed with index.lexical.bm25_terms, which must give the same terms."""
    import bm25s

    from index.lexical import _stemmer, bm25_terms
    from index.morphology import base_forms

    texts = [
        "",
        "a I of",
        "Russia's Mi-35M helicopters: 4 delivered in 2017, the U.S. said.",
        "Lavrov met the Emir of Qatar in Doha on Friday to discuss gas.",
        "Café owners in São Paulo — «naïve» résumés; x y z 42 4.5 %",
        "THE RUNNING runners ran; running's Runner’s",
        "snake_case and CamelCase and under__score",
        "Russia GAVE, had given and Gave; they withdrew, did not do it, were born and left.",
    ]
    corpus = Path(__file__).resolve().parents[1] / "corpus"
    texts += [p.read_text("utf-8") for p in sorted(corpus.glob("*.txt"))]
    stemmer = _stemmer()
    for text in texts:
        expected = bm25s.tokenize(
            [base_forms(text)],
            stopwords="en",
            stemmer=stemmer,
            return_ids=False,
            show_progress=False,
        )
        assert bm25_terms(text, stemmer) == list(expected[0] if expected else []), text[:60]


def test_the_latest_brings_dated_articles_even_when_undated_ones_match_better(
    tmp_path: Path,
) -> None:
    records = [
        {
            "title": f"Ferry crossing notes {n}",
            "body": f"The harbour ferry crossing was busy again, note {n} says. " * 4,
        }
        for n in range(6)
    ]
    records.append(
        {
            "title": "Harbour authority adds a night service",
            "body": "The harbour authority added a night ferry service on the crossing.",
            "source": "Harbour Post",
            "published_at": "2023-10-05T00:00:00+00:00",
        }
    )
    settings = indexed(records, tmp_path)
    passages = retrieve("What is the latest on the harbour ferry crossing?", k=3, settings=settings)
    assert any(p.date for p in passages)


def test_the_latest_puts_the_newest_relevant_article_first(tmp_path: Path) -> None:
    records = [
        {
            "title": f"Ferry report {day}",
            "body": "The harbour ferry crossing, the harbour ferry crossing again. " * 3,
            "source": "Harbour Post",
            "published_at": f"2023-10-0{day}T00:00:00+00:00",
        }
        for day in range(1, 8)
    ]
    records.append(
        {
            "title": "Night service",
            "body": "A night service now runs on the harbour ferry crossing.",
            "source": "Harbour Post",
            "published_at": "2023-10-09T00:00:00+00:00",
        }
    )
    settings = indexed(records, tmp_path)
    latest = retrieve("What is the latest on the harbour ferry crossing?", k=3, settings=settings)
    assert latest[0].date == "2023-10-09"


def test_the_events_of_one_article_bring_the_whole_article_in_its_order(tmp_path: Path) -> None:
    paragraphs = [
        f"In {month} 2023 the harbour ferry crossing {event}. "
        + f"Filler about {month} weather. " * 40
        for month, event in [
            ("March", "opened to cars"),
            ("May", "gained a night service"),
            ("July", "closed for repairs"),
            ("September", "reopened with two boats"),
        ]
    ]
    records = [
        {
            "title": "The ferry year",
            "body": "\n\n".join(paragraphs),
            "source": "Harbour Post",
            "published_at": "2023-10-09T00:00:00+00:00",
        },
        {"title": "Bridge plans", "body": "The harbour bridge plans were shelved in 2022."},
    ]
    settings = indexed(records, tmp_path)
    question = "Walk me through the events in the article on the harbour ferry crossing."
    passages = retrieve(question, k=2, settings=settings)
    article = [p for p in passages if p.title == "The ferry year"]
    assert len(article) >= 4  # not only the two chunks that best match the question
    assert [p.position for p in article] == sorted(p.position for p in article)
    assert passages[: len(article)] == article


@pytest.mark.slow
def test_a_chunk_whose_one_sentence_states_the_claim_leads_the_sentence_ranking(
    tmp_path: Path,
) -> None:
    """Chunk BM25 favours the article that repeats the claim's words in many sentences;
    the sentence index finds the one sentence that states the claim, and keeps finding
    it after a restart (read back from the saved files)."""
    from index.lexical import load_or_build
    from index.store import ChunkStore

    claim = "the regulator fined the airline over refunds for cancelled winter flights"
    stating = (
        "Travel desk notes for the week. "
        "The regulator fined the airline over refunds for cancelled winter flights on Monday. "
        "Other carriers said they would review their policies."
    )
    spreading = " ".join(
        [
            "The regulator met on Monday.",
            "The airline changed its logo.",
            "Refunds are slow in winter.",
            "Flights were cancelled by snow.",
            "The regulator and the airline disagree about winter.",
            "Refunds for flights are a winter topic.",
        ]
    )
    records = [
        {"title": "Fine", "body": stating, "source": "Wire", "published_at": "2023-10-01"},
        {"title": "Notes", "body": spreading, "source": "Wire", "published_at": "2023-10-02"},
    ]
    settings = indexed(records, tmp_path)
    for _ in range(2):  # built at ingest, then opened from the saved files
        lexical = load_or_build(ChunkStore(settings, create=False), settings.index_dir)
        assert lexical.sentences is not None
        best = lexical.search_sentences(claim, 5)[0]
        assert "fined the airline" in lexical.texts[best]


def test_outlets_are_cut_from_a_claim_the_same_way_whatever_python_s_hash_seed() -> None:
    # A set's order follows the hash seed; an outlet "Cnbc | World Business News Leader"
    # once lost only "Cnbc" in some processes, and answers differed from run to run.
    program = (
        "from qa.strategies.inference import _claim_text;"
        "from qa.strategies.comparison import _claim;"
        "part = 'discussed by sellers on Cnbc | World Business News Leader as lucrative';"
        "outlets = ['Cnbc | World Business News Leader'];"
        "print(_claim_text(part, outlets), '/', _claim(part, outlets))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", program],
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(outputs) == 1
    assert "World" not in outputs.pop()
