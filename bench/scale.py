"""Scale: ingest throughput against the bare model, and latency and memory as the index grows.

    .venv/bin/python bench/scale.py [--articles 150] [--multihop-index DIR] [--synthetic 100000]

1. Ingest throughput: a fresh index of the first N MultiHop-RAG articles, in chunks/s,
   against the bare embedding model (sentence-transformers `encode`, same texts, same
   batch size) on exactly the chunks the pipeline embedded. The ratio is what the
   pipeline (reading, cleaning, dedup, chunking, Chroma writes, BM25) costs on top.
   Then the re-ingest time of the unchanged corpus.
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


def ingest_throughput(work: Path, articles: int) -> dict[str, object]:
    import shutil

    from index import corpus, embedding

    source = work / "articles"
    shutil.rmtree(work, ignore_errors=True)
    source.mkdir(parents=True)
    records = json.loads((MULTIHOP / "corpus.json").read_text("utf-8"))[:articles]
    (source / "multihop.json").write_text(json.dumps(records), "utf-8")
    settings = Settings(index_dir=work / "index", chunk_tokens=256)
    embedding.get_embedder(settings)  # model loaded before the clock starts, as in bare

    started = time.perf_counter()
    report = ingest(settings, [source])
    ingest_s = time.perf_counter() - started

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
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(embedding.model_path(settings)), device="cpu")
    model.encode(texts[:64], batch_size=settings.embed_batch_size)  # warm
    started = time.perf_counter()
    model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True)
    bare_s = time.perf_counter() - started

    return {
        "articles": articles,
        "chunks": report.chunks_added,
        "ingest s": round(ingest_s, 1),
        "ingest chunks/s": round(report.chunks_added / ingest_s, 1),
        "bare model chunks/s": round(len(texts) / bare_s, 1),
        "ratio": round((report.chunks_added / ingest_s) / (len(texts) / bare_s), 2),
        "re-ingest unchanged s": round(reingest_s, 2),
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
    built = lexical.load_or_build(store, target)
    store.set_contents_marker(built.fingerprint)
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
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--spawned-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.measure:
        print(json.dumps(measure(args.measure, json.loads(sys.stdin.read()), args.spawned_at)))
        return 0

    results: dict[str, object] = {}
    results["ingest"] = ingest_throughput(args.work / "ingest", args.articles)
    print(json.dumps(results["ingest"], indent=2), flush=True)

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
    queries = [q["query"] for q in json.loads((MULTIHOP / "MultiHopRAG.json").read_text("utf-8"))]
    multihop_questions = queries[::80][:30]
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
