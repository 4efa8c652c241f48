"""Newsdesk's exception tree.

Every error a user can meet is one of these, and its message says what to do next::

    NewsdeskError
    ├── ConfigError          a setting or flag has a value we cannot use
    ├── CorpusError          nothing in the given paths could be ingested
    ├── IndexError_          the index directory or store cannot be used
    │   ├── IndexNotBuiltError   no index yet: run "newsdesk ingest"
    │   └── IndexUnusableError   the index exists but cannot be opened or written
    ├── QuestionError        (also a ValueError) empty or over-long question
    └── GenerationError      the answer generator failed

Errors from lower libraries (chromadb, torch, OS) are caught at the boundary and
re-raised as one of these, ``from`` the original.
"""

from __future__ import annotations


class NewsdeskError(Exception):
    """Base class for every error Newsdesk raises on purpose."""


class ConfigError(NewsdeskError):
    """A setting (env var, CLI flag) has a value that cannot be used."""


class CorpusError(NewsdeskError):
    """Nothing at all could be ingested from the paths given."""


class IndexError_(NewsdeskError):
    """The index (Chroma store, BM25 side, manifest) cannot be used."""


class IndexNotBuiltError(IndexError_):
    """There is no index at the configured location yet."""


class IndexUnusableError(IndexError_):
    """The index exists but cannot be opened, read or written."""


class QuestionError(NewsdeskError, ValueError):
    """The question is empty, over-long or otherwise not a question we can take."""


class GenerationError(NewsdeskError):
    """The answer generator failed."""
