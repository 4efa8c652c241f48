"""Small helpers for tests: settings for a tmp index, and reading Chroma back directly."""

from __future__ import annotations

import itertools
from pathlib import Path

import chromadb

from index import Settings
from index.text import jaccard, word_shingles

# Page furniture seen in the seed corpus: none of it may survive cleaning.
SEED_FURNITURE = [
    "Skip to main content",
    "Share this post",
    "Read: 788",
    "Advertisement",
    "Thumbnail",
    "More about",
    "Must read",
    "Latest news",
    "News Line",
    "Thursday April 25, 2024",
]


def settings_for(tmp_path: Path, **overrides: object) -> Settings:
    return Settings.from_env(index_dir=tmp_path / "index", **overrides)


def stored_chunks(settings: Settings) -> tuple[list[str], list[str], list[dict[str, object]]]:
    """Every stored chunk's id, text and metadata, read straight from Chroma."""
    client = chromadb.PersistentClient(path=str(settings.index_dir))
    got = client.get_collection(settings.collection).get(include=["documents", "metadatas"])
    return got["ids"], list(got["documents"] or []), [dict(m or {}) for m in got["metadatas"] or []]


def most_similar_pair(texts: list[str]) -> float:
    shingles = [word_shingles(t, 3) for t in texts]
    return max((jaccard(a, b) for a, b in itertools.combinations(shingles, 2)), default=0.0)
