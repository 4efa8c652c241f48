"""Server mode: a real `chroma run` on a free loopback port, data in tmp_path.

Ingest and ask go through chromadb's HttpClient; restarting the server loses nothing,
and a server that is gone is reported by the setting to fix.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from index import Settings, ingest
from index.errors import IndexNotBuiltError, IndexUnusableError
from qa import ask, retrieve
from tests.conftest import SEED_CORPUS
from tests.helpers import free_port

pytestmark = pytest.mark.slow

QUESTIONS = [
    "How many helicopters did Russia give Pakistan?",
    "What did Zamir Kabulov say about Pakistan?",
    "Who won the football World Cup in 2018?",
]


@contextmanager
def chroma_server(data: Path, port: int) -> Iterator[str]:
    chroma = Path(sys.executable).parent / "chroma"
    process = subprocess.Popen(
        [str(chroma), "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail("`chroma run` exited at start")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("`chroma run` did not answer within 120 s")
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def answers(settings: Settings) -> list[tuple[str, list[str]]]:
    return [
        (a.text, [c.chunk_id for c in a.citations])
        for a in (ask(q, settings=settings) for q in QUESTIONS)
    ]


def test_ingest_and_ask_through_a_chroma_server_survive_a_restart(tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "chroma-data"
    settings = Settings(index_dir=tmp_path / "local", chroma_url=f"http://127.0.0.1:{port}")
    embedded = Settings(index_dir=tmp_path / "embedded")
    ingest(embedded, [SEED_CORPUS])
    expected = answers(embedded)

    with chroma_server(data, port):
        report = ingest(settings, [SEED_CORPUS])
        assert report.chunks_total == report.chunks_added > 0
        assert not (settings.index_dir / "chroma.sqlite3").exists()  # the data is remote
        first = answers(settings)
        assert first == expected  # the same answers as the embedded store gives
        again = ingest(settings, [SEED_CORPUS])
        assert again.chunks_added == 0

    with pytest.raises(IndexUnusableError, match="NEWSDESK_CHROMA_URL"):
        retrieve(QUESTIONS[0], settings=settings.with_(collection="other"))

    with chroma_server(data, port):  # restarted on the same data
        assert answers(settings) == first
        with pytest.raises(IndexNotBuiltError, match="no collection 'missing'"):
            ask(QUESTIONS[0], settings=settings.with_(collection="missing"))


def test_a_second_newsdesk_without_local_files_reads_the_shared_store(tmp_path: Path) -> None:
    port = free_port()
    with chroma_server(tmp_path / "chroma-data", port) as url:
        writer = Settings(index_dir=tmp_path / "writer", chroma_url=url)
        ingest(writer, [SEED_CORPUS])
        reader = Settings(index_dir=tmp_path / "reader", chroma_url=url)  # no manifest, no BM25
        answer = ask(QUESTIONS[0], settings=reader)
        assert "four" in answer.text and answer.citations
        assert (reader.index_dir / "bm25").is_dir()  # its lexical side was built from the server
    shutil.rmtree(tmp_path / "chroma-data")


FERRY = (
    "Harbour ferry adds a night crossing\n\n"
    "The harbour ferry between Ostrava Quay and Lind Island will add a night crossing at "
    "23:40 from 1 March, the port authority said on Monday.\n"
)


def test_the_chat_survives_the_chroma_server_going_away_and_sees_other_writers(
    tmp_path: Path,
) -> None:
    from gradio_client import Client

    from tests.helpers import get_json, running_server

    port = free_port()
    data = tmp_path / "chroma-data"
    url = f"http://127.0.0.1:{port}"
    writer = Settings(index_dir=tmp_path / "writer", chroma_url=url)
    first = chroma_server(data, port)
    first.__enter__()
    try:
        ingest(writer, [SEED_CORPUS])
        with running_server(
            tmp_path / "web", tmp_path / "web.log", {"NEWSDESK_CHROMA_URL": url}
        ) as web:
            chat = Client(web + "/", verbose=False)
            shown, _, _ = chat.predict(QUESTIONS[0], [], 10, [], "", "", api_name="/chat")
            assert "four" in str(shown[-1]["content"])

            first.__exit__(None, None, None)  # the store goes away mid-conversation
            shown, _, cards = chat.predict(QUESTIONS[1], [], 10, [], "", "", api_name="/chat")
            reply = str(shown[-1]["content"]).replace("\\", "")  # Markdown-escaped
            assert "does not answer" in reply and "NEWSDESK_CHROMA_URL" in reply, reply
            assert "Traceback" not in reply and "source-1" not in cards
            status, body = get_json(f"{web}/healthz")
            assert status == 503 and "NEWSDESK_CHROMA_URL" in body["detail"], body

            with chroma_server(data, port):  # back on the same data: the chat carries on
                shown, _, _ = chat.predict(QUESTIONS[0], [], 10, [], "", "", api_name="/chat")
                assert "four" in str(shown[-1]["content"])
                status, health = get_json(f"{web}/healthz")
                assert status == 200, health

                # Another machine ingests into the shared store: the chat sees it.
                extra = tmp_path / "extra"
                extra.mkdir()
                (extra / "ferry.txt").write_text(FERRY, "utf-8")
                ingest(writer, [extra])
                time.sleep(2.5)  # readers look for changes every 2 s
                answer = chat.predict(
                    "When does the harbour ferry's night crossing leave?", api_name="/ask"
                )
                assert "23:40" in answer["text"] and answer["citations"]
                # The health check notices the new chunks too, within a few seconds.
                deadline = time.monotonic() + 30
                while get_json(f"{web}/healthz")[1]["chunks"] <= health["chunks"]:
                    assert time.monotonic() < deadline, "healthz never saw the new article"
                    time.sleep(0.5)
    finally:
        first.__exit__(None, None, None)
