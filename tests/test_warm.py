"""Sentence vectors embedded ahead of time: the store on disk, the warm-up, and answers
that stay the same while embedding only the question."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from index import Settings, embedding, ingest, sentence_vectors
from index.sentence_vectors import FILE_NAME, HEADER, SentenceVectors, stored_count
from qa import ask, keep_warm, warm_sentence_vectors
from qa.engine import get_engine
from qa.extractive import candidate_texts
from tests.conftest import SEED_CORPUS
from ui.cli import main

QUESTIONS = [
    "How many helicopters did Russia give Pakistan?",
    "Did Russia supply military equipment to Pakistan?",
    "Which countries attended the troika meeting?",
    "When did Lavrov visit Islamabad?",
    "Summarize the coverage of the Afghan peace talks.",
]


def vectors(n: int, dim: int = 4, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


# --- the store -------------------------------------------------------------------------


def test_stored_vectors_are_found_by_their_text_and_only_by_it(tmp_path: Path) -> None:
    store = SentenceVectors(tmp_path, "model-a")
    store.add(["one sentence.", "another sentence."], vectors(2))
    store.refresh()
    one, other, unknown = store.lookup(["one sentence.", "another sentence.", "never stored."])
    assert one is not None and other is not None and unknown is None
    assert np.array_equal(one, vectors(2)[0]) and np.array_equal(other, vectors(2)[1])
    assert store.missing(["never stored.", "one sentence.", "never stored."]) == ["never stored."]
    assert len(SentenceVectors(tmp_path, "model-a")) == 2  # read back from the file


def test_a_half_written_row_is_ignored_and_the_next_append_cuts_it_off(tmp_path: Path) -> None:
    store = SentenceVectors(tmp_path, "model-a")
    store.add(["kept."], vectors(1))
    with open(tmp_path / FILE_NAME, "ab") as file:
        file.write(b"\x01\x02\x03")  # a writer killed mid-row
    with open(tmp_path / FILE_NAME.replace(".bin", ".keys"), "ab") as file:
        file.write(b"\x01" * 8)  # its key written, its vector not
    assert len(SentenceVectors(tmp_path, "model-a")) == 1 == stored_count(tmp_path, "model-a")
    store.add(["added after."], vectors(1, seed=1))
    store.refresh()
    assert len(store) == 2 and np.array_equal(
        store.lookup(["added after."])[0],  # type: ignore[arg-type]
        vectors(1, seed=1)[0],
    )
    assert (tmp_path / FILE_NAME).stat().st_size == HEADER.size + 2 * 4 * 4


def test_another_models_vectors_are_never_used_and_are_replaced(tmp_path: Path) -> None:
    SentenceVectors(tmp_path, "model-a").add(["a sentence."], vectors(1))
    store = SentenceVectors(tmp_path, "model-b")
    assert len(store) == 0 and store.lookup(["a sentence."]) == [None]
    store.add(["a sentence."], vectors(1, dim=8))
    store.refresh()
    assert len(store) == 1 and store.lookup(["a sentence."])[0].shape == (8,)  # type: ignore[union-attr]
    assert len(SentenceVectors(tmp_path, "model-a")) == 0 == stored_count(tmp_path, "model-a")
    assert stored_count(tmp_path, "model-b") == 1


def test_garbage_in_place_of_the_file_reads_as_empty(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_bytes(b"not a vector file at all" * 10)
    store = SentenceVectors(tmp_path, "model-a")
    assert len(store) == 0 and store.lookup(["x"]) == [None]
    store.add(["x"], vectors(1))
    store.refresh()
    assert store.lookup(["x"])[0] is not None


def test_a_lost_keys_file_reads_as_empty_says_how_to_mend_it_and_the_next_append_does(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    SentenceVectors(tmp_path, "model-a").add(["x."], vectors(1))
    (tmp_path / FILE_NAME.replace(".bin", ".keys")).unlink()
    store = SentenceVectors(tmp_path, "model-a")
    assert len(store) == 0 and store.lookup(["x."]) == [None]
    assert "newsdesk warm" in caplog.text
    store.add(["x."], vectors(1, seed=2))
    store.refresh()
    assert len(store) == 1 and np.array_equal(store.lookup(["x."])[0], vectors(1, seed=2)[0])  # type: ignore[arg-type]


def test_what_another_writer_appends_is_seen_within_the_check_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reader = SentenceVectors(tmp_path, "model-a")
    SentenceVectors(tmp_path, "model-a").add(["from elsewhere."], vectors(1))
    assert reader.lookup(["from elsewhere."]) == [None]  # checked less than 30 s ago
    monkeypatch.setattr(sentence_vectors, "CHECK_SECONDS", 0.0)
    assert reader.lookup(["from elsewhere."])[0] is not None


def test_vectors_of_the_wrong_count_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        SentenceVectors(tmp_path, "model-a").add(["a", "b"], vectors(1))


# --- the warm-up and answers -----------------------------------------------------------


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("warm") / "index"
    ingest(Settings(index_dir=index_dir), [SEED_CORPUS])
    return index_dir


def copy_of(seed_index: Path, target: Path) -> Settings:
    """A private copy (a new path: a new engine, with nothing cached in memory)."""
    shutil.copytree(seed_index, target)
    return Settings(index_dir=target)


def test_answers_after_a_warm_up_are_the_same_and_embed_no_candidate(
    seed_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cold = copy_of(seed_index, tmp_path / "cold")
    warm = copy_of(seed_index, tmp_path / "warm")
    report = warm_sentence_vectors(warm)
    assert report.finished and report.embedded == report.texts > 100

    embedded: list[str] = []
    real = embedding.embed_texts

    def counting(settings: Settings, texts: list[str]) -> list[list[float]]:
        embedded.extend(texts)
        return real(settings, texts)

    monkeypatch.setattr(embedding, "embed_texts", counting)
    for question in QUESTIONS:
        before = ask(question, settings=cold)
        embedded.clear()
        after = ask(question, settings=warm)
        assert after.text == before.text and after.refused == before.refused
        corpus = {t for p in get_engine(warm).lexical.texts for t in candidate_texts(p)}
        assert not set(embedded) & corpus, question  # only the question (and its claims)


def test_a_warm_up_resumes_and_a_stopped_one_says_so(seed_index: Path, tmp_path: Path) -> None:
    settings = copy_of(seed_index, tmp_path / "index")
    stop = threading.Event()
    stop.set()
    stopped = warm_sentence_vectors(settings, stop=stop)
    assert (stopped.embedded, stopped.finished) == (0, False)
    first = warm_sentence_vectors(settings, batch=16)
    again = warm_sentence_vectors(settings)
    assert first.finished and again.finished and again.embedded == 0
    assert again.texts == first.texts == len(get_engine(settings).sentence_vectors)


def test_newsdesk_warm_reports_what_it_embedded(
    seed_index: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = copy_of(seed_index, tmp_path / "index")
    assert main(["--index-dir", str(settings.index_dir), "warm", "--quiet"]) == 0
    assert "candidate sentences in the index" in capsys.readouterr().out
    assert main(["--index-dir", str(settings.index_dir), "warm", "--quiet"]) == 0
    assert " 0 embedded now" in capsys.readouterr().out
    assert main(["--index-dir", str(settings.index_dir), "stats"]) == 0
    texts = {t for p in get_engine(settings).lexical.texts for t in candidate_texts(p)}
    assert f"sentences   {len(texts)} vectors stored ahead of time" in capsys.readouterr().out


def test_the_servers_background_warm_up_finishes_and_stops_when_told(
    seed_index: Path, tmp_path: Path
) -> None:
    settings = copy_of(seed_index, tmp_path / "index")
    stop = threading.Event()
    thread = threading.Thread(target=keep_warm, args=(settings, stop), daemon=True)
    thread.start()
    texts = [t for p in get_engine(settings).lexical.texts for t in candidate_texts(p)]
    deadline = time.monotonic() + 300
    while SentenceVectors(settings.index_dir, embedding.model_name(settings)).missing(texts):
        assert time.monotonic() < deadline and thread.is_alive()
        time.sleep(0.5)
    stop.set()
    thread.join(timeout=30)
    assert not thread.is_alive()
