"""What the index holds and whether it can answer: ``index_info`` and ``health``.

The chat's header, its Index tab, its example questions and ``/healthz`` all need to
know the same few things. They ask here instead of opening the store themselves: the
answer comes from the engine ``ask`` already keeps open, so it is fresh exactly when
the engine is (a local ingest touches the manifest; another machine's ingest into a
shared Chroma server changes the collection's marker), and nothing polls twice.

>>> info = index_info()            # raises IndexNotBuiltError before the first ingest
>>> info.stats.documents, info.documents[0].title   # newest article first
>>> health().to_dict()             # {"status": "ok", "documents": ..., ...}
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from index.errors import IndexNotBuiltError, NewsdeskError
from index.nlp import ENTITIES_KEY, decode_entities
from index.settings import Settings
from index.stats import IndexStats, index_stats, stored_vectors
from qa.engine import Engine, get_engine
from qa.types import outlet_name


@dataclass(frozen=True, kw_only=True)
class DocumentInfo:
    """One indexed article as the index describes it; ``entities`` are the names (people,
    organisations, places, events, products) found in it at ingest, most mentioned first."""

    title: str
    source: str
    date: str = ""
    url: str = ""
    entities: tuple[str, ...] = ()
    outlet: str = ""  # the source when it names an outlet, not a plain file (``outlet_name``)


@dataclass(frozen=True, kw_only=True)
class IndexInfo:
    """The index's summary (``stats``) and its articles, newest first."""

    stats: IndexStats
    documents: list[DocumentInfo] = field(default_factory=list)


@dataclass(frozen=True, kw_only=True)
class Health:
    """Whether the index can answer now. ``ok`` is False for "no index" and for a
    shared store that does not answer; ``detail`` then says what to do."""

    status: str
    detail: str = ""
    stats: IndexStats | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("ok", "degraded")

    def to_dict(self) -> dict[str, Any]:
        """The JSON body of ``/healthz``."""
        if self.stats is None:
            return {"status": self.status, "detail": self.detail}
        return {
            "status": self.status,
            "documents": self.stats.documents,
            "chunks": self.stats.chunks,
            "sources": len(self.stats.sources),
            "first_date": self.stats.first_date,
            "last_date": self.stats.last_date,
            "updated_at": self.stats.updated_at,
        }


NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "PRODUCT"})
MAX_ENTITIES = 5  # per article, most mentioned first

_lock = threading.Lock()
_cache: dict[Settings, tuple[Engine, IndexInfo]] = {}


def index_info(settings: Settings | None = None) -> IndexInfo:
    """What the index holds; read again only when the engine was reopened after a change
    (but for the count of stored sentence vectors, which a warm-up running meanwhile
    raises: two file sizes, read every time).

    Raises ``IndexNotBuiltError`` before anything is indexed, and the store's own error
    (e.g. a Chroma server that does not answer) when it cannot be read.
    """
    settings = settings or Settings.from_env()
    engine = get_engine(settings)
    key = settings
    with _lock:
        cached = _cache.get(key)
    if cached is not None and cached[0] is engine:
        info = cached[1]
        return replace(info, stats=replace(info.stats, sentence_vectors=stored_vectors(settings)))
    info = IndexInfo(stats=index_stats(settings), documents=_documents(engine))
    with _lock:
        _cache[key] = (engine, info)
    return info


def health(settings: Settings | None = None) -> Health:
    """``ok`` (or ``degraded`` after an unfinished ingest) with the index's figures,
    ``no index`` before the first ingest, ``store unavailable`` when a shared Chroma
    server does not answer. Never raises a ``NewsdeskError``."""
    settings = settings or Settings.from_env()
    try:
        info = index_info(settings)
        if settings.chroma_url:  # the store lives elsewhere: check that it answers now
            get_engine(settings).store.count()
    except IndexNotBuiltError as exc:
        return Health(status="no index", detail=str(exc))
    except NewsdeskError as exc:
        if settings.chroma_url:
            return Health(status="store unavailable", detail=str(exc))
        return Health(status="no index", detail=str(exc))
    return Health(status="ok" if info.stats.complete else "degraded", stats=info.stats)


def _documents(engine: Engine) -> list[DocumentInfo]:
    by_doc: dict[str, dict[str, Any]] = {}
    names: dict[str, Counter[str]] = {}
    lexical = engine.lexical
    for metadata, text in zip(lexical.metadatas, lexical.texts, strict=True):
        doc_id = str(metadata.get("doc_id", ""))
        by_doc.setdefault(doc_id, dict(metadata))
        counted = names.setdefault(doc_id, Counter())
        for entity in decode_entities(metadata.get(ENTITIES_KEY), text):
            if entity.label in NAME_LABELS and len(entity.text.strip()) > 1:
                counted[" ".join(entity.text.split())] += 1
    ordered = sorted(
        by_doc.items(), key=lambda kv: (-int(kv[1].get("date_int") or 0), str(kv[1].get("title")))
    )
    return [
        DocumentInfo(
            title=str(m.get("title", "")),
            source=str(m.get("source", "")),
            date=str(m.get("date", "")),
            url=str(m.get("url", "")),
            entities=tuple(name for name, _ in names[doc_id].most_common(MAX_ENTITIES)),
            outlet=outlet_name(str(m.get("source", "")), str(m.get("file", ""))),
        )
        for doc_id, m in ordered
    ]
