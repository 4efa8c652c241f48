"""Embed the corpus's candidate sentences ahead of time, so answers only look them up.

An extractive answer weighs the candidate sentences of its passages by their similarity
to the question; embedding them was most of a factoid's time. ``warm_sentence_vectors``
embeds every candidate text of every chunk (``extractive.candidate_texts``: the same
texts an answer would embed) that the index folder's ``index.sentence_vectors`` file
does not hold yet, and stores them. Answers are the same with or without it (a text's vector
does not depend on the batch it was embedded in); their speed is not.

``newsdesk warm`` runs it at full speed. ``newsdesk serve`` runs it in the background
(``NEWSDESK_WARM=0`` turns that off) resting as long as it works, so that on a small
machine a question asked meanwhile waits for at most one batch. It resumes where it
stopped: what is stored stays stored.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from index import embedding
from index.errors import NewsdeskError
from index.settings import Settings
from qa.engine import get_engine
from qa.extractive import candidate_texts

log = logging.getLogger("newsdesk.qa")

WARM_BATCH = 64  # texts per embedding call: about half a second on a 2-core CPU
# In the background: smaller batches (a question waits for at most one, about a quarter
# of a second on a 2-core CPU), each followed by as long a rest.
BACKGROUND_BATCH = 32
BACKGROUND_REST = 1.0
POLL_SECONDS = 60.0  # how often the background warm-up looks for a changed index


@dataclass(frozen=True)
class WarmReport:
    """What a warm-up found and did."""

    texts: int  # distinct candidate texts of the index
    embedded: int  # of them, embedded and stored by this run
    seconds: float
    finished: bool  # False when stopped before the end


def warm_sentence_vectors(
    settings: Settings | None = None,
    *,
    rest: float = 0.0,
    stop: threading.Event | None = None,
    progress: Callable[[int, int], None] | None = None,
    batch: int = WARM_BATCH,
) -> WarmReport:
    """Embed and store the index's candidate texts that have no stored vector.

    ``rest``: seconds to pause per second of embedding (1.0 leaves half the CPU to
    questions). ``stop``: set it to end the run after the current batch. ``progress``
    is called with (texts done, texts to do) after each batch."""
    started = time.monotonic()
    engine = get_engine(settings)
    store = engine.sentence_vectors
    texts = corpus_candidates(engine.lexical.texts)
    todo = store.missing(texts)
    done = 0
    for start in range(0, len(todo), batch):
        if stop is not None and stop.is_set():
            break
        began = time.monotonic()
        part = todo[start : start + batch]
        store.add(part, np.asarray(embedding.embed_texts(engine.settings, part), dtype=np.float32))
        done += len(part)
        if progress is not None:
            progress(done, len(todo))
        if rest > 0:
            pause = rest * (time.monotonic() - began)
            if stop is not None:
                stop.wait(pause)
            else:
                time.sleep(pause)
    store.refresh()
    return WarmReport(
        texts=len(texts),
        embedded=done,
        seconds=time.monotonic() - started,
        finished=done == len(todo),
    )


def corpus_candidates(chunk_texts: Sequence[str]) -> list[str]:
    """Every distinct candidate text of the chunks, in order: what a warm-up embeds."""
    return list(dict.fromkeys(t for chunk in chunk_texts for t in candidate_texts(chunk)))


def keep_warm(settings: Settings, stop: threading.Event) -> None:
    """Warm the index in the background until ``stop`` is set, and again whenever it
    changes (an upload, an ingest elsewhere): what ``newsdesk serve`` runs in a thread.
    Errors are logged, never raised: a warm-up only makes answers faster."""
    warmed: object = None
    while not stop.is_set():
        try:
            engine = get_engine(settings)
            if engine is not warmed:
                report = warm_sentence_vectors(
                    settings, rest=BACKGROUND_REST, stop=stop, batch=BACKGROUND_BATCH
                )
                if report.finished:
                    warmed = engine
                    if report.embedded:
                        log.info(
                            "embedded %d candidate sentences in %.0f s (%d in the index)",
                            report.embedded,
                            report.seconds,
                            report.texts,
                        )
        except NewsdeskError:
            pass  # no index yet, or one being rebuilt: look again at the next poll
        except Exception as exc:  # never let a warm-up take the server down
            log.warning("the background warm-up stopped: %s", exc)
            return
        stop.wait(POLL_SECONDS)
