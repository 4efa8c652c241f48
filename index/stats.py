"""What the index holds, for ``newsdesk stats``, the web app's Index tab and health checks."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from index import embedding
from index.manifest import load_manifest
from index.sentence_vectors import stored_count
from index.settings import Settings
from index.store import ChunkStore


@dataclass(frozen=True, kw_only=True)
class IndexStats:
    index_dir: str
    documents: int
    chunks: int
    sources: dict[str, int] = field(default_factory=dict)
    first_date: str = ""
    last_date: str = ""
    roots: list[str] = field(default_factory=list)
    model: str = ""
    chunk_tokens: int = 0
    updated_at: str = ""
    complete: bool = True
    duplicates: dict[str, int] = field(default_factory=dict)
    sentence_vectors: int = 0  # candidate sentences embedded ahead of time (newsdesk warm)

    def summary(self) -> str:
        top = ", ".join(f"{name} ({n})" for name, n in list(self.sources.items())[:8])
        lines = [
            f"Index at {self.index_dir}"
            + ("" if self.complete else "  (last ingest did not finish: run `newsdesk ingest`)"),
            f"  documents   {self.documents}",
            f"  chunks      {self.chunks}  ({self.chunk_tokens}-token budget, {self.model})",
            f"  dates       {self.first_date or '-'} to {self.last_date or '-'}",
            f"  sources     {top or '-'}",
            f"  folders     {', '.join(self.roots) or '-'}",
            "  duplicates  "
            + ", ".join(f"{n} {what}" for what, n in self.duplicates.items())
            + " dropped at the last full ingest",
            f"  sentences   {self.sentence_vectors} vectors stored ahead of time"
            + ("" if self.sentence_vectors else " (run `newsdesk warm` for faster answers)"),
            f"  updated     {self.updated_at or '-'}",
        ]
        return "\n".join(lines)


def index_stats(settings: Settings) -> IndexStats:
    """Read the collection's metadata and the manifest; raises IndexNotBuiltError if absent."""
    store = ChunkStore(settings, create=False)
    metadata = store.all_metadata()
    manifest = load_manifest(settings.index_dir)
    docs = {str(m.get("doc_id", "")): m for m in metadata.values()}
    sources = Counter(str(m.get("source", "")) for m in docs.values())
    dates = sorted(str(m["date"]) for m in docs.values() if m.get("date"))
    report = manifest.last_report if manifest else {}
    return IndexStats(
        index_dir=str(settings.index_dir),
        documents=len(docs),
        chunks=len(metadata),
        sources=dict(sources.most_common()),
        first_date=dates[0] if dates else "",
        last_date=dates[-1] if dates else "",
        roots=manifest.roots if manifest else [],
        model=manifest.model if manifest else "",
        chunk_tokens=manifest.chunk_tokens if manifest else 0,
        updated_at=manifest.updated_at if manifest else "",
        # Readers of a shared Chroma server have no manifest of their own: there, the
        # marker a finished ingest leaves in the collection says the same.
        complete=bool(manifest and manifest.state == "clean")
        or bool(settings.chroma_url and store.contents_marker()),
        duplicates={
            "repeated paragraphs": int(report.get("repeated_paragraphs", 0)),
            "duplicate documents": int(report.get("duplicate_documents", 0)),
            "near-duplicate chunks": int(report.get("duplicate_chunks", 0)),
        },
        sentence_vectors=stored_vectors(settings),
    )


def stored_vectors(settings: Settings) -> int:
    """How many candidate sentences the index folder holds vectors for (two file sizes:
    cheap enough to read each time a warm-up may have added some)."""
    return stored_count(settings.index_dir, embedding.model_name(settings))
