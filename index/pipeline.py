"""Ingestion: make the Chroma collection hold exactly the chunks of the registered folders.

Each run rebuilds the *desired* set of chunks from the files (cheap text work), compares
it by content-hash id with what the store holds, embeds and adds only the new chunks,
refreshes changed metadata, and deletes chunks nobody produces any more. Because ids are
content hashes, a run interrupted at any point (Ctrl-C, kill -9) is simply completed by the
next one: nothing is duplicated and nothing is lost.

Folders ingested once are remembered in the manifest, so ``newsdesk ingest uploads/``
does not drop ``corpus/``; ``--replace`` forgets the others, and a remembered folder
that no longer exists is forgotten with its chunks.

When the files' fingerprint equals the last finished run's, nothing is opened or loaded
at all: a re-run on an unchanged corpus takes well under a second.

Named entities are found once per chunk, here, and stored in its metadata (``entities``,
see ``index.nlp``), so answering a question never runs NER over passages. A chunk
indexed before entities existed (no ``entities`` key) gets them on the next run as a
metadata update, without re-embedding; the salt of the files' fingerprint names the
entity stage, so that run does not take the unchanged-corpus shortcut. Like the rest,
the annotation is idempotent: a run killed half-way leaves chunks without the key, and
the next run annotates those.
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from index import corpus, embedding, lexical, nlp
from index.errors import CorpusError, IndexUnusableError
from index.manifest import LOCK_FILE, Manifest, load_manifest, save_manifest
from index.nlp import ENTITIES_KEY, Entity, encode_entities
from index.settings import Settings
from index.store import ChunkStore, Metadata, index_exists

Progress = Callable[[int, int], None]
Embedder = Callable[[list[str]], list[list[float]]]
EntityFinder = Callable[[list[str]], list[list[Entity]]]
EMBED_STEP = 256
ANNOTATE_STEP = 512  # chunks per NER batch and metadata write when annotating an old index
ENTITY_STAGE = "entities-1"  # in the fingerprint salt: bump to re-run the annotation pass


@dataclass
class IngestReport:
    """What one ingest run did; ``summary()`` renders it for people."""

    roots: list[str] = field(default_factory=list)
    files_read: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    records: int = 0
    documents: int = 0
    repeated_paragraphs: int = 0
    duplicate_documents: int = 0
    duplicate_chunks: int = 0
    chunks_added: int = 0
    chunks_removed: int = 0
    chunks_updated: int = 0
    chunks_annotated: int = 0
    chunks_total: int = 0
    warnings: list[str] = field(default_factory=list)
    up_to_date: bool = False
    seconds: float = 0.0

    def summary(self, *, with_skipped: bool = True) -> str:
        lines = [
            f"Ingested {', '.join(self.roots)} in {self.seconds:.1f} s"
            + (" (unchanged since the last run: nothing to do)" if self.up_to_date else ""),
            f"  files read        {self.files_read}   skipped {len(self.skipped)}",
            f"  documents         {self.documents}   (from {self.records} articles)",
            "  duplicates        "
            f"{self.repeated_paragraphs} repeated paragraphs, "
            f"{self.duplicate_documents} duplicate documents, "
            f"{self.duplicate_chunks} near-duplicate chunks dropped",
            f"  chunks            +{self.chunks_added} added, -{self.chunks_removed} removed, "
            f"{self.chunks_updated} relabelled; the index holds {self.chunks_total}",
        ]
        if self.chunks_annotated:
            lines.append(
                f"  entities          {self.chunks_annotated} indexed chunks annotated "
                "(metadata only, nothing re-embedded)"
            )
        for path, reason in self.skipped if with_skipped else []:
            lines.append(f"  skipped {path}: {reason}")
        lines.extend(f"  warning {w}" for w in self.warnings)
        return "\n".join(lines)


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    *,
    replace: bool = False,
    rebuild: bool = False,
    progress: Progress | None = None,
    embed: Embedder | None = None,
    find_entities: EntityFinder | None = None,
) -> IngestReport:
    """Bring the index up to date with ``paths`` (default: the corpus folder) and report.

    ``embed`` and ``find_entities`` replace the embedding model and the NER stage (each
    takes a list of texts); tests count calls with them and benchmarks time the stages.
    """
    started = time.perf_counter()
    stages = _Stages(
        embed=embed or (lambda texts: embedding.embed_texts(settings, texts)),
        find_entities=find_entities
        or (lambda texts: nlp.find_entities(texts, device=settings.device)),
    )
    with _exclusive(settings.index_dir):
        report = _ingest_locked(
            settings, paths, replace=replace, rebuild=rebuild, progress=progress, stages=stages
        )
    report.seconds = time.perf_counter() - started
    return report


def _ingest_locked(
    settings: Settings,
    paths: list[Path] | None,
    *,
    replace: bool,
    rebuild: bool,
    progress: Progress | None,
    stages: _Stages,
) -> IngestReport:
    manifest = load_manifest(settings.index_dir) if index_exists(settings) else None
    roots = _roots(settings, paths, manifest, replace)
    model_path = embedding.model_path(settings)
    model = embedding.model_name(settings)
    salt = (
        f"{corpus.PIPELINE_VERSION}|{model}|{settings.chunk_tokens}|{settings.collection}"
        f"|{settings.chroma_url}"  # another store means another index, even in the same folder
        f"|{ENTITY_STAGE}"
    )
    scanned = corpus.scan(
        [Path(r) for r in roots], max_bytes=corpus.max_bytes_for(settings.max_file_mb), salt=salt
    )

    if manifest and manifest.model and manifest.model != model and not rebuild:
        raise IndexUnusableError(
            f"the index at {settings.index_dir} was built with the model {manifest.model}, "
            f"not {model}; run `newsdesk ingest --rebuild` to rebuild it with the new model"
        )
    if (
        manifest is not None
        and not rebuild
        and manifest.state == "clean"
        and manifest.fingerprint == scanned.fingerprint
    ):
        report = IngestReport(**_report_fields(manifest.last_report))
        report.up_to_date = True
        report.chunks_added = report.chunks_removed = report.chunks_updated = 0
        report.chunks_annotated = 0
        report.roots = roots
        return report

    built = corpus.build(scanned, model_path=model_path, chunk_tokens=settings.chunk_tokens)
    report = IngestReport(
        roots=roots,
        files_read=len(scanned.files),
        skipped=[(s.path, s.reason) for s in scanned.skipped],
        records=built.records,
        documents=built.documents,
        repeated_paragraphs=built.repeated_paragraphs,
        duplicate_documents=built.duplicate_documents,
        duplicate_chunks=built.duplicate_chunks,
        warnings=built.warnings,
    )
    if not built.chunks:
        reasons = (
            "; ".join(f"{p}: {r}" for p, r in report.skipped[:5]) or "no supported files found"
        )
        raise CorpusError(
            f"nothing could be ingested from {', '.join(roots)} ({reasons}). "
            "Newsdesk reads .txt, .md, .html/.htm and .json/.jsonl articles in UTF-8."
        )

    store = ChunkStore(settings, create=True)
    if rebuild:
        store.delete(list(store.all_metadata()))
    save_manifest(
        settings.index_dir,
        Manifest(state="dirty", roots=roots, model=model, chunk_tokens=settings.chunk_tokens),
    )
    _sync(store, built, report, stages, progress)
    report.chunks_total = store.count()
    # The marker tells readers of a shared Chroma server that the contents changed, and
    # gives them a finished version; then BM25 and the saved chunks follow the store,
    # built now rather than at the first question.
    store.set_contents_marker(lexical.ids_fingerprint(store.all_ids()))
    lexical.load_or_build(store, settings.index_dir)
    manifest = Manifest(
        state="clean",
        roots=roots,
        fingerprint=scanned.fingerprint,
        model=model,
        chunk_tokens=settings.chunk_tokens,
        updated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        documents=report.documents,
        chunks=report.chunks_total,
        last_report=asdict(report),
    )
    save_manifest(settings.index_dir, manifest)
    return report


@dataclass(frozen=True)
class _Stages:
    """The model-backed steps of a run: embedding new chunks and finding entities."""

    embed: Embedder
    find_entities: EntityFinder

    def entities_of(self, texts: list[str]) -> list[str]:
        """Encoded entities of each text, for the chunk metadata."""
        found = self.find_entities(texts)
        if len(found) != len(texts):
            raise ValueError(f"find_entities returned {len(found)} results for {len(texts)} texts")
        return [encode_entities(entities) for entities in found]


def _without_entities(metadata: Metadata) -> Metadata:
    return {k: v for k, v in metadata.items() if k != ENTITIES_KEY}


def _sync(
    store: ChunkStore,
    built: corpus.CorpusBuild,
    report: IngestReport,
    stages: _Stages,
    progress: Progress | None,
) -> None:
    existing = store.all_metadata()
    desired = built.chunks
    new_ids = [i for i in desired if i not in existing]
    stale_ids = [i for i in existing if i not in desired]
    # Entities are ours, not the corpus's: they never make a chunk look relabelled.
    relabel = [
        i
        for i in desired
        if i in existing and _without_entities(existing[i]) != desired[i].metadata
    ]
    unannotated = [i for i in desired if i in existing and ENTITIES_KEY not in existing[i]]
    # Shortest first across the whole run, not just within each step: every embedding
    # batch then holds texts of about one length and pads little (the bare model's
    # encode() sorts the same way). Ids are content hashes, so write order is free.
    new_ids.sort(key=lambda i: len(desired[i].embed_text))

    for start in range(0, len(new_ids), EMBED_STEP):
        batch = [desired[i] for i in new_ids[start : start + EMBED_STEP]]
        entities = stages.entities_of([c.text for c in batch])
        vectors = stages.embed([c.embed_text for c in batch])
        store.add(
            [c.chunk_id for c in batch],
            vectors,
            [c.text for c in batch],
            [{**c.metadata, ENTITIES_KEY: e} for c, e in zip(batch, entities, strict=True)],
        )
        report.chunks_added += len(batch)
        if progress:
            progress(report.chunks_added, len(new_ids))
    # A relabelled chunk keeps its entities (same id, same text); one without any yet
    # gets its new metadata with them, just below.
    annotated = [i for i in relabel if ENTITIES_KEY in existing[i]]
    if annotated:
        store.update_metadata(
            annotated,
            [{**desired[i].metadata, ENTITIES_KEY: existing[i][ENTITIES_KEY]} for i in annotated],
        )
    report.chunks_updated = len(relabel)
    # Chunks indexed before entities existed: annotated with the metadata they should
    # have, and nothing re-embedded.
    for start in range(0, len(unannotated), ANNOTATE_STEP):
        ids = unannotated[start : start + ANNOTATE_STEP]
        entities = stages.entities_of([desired[i].text for i in ids])
        store.update_metadata(
            ids,
            [{**desired[i].metadata, ENTITIES_KEY: e} for i, e in zip(ids, entities, strict=True)],
        )
        report.chunks_annotated += len(ids)
    if stale_ids:
        store.delete(stale_ids)
        report.chunks_removed = len(stale_ids)


def _roots(
    settings: Settings, paths: list[Path] | None, manifest: Manifest | None, replace: bool
) -> list[str]:
    given = [corpus.label_for(p) for p in (paths or [settings.corpus_dir])]
    missing = [g for g in given if not Path(g).exists()]
    if missing:
        raise CorpusError(f"no such file or folder: {', '.join(missing)}")
    remembered = [] if replace or manifest is None else manifest.roots
    roots = [r for r in remembered if Path(r).exists()]
    for root in given:
        if root not in roots:
            roots.append(root)
    return roots


def _report_fields(data: dict[str, Any]) -> dict[str, Any]:
    known = IngestReport.__dataclass_fields__
    fields = {k: v for k, v in data.items() if k in known}
    fields["skipped"] = [tuple(x) for x in fields.get("skipped", [])]
    return fields


@contextmanager
def _exclusive(index_dir: Path) -> Iterator[None]:
    """One writer at a time per index folder (a second ingest waits for the first)."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = (index_dir / LOCK_FILE).open("a")
    except OSError as exc:
        raise IndexUnusableError(
            f"cannot use the index folder {index_dir}: {exc.strerror or exc}. Choose a "
            "writable folder with --index-dir or NEWSDESK_INDEX_DIR."
        ) from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
