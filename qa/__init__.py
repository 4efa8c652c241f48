"""Cited answers from the index: ``ask`` and ``retrieve``.

>>> from qa import ask
>>> answer = ask("How many helicopters did Russia give Pakistan?")
>>> answer.text, [c.title for c in answer.citations]
>>> stream = ask_stream("Who visited Islamabad?")   # text pieces as they are generated
>>> for piece in stream: print(piece, end="")
>>> stream.answer                                     # the checked Answer
>>> index_info().stats.documents, health().status     # what is indexed; can it answer
>>> warm_sentence_vectors()   # embed the corpus's sentences now, so answers are faster
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
from qa.warm import WarmReport, keep_warm, warm_sentence_vectors

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
    "WarmReport",
    "ask",
    "ask_stream",
    "evaluate",
    "health",
    "index_info",
    "keep_warm",
    "load_questions",
    "retrieve",
    "warm_sentence_vectors",
]
