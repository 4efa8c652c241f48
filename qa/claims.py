"""A question's separate claims.

Multi-hop questions string several claims together ("Which company raised prices,
lost subscribers in Europe, and is expected to launch a cheaper plan?"). Each claim
usually comes from a different article, so retrieval runs one sub-query per claim and
the extractive generator looks for one supporting sentence per claim.
"""

from __future__ import annotations

import re

_FACT_SPLIT = re.compile(
    r",\s*(?:and|while|whereas|but|yet)?\s*|;\s*|\s+(?:while|whereas)\s+|\s+and\s+(?=(?:is|was|are|were|has|had|also)\b)",
    re.I,
)

_ATTRIBUTION = frozenset(
    "according reported report reports reporting both article articles the and also was "
    "published by from as per".split()
)


def fact_clauses(question: str, sources: frozenset[str] = frozenset()) -> list[str]:
    """The question's separate claims, when it strings several together with commas,
    "while" or "and is": each can then find its own article. A part that only names
    outlets ("as reported by both X and Y") is no claim."""
    parts = []
    for part in _FACT_SPLIT.split(question):
        claim = part
        for source in sources:
            claim = re.sub(re.escape(source), " ", claim, flags=re.I)
        words = [w for w in re.findall(r"[A-Za-z]{3,}", claim) if w.lower() not in _ATTRIBUTION]
        if len(words) >= 4:
            parts.append(part)
    return parts if len(parts) > 1 else []
