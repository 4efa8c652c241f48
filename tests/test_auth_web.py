"""Sign-in and who may upload, against real servers: `newsdesk serve` with a users file
(in a subprocess, on loopback), and the app built for a non-loopback address without
sign-in (in this process, still listening only on 127.0.0.1)."""

from __future__ import annotations

import json
import shutil
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from index import Settings, ingest
from tests.conftest import SEED_CORPUS
from tests.helpers import free_port, get_json, running_server
from tests.test_web import (  # noqa: F401 (browser is a fixture)
    HELICOPTERS,
    UPLOAD_QUESTION,
    UPLOADED_ARTICLE,
    ask_in_page,
    browser,
)
from ui.auth import hash_password

pytestmark = pytest.mark.slow

ADMIN = ("ada", "ada-editor-secret")
READER = ("bob", "bob-reader-secret")


def seed_index(root: Path) -> Path:
    corpus = root / "corpus"
    shutil.copytree(SEED_CORPUS, corpus)
    index_dir = root / "index"
    ingest(Settings(index_dir=index_dir), [corpus])
    return index_dir


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, Path]]:
    """(URL, index dir, server log) of a server that wants sign-in; ada is an admin."""
    root = tmp_path_factory.mktemp("auth")
    index_dir = seed_index(root)
    users = root / "users"
    users.write_text(
        f"{ADMIN[0]}:{hash_password(ADMIN[1])}:admin\n{READER[0]}:{hash_password(READER[1])}\n"
    )
    log = root / "server.log"
    with running_server(index_dir, log, {"NEWSDESK_AUTH": str(users)}) as url:
        yield url, index_dir, log


def client(url: str, auth: tuple[str, str] | None = None):  # type: ignore[no-untyped-def]
    from gradio_client import Client

    return Client(url + "/", auth=auth, verbose=False)


def login(page, url: str, user: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    page.goto(url + "/")
    page.locator("input[type=text]").first.fill(user[0], timeout=60_000)
    page.locator("input[type=password]").fill(user[1])
    page.get_by_role("button", name="Login").click()
    page.wait_for_selector("#nd-question textarea", timeout=60_000)


def uploads_count(index_dir: Path) -> int:
    folder = index_dir / "uploads"
    return len(list(folder.iterdir())) if folder.exists() else 0


@pytest.mark.browser
def test_an_anonymous_visitor_sees_only_the_sign_in_page(
    server: tuple[str, Path, Path],
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(server[0] + "/")
    page.get_by_role("button", name="Login").wait_for(timeout=60_000)
    assert "Sign in to ask Newsdesk" in page.locator("body").inner_text()
    assert page.locator("#nd-question").count() == 0
    page.close()
    status, body = get_json(f"{server[0]}/healthz")
    assert status == 401 and body["status"] == "unauthorized"
    with pytest.raises(Exception):  # noqa: B017 (gradio_client's own error for a 401)
        client(server[0]).predict(HELICOPTERS, api_name="/ask")


def test_the_api_and_healthz_take_credentials(server: tuple[str, Path, Path]) -> None:
    answer = client(server[0], READER).predict(HELICOPTERS, api_name="/ask")
    assert not answer["refused"] and answer["citations"]
    request = urllib.request.Request(f"{server[0]}/healthz")
    request.add_header("Authorization", _basic(READER))
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200


def _basic(user: tuple[str, str]) -> str:
    import base64

    return "Basic " + base64.b64encode(f"{user[0]}:{user[1]}".encode()).decode()


def test_a_reader_cannot_upload_through_the_api(
    server: tuple[str, Path, Path], tmp_path: Path
) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    article = tmp_path / "museum.txt"
    article.write_text(UPLOADED_ARTICLE, "utf-8")
    before = uploads_count(server[1])
    with pytest.raises(AppError, match="admin"):
        client(server[0], READER).predict([handle_file(article)], api_name="/upload")
    assert uploads_count(server[1]) == before
    assert client(server[0], READER).predict(UPLOAD_QUESTION, api_name="/ask")["refused"]


@pytest.mark.browser
def test_a_reader_sees_why_the_upload_box_is_missing(
    server: tuple[str, Path, Path],
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context()
    page = context.new_page()
    login(page, server[0], READER)
    ask_in_page(page, HELICOPTERS)
    page.locator("#nd-sources #source-1").wait_for(timeout=90_000)
    page.get_by_role("tab", name="Index").click()
    note = page.locator("#nd-upload-off")
    note.get_by_text("Uploads are for editors").wait_for(timeout=30_000)
    assert "admin" in note.inner_text()
    assert not page.locator("#nd-upload").is_visible() and not page.locator("#nd-add").is_visible()
    assert page.locator("#nd-sign-out").count() == 1
    assert page.request.get(server[0] + "/healthz").status == 200  # the sign-in cookie does
    page.screenshot(path=str(tmp_path / "reader.png"), full_page=True)
    context.close()


@pytest.mark.browser
def test_an_admin_may_upload_in_the_page_and_through_the_api(
    server: tuple[str, Path, Path],
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:  # type: ignore[no-untyped-def]
    from gradio_client import handle_file

    context = browser.new_context()
    page = context.new_page()
    login(page, server[0], ADMIN)
    page.get_by_role("tab", name="Index").click()
    page.locator("#nd-upload").wait_for(timeout=30_000)
    assert page.locator("#nd-add").is_visible()
    assert not page.locator("#nd-upload-off").is_visible()
    context.close()

    article = tmp_path / "museum.txt"
    article.write_text(UPLOADED_ARTICLE, "utf-8")
    before = _documents(server[0])
    status, *_ = client(server[0], ADMIN).predict([handle_file(article)], api_name="/upload")
    assert "Added 1 file(s)" in status
    assert _documents(server[0]) == before + 1
    assert uploads_count(server[1]) == 1


def _documents(url: str) -> int:
    request = urllib.request.Request(f"{url}/healthz")
    request.add_header("Authorization", _basic(READER))
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(json.loads(response.read())["documents"])


def test_six_wrong_passwords_in_a_row_are_slowed_down(server: tuple[str, Path, Path]) -> None:
    """Runs last in this module: it locks 127.0.0.1 out of this server for a minute."""
    codes = [_login_status(server[0], READER[0], f"wrong-{n}") for n in range(6)]
    assert codes[:5] == [400] * 5
    assert codes[5] == 429
    assert _login_status(server[0], *READER) == 429  # even the right one, for now
    time.sleep(1)  # let the log reach the file
    log = server[2].read_text("utf-8", errors="replace")
    assert "too many failed attempts" in log
    for secret in (ADMIN[1], READER[1], "wrong-0"):
        assert secret not in log


def _login_status(url: str, user: str, password: str) -> int:
    data = urllib.parse.urlencode({"username": user, "password": password}).encode()
    try:
        with urllib.request.urlopen(f"{url}/login", data=data, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return exc.code


# --- no sign-in, not on loopback ------------------------------------------------------------


@pytest.fixture(scope="module")
def open_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The app as `newsdesk serve --host 0.0.0.0` builds it with no NEWSDESK_AUTH, but
    listening on 127.0.0.1 only: nothing outside this machine can reach the test."""
    import uvicorn

    from ui.app import create_app

    index_dir = seed_index(tmp_path_factory.mktemp("open"))
    app = create_app(Settings(index_dir=index_dir), host="0.0.0.0")
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            get_json(f"{url}/healthz")
            break
        except OSError:
            time.sleep(0.5)
    yield url, index_dir
    server.should_exit = True
    thread.join(timeout=30)


def test_without_sign_in_on_a_public_address_uploads_are_refused(
    open_server: tuple[str, Path], tmp_path: Path
) -> None:
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    article = tmp_path / "museum.txt"
    article.write_text(UPLOADED_ARTICLE, "utf-8")
    with pytest.raises(AppError, match="Uploads are off"):
        client(open_server[0]).predict([handle_file(article)], api_name="/upload")
    assert uploads_count(open_server[1]) == 0
    assert not client(open_server[0]).predict(HELICOPTERS, api_name="/ask")["refused"]
    assert get_json(f"{open_server[0]}/healthz")[0] == 200


@pytest.mark.browser
def test_the_index_tab_says_why_uploads_are_off_and_how_to_turn_them_on(
    open_server: tuple[str, Path],
    browser,  # noqa: F811
) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    page.goto(open_server[0] + "/")
    page.wait_for_selector("#nd-question textarea", timeout=60_000)
    page.get_by_role("tab", name="Index").click()
    note = page.locator("#nd-upload-off")
    note.get_by_text("Uploads are off").wait_for(timeout=30_000)
    assert "0.0.0.0" in note.inner_text() and "NEWSDESK_AUTH" in note.inner_text()
    assert not page.locator("#nd-upload").is_visible()
    page.close()
