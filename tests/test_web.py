"""The browser chat, for real: `newsdesk serve` in a subprocess on a free port, driven by
gradio_client and by Debian's Chromium through Playwright.

The index (bundled corpus plus an article full of script payloads) lives in the test's
tmp folder. The upload tests run last in this module because they grow the index.
"""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Settings, ingest
from tests.conftest import SEED_CORPUS
from tests.helpers import get_json, running_server

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
XSS_ARTICLE = """Harbour festival breaks its attendance record

The Kestrel Bay harbour festival drew 48,000 visitors this year, organisers said <img src=x onerror="window.__pwned=1"> on Sunday evening.

The mayor thanked the volunteers <script>window.__pwned=2</script> who cleaned the beaches every morning of the festival week.

Tickets were sold through the city website [free tickets](javascript:window.__pwned=3) and at the harbour gate.
"""
XSS_QUESTION = "How many visitors did the Kestrel Bay harbour festival draw?"
HELICOPTERS = "How many helicopters did Russia give Pakistan?"
UPLOADED_ARTICLE = """Glassworks museum opens in Tarnow

The new glassworks museum in Tarnow opened on Saturday with 312 hand-blown vases on display, the city council said.

The museum's director, Irena Wolska, said the collection took eleven years to assemble from private donors.
"""
UPLOAD_QUESTION = "How many hand-blown vases does the glassworks museum in Tarnow display?"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A running `newsdesk serve` over its own index; yields (base URL, index dir)."""
    root = tmp_path_factory.mktemp("web")
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    (corpus / "harbour-festival.txt").write_text(XSS_ARTICLE, "utf-8")
    index_dir = root / "index"
    ingest(Settings(index_dir=index_dir), [corpus])

    with running_server(index_dir, root / "server.log") as url:
        yield url, index_dir


@pytest.fixture(scope="module")
def client(server: tuple[str, Path]):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(server[0] + "/", verbose=False)


# --- the API ------------------------------------------------------------------------------


def test_healthz_reports_ok_with_index_stats(server: tuple[str, Path]) -> None:
    status, body = get_json(f"{server[0]}/healthz")
    assert status == 200
    assert body["status"] == "ok"
    assert body["documents"] == 6 and body["chunks"] > 20


def test_the_ask_endpoint_returns_a_cited_answer_as_json(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.predict(HELICOPTERS, api_name="/ask")
    assert not answer["refused"]
    assert "four" in answer["text"] and "[1]" in answer["text"]
    first = answer["citations"][0]
    assert first["number"] == 1 and first["title"]
    assert first["quote"] and first["quote"].split(". ")[-1].rstrip(".") in first["text"]


def test_the_ask_endpoint_resolves_follow_ups_from_the_history(client) -> None:  # type: ignore[no-untyped-def]
    first = client.predict("What did Zamir Kabulov say about Pakistan?", api_name="/ask")
    history = [
        {"role": "user", "content": "What did Zamir Kabulov say about Pakistan?"},
        {"role": "assistant", "content": first["text"]},
    ]
    follow = client.predict(
        "What did he warn could happen if too much pressure was put on it?",
        history,
        api_name="/ask",
    )
    assert "Kabulov" in follow["query"]
    assert "destabilise" in follow["text"] and follow["citations"]


def test_the_ask_endpoint_refuses_what_the_articles_do_not_cover(client) -> None:  # type: ignore[no-untyped-def]
    answer = client.predict("Who won the football World Cup in 2018?", api_name="/ask")
    assert answer["refused"] and answer["citations"] == []
    assert answer["text"].startswith("The articles don't say")


def test_the_ask_endpoint_explains_a_bad_question(client) -> None:  # type: ignore[no-untyped-def]
    from gradio_client.exceptions import AppError

    with pytest.raises(AppError, match="question is empty"):
        client.predict("   ", api_name="/ask")
    with pytest.raises(AppError, match="limit is 2,000"):
        client.predict("why " * 5000, api_name="/ask")
    with pytest.raises(AppError, match="date must look like"):
        client.predict(HELICOPTERS, [], 10, [], "last week", "", api_name="/ask")
    assert not client.predict(HELICOPTERS, api_name="/ask")["refused"]  # still serving


def test_the_chat_streams_and_remembers_the_conversation(server: tuple[str, Path]) -> None:
    from gradio_client import Client

    chat = Client(server[0] + "/", verbose=False)  # its own session: its own conversation
    job = chat.submit(
        "What did Zamir Kabulov say about Pakistan?", [], 10, [], "", "", api_name="/chat"
    )
    updates = list(job)
    shown, cards, box = job.result()
    assert len(updates) >= 3  # the question, then the answer in pieces
    assert shown[-1]["role"] == "assistant" and "[[1]](#source-1)" in _text(shown[-1])
    assert 'id="source-1"' in cards and "<mark>" in cards
    # the box is emptied as the question is taken, then left alone: what a person types
    # meanwhile is the next question
    assert updates[0][-1] == "" and box == {"__type__": "update"}

    follow, cards, _ = chat.predict(
        "What did he warn could happen if too much pressure was put on it?",
        shown,
        10,
        [],
        "",
        "",
        api_name="/chat",
    )
    assert "destabilise" in _text(follow[-1])


def test_the_chat_shows_a_refusal_without_cards(client) -> None:  # type: ignore[no-untyped-def]
    shown, cards, _ = client.predict(
        "Who won the football World Cup in 2018?", [], 10, [], "", "", api_name="/chat"
    )
    assert "The articles don't say" in _text(shown[-1])
    assert "source-" not in cards and "don't cover" in cards


def test_an_article_s_markup_reaches_the_chat_only_as_escaped_text(client) -> None:  # type: ignore[no-untyped-def]
    shown, cards, _ = client.predict(
        XSS_QUESTION, [], 10, [], "", "", "extractive", api_name="/chat"
    )
    reply = _text(shown[-1])
    assert "48,000" in reply
    assert "<img" not in reply and "<script" not in cards and "<img" not in cards


def _text(message: dict) -> str:
    content = message["content"]
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail(
            "Debian's chromium is not installed: run `make browser` (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def open_chat(browser, url: str, width: int = 1280):  # type: ignore[no-untyped-def]
    page = browser.new_page(viewport={"width": width, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url + "/")
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    return page, dialogs


def pick_file(page, path: Path, evidence: Path) -> None:  # type: ignore[no-untyped-def]
    """Pick ``path`` in the Index tab's uploader as a person does: click the drop zone,
    choose the file in the dialog, wait for its name to show.

    Two loaded CI runs saw the name never appear (locally it always does). A person
    would pick the file again, so this does once; each miss leaves a screenshot and the
    browser console in ``evidence`` and a warning, so the cause can still be found.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    uploader = page.locator("#nd-upload")
    for attempt in (1, 2):
        with page.expect_file_chooser(timeout=60_000) as chooser:
            uploader.get_by_role("button", name="Click to upload").click()
        chooser.value.set_files(str(path))
        try:
            # The name as the page shows it (innerText): a first matching element may be
            # a hidden copy even while the visible row already names the file.
            page.wait_for_function(
                "([selector, name]) => (document.querySelector(selector)?.innerText ?? '')"
                ".includes(name)",
                arg=["#nd-upload", path.name],
                timeout=90_000,
            )
            return
        except PlaywrightTimeoutError:
            page.screenshot(path=str(evidence / f"upload-miss-{attempt}.png"), full_page=True)
            (evidence / f"upload-miss-{attempt}.log").write_text("\n".join(console), "utf-8")
            warnings.warn(
                f"the uploader did not show {path.name} (try {attempt}); see {evidence}; "
                f"console: {console[-10:]}",
                stacklevel=2,
            )
    pytest.fail(f"the uploader never showed {path.name}; console: {console[-20:]}")


def ask_in_page(page, question: str) -> None:  # type: ignore[no-untyped-def]
    box = page.locator("#nd-question textarea")
    box.fill(question)
    box.press("Enter")


@pytest.mark.browser
def test_a_person_asks_and_sees_a_cited_answer_with_its_source_card(
    server: tuple[str, Path], browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page, dialogs = open_chat(browser, server[0])
    ask_in_page(page, HELICOPTERS)
    link = page.locator('#nd-chat a[href="#source-1"]').last
    link.wait_for(timeout=60_000)
    assert link.inner_text().strip() in ("1", "[1]")
    card = page.locator("#nd-sources #source-1")
    card.wait_for(timeout=30_000)
    assert "four transport-combat helicopters" in " ".join(card.locator("mark").all_inner_texts())
    assert "four" in page.locator("#nd-chat").inner_text()
    page.screenshot(path=str(tmp_path / "chat.png"), full_page=True)
    assert dialogs == []

    phone, _ = open_chat(browser, server[0], width=390)
    ask_in_page(phone, HELICOPTERS)
    phone.locator("#nd-sources #source-1").wait_for(timeout=60_000)
    phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    page.close()
    phone.close()


def page_examples(url: str) -> list[str]:
    """The example questions the page offers, from its config."""
    config = get_json(f"{url}/config")[1]
    for component in config["components"]:
        if component.get("props", {}).get("elem_id") == "nd-chat":
            return [e["text"] for e in component["props"].get("examples") or []]
    return []


def test_every_example_question_gets_an_answer_and_they_differ_in_shape(
    server: tuple[str, Path],
    client,  # type: ignore[no-untyped-def]
) -> None:
    examples = page_examples(server[0])
    assert 2 <= len(examples) <= 4
    openings = {" ".join(q.split()[:2]) for q in examples}
    assert len(openings) == len(examples)  # not one template four times
    for question in examples:
        assert not client.predict(question, api_name="/ask")["refused"], question


@pytest.mark.browser
def test_a_person_clicks_an_example_and_gets_a_cited_answer(
    server: tuple[str, Path],
    browser,  # type: ignore[no-untyped-def]
) -> None:
    page, dialogs = open_chat(browser, server[0])
    example = page.locator("#nd-chat button.example").first
    example.wait_for(timeout=30_000)
    question = example.inner_text().strip()
    example.click()
    page.locator("#nd-sources #source-1").wait_for(timeout=90_000)
    assert question[:20] in page.locator("#nd-chat").inner_text()
    assert dialogs == []
    page.close()


@pytest.mark.browser
def test_scripts_in_an_article_never_run_in_the_page(
    server: tuple[str, Path], browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page, dialogs = open_chat(browser, server[0])
    ask_in_page(page, XSS_QUESTION)
    page.locator("#nd-sources #source-1").wait_for(timeout=60_000)
    page.wait_for_timeout(1000)  # give any injected handler the chance to fire
    chat_text = page.locator("#nd-chat").inner_text()
    assert "48,000" in chat_text
    assert "onerror" in chat_text or "onerror" in page.locator("#nd-sources").inner_text()
    for link in page.locator("#nd-chat a, #nd-sources a").all():
        assert not (link.get_attribute("href") or "").lower().startswith("javascript")
    page.screenshot(path=str(tmp_path / "xss.png"), full_page=True)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    page.close()


# --- uploads (these grow the index, so they come last) -----------------------------------------


def test_a_bad_upload_changes_nothing_and_says_why(
    server: tuple[str, Path], client, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import handle_file

    before = get_json(f"{server[0]}/healthz")[1]
    binary = tmp_path / "photo.txt"
    binary.write_bytes(bytes(range(256)) * 64)
    broken = tmp_path / "feed.json"
    broken.write_text('{"title": "x", "body": ', "utf-8")
    status, *_ = client.predict([handle_file(binary), handle_file(broken)], api_name="/upload")
    assert "Not added: photo.txt" in status and "Not added: feed.json" in status
    assert get_json(f"{server[0]}/healthz")[1]["chunks"] == before["chunks"]
    assert not (server[1] / "uploads" / "photo.txt").exists()


def test_an_uploaded_article_can_be_asked_about_at_once(
    server: tuple[str, Path], client, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import handle_file

    assert client.predict(UPLOAD_QUESTION, api_name="/ask")["refused"]
    article = tmp_path / "museum news.txt"
    article.write_text(UPLOADED_ARTICLE, "utf-8")
    status, stats_table, corpus_line, *_ = client.predict(
        [handle_file(article)], api_name="/upload"
    )
    assert "Added 1 file(s): museum_news.txt" in status.replace("\\", "")  # Markdown-escaped
    assert "| Documents | 7 |" in stats_table and "7 indexed articles" in corpus_line
    answer = client.predict(UPLOAD_QUESTION, api_name="/ask")
    assert not answer["refused"] and "312" in answer["text"]
    assert answer["citations"][0]["title"] == "Glassworks museum opens in Tarnow"

    again, *_ = client.predict([handle_file(article)], api_name="/upload")
    assert "Already indexed" in again


@pytest.mark.browser
def test_a_person_uploads_an_article_in_the_index_tab(
    server: tuple[str, Path], browser, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "rail.md"
    article.write_text(
        "# Night train returns to Vellmar\n\nThe night train to Vellmar resumed service on "
        "Friday after a pause of nine years, with 14 sleeper cars, the operator said.\n",
        "utf-8",
    )
    page, dialogs = open_chat(browser, server[0])
    page.get_by_role("tab", name="Index").click()
    pick_file(page, article, tmp_path)
    page.locator("#nd-add").click()
    page.locator("#nd-upload-status").get_by_text("Added 1 file").wait_for(timeout=120_000)
    page.screenshot(path=str(tmp_path / "upload.png"), full_page=True)
    page.get_by_role("tab", name="Chat").click()
    ask_in_page(page, "How many sleeper cars does the night train to Vellmar have?")
    page.locator("#nd-sources #source-1").wait_for(timeout=60_000)
    assert "Vellmar" in page.locator("#nd-sources").inner_text()
    assert dialogs == []
    page.close()


def test_without_an_index_the_app_says_so_and_an_upload_builds_one(tmp_path: Path) -> None:
    from gradio_client import Client, handle_file

    with running_server(tmp_path / "index", tmp_path / "server.log") as url:
        status, body = get_json(f"{url}/healthz")
        assert status == 503 and body["status"] == "no index"
        assert "newsdesk ingest" in body["detail"]
        client = Client(url + "/", verbose=False)
        shown, _, _ = client.predict(HELICOPTERS, [], 10, [], "", "", api_name="/chat")
        assert "There is no index yet" in _text(shown[-1])
        article = tmp_path / "museum.txt"
        article.write_text(UPLOADED_ARTICLE, "utf-8")
        status_text, *_ = client.predict([handle_file(article)], api_name="/upload")
        assert "Added 1 file(s)" in status_text
        assert get_json(f"{url}/healthz")[1]["documents"] == 1
        answer = client.predict(UPLOAD_QUESTION, api_name="/ask")
        assert "312" in answer["text"] and answer["citations"]


@pytest.mark.browser
def test_a_stopped_server_leaves_no_export_files_behind(browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """`newsdesk serve` ended by SIGTERM (as a service manager stops it), with a chat page
    still open, removes the conversation exports it wrote and Gradio's copies of them."""
    temp = tmp_path / "temp"
    temp.mkdir()
    index_dir = tmp_path / "index"
    ingest(Settings(index_dir=index_dir), [SEED_CORPUS])
    with running_server(index_dir, tmp_path / "server.log", {"TMPDIR": str(temp)}) as url:
        page, _ = open_chat(browser, url)
        ask_in_page(page, HELICOPTERS)
        page.wait_for_function(
            "() => !document.querySelector('#nd-export').disabled", timeout=90_000
        )
        assert list(temp.glob("newsdesk-export-*/*/*.md")), "exports are kept under TMPDIR"
        assert list((temp / "gradio").rglob("*.md")), "and served from Gradio's cache"
    assert list(temp.glob("newsdesk-export-*")) == []
    assert list((temp / "gradio").rglob("*.md")) == []
    page.close()
