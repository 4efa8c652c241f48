"""Ingestion end to end: real files, the real MiniLM model, a real Chroma store in tmp_path."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from index import CorpusError, IngestReport, Settings, index_stats, ingest
from index.manifest import load_manifest, save_manifest
from tests.conftest import MULTIHOP_CORPUS, ROOT, SEED_CORPUS
from tests.helpers import SEED_FURNITURE, most_similar_pair, settings_for, stored_chunks

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IngestReport]:
    tmp = tmp_path_factory.mktemp("seed")
    settings = Settings(index_dir=tmp / "index")
    return settings, ingest(settings, [SEED_CORPUS])


def test_seed_corpus_lands_in_a_cosine_collection_with_metadata_on_every_chunk(seed_index) -> None:  # type: ignore[no-untyped-def]
    settings, report = seed_index
    ids, _texts, metas = stored_chunks(settings)
    assert report.files_read == 5 and report.documents == 5 and report.skipped == []
    assert len(ids) == report.chunks_total == report.chunks_added > 5
    assert all(m["title"] and m["source"] and m["file"] and m["doc_id"] for m in metas)
    assert all(m["entities"] for m in metas)  # found at ingest (tests/test_nlp.py)
    import chromadb

    collection = chromadb.PersistentClient(str(settings.index_dir)).get_collection("newsdesk")
    assert collection.configuration["hnsw"]["space"] == "cosine"
    dated = {m["title"]: m["date"] for m in metas if m["date"]}
    assert dated["Kh Asif leaves for Moscow at Lavrov's invitation"] == "2018-02-20"


def test_chunk_ids_are_content_hashes(seed_index) -> None:  # type: ignore[no-untyped-def]
    from index.text import content_hash

    settings, _ = seed_index
    ids, texts, metas = stored_chunks(settings)
    for chunk_id, text, meta in zip(ids, texts, metas, strict=True):
        assert chunk_id == content_hash(f"{meta['header']}\n\n{text}")


def test_no_stored_chunk_contains_page_furniture(seed_index) -> None:  # type: ignore[no-untyped-def]
    _, texts, _ = stored_chunks(seed_index[0])
    for text in texts:
        for line in SEED_FURNITURE:
            assert line not in text


def test_no_two_stored_chunks_are_near_duplicates(seed_index) -> None:  # type: ignore[no-untyped-def]
    _, texts, _ = stored_chunks(seed_index[0])
    assert most_similar_pair(texts) < 0.5


def test_article_doubled_in_its_file_yields_no_duplicate_chunks(seed_index) -> None:  # type: ignore[no-untyped-def]
    settings, report = seed_index
    _, texts, metas = stored_chunks(settings)
    doubled = [
        t
        for t, m in zip(texts, metas, strict=True)
        if m["file"].endswith("002_3410e6b926df700f.txt")
    ]
    assert sum(t.count("old-time and close partners") for t in doubled) == 1
    assert report.repeated_paragraphs >= 10


def test_reingesting_unchanged_corpus_embeds_nothing(seed_index) -> None:  # type: ignore[no-untyped-def]
    settings, first = seed_index
    again = ingest(settings, [SEED_CORPUS])
    assert again.up_to_date and again.chunks_added == 0 and again.chunks_removed == 0
    assert again.chunks_total == first.chunks_total == len(stored_chunks(settings)[0])


def test_full_comparison_of_an_unchanged_corpus_also_embeds_nothing(seed_index) -> None:  # type: ignore[no-untyped-def]
    settings, first = seed_index
    manifest = load_manifest(settings.index_dir)
    assert manifest is not None
    manifest.fingerprint = ""  # forget the fast path: compare every chunk id with the store
    save_manifest(settings.index_dir, manifest)
    again = ingest(settings, [SEED_CORPUS])
    assert not again.up_to_date
    assert (again.chunks_added, again.chunks_removed, again.chunks_updated) == (0, 0, 0)
    assert again.chunks_total == first.chunks_total


def test_stats_report_what_the_index_holds(seed_index) -> None:  # type: ignore[no-untyped-def]
    settings, report = seed_index
    stats = index_stats(settings)
    assert (stats.documents, stats.chunks) == (5, report.chunks_total)
    assert (stats.first_date, stats.last_date) == ("2018-02-20", "2021-04-07")
    assert stats.complete and "documents   5" in stats.summary()


def test_copied_file_adds_no_chunks_and_is_remembered_as_also_in(
    tmp_path: Path, seed_copy: Path
) -> None:
    settings = settings_for(tmp_path)
    before = ingest(settings, [seed_copy])
    (seed_copy / "mirror").mkdir()
    shutil.copy(seed_copy / "004_bc584d9ab07f7a39.txt", seed_copy / "mirror" / "same-story.txt")
    after = ingest(settings, [seed_copy])
    assert after.duplicate_documents == 1
    assert after.chunks_added == 0 and after.chunks_total == before.chunks_total
    _, _, metas = stored_chunks(settings)
    kept = [m for m in metas if m["title"] == "Lavrov visits Pakistan in search of Afghan peace"]
    assert kept and all("same-story.txt" in m["also_in"] for m in kept)


def test_lightly_edited_copy_of_an_article_is_caught_as_a_near_duplicate(
    tmp_path: Path, seed_copy: Path
) -> None:
    settings = settings_for(tmp_path)
    before = ingest(settings, [seed_copy])
    original = (seed_copy / "001_67eba17717efeb3a.txt").read_text("utf-8")
    edited = (
        original.replace("Lavrov said", "the Russian minister said", 2)
        .replace("18 March 2021", "19 March 2021")
        .replace("Support from Russia", "Russian support")
    )
    assert edited != original
    (seed_copy / "syndicated.txt").write_text("Skip to main content\n\n" + edited, "utf-8")
    after = ingest(settings, [seed_copy])
    assert after.duplicate_documents == 1 and after.documents == before.documents
    assert after.chunks_total == before.chunks_total


def _sentences(topic: str, n: int) -> list[str]:
    places = [
        "Oslo",
        "Lima",
        "Accra",
        "Hanoi",
        "Quito",
        "Perth",
        "Turin",
        "Izmir",
        "Cebu",
        "Fez",
        "Graz",
        "Kobe",
    ]
    return [
        f"In {places[i % 12]} the {topic} report number {i} counted {i * 7 + 3} new cases on day {i + 2}."
        for i in range(n)
    ]


def test_passage_shared_by_two_different_articles_is_stored_once(tmp_path: Path) -> None:
    """Two articles that open with the same wire copy, then diverge: not duplicate documents,
    but their opening chunks are near-duplicates and only one is kept."""
    folder = tmp_path / "articles"
    folder.mkdir()
    wire = _sentences("wire", 14)
    a = wire + _sentences("local health", 16)
    b = wire + _sentences("regional economy", 16)
    (folder / "a.txt").write_text("Health officials count new cases\n\n" + " ".join(a), "utf-8")
    (folder / "b.txt").write_text(
        "Economists look again at the regional case count figures\n\n" + " ".join(b), "utf-8"
    )
    settings = settings_for(tmp_path)
    report = ingest(settings, [folder])
    _, texts, _ = stored_chunks(settings)
    assert report.duplicate_documents == 0 and report.documents == 2
    assert report.duplicate_chunks >= 1
    assert sum(wire[0] in t for t in texts) == 1
    assert most_similar_pair(texts) < 0.75


def test_editing_a_file_replaces_its_old_chunks(tmp_path: Path, seed_copy: Path) -> None:
    settings = settings_for(tmp_path)
    ingest(settings, [seed_copy])
    path = seed_copy / "003_e038c91dee60b0cf.txt"
    path.write_text(path.read_text("utf-8").replace("four-day visit", "five-day visit"), "utf-8")
    report = ingest(settings, [seed_copy])
    assert report.chunks_added >= 1 and report.chunks_removed == report.chunks_added
    _, texts, _ = stored_chunks(settings)
    assert any("five-day visit" in t for t in texts)
    assert not any("four-day visit" in t for t in texts)


def test_deleting_a_file_removes_its_chunks(tmp_path: Path, seed_copy: Path) -> None:
    settings = settings_for(tmp_path)
    before = ingest(settings, [seed_copy])
    (seed_copy / "000_65eb2a346ce38655.txt").unlink()
    after = ingest(settings, [seed_copy])
    _, _, metas = stored_chunks(settings)
    assert (
        after.chunks_removed > 0
        and after.chunks_total == before.chunks_total - after.chunks_removed
    )
    assert not any(m["file"].endswith("000_65eb2a346ce38655.txt") for m in metas)


def test_interrupted_ingest_is_completed_by_the_next_run(tmp_path: Path, seed_copy: Path) -> None:
    settings = settings_for(tmp_path)
    ingest(settings, [seed_copy])
    path = seed_copy / "004_bc584d9ab07f7a39.txt"
    path.write_text(path.read_text("utf-8").replace("nine years", "ten years"), "utf-8")

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt  # after the first batch is written, before stale chunks go

    with pytest.raises(KeyboardInterrupt):
        ingest(settings, [seed_copy], progress=interrupt)
    manifest = load_manifest(settings.index_dir)
    assert manifest is not None and manifest.state == "dirty"

    resumed = ingest(settings, [seed_copy])
    assert not resumed.up_to_date and resumed.chunks_added == 0 and resumed.chunks_removed >= 1

    clean = settings_for(tmp_path / "clean")
    ingest(clean, [seed_copy])
    assert sorted(stored_chunks(settings)[0]) == sorted(stored_chunks(clean)[0])
    assert sorted(stored_chunks(settings)[1]) == sorted(stored_chunks(clean)[1])


def test_bad_files_are_skipped_with_reasons_and_the_run_goes_on(
    tmp_path: Path, seed_copy: Path
) -> None:
    (seed_copy / "empty.txt").write_bytes(b"")
    (seed_copy / "photo.txt").write_bytes(bytes(range(256)) * 40)
    (seed_copy / "legacy.txt").write_bytes("Новости дня: заявление министра.".encode("cp1251"))
    (seed_copy / "broken.json").write_text('[{"title": "x", "body": "y"', "utf-8")
    (seed_copy / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    report = ingest(settings_for(tmp_path), [seed_copy])
    reasons = {Path(p).name: r for p, r in report.skipped}
    assert reasons["empty.txt"] == "is empty"
    assert "binary" in reasons["photo.txt"]
    assert "not UTF-8" in reasons["legacy.txt"]
    assert "not valid JSON" in reasons["broken.json"]
    assert "broken symlink" in reasons["dangling.txt"]
    assert report.documents == 5


def test_folders_ingested_before_are_remembered_until_replaced(
    tmp_path: Path, seed_copy: Path
) -> None:
    extra = tmp_path / "uploads"
    extra.mkdir()
    (extra / "note.md").write_text(
        "# Port strike ends\n\nDock workers in Karachi ended a week-long strike on Friday after a pay deal.",
        "utf-8",
    )
    settings = settings_for(tmp_path)
    first = ingest(settings, [seed_copy])
    both = ingest(settings, [extra])
    assert both.roots == [first.roots[0], both.roots[-1]] and both.documents == 6
    only = ingest(settings, [extra], replace=True)
    assert only.documents == 1 and only.chunks_total == 1


def test_multihop_rag_records_ingest_with_their_metadata(tmp_path: Path) -> None:
    records = json.loads(MULTIHOP_CORPUS.read_text("utf-8"))[:8]
    path = tmp_path / "slice.json"
    path.write_text(json.dumps(records), "utf-8")
    settings = settings_for(tmp_path)
    report = ingest(settings, [path])
    assert report.documents == 8 and report.skipped == []
    _, _texts, metas = stored_chunks(settings)
    from index.text import normalize_line

    by_title = {normalize_line(r["title"]): r for r in records}
    for meta in metas:
        record = by_title[meta["title"]]
        assert meta["outlet"] == meta["source"] == record["source"]
        assert meta["url"] == record["url"]
        assert meta["date"] == record["published_at"][:10]
        assert meta["date_int"] == int(record["published_at"][:10].replace("-", ""))
        assert meta["category"] == record["category"]
    assert len({m["title"] for m in metas}) == 8


def test_nothing_ingestible_is_an_error_that_says_what_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "a.txt").write_bytes(b"")
    (folder / "b.pdf").write_bytes(b"%PDF")
    with pytest.raises(CorpusError, match=r"nothing could be ingested.*\.txt, \.md"):
        ingest(settings_for(tmp_path), [folder])


def run_cli(*args: str, cwd: Path, env_index: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "NEWSDESK_INDEX_DIR": str(env_index)}
    return subprocess.run(
        [str(Path(sys.executable).parent / "newsdesk"), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_cli_ingest_prints_a_summary_then_stats_and_is_quiet_on_rerun(
    tmp_path: Path, seed_copy: Path
) -> None:
    (seed_copy / "legacy.txt").write_bytes("Новости дня.".encode("cp1251"))
    done = run_cli("ingest", str(seed_copy), cwd=tmp_path, env_index=tmp_path / "idx")
    assert done.returncode == 0, done.stderr
    assert "documents         5" in done.stdout and "repeated paragraphs" in done.stdout
    assert "warning: skipped" in done.stderr and "legacy.txt" in done.stderr
    again = run_cli("ingest", str(seed_copy), cwd=tmp_path, env_index=tmp_path / "idx")
    assert "nothing to do" in again.stdout and "+0 added" in again.stdout
    stats = run_cli("stats", cwd=tmp_path, env_index=tmp_path / "idx")
    assert stats.returncode == 0 and "documents   5" in stats.stdout


def test_cli_errors_are_one_line_with_advice_and_exit_non_zero(tmp_path: Path) -> None:
    missing = run_cli("stats", cwd=tmp_path, env_index=tmp_path / "none")
    assert missing.returncode == 1 and "run `newsdesk ingest`" in missing.stderr
    assert "Traceback" not in missing.stderr
    blocker = tmp_path / "afile"
    blocker.write_text("x", "utf-8")
    unusable = run_cli("ingest", str(ROOT / "corpus"), cwd=tmp_path, env_index=blocker / "index")
    assert unusable.returncode == 1 and "index folder" in unusable.stderr
    assert "Traceback" not in unusable.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = run_cli("ingest", str(empty), cwd=tmp_path, env_index=tmp_path / "idx2")
    assert nothing.returncode == 1 and "nothing could be ingested" in nothing.stderr


def test_the_whole_store_is_read_in_pages_with_nothing_lost_or_repeated(
    seed_index, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    # One unbounded get() of 100k chunks fails in SQLite ("too many SQL variables").
    from index import store as store_module

    settings, _ = seed_index
    ids, texts, _ = stored_chunks(settings)
    monkeypatch.setattr(store_module, "READ_PAGE", 7)
    store = store_module.ChunkStore(settings, create=False)
    paged_ids, paged_texts, metadatas = store.all_chunks()
    assert paged_ids == sorted(ids) and len(set(paged_ids)) == len(ids) > 7
    assert sorted(paged_texts) == sorted(texts) and all(m.get("title") for m in metadatas)
    assert sorted(store.all_metadata()) == sorted(ids)
