"""Scale: ingest throughput against the bare model, and latency and memory as the index grows.

    .venv/bin/python bench/scale.py [--articles 150] [--multihop-index DIR] [--synthetic 100000]
    .venv/bin/python bench/scale.py --ingest-only [--rounds 2]   # part 1 and the NER figures
    .venv/bin/python bench/scale.py --sizes-only [--multihop-index DIR]   # part 2

1. Ingest throughput: a fresh index of the first N MultiHop-RAG articles, in chunks/s,
   against the bare embedding model (sentence-transformers `encode`, same texts, same
   batch size) on exactly the chunks the pipeline embedded. The ratio is what the
   pipeline (reading, cleaning, dedup, chunking, NER, Chroma writes, BM25) costs on top.
   The encoder the pipeline uses (ONNX Runtime on a CPU) is timed alone on the same
   texts too: the ratio to it is the pipeline's own overhead.
   Then the re-ingest time of the unchanged corpus, and the time ``newsdesk warm`` takes
   to embed that index's candidate sentences (not part of the ingest).
   The same ingest also runs with the NER stage off (``ingest(find_entities=...)``
   given a finder that finds nothing), alternating on and off over ``--rounds`` fresh
   indexes: "NER on/off throughput" is what finding entities costs (the aim is >= 0.8,
   i.e. ingest within 1.25x of its time without NER). ask() and retrieve() latency on
   that index are measured with the stored entities and with them removed (as an
   index built before entities existed reads), and the time to annotate such an index
   (metadata only) is reported too.
2. For each index size (the bundled corpus; MultiHop-RAG; a synthetic index of about
   100k chunks), a fresh process measures: cold start to the first answer, retrieve()
   and ask() p50/p95 over 30 questions, and its peak RSS.

The synthetic index is built from the MultiHop-RAG chunks: each synthetic chunk joins
sentences of two real chunks under a made-up title, and its embedding is the normalised
mean of theirs plus a little noise. The texts keep BM25's vocabulary realistic; the
vectors are synthetic, so its answers mean nothing, only its speed and memory do.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MULTIHOP = ROOT.parent / "shared" / "bench" / "multihop-rag"

from index import Settings, ingest  # noqa: E402


def ms(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)


# --- 1. ingest throughput ----------------------------------------------------------------


def no_entities(texts: list[str]) -> list[list[Any]]:
    """The NER stage switched off: every chunk gets an empty entity list."""
    return [[] for _ in texts]


class TimedNER:
    """The real NER stage, timed: its share of the very run it ran in, so a load that
    changes between two runs does not blur what NER costs."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, texts: list[str]) -> list[list[Any]]:
        from index.nlp import find_entities

        started = time.perf_counter()
        try:
            return find_entities(texts)
        finally:
            self.seconds += time.perf_counter() - started


def _fresh_ingest(index_dir: Path, source: Path, *, ner: bool) -> tuple[int, float, float]:
    """(chunks, seconds, seconds in NER) of an ingest into a new folder (a folder deleted
    and re-created in one process would meet Chroma's cached client of the old one)."""
    settings = Settings(index_dir=index_dir, chunk_tokens=256)
    timed = TimedNER()
    started = time.perf_counter()
    report = ingest(settings, [source], find_entities=timed if ner else no_entities)
    return report.chunks_added, time.perf_counter() - started, timed.seconds


def ingest_throughput(work: Path, articles: int, rounds: int = 1) -> dict[str, object]:
    import shutil

    from index import corpus, embedding, nlp

    source = work / "articles"
    shutil.rmtree(work, ignore_errors=True)
    source.mkdir(parents=True)
    records = json.loads((MULTIHOP / "corpus.json").read_text("utf-8"))[:articles]
    (source / "multihop.json").write_text(json.dumps(records), "utf-8")
    settings = Settings(index_dir=work / "index", chunk_tokens=256)
    embedding.get_embedder(settings)  # models loaded before the clock starts, as in bare
    nlp.load_ner()

    # NER on and off alternate (off first in even rounds), so a machine that gets busier
    # or quieter during the run does not favour one side; the best round of each counts.
    on_s: list[float] = []
    off_s: list[float] = []
    ner_share: list[float] = []
    chunks = 0
    for n in range(rounds):
        for ner in (False, True) if n % 2 == 0 else (True, False):
            index_dir = work / f"index-{'ner' if ner else 'no-ner'}-{n + 1}"
            chunks, seconds, ner_s = _fresh_ingest(index_dir, source, ner=ner)
            (on_s if ner else off_s).append(seconds)
            if ner:
                ner_share.append(ner_s / seconds)
                settings = Settings(index_dir=index_dir, chunk_tokens=256)
            print(
                f"  round {n + 1}: NER {'on ' if ner else 'off'} {seconds:.1f} s"
                + (f" ({ner_s:.1f} s of it in NER)" if ner else ""),
                flush=True,
            )
    ingest_s, no_ner_s = min(on_s), min(off_s)

    started = time.perf_counter()
    again = ingest(settings, [source])
    reingest_s = time.perf_counter() - started
    assert again.up_to_date

    # The very texts the pipeline embedded, through the bare model.
    scanned = corpus.scan([source], max_bytes=10**9, salt="bench")
    built = corpus.build(
        scanned, model_path=embedding.model_path(settings), chunk_tokens=settings.chunk_tokens
    )
    texts = [c.embed_text for c in built.chunks.values()]
    started = time.perf_counter()
    nlp.find_entities([c.text for c in built.chunks.values()])
    ner_alone_s = time.perf_counter() - started
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(embedding.model_path(settings)), device="cpu")
    model.encode(texts[:64], batch_size=settings.embed_batch_size)  # warm
    started = time.perf_counter()
    model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True)
    bare_s = time.perf_counter() - started
    # The model as the pipeline runs it (ONNX Runtime on a CPU), alone on the same texts.
    runtime = type(embedding.get_model(settings)).__name__
    started = time.perf_counter()
    embedding.embed_texts(settings, texts)
    ours_s = time.perf_counter() - started
    # Embedding the index's candidate sentences ahead of time (newsdesk warm): not part
    # of the ingest, which answers without it, but what a warmed index costs.
    from qa import warm_sentence_vectors

    warm = warm_sentence_vectors(settings)

    return {
        "articles": articles,
        "chunks": chunks,
        "rounds": rounds,
        "ingest s": round(ingest_s, 1),
        "ingest chunks/s": round(chunks / ingest_s, 1),
        "ingest without NER s": round(no_ner_s, 1),
        "ingest without NER chunks/s": round(chunks / no_ner_s, 1),
        "NER on/off throughput": round(no_ner_s / ingest_s, 2),
        "NER share of each NER-on run": [round(x, 3) for x in ner_share],
        "throughput without the NER share": round(1 - max(ner_share), 2),
        "every round s (NER on)": [round(x, 1) for x in on_s],
        "every round s (NER off)": [round(x, 1) for x in off_s],
        "NER alone chunks/s": round(len(texts) / ner_alone_s, 1),
        "bare model chunks/s": round(len(texts) / bare_s, 1),
        "ratio": round((chunks / ingest_s) / (len(texts) / bare_s), 2),
        "our encoder": runtime,
        "our encoder alone chunks/s": round(len(texts) / ours_s, 1),
        "ratio to our encoder alone": round((chunks / ingest_s) / (len(texts) / ours_s), 2),
        "re-ingest unchanged s": round(reingest_s, 2),
        "warm-up texts": warm.embedded,
        "warm-up s": round(warm.seconds, 1),
        "warm-up texts/s": round(warm.embedded / warm.seconds, 1) if warm.seconds else None,
    }


def ask_with_and_without_entities(index_dir: Path, questions: list[str]) -> dict[str, object]:
    """ask()/retrieve() latency on an index with stored entities, then with them removed
    (as an index built before entities existed), then the time to annotate it again."""
    import chromadb

    from index.manifest import load_manifest, save_manifest
    from index.nlp import ENTITIES_KEY

    settings = Settings(index_dir=index_dir, chunk_tokens=256)
    manifest = load_manifest(index_dir)
    assert manifest is not None
    roots = [Path(r) for r in manifest.roots]
    after = measure_in_child(index_dir, questions)
    collection = chromadb.PersistentClient(str(index_dir)).get_collection("newsdesk")
    ids = collection.get(include=[])["ids"]
    collection.update(ids=ids, metadatas=[{ENTITIES_KEY: None} for _ in ids])  # type: ignore[misc]
    before = measure_in_child(index_dir, questions)
    manifest.fingerprint = "an index built before entities"
    save_manifest(index_dir, manifest)
    started = time.perf_counter()
    report = ingest(settings, roots)
    annotate_s = time.perf_counter() - started
    return {
        "without entities (before)": before,
        "with entities (after)": after,
        "annotate that index": {
            "chunks annotated": report.chunks_annotated,
            "chunks embedded": report.chunks_added,
            "s": round(annotate_s, 1),
        },
    }


# --- 2. a synthetic index of about 100k chunks ---------------------------------------------


def build_synthetic(source_index: Path, target: Path, size: int) -> None:
    """Write ``size`` synthetic chunks straight into a Chroma collection (see above)."""

    from index import lexical
    from index.manifest import Manifest, save_manifest
    from index.store import ChunkStore

    settings = Settings(index_dir=target)
    store = ChunkStore(settings, create=True)
    if store.count() < size:
        _write_synthetic(source_index, store, size)
    # As an ingest does: a finished contents version first, then the saved BM25 and
    # chunks, which are then current for every start that follows.
    store.set_contents_marker(lexical.ids_fingerprint(store.all_ids()))
    lexical.load_or_build(store, target)
    save_manifest(
        target,
        Manifest(
            state="clean",
            roots=["synthetic"],
            model="all-MiniLM-L6-v2",
            chunk_tokens=256,
            chunks=size,
        ),
    )


def _write_synthetic(source_index: Path, store: Any, size: int) -> None:
    import chromadb
    import numpy as np

    real = chromadb.PersistentClient(str(source_index)).get_collection("newsdesk")
    got = real.get(include=["documents", "metadatas", "embeddings"])
    texts, metas = got["documents"] or [], got["metadatas"] or []
    vectors = np.asarray(got["embeddings"], dtype=np.float32)
    sentences = [t.split(". ") for t in texts]
    rng = random.Random(7)
    noise = np.random.default_rng(7)
    step = 2000
    for start in range(0, size, step):
        ids, batch_texts, batch_metas, batch_vectors = [], [], [], []
        for n in range(start, min(size, start + step)):
            a, b = rng.randrange(len(texts)), rng.randrange(len(texts))
            text = ". ".join(
                sentences[a][: len(sentences[a]) // 2 + 1] + sentences[b][len(sentences[b]) // 2 :]
            )
            vector = vectors[a] + vectors[b] + noise.normal(0, 0.02, vectors.shape[1])
            meta = dict(metas[a] or {})
            meta.update(
                title=f"Synthetic wire story {n}", doc_id=f"synthetic-{n // 8}", file="synthetic"
            )
            ids.append(f"synthetic-{n:07d}")
            batch_texts.append(text)
            batch_metas.append(meta)
            batch_vectors.append((vector / np.linalg.norm(vector)).tolist())
        store.add(ids, batch_vectors, batch_texts, batch_metas)
        print(f"  synthetic {min(size, start + step)}/{size}", flush=True)


# --- measuring one index in a fresh process ----------------------------------------------


def measure(index_dir: Path, questions: list[str], spawned_at: float) -> dict[str, object]:
    """Runs in the child: cold start to first answer, then warm latencies and peak RSS."""
    from qa import ask, retrieve

    settings = Settings(index_dir=index_dir)
    first = ask(questions[0], settings=settings)
    cold_s = time.time() - spawned_at
    retrieve_s, ask_s = [], []
    for q in questions:
        t = time.perf_counter()
        retrieve(q, 10, settings=settings)
        retrieve_s.append(time.perf_counter() - t)
    for q in questions:
        t = time.perf_counter()
        ask(q, settings=settings)
        ask_s.append(time.perf_counter() - t)
    from index.store import ChunkStore

    return {
        "chunks": ChunkStore(settings, create=False).count(),
        "cold start to first answer s": round(cold_s, 1),
        "first answer refused": first.refused,
        "retrieve p50 ms": ms(retrieve_s, 0.5),
        "retrieve p95 ms": ms(retrieve_s, 0.95),
        "ask p50 ms": ms(ask_s, 0.5),
        "ask p95 ms": ms(ask_s, 0.95),
        "peak RSS MB": peak_rss_mb(),
    }


def peak_rss_mb() -> int:
    """This process's high-water RSS (VmHWM: unlike ru_maxrss, not inherited from the
    parent that spawned it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def measure_in_child(index_dir: Path, questions: list[str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSDESK_")}
    result = subprocess.run(
        [sys.executable, __file__, "--measure", str(index_dir), "--spawned-at", repr(time.time())],
        input=json.dumps(questions),
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument(
        "--multihop-index", type=Path, default=ROOT / ".newsdesk" / "bench-multihop"
    )
    parser.add_argument("--synthetic", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=ROOT / ".newsdesk" / "bench-scale")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "scale.json")
    parser.add_argument(
        "--ingest-only",
        action="store_true",
        help="only part 1 (ingest with NER on and off, ask latency with and without entities)",
    )
    parser.add_argument("--rounds", type=int, default=1, help="ingest rounds with NER on and off")
    parser.add_argument(
        "--sizes-only", action="store_true", help="only part 2 (cold start, latency, memory)"
    )
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(measure(args.measure, json.loads(sys.stdin.read()), args.spawned_at)))
        return 0

    results: dict[str, object] = {}
    if not args.sizes_only:
        results["ingest"] = ingest_throughput(args.work / "ingest", args.articles, args.rounds)
        print(json.dumps(results["ingest"], indent=2), flush=True)
    queries = [q["query"] for q in json.loads((MULTIHOP / "MultiHopRAG.json").read_text("utf-8"))]
    multihop_questions = queries[::80][:30]
    if args.ingest_only:
        results["ask, first N articles"] = ask_with_and_without_entities(
            args.work / "ingest" / f"index-ner-{args.rounds}", multihop_questions
        )
        out = args.out.with_name(args.out.stem + "-ingest.json")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(results, indent=2), "utf-8")
        print(json.dumps(results, indent=2))
        return 0

    seed_index = args.work / "seed"
    ingest(Settings(index_dir=seed_index), [ROOT / "corpus"])
    if not (args.multihop_index / "manifest.json").is_file():
        ingest(
            Settings(index_dir=args.multihop_index, chunk_tokens=256), [MULTIHOP / "corpus.json"]
        )
    synthetic = args.work / f"synthetic-{args.synthetic}"
    build_synthetic(args.multihop_index, synthetic, args.synthetic)

    smoke = [
        json.loads(line)["question"]
        for line in (ROOT.parent / "shared" / "eval" / "dev_qa.jsonl").read_text().splitlines()
        if line.strip()
    ]
    results["sizes"] = {
        "bundled corpus": measure_in_child(seed_index, smoke),
        "MultiHop-RAG": measure_in_child(args.multihop_index, multihop_questions),
        f"synthetic {args.synthetic // 1000}k": measure_in_child(synthetic, multihop_questions),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), "utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
