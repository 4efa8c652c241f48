"""Cold start: the BM25 index and the chunks are read from files saved beside Chroma.

They must be reused while the store is unchanged, rebuilt when it changed (other ids,
or only other metadata), rebuilt with a warning rather than served or crashed on when
damaged, and give exactly the answers a fresh build gives.
"""

from __future__ import annotations

import logging
import os
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from index import Settings, ingest
from index.lexical import INFO_FILE, LEXICAL_DIR, LexicalIndex, load_or_build
from index.manifest import MANIFEST_FILE
from index.snapshot import Rows
from index.store import VERSION_KEY, ChunkStore
from qa import ask
from qa.retrieval import CANDIDATES, Filters, _rows_allowed
from tests.conftest import SEED_CORPUS

QUESTIONS = [
    "How many helicopters did Russia give Pakistan?",
    "Did the United States sign an agreement with the Taliban?",
    "What's the latest on Afghan peace talks?",
    "How old is Sergey Lavrov?",
]


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index_dir = tmp_path_factory.mktemp("cold") / "index"
    ingest(Settings(index_dir=index_dir), [SEED_CORPUS])
    return index_dir


@pytest.fixture
def index_dir(seed_index: Path, tmp_path: Path) -> Path:
    """A private copy of the seed index (Chroma caches clients by path: a new path)."""
    target = tmp_path / "copy"
    shutil.copytree(seed_index, target)
    return target


def opened(index_dir: Path) -> tuple[ChunkStore, LexicalIndex]:
    store = ChunkStore(Settings(index_dir=index_dir), create=False)
    return store, load_or_build(store, index_dir)


def assert_matches_store(store: ChunkStore, lexical: LexicalIndex) -> None:
    ids, texts, metadatas, vectors = store.all_chunks_with_vectors()
    assert lexical.ids == ids
    assert list(lexical.texts) == texts
    assert list(lexical.metadatas) == metadatas
    assert list(lexical.sources) == sorted({str(m["source"]) for m in metadatas} - {""})
    assert lexical.dense is not None
    assert np.array_equal(np.asarray(lexical.dense.vectors), vectors)
    assert [lexical.sources[c] for c in lexical.dense.source_codes] == [
        m["source"] for m in metadatas
    ]
    assert list(lexical.dense.dates) == [m["date_int"] for m in metadatas]


def saved_stamp(index_dir: Path) -> tuple[int, int]:
    info = (index_dir / LEXICAL_DIR / INFO_FILE).stat()
    return info.st_ino, info.st_mtime_ns


def test_an_ingest_saves_the_chunks_and_a_start_reads_them_from_disk(index_dir: Path) -> None:
    before = saved_stamp(index_dir)
    store, lexical = opened(index_dir)
    assert isinstance(lexical.texts, Rows) and isinstance(lexical.metadatas, Rows)
    assert saved_stamp(index_dir) == before  # reused, not rewritten
    assert_matches_store(store, lexical)
    assert lexical.search("helicopters Pakistan", 3)


def test_other_chunk_ids_in_the_store_rebuild_the_saved_state(index_dir: Path) -> None:
    store, lexical = opened(index_dir)
    gone = lexical.ids[0]
    store.delete([gone])  # a writer that died before finishing: no new marker
    store, lexical = opened(index_dir)
    assert gone not in lexical.ids
    assert_matches_store(store, lexical)


def test_a_metadata_only_change_rebuilds_the_saved_state(index_dir: Path) -> None:
    store, lexical = opened(index_dir)
    chunk = lexical.ids[0]
    relabelled = {**lexical.metadatas[0], "title": "A new headline"}
    store.update_metadata([chunk], [relabelled])
    store.set_contents_marker(lexical.fingerprint)  # same ids, a new finished version
    store, lexical = opened(index_dir)
    assert lexical.metadatas[lexical.ids.index(chunk)]["title"] == "A new headline"
    assert_matches_store(store, lexical)


def test_state_read_while_an_ingest_writes_is_never_trusted_later(index_dir: Path) -> None:
    store, lexical = opened(index_dir)
    store.update_metadata([lexical.ids[0]], [{**lexical.metadatas[0], "title": "half-way"}])
    # The writer is still "writing" (it never finished): the saved files may not be
    # trusted by the next start, which reads the store again.
    opened(index_dir)
    before = saved_stamp(index_dir)
    store, lexical = opened(index_dir)
    assert saved_stamp(index_dir) != before
    assert lexical.metadatas[0]["title"] == "half-way"


@pytest.mark.parametrize(
    "damage",
    [
        "truncated texts",
        "truncated vectors",
        "scribbled metadata",
        "garbage info",
        "garbage bm25",
        "missing ids",
        "empty folder",
    ],
)
def test_damaged_saved_files_are_rebuilt_with_a_warning_not_served(
    damage: str, index_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = index_dir / LEXICAL_DIR
    if damage == "truncated texts":
        data = (folder / "texts.bin").read_bytes()
        (folder / "texts.bin").write_bytes(data[: len(data) // 2])
    elif damage == "truncated vectors":
        data = (folder / "vectors.npy").read_bytes()
        (folder / "vectors.npy").write_bytes(data[: len(data) - 1536])
    elif damage == "scribbled metadata":
        data = bytearray((folder / "metadata.bin").read_bytes())
        data[10:20] = b"\xff" * 10
        (folder / "metadata.bin").write_bytes(bytes(data))
    elif damage == "garbage info":
        (folder / INFO_FILE).write_text('{"format": 1, "fing', "utf-8")
    elif damage == "garbage bm25":
        (folder / "vocab.index.json").write_bytes(b"\x00garbage")
    elif damage == "missing ids":
        (folder / "ids.txt").unlink()
    else:
        for path in folder.iterdir():
            path.unlink()
    with caplog.at_level(logging.INFO, logger="newsdesk.index"):
        store, lexical = opened(index_dir)
    assert "rebuilding" in caplog.text
    assert_matches_store(store, lexical)
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="newsdesk.index"):
        opened(index_dir)
    assert "rebuilding" not in caplog.text  # repaired once, then reused


def test_an_index_from_before_versions_gets_one_and_is_then_reused(index_dir: Path) -> None:
    store, _ = opened(index_dir)
    metadata = dict(store.collection.metadata or {})
    metadata[VERSION_KEY] = ""
    store.collection.modify(metadata=metadata)
    store, lexical = opened(index_dir)
    assert lexical.version and store.contents_state()[1] == lexical.version
    before = saved_stamp(index_dir)
    opened(index_dir)
    assert saved_stamp(index_dir) == before


def test_answers_from_the_saved_state_equal_those_after_a_rebuild(index_dir: Path) -> None:
    settings = Settings(index_dir=index_dir)
    saved = [ask(q, settings=settings) for q in QUESTIONS]
    shutil.rmtree(index_dir / LEXICAL_DIR)
    manifest = index_dir / MANIFEST_FILE
    stamp = manifest.stat().st_mtime + 5
    os.utime(manifest, (stamp, stamp))  # the engine reopens and rebuilds
    rebuilt = [ask(q, settings=settings) for q in QUESTIONS]
    assert (index_dir / LEXICAL_DIR / INFO_FILE).is_file()
    assert [(a.text, a.citations) for a in saved] == [(a.text, a.citations) for a in rebuilt]
    assert any(not a.refused for a in saved)


def test_a_search_restricted_to_an_outlet_or_dates_finds_what_chromas_filter_finds(
    index_dir: Path,
) -> None:
    """Restricted lanes are searched over the saved vectors, not by Chroma's ``where``."""
    store, lexical = opened(index_dir)
    assert lexical.dense is not None
    queries = [np.asarray(lexical.dense.vectors[n]).tolist() for n in (0, 7, 15)]
    dated = sorted({int(d) for d in lexical.dense.dates if d})
    restrictions = [Filters((source,)) for source in lexical.sources] + [
        Filters(date_from=date(dated[0] // 10000, dated[0] // 100 % 100, dated[0] % 100)),
        Filters(lexical.sources[:2], date_to=date(2100, 1, 1)),
        Filters(("An outlet nobody wrote for",)),
    ]
    for restriction in restrictions:
        rows = _rows_allowed(lexical, restriction)
        ours = [
            [(lexical.ids[row], round(similarity, 4)) for row, similarity in hits]
            for hits in lexical.dense.nearest(queries, rows, CANDIDATES)
        ]
        where = restriction.where()
        if restriction.date_to:  # an upper bound keeps undated chunks out, as BM25's lanes do
            where = {"$and": [where, {"date_int": {"$gt": 0}}]}
        chroma = [
            [(chunk, round(similarity, 4)) for chunk, similarity in hits]
            for hits in store.query(queries, CANDIDATES, where=where)
        ]
        assert ours == chroma, restriction
    assert not len(_rows_allowed(lexical, restrictions[-1]))


def test_an_empty_store_opens_with_no_rows_and_its_saved_state_is_reused(tmp_path: Path) -> None:
    index_dir = tmp_path / "empty"
    store = ChunkStore(Settings(index_dir=index_dir), create=True)
    lexical = load_or_build(store, index_dir)
    assert lexical.ids == [] and lexical.dense is not None and not len(lexical.dense.dates)
    assert lexical.search("helicopters", 3) == []
    reopened = load_or_build(store, index_dir)
    assert reopened.ids == []
    assert reopened.dense is not None
    assert reopened.dense.nearest([[0.0] * 384], reopened.dense.rows([], 0, 0), 5) == [[]]
