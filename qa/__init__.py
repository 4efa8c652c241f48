"""Cited answers from the index: ``ask`` and ``retrieve``.

>>> from qa import ask
>>> answer = ask("How many helicopters did Russia give Pakistan?")
>>> answer.text, [c.title for c in answer.citations]
>>> stream = ask_stream("Who visited Islamabad?")   # text pieces as they are generated
>>> for piece in stream: print(piece, end="")
>>> stream.answer                                     # the checked Answer
>>> index_info().stats.documents, health().status     # what is indexed; can it answer
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
from qa.engine import MAX_QUESTION_CHARS, AnswerStream, ask, ask_stream, retrieve
from qa.evaluation import evaluate, load_questions
from qa.status import DocumentInfo, Health, IndexInfo, health, index_info
from qa.types import Answer, Citation, Passage

__all__ = [
    "MAX_QUESTION_CHARS",
    "Answer",
    "AnswerStream",
    "Citation",
    "ConfigError",
    "CorpusError",
    "DocumentInfo",
    "GenerationError",
    "Health",
    "IndexInfo",
    "IndexNotBuiltError",
    "IndexUnusableError",
    "NewsdeskError",
    "Passage",
    "QuestionError",
    "Settings",
    "ask",
    "ask_stream",
    "evaluate",
    "health",
    "index_info",
    "load_questions",
    "retrieve",
]
