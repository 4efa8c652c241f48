"""Cited answers from the index: ``ask`` and ``retrieve``.

>>> from qa import ask
>>> answer = ask("How many helicopters did Russia give Pakistan?")
>>> answer.text, [c.title for c in answer.citations]
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
from index.settings import Settings
from qa.engine import MAX_QUESTION_CHARS, ask, retrieve
from qa.types import Answer, Citation, Passage

__all__ = [
    "MAX_QUESTION_CHARS",
    "Answer",
    "Citation",
    "ConfigError",
    "CorpusError",
    "GenerationError",
    "IndexNotBuiltError",
    "IndexUnusableError",
    "NewsdeskError",
    "Passage",
    "QuestionError",
    "Settings",
    "ask",
    "retrieve",
]
