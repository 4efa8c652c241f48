"""Kept conversations, export and feedback in a real browser: `newsdesk serve` in a
subprocess, driven by Debian's Chromium through Playwright."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Settings, ingest
from tests.conftest import SEED_CORPUS
from tests.helpers import running_server
from tests.test_web import HELICOPTERS, ask_in_page, browser, open_chat  # noqa: F401 (fixture)

pytestmark = [pytest.mark.slow, pytest.mark.browser]

KABULOV = "What did Zamir Kabulov say about Pakistan?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("chat")
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    index_dir = root / "index"
    ingest(Settings(index_dir=index_dir), [corpus])
    with running_server(index_dir, root / "server.log") as url:
        yield url, index_dir


def wait_for_answers(page, count: int) -> None:  # type: ignore[no-untyped-def]
    """Until the chat shows ``count`` answers (an answer has its like button while it
    still streams: what must be in it is waited for with ``wait_for_text``)."""
    page.locator("#nd-chat button[aria-label='Like']").nth(count - 1).wait_for(timeout=90_000)


def wait_for_text(page, where: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Until the element ``where`` shows ``text`` (an answer streams in, then its cards)."""
    page.wait_for_function(
        "([where, text]) => document.querySelector(where).innerText.includes(text)",
        arg=[where, text],
        timeout=60_000,
    )


def test_a_reload_keeps_the_conversation_and_the_sidebar_lists_it(
    server: tuple[str, Path],
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    page.goto(server[0] + "/")
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    ask_in_page(page, HELICOPTERS)
    wait_for_answers(page, 1)
    page.wait_for_function("() => JSON.stringify(localStorage).length > 2", timeout=60_000)
    saved_once = page.evaluate("() => JSON.stringify(localStorage).length")
    ask_in_page(page, KABULOV)
    wait_for_answers(page, 2)
    wait_for_text(page, "#nd-sources", "Kabulov")  # the second answer's cards are shown
    cards_before = page.locator("#nd-sources").inner_text()
    # the save into the browser follows the answer: wait until the second turn is stored
    page.wait_for_function(
        "(before) => JSON.stringify(localStorage).length > before", arg=saved_once, timeout=60_000
    )
    page.wait_for_timeout(500)

    page.reload()
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    chat = page.locator("#nd-chat")
    chat.get_by_text(KABULOV).wait_for(timeout=30_000)
    assert HELICOPTERS in chat.inner_text() and "four" in chat.inner_text().lower()
    page.locator("#nd-sources #source-1").wait_for(timeout=30_000)
    assert page.locator("#nd-sources").inner_text() == cards_before
    page.screenshot(path=str(tmp_path / "reloaded.png"), full_page=True)

    # a follow-up after the reload still has the conversation behind it
    ask_in_page(page, "What did he warn could happen if too much pressure was put on it?")
    wait_for_answers(page, 3)
    wait_for_text(page, "#nd-chat", "destabilise")

    # a new chat keeps the old one in the sidebar; picking it brings it back
    page.locator("#nd-clear").click()
    page.wait_for_function(
        "() => !document.querySelector('#nd-chat').innerText.includes('Zamir')", timeout=30_000
    )
    _open_sidebar(page)
    listed = page.locator("#nd-conversations label")
    listed.first.wait_for(timeout=30_000)
    assert listed.count() == 1 and "How many helicopters" in listed.first.inner_text()
    listed.first.click()
    chat.get_by_text(KABULOV).wait_for(timeout=30_000)

    # and Delete forgets it, also after a reload
    page.locator("#nd-delete").click()
    page.wait_for_function(
        "() => document.querySelectorAll('#nd-conversations label').length === 0", timeout=30_000
    )
    page.wait_for_timeout(1500)
    page.reload()
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    page.wait_for_timeout(2000)
    assert KABULOV not in page.locator("#nd-chat").inner_text()
    context.close()


def _open_sidebar(page) -> None:  # type: ignore[no-untyped-def]
    if page.locator(".sidebar.open").count() == 0:
        page.get_by_role("button", name="Toggle Sidebar").click()
    page.locator(".sidebar.open #nd-conversations").wait_for(timeout=30_000)
    page.wait_for_timeout(500)  # it slides in


def test_a_question_sent_before_the_last_answer_finished_is_answered_after_it(
    server: tuple[str, Path],
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    page, _ = open_chat(browser, server[0])  # a page of its own: no conversation kept
    ask_in_page(page, HELICOPTERS)
    page.locator("#nd-chat").get_by_text(HELICOPTERS).wait_for(timeout=60_000)
    ask_in_page(page, KABULOV)  # the first answer is still being composed
    wait_for_answers(page, 2)
    wait_for_text(page, "#nd-chat", "destabilise")  # what Kabulov warned of
    chat = page.locator("#nd-chat").inner_text()
    assert chat.index(HELICOPTERS) < chat.index(KABULOV) < chat.index("destabilise")
    assert "four" in chat.lower()
    page.close()


def test_export_downloads_markdown_whose_sources_match_the_cards(
    server: tuple[str, Path],
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(server[0] + "/")
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    ask_in_page(page, KABULOV)
    wait_for_answers(page, 1)
    cards = page.locator("#nd-sources .nd-card")
    cards.first.wait_for(timeout=30_000)
    shown = [
        (
            card.locator(".nd-num").inner_text().strip(),
            card.locator(".nd-card-head").inner_text().split(maxsplit=1)[1].strip(),
        )
        for card in cards.all()
    ]
    export = page.locator("#nd-export")
    page.wait_for_function("() => !document.querySelector('#nd-export').disabled", timeout=30_000)
    page.wait_for_timeout(1000)
    with page.expect_download(timeout=60_000) as download:
        export.click()
    target = tmp_path / download.value.suggested_filename
    download.value.save_as(target)
    text = target.read_text("utf-8")
    assert target.suffix == ".md" and text.startswith("# Newsdesk: ")
    assert f"## {KABULOV}" in text
    exported = re.findall(r"^\[(\d+)\] (.+?)\. ", text, re.M)
    assert exported == shown
    for line in re.findall(r"^\[\d+\] .*$", text, re.M):
        assert re.search(r"\d{4}-\d{2}-\d{2}|\.txt", line)  # outlet or file, and date
    context.close()


def test_a_thumbs_down_lands_in_feedback_jsonl(
    server: tuple[str, Path],
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    feedback = server[1] / "feedback.jsonl"
    before = feedback.read_text("utf-8").splitlines() if feedback.exists() else []
    page, dialogs = open_chat(browser, server[0])
    ask_in_page(page, HELICOPTERS)
    wait_for_answers(page, 1)
    page.locator("#nd-sources #source-1").wait_for(timeout=60_000)  # the answer is complete
    page.locator("#nd-chat button[aria-label='Dislike']").first.click()
    for _ in range(120):
        lines = feedback.read_text("utf-8").splitlines() if feedback.exists() else []
        if len(lines) > len(before):
            break
        page.wait_for_timeout(500)
    votes = [json.loads(line) for line in lines[len(before) :]]
    assert len(votes) == 1
    vote = votes[0]
    assert vote["vote"] == "down" and vote["question"] == HELICOPTERS
    assert "four" in vote["answer"].lower() and vote["generator"] == "extractive"
    assert vote["citations"] and vote["citations"][0]["number"] == 1 and vote["time"]
    assert dialogs == []
    page.close()
