"""What kind of named thing a noun asks for: "countries" → places, "firms" → organisations.

"Which countries …?" is answered by place names and "which companies …?" by
organisations, but questions use any noun for the kind ("nations", "lawmakers",
"carmakers"). Instead of a word list per label, each entity label is described by a
few typical nouns, and a question's noun takes the label of the typical noun its
embedding is closest to — if close enough; otherwise it names no kind, and answers are
looked for as phrases headed by the noun itself ("which resolution" → "Resolution 2513").
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np

# Typical nouns for each label (spaCy's OntoNotes labels that can answer a "which").
LABEL_NOUNS: dict[str, str] = {
    "PERSON": "person people official leader minister politician executive player man woman employee staff worker",
    "ORG": "organisation company firm group agency institution party business startup team club",
    "GPE": "country nation state city capital province",
    "LOC": "region area continent river sea",
    "NORP": "nationality ethnic group religious group",
    "PRODUCT": "product device gadget model vehicle phone",
    "EVENT": "event war battle summit tournament",
    "WORK_OF_ART": "book film movie song album show",
    "FAC": "building airport bridge stadium",
    "MONEY": "price cost salary fine fee revenue damages money payment",
}
# The closest typical noun must be this similar: "countries" 0.85, "officials" 0.60,
# "lawmakers" 0.59 name a kind; "resolution" 0.38, "points" 0.41, "weapons" 0.55 do not.
MIN_SIMILARITY = 0.58


class NounKinds:
    """Cached noun → labels lookups over one embedding function."""

    def __init__(self, embed_many: Callable[[list[str]], list[list[float]]]) -> None:
        self._embed_many = embed_many
        self._labels: list[str] = []
        self._prototypes: np.ndarray | None = None
        self._known: dict[str, frozenset[str]] = {}
        self._lock = threading.Lock()

    def __call__(self, noun: str) -> frozenset[str]:
        key = noun.lower()
        with self._lock:
            if key in self._known:
                return self._known[key]
        if self._prototypes is None:
            pairs = [
                (label, word) for label, words in LABEL_NOUNS.items() for word in words.split()
            ]
            self._labels = [label for label, _ in pairs]
            self._prototypes = np.asarray(
                self._embed_many([word for _, word in pairs]), dtype=np.float32
            )
        vector = np.asarray(self._embed_many([key])[0], dtype=np.float32)
        sims = self._prototypes @ vector
        best = int(np.argmax(sims))
        kind = frozenset({self._labels[best]}) if sims[best] >= MIN_SIMILARITY else frozenset()
        with self._lock:
            self._known[key] = kind
        return kind
