"""What the browser is given: escaped text, citation links, source cards, safe uploads."""

from __future__ import annotations

import re

import pytest

from index import IndexStats, UploadError, check_upload, safe_name
from qa import Answer, Citation
from ui import render

PAYLOADS = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    "[click me](javascript:window.__pwned=3)",
    '<a href="javascript:alert(1)">link</a>',
]


def citation(number: int, text: str, quote: str = "", url: str = "", title: str = "T") -> Citation:
    return Citation(
        number=number,
        title=title,
        source="Test Wire",
        date="2023-10-01",
        url=url,
        text=text,
        score=0.87,
        chunk_id=f"c{number}",
        quote=quote,
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_article_text_in_an_answer_cannot_become_markup(payload: str) -> None:
    answer = Answer(text=f"Officials said {payload} on Monday [1].", citations=[citation(1, "x")])
    shown = render.answer_markdown(answer)
    assert "<script" not in shown and "<img" not in shown and "<a " not in shown
    assert not re.search(r"(?<!\\)\]\(javascript:", shown)  # no live Markdown link
    assert shown.endswith("on Monday [[1]](#source-1).")


def test_citation_markers_link_to_their_source_cards() -> None:
    answer = Answer(text="One [1]. Two [2].", citations=[citation(1, "a"), citation(2, "b")])
    assert render.answer_markdown(answer) == "One [[1]](#source-1). Two [[2]](#source-2)."


def test_an_llm_answer_keeps_markdown_but_not_html_or_script_links() -> None:
    answer = Answer(text="**Bold** claim [1]. [see](javascript:alert(1)) <b>x</b>")
    shown = render.answer_markdown(answer, literal=False)
    assert shown.startswith("**Bold** claim [[1]](#source-1).")
    assert "javascript:" not in shown and "<b>" not in shown


def test_markdown_punctuation_in_article_text_is_shown_literally() -> None:
    assert render.escape_markdown("# Not a heading\n- not a list *nor bold*") == (
        "\\# Not a heading\n\\- not a list \\*nor bold\\*"
    )
    assert render.escape_markdown("Mi-35M helicopters (four)") == "Mi-35M helicopters (four)"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_source_cards_escape_titles_and_passages(payload: str) -> None:
    html = render.source_cards([citation(1, f"Before. {payload} After.", title=payload)])
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert 'id="source-1"' in html


def test_a_card_links_only_to_web_addresses() -> None:
    safe = render.source_cards([citation(1, "x", url="https://example.org/a?b=1&c=2")])
    assert 'href="https://example.org/a?b=1&amp;c=2"' in safe
    unsafe = render.source_cards([citation(1, "x", url="javascript:alert(1)")])
    assert "href" not in unsafe


def test_the_supporting_sentence_is_highlighted_in_its_passage() -> None:
    passage = (
        "The talks began on Monday. Russia gave four helicopters. Nothing else <b>happened</b>."
    )
    shown = render.highlight(passage, "Russia gave four helicopters.")
    assert "<mark>Russia gave four helicopters.</mark>" in shown
    assert "&lt;b&gt;happened&lt;/b&gt;" in shown


def test_a_refusal_has_no_cards() -> None:
    assert render.source_cards([]) == ""


def test_the_corpus_line_and_stats_table_describe_the_index() -> None:
    stats = IndexStats(
        index_dir="x",
        documents=609,
        chunks=6976,
        sources={"TechCrunch": 97, "The Verge": 45},
        first_date="2023-09-26",
        last_date="2023-12-26",
        updated_at="2026-11-22T10:00:00+00:00",
        duplicates={"duplicate documents": 3},
        sentence_vectors=71157,
    )
    line = render.corpus_line(stats)
    assert "609 indexed articles from 2 sources, 2023-09-26 to 2023-12-26" in line
    table = render.stats_markdown(stats)
    assert "| Documents | 609 |" in table and "| Chunks | 6,976 |" in table
    assert "3 duplicate documents" in table
    assert "| Sentence vectors | 71,157 stored ahead of time |" in table
    assert "No articles are indexed yet" in render.corpus_line(None)


def test_the_short_answer_comes_first_in_bold_then_the_rest() -> None:
    answer = Answer(
        text="Four helicopters [1]. — Russia gave four Mi-35M helicopters [1].",
        short_answer="Four helicopters",
        citations=[citation(1, "x")],
    )
    shown = render.answer_markdown(answer)
    assert shown.startswith("**Four helicopters** [[1]](#source-1).")
    assert shown.count("**") == 2
    llm = render.answer_markdown(answer, literal=False)
    assert llm.startswith("**Four helicopters** [[1]](#source-1).")
    lower = Answer(text="Four helicopters [1].", short_answer="four helicopters")
    assert render.answer_markdown(lower) == "**Four helicopters** [[1]](#source-1)."


def test_the_terminal_shows_the_short_answer_in_bold_only_on_a_terminal() -> None:
    from ui.cli import answer_text

    answer = Answer(text="Yes [1]. — Lavrov met Khan [1].", short_answer="Yes")
    assert answer_text(answer, bold=True) == "\033[1mYes\033[0m [1]. — Lavrov met Khan [1]."
    assert answer_text(answer, bold=False) == answer.text


@pytest.mark.parametrize("payload", [*PAYLOADS, "**not bold**", "a_b*c"])
def test_a_short_answer_in_bold_is_still_escaped(payload: str) -> None:
    answer = Answer(text=f"{payload} was the reply [1].", short_answer=payload)
    shown = render.answer_markdown(answer)
    assert shown == f"**{render.escape_markdown(payload)}** was the reply [[1]](#source-1)."
    assert "<script" not in shown and "<img" not in shown and "<a " not in shown
    assert not re.search(r"(?<!\\)\]\(javascript:", shown)


def test_no_bold_when_the_text_does_not_begin_with_the_short_answer() -> None:
    answer = Answer(text="Russia gave four helicopters [1].", short_answer="Four")
    assert "**" not in render.answer_markdown(answer)
    assert (
        render.answer_markdown(Answer(text="Yes [1].", short_answer="")) == "Yes [[1]](#source-1)."
    )


def test_cards_come_back_from_a_conversation_kept_as_json() -> None:
    kept = [
        dict(
            number=1,
            title="<b>T</b>",
            source="Wire",
            date="2023-10-01",
            url="",
            text="Talks began. Russia gave four helicopters.",
            score=0.5,
            quote="Russia gave four helicopters.",
        )
    ]
    html = render.cards_from_records(kept)
    assert (
        'id="source-1"' in html
        and "&lt;b&gt;T&lt;/b&gt;" in html
        and "<mark>Russia gave four helicopters.</mark>" in html
    )
    assert render.cards_from_records([{"number": "x"}]) == ""


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        ("C:\\Users\\me\\report.md", "report.md"),
        (".hidden.json", "hidden.json"),
        ("news <script>.html", "news_script.html"),
        ("März Bericht.TXT", "M_rz_Bericht.txt"),
        ("noextension", "noextension"),
    ],
)
def test_upload_names_are_reduced_to_plain_file_names(given: str, kept: str) -> None:
    assert safe_name(given) == kept


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("a.exe", b"MZ\x90\x00", "cannot be indexed"),
        ("a.txt", b"", "empty"),
        ("a.txt", b"   \n\n", "empty"),
        ("a.txt", bytes(range(256)) * 40, "binary"),
        ("a.json", b'{"title": "x", "body": ', "JSON"),
        ("a.txt", b"x" * 200_001, "limit"),
        ("a.txt", "Café owners in Zürich said prices rose.".encode("latin-1"), "not UTF-8"),
    ],
)
def test_bad_uploads_are_refused_with_a_reason(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(UploadError, match=reason):
        check_upload(name, data, max_bytes=200_000)


def test_a_plain_article_upload_passes_the_checks() -> None:
    check_upload("a.md", "# Prices\n\nCafé owners in Zürich said prices rose.".encode(), 10_000)
