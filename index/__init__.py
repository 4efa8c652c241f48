"""Ingestion: article files → clean, deduplicated, embedded chunks in Chroma.

The data flow is ``loaders`` (files → raw articles) → ``cleaning`` (furniture out,
headline and date found, repeated paragraphs dropped) → ``corpus`` (duplicate documents
and chunks dropped, sentence-aware chunks) → ``pipeline`` (embed what is new, sync the
``store``). ``stats`` reads back what the index holds.
"""

from index.errors import (
    ConfigError,
    CorpusError,
    GenerationError,
    IndexNotBuiltError,
    IndexUnusableError,
    NewsdeskError,
    QuestionError,
)
from index.loaders import SUPPORTED_SUFFIXES
from index.pipeline import IngestReport, ingest
from index.settings import Settings
from index.stats import IndexStats, index_stats
from index.text import split_sentences
from index.uploads import UploadError, UploadResult, add_uploads, check_upload, safe_name

__all__ = [
    "SUPPORTED_SUFFIXES",
    "ConfigError",
    "CorpusError",
    "GenerationError",
    "IndexNotBuiltError",
    "IndexStats",
    "IndexUnusableError",
    "IngestReport",
    "NewsdeskError",
    "QuestionError",
    "Settings",
    "UploadError",
    "UploadResult",
    "add_uploads",
    "check_upload",
    "index_stats",
    "ingest",
    "safe_name",
    "split_sentences",
]
