"""Loading files: every supported format, and bad input skipped with a reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from index.loaders import SkipFile, discover, load_file
from tests.conftest import MULTIHOP_CORPUS


def load(path: Path):  # type: ignore[no-untyped-def]
    return load_file(path, max_bytes=10_000_000, label=path.name)


def skip_reason(path: Path, max_bytes: int = 10_000_000) -> str:
    with pytest.raises(SkipFile) as caught:
        load_file(path, max_bytes=max_bytes, label=path.name)
    return str(caught.value)


def test_json_records_with_common_field_names(tmp_path: Path) -> None:
    records = [
        {
            "headline": "A",
            "text": "Alpha body text.",
            "outlet": "Wire",
            "date": "2023-10-02",
            "link": "http://a",
        },
        {
            "title": "B",
            "body": "Beta body text.",
            "source": "Daily",
            "published_at": "2023-11-05T10:00:00+00:00",
            "authors": ["Ann", "Bob"],
        },
    ]
    path = tmp_path / "articles.json"
    path.write_text(json.dumps({"articles": records}), "utf-8")
    first, second = load(path)
    assert (first.title, first.text, first.outlet, first.published, first.url) == (
        "A",
        "Alpha body text.",
        "Wire",
        "2023-10-02",
        "http://a",
    )
    assert (second.title, second.outlet, second.author) == ("B", "Daily", "Ann, Bob")
    assert second.source_file == "articles.json#1"


def test_jsonl_skips_broken_lines_and_keeps_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"title": "One", "body": "First."}\n{broken\n{"title": "Two", "body": "Second."}\n',
        "utf-8",
    )
    articles = load(path)
    assert [a.title for a in articles] == ["One", "Two"]
    assert "line 2" in articles[0].warnings[0]


def test_html_main_text_is_extracted_without_navigation(tmp_path: Path) -> None:
    paragraphs = "".join(
        f"<p>Paragraph {i} of the report explains how the city council approved the new budget "
        f"for parks, libraries and roads after a long debate on Monday.</p>"
        for i in range(6)
    )
    html = (
        "<html><head><title>Council approves budget</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/world'>World</a> Skip to main content</nav>"
        f"<article><h1>Council approves budget</h1>{paragraphs}</article>"
        "<footer>Subscribe to our newsletter. Share this post.</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(html, "utf-8")
    (article,) = load(path)
    assert article.title == "Council approves budget"
    assert "approved the new budget" in article.text
    assert "Skip to main content" not in article.text and "Subscribe" not in article.text


def test_multihop_corpus_records_load_with_their_metadata() -> None:
    articles = load(MULTIHOP_CORPUS)
    assert len(articles) == 609
    first = articles[0]
    assert (
        first.title
        and first.outlet
        and first.url.startswith("http")
        and first.published.startswith("2023")
    )


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "is empty"),
        ("blank.txt", b"   \n\n  ", "is empty"),
        ("image.txt", bytes(range(256)) * 20, "looks binary"),
        ("legacy.txt", "Новости дня: президент заявил сегодня".encode("cp1251"), "is not UTF-8"),
        ("broken.json", b'{"title": "x", "body": ', "is not valid JSON"),
        ("nobody.json", b'[{"title": "only a title"}]', "has no article records with text"),
        ("slides.pdf", b"%PDF-1.4", "unsupported file type .pdf"),
        ("scalar.json", b"42", "holds neither an article record"),
    ],
)
def test_bad_files_are_refused_with_a_reason(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert reason in skip_reason(path)


def test_non_utf8_message_suggests_how_to_convert(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(("Москва и Пекин договорились о сотрудничестве. " * 20).encode("cp1251"))
    message = skip_reason(path)
    assert "iconv" in message and "cp1251" in message.lower()


def test_utf8_with_bom_and_utf16_are_read(tmp_path: Path) -> None:
    (tmp_path / "bom.txt").write_bytes("\ufeffHeadline here today\n\nBody text.".encode())
    (tmp_path / "wide.txt").write_bytes("Headline here today\n\nBody text.".encode("utf-16"))
    assert load(tmp_path / "bom.txt")[0].text.startswith("Headline")
    assert load(tmp_path / "wide.txt")[0].text.startswith("Headline")


@pytest.mark.parametrize(
    "text",
    [
        "Lavrov arrives in Islamabad\n\nThe two ministers discussed Afghanistan on Tuesday.",
        "Лавров прибыл в Исламабад\n\nМинистры обсудили положение в Афганистане.",
        "拉夫罗夫抵达伊斯兰堡\n\n两国外长周二讨论了阿富汗局势和地区安全问题。",
    ],
)
@pytest.mark.parametrize("mark", ["le", "be"])
def test_utf16_with_a_byte_order_mark_is_read_in_either_byte_order(
    tmp_path: Path, text: str, mark: str
) -> None:
    path = tmp_path / "wide.txt"
    bom = b"\xff\xfe" if mark == "le" else b"\xfe\xff"
    path.write_bytes(bom + text.encode(f"utf-16-{mark}"))
    assert load(path)[0].text.startswith(text.split("\n")[0])


@pytest.mark.parametrize("bom", [b"\xff\xfe", b"\xfe\xff"])
@pytest.mark.parametrize("tail", [b"", b"."])  # an even and an odd number of bytes
def test_a_utf16_mark_before_plain_ascii_is_skipped_not_read_as_cjk(
    tmp_path: Path, bom: bytes, tail: bytes
) -> None:
    path = tmp_path / "stray-mark.txt"
    body = b"Lavrov arrives in Islamabad\n\nThe two ministers met on Tuesday to talk. " * 4
    path.write_bytes(bom + body + tail)
    reason = skip_reason(path)
    assert "not UTF-8" in reason and "UTF-16 mark" in reason and "tail -c +3" in reason


def test_oversized_file_names_the_setting_to_raise(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, "utf-8")
    assert "NEWSDESK_MAX_FILE_MB" in skip_reason(path, max_bytes=100)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("text", "utf-8")
    path.chmod(0)
    assert "permission denied" in skip_reason(path)


def test_walk_is_recursive_sorted_skips_hidden_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text("x", "utf-8")
    (tmp_path / "one.txt").write_text("x", "utf-8")
    (tmp_path / ".hidden.txt").write_text("x", "utf-8")
    (tmp_path / "b" / "loop").symlink_to(tmp_path, target_is_directory=True)
    found = [p.relative_to(tmp_path).as_posix() for p in discover([tmp_path])]
    assert found == ["b/two.txt", "one.txt"]
