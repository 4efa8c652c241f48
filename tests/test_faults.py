"""Faults: an ingest killed with SIGKILL at any point, a damaged index folder, a full disk.

Each must end in a clear message and lose nothing: re-running the same command finishes
the job, and the result is exactly what a clean build produces.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import chromadb
import pytest

from index import Settings
from index.errors import IndexUnusableError
from index.lexical import ids_fingerprint, load_or_build
from index.manifest import load_manifest
from index.store import ChunkStore
from qa import ask, retrieve
from tests.conftest import ROOT, SEED_CORPUS

QUESTION = "How many helicopters did Russia give Pakistan?"
SEED_FILES = sorted(p.name for p in SEED_CORPUS.iterdir())


def env_for(index_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    return {**env, "NEWSDESK_INDEX_DIR": str(index_dir)}


def run_ingest(index_dir: Path, corpus: Path, point: str = "none") -> subprocess.CompletedProcess:
    """`newsdesk ingest CORPUS` in a child process that kills itself at ``point``."""
    return subprocess.run(
        [sys.executable, "-m", "tests.crash_ingest", point, "--", str(corpus)],
        cwd=ROOT,
        env=env_for(index_dir),
        capture_output=True,
        text=True,
        timeout=600,
    )


def snapshot(index_dir: Path) -> dict[str, object]:
    """Everything that must match a clean build, read back from disk by a new process
    (so no cache of this one can hide what is really stored)."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, sys; from pathlib import Path; "
            "from tests.test_faults import read_back; "
            "print(json.dumps(read_back(Path(sys.argv[1]))))",
            str(index_dir),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def read_back(index_dir: Path) -> dict[str, object]:
    settings = Settings(index_dir=index_dir)
    collection = chromadb.PersistentClient(str(index_dir)).get_collection(settings.collection)
    got = collection.get(include=["documents", "metadatas", "embeddings"])
    ids = list(got["ids"])
    count = collection.count()
    # The vector index must hold every chunk too, not only the SQLite rows.
    probe = got["embeddings"][0]  # type: ignore[index]
    found = collection.query(query_embeddings=[probe], n_results=count)["ids"][0]
    store = ChunkStore(settings, create=False)
    lexical = load_or_build(store, index_dir)
    manifest = load_manifest(index_dir)
    return {
        "chunks": sorted(map(list, zip(ids, got["documents"] or [], strict=True))),
        "metadata": sorted(json.dumps(m, sort_keys=True) for m in got["metadatas"] or []),
        "duplicate ids": [i for i, n in Counter(ids).items() if n > 1],
        "count": count,
        "vector index": sorted(found),
        "bm25 follows the store": lexical.fingerprint == ids_fingerprint(ids),
        "manifest": manifest.state if manifest else None,
    }


@pytest.fixture(scope="module")
def before_and_after(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """An index of an older corpus (two files, one since edited and one since deleted),
    the newer corpus folder, and the snapshot of a clean build of the newer corpus.
    Going from one to the other embeds, writes and deletes: every crash point is hit."""
    root = tmp_path_factory.mktemp("faults")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in SEED_FILES[:2]:
        shutil.copy(SEED_CORPUS / name, corpus / name)
    old_index = root / "old-index"
    assert run_ingest(old_index, corpus).returncode == 0

    (corpus / SEED_FILES[1]).unlink()
    edited = corpus / SEED_FILES[0]
    edited.write_text(edited.read_text("utf-8") + "\nA line added later.\n", "utf-8")
    for name in SEED_FILES[2:]:
        shutil.copy(SEED_CORPUS / name, corpus / name)
    clean_index = root / "clean-index"
    assert run_ingest(clean_index, corpus).returncode == 0
    return old_index, corpus, clean_index


def state_of(index_dir: Path) -> str:
    manifest = load_manifest(index_dir)
    return manifest.state if manifest else ""


def assert_same_as_clean_build(index_dir: Path, clean_index: Path) -> None:
    assert snapshot(index_dir) == snapshot(clean_index)
    ours = retrieve(QUESTION, settings=Settings(index_dir=index_dir))
    theirs = retrieve(QUESTION, settings=Settings(index_dir=clean_index))
    assert [p.chunk_id for p in ours] == [p.chunk_id for p in theirs]


@pytest.mark.parametrize("point", ["embedding", "write", "delete", "bm25", "manifest"])
def test_ingest_killed_at_any_point_is_finished_by_the_next_run(
    point: str, before_and_after: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old_index, corpus, clean_index = before_and_after
    index_dir = tmp_path / "index"
    shutil.copytree(old_index, index_dir)

    crashed = run_ingest(index_dir, corpus, point)
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-2000:]

    resumed = run_ingest(index_dir, corpus)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert "nothing to do" not in resumed.stdout  # the killed run was not taken as finished
    assert_same_as_clean_build(index_dir, clean_index)


def test_ingest_killed_from_outside_mid_run_is_finished_by_the_next_run(
    before_and_after: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    old_index, corpus, clean_index = before_and_after
    index_dir = tmp_path / "index"
    shutil.copytree(old_index, index_dir)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.crash_ingest", "none", "--", str(corpus)],
        cwd=ROOT,
        env=env_for(index_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 300
    while state_of(index_dir) != "dirty":
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    time.sleep(0.3)  # somewhere in embedding and writing
    process.send_signal(signal.SIGKILL)
    process.wait()

    assert run_ingest(index_dir, corpus).returncode == 0
    assert_same_as_clean_build(index_dir, clean_index)


# --- a damaged index folder ------------------------------------------------------------------


@pytest.fixture
def built_index(before_and_after: tuple[Path, Path, Path], tmp_path: Path) -> Path:
    """A private copy of the clean build, free to damage."""
    index_dir = tmp_path / "index"
    shutil.copytree(before_and_after[2], index_dir)
    return index_dir


def cli(index_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", *args],
        cwd=ROOT,
        env=env_for(index_dir),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_a_corrupted_chroma_database_is_a_clear_error_with_the_way_out(built_index: Path) -> None:
    database = built_index / "chroma.sqlite3"
    database.write_bytes(b"this is not a database" * 100)
    with pytest.raises(IndexUnusableError, match="move it aside and run `newsdesk ingest`"):
        ask(QUESTION, settings=Settings(index_dir=built_index))
    result = cli(built_index, "ask", QUESTION)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("newsdesk: error: cannot open the index")


@pytest.mark.parametrize("damage", ["deleted", "overwritten"])
def test_a_lost_or_damaged_vector_segment_is_rebuilt_from_chroma_s_log(
    damage: str, built_index: Path, before_and_after: tuple[Path, Path, Path]
) -> None:
    segments = [p for p in built_index.iterdir() if p.is_dir() and p.name != "bm25"]
    assert segments
    for segment in segments:
        if damage == "deleted":
            shutil.rmtree(segment)
        else:
            for path in segment.iterdir():
                path.write_bytes(os.urandom(100))
    result = cli(built_index, "ask", QUESTION)
    assert result.returncode == 0 and "[1]" in result.stdout, result.stderr[-2000:]
    assert_same_as_clean_build(built_index, before_and_after[2])


def test_a_damaged_bm25_index_or_manifest_is_rebuilt_without_fuss(built_index: Path) -> None:
    expected = ask(QUESTION, settings=Settings(index_dir=built_index)).text
    for path in (built_index / "bm25").iterdir():
        path.write_bytes(b"\x00garbage")
    (built_index / "manifest.json").write_text('{"state": "clean", "roo', "utf-8")
    # The manifest changed, so the engine reopens the index and meets the damage.
    assert ask(QUESTION, settings=Settings(index_dir=built_index)).text == expected
    result = cli(built_index, "ingest", "--quiet", str(SEED_CORPUS))
    assert result.returncode == 0, result.stderr


def test_a_half_written_index_folder_without_a_database_says_to_ingest(tmp_path: Path) -> None:
    index_dir = tmp_path / "index"
    (index_dir / "bm25.tmp").mkdir(parents=True)
    (index_dir / "manifest.tmp").write_text("{", "utf-8")
    result = cli(index_dir, "ask", QUESTION)
    assert result.returncode == 1 and "run `newsdesk ingest`" in result.stderr
    assert "Traceback" not in result.stderr


# --- a full disk -----------------------------------------------------------------------------


def _limit_file_size(limit: int) -> None:
    """In the child: files cannot grow past ``limit`` bytes, as on a full disk (EFBIG)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_a_full_disk_during_ingest_is_a_clear_error_and_loses_nothing(
    built_index: Path, tmp_path: Path
) -> None:
    settings = Settings(index_dir=built_index)
    before = snapshot(built_index)
    answer = ask(QUESTION, settings=settings).text
    big = tmp_path / "more"
    big.mkdir()
    records = json.loads(
        (ROOT.parent / "shared/bench/multihop-rag/corpus.json").read_text("utf-8")
    )[:40]
    (big / "wire.json").write_text(json.dumps(records), "utf-8")

    limit = max(p.stat().st_size for p in built_index.rglob("*") if p.is_file()) + 4096
    result = subprocess.run(
        [sys.executable, "-m", "ui.cli", "ingest", "--quiet", str(big)],
        cwd=ROOT,
        env=env_for(built_index),
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=lambda: _limit_file_size(limit),
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("newsdesk: error: cannot write the index at"), message
    assert "the disk is full" in message and "run the same command again" in message
    assert "move it aside" not in message  # the index is fine: do not send people to delete it

    # Nothing that was there is lost: the old chunks all answer as before.
    assert ask(QUESTION, settings=settings).text == answer
    after = snapshot(built_index)
    assert {tuple(c) for c in before["chunks"]} <= {tuple(c) for c in after["chunks"]}  # type: ignore[attr-defined]
    # With space again, the same command finishes the job.
    done = cli(built_index, "ingest", "--quiet", str(big))
    assert done.returncode == 0, done.stderr
    assert len(snapshot(built_index)["chunks"]) > len(before["chunks"])  # type: ignore[arg-type]
