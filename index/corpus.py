"""From files to the chunks the index should hold: read, clean, deduplicate, chunk.

This is a pure function of the input files and the settings: no store, no model. The
pipeline compares its result with what Chroma holds and embeds only the difference,
which is what makes ingestion incremental and safe to interrupt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from index.chunking import TokenCounter, chunk_paragraphs
from index.cleaning import CleanArticle, clean_article
from index.dedup import CHUNK_RULE, DOCUMENT_RULE, find_duplicates
from index.loaders import SkipFile, check_suffix, discover, parse_bytes, read_bytes
from index.store import Metadata
from index.text import content_hash, fold

PIPELINE_VERSION = "1"  # bump when cleaning or chunking changes what chunks look like


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True, kw_only=True)
class ChunkRecord:
    chunk_id: str
    text: str
    embed_text: str
    metadata: Metadata


@dataclass
class CorpusScan:
    """The files found under the roots, read once: their labels, bytes and a fingerprint."""

    files: list[tuple[Path, str, bytes]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    fingerprint: str = ""


@dataclass
class CorpusBuild:
    chunks: dict[str, ChunkRecord] = field(default_factory=dict)
    documents: int = 0
    records: int = 0
    repeated_paragraphs: int = 0
    duplicate_documents: int = 0
    duplicate_chunks: int = 0
    warnings: list[str] = field(default_factory=list)


def label_for(path: Path) -> str:
    """How a file is named in metadata: relative to the working directory when inside it."""
    absolute = path.absolute()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return absolute.as_posix()


def scan(roots: list[Path], *, max_bytes: int, salt: str) -> CorpusScan:
    """Read every file under ``roots`` and fingerprint names, contents and ``salt``."""
    result = CorpusScan()
    digest = hashlib.sha256(salt.encode())
    for path in discover(roots):
        label = label_for(path)
        try:
            if path.is_symlink() and not path.exists():
                raise SkipFile("is a broken symlink")
            check_suffix(path)
            data = read_bytes(path, max_bytes)
        except SkipFile as exc:
            result.skipped.append(Skipped(label, str(exc)))
            digest.update(f"skip:{label}:{exc}\n".encode())
            continue
        result.files.append((path, label, data))
        digest.update(f"{label}\0{hashlib.sha256(data).hexdigest()}\n".encode())
    result.fingerprint = digest.hexdigest()
    return result


def build(scan_result: CorpusScan, *, model_path: Path, chunk_tokens: int) -> CorpusBuild:
    """Clean, deduplicate and chunk every article in the scanned files."""
    out = CorpusBuild()
    articles: list[CleanArticle] = []
    for path, label, data in scan_result.files:
        try:
            raws = parse_bytes(data, path.suffix.lower(), label)
        except SkipFile as exc:
            scan_result.skipped.append(Skipped(label, str(exc)))
            continue
        for raw in raws:
            out.warnings.extend(f"{label}: {w}" for w in raw.warnings)
            article = clean_article(raw)
            if not article.paragraphs:
                scan_result.skipped.append(
                    Skipped(raw.source_file, "has no article text left after cleaning")
                )
                continue
            articles.append(article)
            out.repeated_paragraphs += article.repeated_paragraphs
    out.records = len(articles)

    also_in: dict[int, list[str]] = {}
    dropped: set[int] = set()
    for dup in find_duplicates(
        articles,
        lambda a: a.body,
        DOCUMENT_RULE,
        priority=lambda i: (-len(articles[i].body), i),
    ):
        dropped.add(dup.dropped)
        also_in.setdefault(dup.kept, []).append(articles[dup.dropped].source_file)
    out.duplicate_documents = len(dropped)
    kept = [(i, a) for i, a in enumerate(articles) if i not in dropped]
    out.documents = len(kept)

    counter = TokenCounter(model_path)
    candidates: list[ChunkRecord] = []
    for index, article in kept:
        candidates.extend(_chunk_article(article, also_in.get(index, []), chunk_tokens, counter))
    chunk_dups = find_duplicates(candidates, lambda c: c.text, CHUNK_RULE)
    dropped_chunks = {d.dropped for d in chunk_dups}
    out.duplicate_chunks = len(dropped_chunks)
    for position, record in enumerate(candidates):
        if position not in dropped_chunks:
            out.chunks.setdefault(record.chunk_id, record)
    return out


def header_for(article: CleanArticle) -> str:
    """The short header embedded and BM25-indexed with each chunk: headline, outlet, date."""
    line = " · ".join(x for x in (article.outlet, _iso(article.published)) if x)
    return f"{article.title}\n{line}".strip()


def _chunk_article(
    article: CleanArticle, also_in: list[str], chunk_tokens: int, counter: TokenCounter
) -> list[ChunkRecord]:
    header = header_for(article)
    texts = chunk_paragraphs(
        article.paragraphs, header=header, budget=chunk_tokens, counter=counter
    )
    doc_id = content_hash(fold(article.body), 16)
    records = []
    for number, text in enumerate(texts):
        embed_text = f"{header}\n\n{text}"
        metadata: Metadata = {
            "doc_id": doc_id,
            "title": article.title,
            "source": article.outlet or Path(article.source_file.split("#")[0]).name,
            "file": article.source_file,
            "outlet": article.outlet,
            "url": article.url,
            "author": article.author,
            "category": article.category,
            "date": _iso(article.published),
            "date_int": int(article.published.strftime("%Y%m%d")) if article.published else 0,
            "also_in": "; ".join(also_in),
            "chunk_index": number,
            "chunk_count": len(texts),
            "header": header,
        }
        records.append(
            ChunkRecord(
                chunk_id=content_hash(embed_text),
                text=text,
                embed_text=embed_text,
                metadata=metadata,
            )
        )
    return records


def _iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def max_bytes_for(max_file_mb: float) -> int:
    return int(max_file_mb * 1_000_000)
