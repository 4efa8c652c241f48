"""Cleaning: furniture out, headline and date found, paragraphs kept, repeats dropped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from index.cleaning import clean_article
from index.loaders import RawArticle, load_file
from tests.conftest import SEED_CORPUS
from tests.helpers import SEED_FURNITURE


def clean_seed(name: str):  # type: ignore[no-untyped-def]
    (raw,) = load_file(SEED_CORPUS / name, max_bytes=10**7, label=name)
    return clean_article(raw)


def clean_text(text: str, **meta: str):  # type: ignore[no-untyped-def]
    return clean_article(RawArticle(text=text, source_file="t.txt", **meta))


@pytest.mark.parametrize("path", sorted(SEED_CORPUS.iterdir()), ids=lambda p: p.name)
def test_seed_article_loses_its_page_furniture(path: Path) -> None:
    article = clean_seed(path.name)
    body = article.body
    for line in SEED_FURNITURE:
        assert line not in body
    assert "\u00a0" not in body and "\u201c" not in body and "\u2019" not in body
    assert len(article.paragraphs) >= 5


def test_headline_is_found_below_navigation_and_banners() -> None:
    assert (
        clean_seed("002_3410e6b926df700f.txt").title
        == "Russia Ready to Help Afghanistan in Peace, Security"
    )
    assert (
        clean_seed("003_e038c91dee60b0cf.txt").title
        == "Kh Asif leaves for Moscow at Lavrov's invitation"
    )


def test_dateline_wins_over_crawl_date_banner() -> None:
    article = clean_seed("003_e038c91dee60b0cf.txt")
    assert article.published == date(2018, 2, 20)
    assert article.author == "Our Correspondent"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("001_67eba17717efeb3a.txt", date(2021, 3, 18)),
        ("004_bc584d9ab07f7a39.txt", date(2021, 4, 7)),
    ],
)
def test_publication_date_is_read_from_the_text(name: str, expected: date) -> None:
    assert clean_seed(name).published == expected


def test_article_repeated_inside_its_file_is_kept_once() -> None:
    article = clean_seed("002_3410e6b926df700f.txt")
    assert article.repeated_paragraphs >= 10
    keys = [p.lower() for p in article.paragraphs]
    assert len(keys) == len(set(keys))
    assert sum("old-time and close partners" in p for p in article.paragraphs) == 1


def test_headline_glued_to_a_kicker_is_dropped_from_the_body() -> None:
    article = clean_seed("000_65eb2a346ce38655.txt")
    assert not any(p.startswith("NewsAsif") for p in article.paragraphs)


def test_trailing_credit_lines_are_dropped_but_subheadings_stay() -> None:
    article = clean_seed("001_67eba17717efeb3a.txt")
    assert "Support from Russia" in article.paragraphs
    assert not any("Creative Commons" in p or "Based on materials" in p for p in article.paragraphs)


def test_general_furniture_shapes_not_just_seed_lines() -> None:
    text = "\n\n".join(
        [
            "Menu",
            "Sign up for our newsletter",
            "Storm closes ports along the coast",
            "Updated: 3 May 2022 | 1,204 views",
            "By Jane Doe",
            "Photo: Getty Images",
            "A storm closed three ports on Tuesday, officials said.",
            "Advertisement",
            "Shipping resumed on Thursday after the winds dropped.",
            "5 min read",
            "Follow us on Twitter",
            "Tags: weather, ports",
            "© 2022 Example Media",
        ]
    )
    article = clean_text(text)
    assert article.title == "Storm closes ports along the coast"
    assert article.published == date(2022, 5, 3)
    assert article.author == "Jane Doe"
    assert article.paragraphs == (
        "A storm closed three ports on Tuesday, officials said.",
        "Shipping resumed on Thursday after the winds dropped.",
    )


def test_hard_wrapped_paragraphs_are_joined_and_line_lists_are_not() -> None:
    wrapped = (
        "Headline about wrapping text\n\n"
        "The council voted on Monday to approve the budget, which\n"
        "includes new funding for libraries and for the repair of\n"
        "roads in the northern districts.\n\n"
        "A second paragraph follows here."
    )
    article = clean_text(wrapped)
    assert article.paragraphs[0].startswith("The council voted") and article.paragraphs[0].endswith(
        "districts."
    )
    assert len(article.paragraphs) == 2


def test_metadata_title_from_the_record_is_used_and_removed_from_the_body() -> None:
    article = clean_text(
        "Big News Today\n\nSomething happened in the city today, people said.",
        title="Big News Today",
    )
    assert article.title == "Big News Today"
    assert article.paragraphs == ("Something happened in the city today, people said.",)


def test_markdown_headings_links_and_images_become_plain_text() -> None:
    raw = RawArticle(
        text="# Rates rise again\n\n![chart](x.png)\n\nThe bank raised [its rate](http://x) by **half a point**.",
        source_file="a.md",
        markup="markdown",
    )
    article = clean_article(raw)
    assert article.title == "Rates rise again"
    assert article.paragraphs == ("The bank raised its rate by half a point.",)
