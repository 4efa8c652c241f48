"""The embedding wrapper: vectors come back in the order the texts were given."""

from __future__ import annotations

import numpy as np

from index import Settings
from index.embedding import embed_texts, get_embedder


def test_texts_embedded_shortest_first_come_back_in_their_own_order() -> None:
    settings = Settings()
    texts = [
        "A long sentence about the harbour ferry, its new night crossing and the fare, "
        "which the port authority announced on Monday after a year of talks.",
        "Short.",
        "Russia gave Pakistan four Mi-35M helicopters.",
    ]
    together = np.array(embed_texts(settings, texts))
    one_by_one = np.array([get_embedder(settings).get_text_embedding(t) for t in texts])
    assert together.shape == (3, 384)
    assert np.allclose(together, one_by_one, atol=1e-4)
