"""The BM25 side of retrieval (bm25s), built from the Chroma collection and kept beside it.

The BM25 index is derived data, saved in ``bm25/`` beside Chroma together with the
chunks it was built from (ids, texts, metadata: ``index.snapshot``), so a start reads
these files instead of every chunk from Chroma. They are used only while they match
the store: the set of chunk ids must be the one they were built from (a fingerprint,
checked against a cheap ids-only read), and the store's contents version
(``index.store.VERSION_KEY``, renewed by every ingest that writes, "writing-…" while
one runs) must be the finished one they were saved with, so a metadata-only change is
noticed too. Each file's size and checksum are checked as well. Otherwise everything is
read from Chroma again and the files are rewritten, whichever process ingested: they
can never drift from the vector store. Ingestion rebuilds them at the end of each run so
the first question after an ingest does not pay for it.

A second BM25 index holds the chunks' sentences, one document each, mapped back to their
chunk: a question's words that meet in one sentence of a chunk point at the fact it
asks about more surely than the same words spread over a chunk of 256 tokens
(``LexicalIndex.search_sentences``).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import logging
import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from index import snapshot
from index.manifest import LOCK_FILE, load_manifest
from index.morphology import BASE, base_forms
from index.store import ChunkStore, Metadata, is_finished

LEXICAL_DIR = "bm25"
INFO_FILE = "newsdesk.json"
ANALYZER_VERSION = 2  # bump when tokenisation changes: the saved BM25 index is rebuilt
# bump when the saved files change shape (2: vectors, outlets, dates; 3: sentence index)
SNAPSHOT_FORMAT = 3
MIN_SENTENCE_WORDS = 8  # shorter "sentences" are headings, bylines, captions, list items
SENTENCE_FILES = {  # the sentence index's files, beside the chunk index's (bm25s names)
    "data_name": "sentences.data.csc.index.npy",
    "indices_name": "sentences.indices.csc.index.npy",
    "indptr_name": "sentences.indptr.csc.index.npy",
    "vocab_name": "sentences.vocab.index.json",
    "params_name": "sentences.params.index.json",
    "nnoc_name": "sentences.nonoccurrence_array.index.npy",
}
SENTENCE_ROWS_FILE = "sentence_rows.npy"
_BM25_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s.tokenize's default token_pattern
ANALYZED_TEXTS = 20_000  # texts whose BM25 terms are kept (a sentence: ~0.2 ms to analyse)

log = logging.getLogger("newsdesk.index")


@dataclass
class LexicalIndex:
    ids: list[str]
    texts: Sequence[str]
    metadatas: Sequence[Metadata]
    fingerprint: str
    _bm25: Any
    _stemmer: Any
    version: str = ""  # the store's contents version these rows were read at
    sources: tuple[str, ...] = ()  # every outlet named in the metadata, sorted
    # Each row's vector, outlet and date, for searching some outlets or dates without
    # Chroma (always set when read from a store or the saved files).
    dense: snapshot.DenseRows | None = None
    # the sentence index and, for each of its documents, the row of its chunk
    sentences: SentenceIndex | None = None
    _analyzed: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def row_of(self) -> dict[str, int]:
        """Chunk id → row, built once: retrieval maps dense hits through it on every query."""
        cached: dict[str, int] | None = getattr(self, "_row_of", None)
        if cached is None:
            cached = {chunk_id: row for row, chunk_id in enumerate(self.ids)}
            self._row_of = cached
        return cached

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """(row, score) of the best ``k`` chunks for ``query``; rows index ``ids``."""
        terms = self.analyze(query)
        if not terms or not self.ids:  # an empty index has no BM25 scores at all
            return []
        rows, scores = best_scores(self._bm25, terms, k)
        return [(int(r), float(s)) for r, s in zip(rows, scores, strict=True)]

    def search_sentences(self, query: str, k: int) -> list[int]:
        """The rows of the chunks holding the ``k`` best sentences for ``query``, each
        chunk once, at the rank of its best sentence."""
        terms = self.analyze(query)
        if not terms or self.sentences is None or not len(self.sentences.rows):
            return []
        return self.sentences.search(terms, k)

    def idf(self, tokens: list[str]) -> dict[str, float]:
        """IDF of each analysed (stemmed) token in the corpus; unknown tokens get the maximum."""
        vocab = self._bm25.vocab_dict
        n = max(1, len(self.ids))
        out: dict[str, float] = {}
        for token in tokens:
            df = self._doc_freq.get(vocab[token], 0) if token in vocab else 0
            out[token] = float(np.log(1 + (n - df + 0.5) / (df + 0.5)))
        return out

    def analyze(self, text: str) -> list[str]:
        """The BM25 terms of ``text``. Kept per text (up to ANALYZED_TEXTS, then forgotten
        at once): an answer analyses the same retrieved sentences in several strategies."""
        kept = self._analyzed.get(text)
        if kept is not None:
            return list(kept)
        terms = tuple(bm25_terms(text, self._stemmer))
        if len(self._analyzed) >= ANALYZED_TEXTS:
            self._analyzed = {}
        self._analyzed[text] = terms
        return list(terms)

    @property
    def _doc_freq(self) -> dict[int, int]:
        cached = getattr(self, "_df_cache", None)
        if cached is None:
            scores = self._bm25.scores
            indptr = np.asarray(scores["indptr"])
            cached = {i: int(indptr[i + 1] - indptr[i]) for i in range(len(indptr) - 1)}
            self._df_cache = cached
        return cached


@dataclass(frozen=True)
class SentenceIndex:
    """BM25 over the chunks' sentences; ``rows[i]`` is the chunk row of sentence ``i``."""

    bm25: Any
    rows: np.ndarray

    def search(self, terms: list[str], k: int) -> list[int]:
        found, _ = best_scores(self.bm25, terms, k)
        out: dict[int, None] = {}
        for sentence in found:
            out.setdefault(int(self.rows[int(sentence)]), None)
        return list(out)


def best_scores(bm25: Any, terms: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """The documents of the ``k`` best positive BM25 scores for ``terms``, best first,
    and their scores; equal scores in document order.

    Only documents that score at all are ranked. bm25s's own ``retrieve`` partitions the
    score of every document, which took 108 ms a query over the 825,669 sentences of the
    100k-chunk index (3.4 ms this way; the scores themselves take under 1 ms), and
    breaks ties in no stated order."""
    scores = np.asarray(bm25.get_scores(terms))
    rows = np.flatnonzero(scores > 0)
    found = scores[rows]
    if k < len(rows):  # keep everything tied with the k-th best, then cut after sorting
        kth = np.partition(found, len(found) - k)[len(found) - k]
        keep = found >= kth
        rows, found = rows[keep], found[keep]
    order = np.lexsort((rows, -found))[:k]
    return rows[order], found[order]


def sentence_corpus(texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
    """Each chunk's sentences of MIN_SENTENCE_WORDS words or more (in base forms, as the
    chunk index reads its text), with the row of the chunk each comes from."""
    from index.text import chunk_sentences

    sentences: list[str] = []
    rows: list[int] = []
    for row, text in enumerate(texts):
        for sentence in chunk_sentences(text):
            if len(sentence.split()) >= MIN_SENTENCE_WORDS:
                sentences.append(base_forms(sentence))
                rows.append(row)
    return sentences, np.asarray(rows, dtype=np.int32)


def _sentence_index(texts: Sequence[str]) -> SentenceIndex:
    sentences, rows = sentence_corpus(texts)
    return SentenceIndex(_index(sentences), rows)


def bm25_terms(text: str, stemmer: Any) -> list[str]:
    """The terms the index was built with for ``text``: those ``bm25s.tokenize`` gives
    ``base_forms(text)`` — words of two or more letters or digits, lower-cased, irregular
    verb forms made base forms, English stopwords dropped, stemmed.
    Written out because ``bm25s.tokenize`` builds three progress bars per call, shown or
    not, and ``base_forms``'s one large pattern scans the whole text: together 10 ms of an
    answer that analyses ~65 new sentences. A test checks that both ways agree."""
    stopwords = _bm25_stopwords()
    words = [BASE.get(w, w) for w in _BM25_TOKEN.findall(text.lower())]
    words = [w for w in words if w not in stopwords]
    return list(stemmer.stemWords(words)) if words else []


@functools.cache
def _bm25_stopwords() -> frozenset[str]:
    """What ``bm25s.tokenize(stopwords="en")`` drops (bm25s is imported only when needed)."""
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


def lexical_text(text: str, metadata: Metadata) -> str:
    return base_forms(f"{metadata.get('header', '')}\n\n{text}")


def ids_fingerprint(ids: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()


def load_or_build(store: ChunkStore, index_dir: Path) -> LexicalIndex:
    """The BM25 index and chunks matching the store's current contents: the saved ones
    when they are current and intact, else read from the store and saved again."""
    folder = index_dir / LEXICAL_DIR
    version = _contents_version(store, index_dir)
    fingerprint = ids_fingerprint(store.all_ids())
    info, damage = _saved_info(folder)
    stale = damage or _why_stale(info, fingerprint, version)
    if not stale:
        try:
            return _open_saved(folder, info)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            damage = stale = f"{type(exc).__name__}: {exc}"
    if damage:
        log.warning("the saved BM25 index in %s is damaged (%s); rebuilding it", folder, damage)
    elif info:
        log.info("rebuilding the BM25 index in %s: %s", folder, stale)
    return _rebuild(store, folder, version, info)


def _contents_version(store: ChunkStore, index_dir: Path) -> str:
    """The store's contents version. A local store written before versions existed is
    given one, when no ingest is running and the last one finished."""
    _, version = store.contents_state()
    if version or store.settings.chroma_url:
        return version
    try:
        with (index_dir / LOCK_FILE).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            try:
                manifest = load_manifest(index_dir)
                if manifest is not None and manifest.state == "clean":
                    return store.adopt_version()
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
    except OSError:
        pass  # an ingest holds the lock, or the folder is read-only: not adopted
    return version


def _saved_info(folder: Path) -> tuple[dict[str, Any], str]:
    """What the saved folder says about itself, and what is wrong with that if anything
    (a folder without its record is damaged; no folder at all is not)."""
    if not folder.exists():
        return {}, ""
    try:
        info = json.loads((folder / INFO_FILE).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return {}, f"{INFO_FILE} cannot be read ({type(exc).__name__})"
    if not isinstance(info, dict):
        return {}, f"{INFO_FILE} holds no record"
    return info, ""


def _why_stale(info: dict[str, Any], fingerprint: str, version: str) -> str:
    """Why the saved files cannot be used for a store in this state ("" when they can)."""
    if not info:
        return "there is none"
    if not _this_format(info):
        return "it was saved by another version of Newsdesk"
    if info.get("fingerprint") != fingerprint:
        return "the store holds other chunks"
    if not is_finished(version):
        return "the store's contents carry no finished version"
    if info.get("version") != version:
        return "the store was written since"
    return ""


def _this_format(info: dict[str, Any]) -> bool:
    """Whether saved files are in this version's format and tokenisation."""
    return info.get("format") == SNAPSHOT_FORMAT and info.get("analyzer") == ANALYZER_VERSION


def _open_saved(folder: Path, info: dict[str, Any]) -> LexicalIndex:
    """The saved index and rows, after checking every file against its recorded checksum."""
    import bm25s

    problem = snapshot.damaged(folder, info["files"])
    if problem:
        raise ValueError(problem)
    ids, texts, metadatas, dense = snapshot.read_rows(folder)
    if ids_fingerprint(ids) != info["fingerprint"]:
        raise ValueError("the saved ids do not match their fingerprint")
    bm25 = bm25s.BM25.load(str(folder), mmap=True) if ids else bm25s.BM25()
    return LexicalIndex(
        ids,
        texts,
        metadatas,
        str(info["fingerprint"]),
        bm25,
        _stemmer(),
        version=str(info["version"]),
        sources=tuple(str(s) for s in info["sources"]),
        dense=dense,
        sentences=_load_sentences(folder, mmap=True) if ids else None,
    )


def _load_sentences(folder: Path, mmap: bool = False) -> SentenceIndex:
    import bm25s

    rows = np.load(folder / SENTENCE_ROWS_FILE, allow_pickle=False)
    if not len(rows):
        return SentenceIndex(bm25s.BM25(), rows)
    bm25 = bm25s.BM25.load(str(folder), mmap=mmap, **SENTENCE_FILES)
    return SentenceIndex(bm25, rows)


def _rebuild(store: ChunkStore, folder: Path, version: str, info: dict[str, Any]) -> LexicalIndex:
    """Read every chunk from the store, index them and save both; the saved files get
    the store's version only if no ingest wrote while they were read."""
    ids, texts, metadatas, vectors = store.all_chunks_with_vectors()
    fingerprint = ids_fingerprint(ids)
    corpus = [lexical_text(t, m) for t, m in zip(texts, metadatas, strict=True)]
    corpus_digest = hashlib.sha256("\0".join(ids + corpus).encode()).hexdigest()
    saved = _saved_bm25(folder, info, corpus_digest)
    bm25, sentences = saved if saved else (_index(corpus), _sentence_index(texts))
    sources = tuple(sorted({str(m.get("source", "")) for m in metadatas} - {""}))
    dense = _dense_rows(vectors, metadatas, sources)
    _, after = store.contents_state()
    written = _save(
        folder,
        ids,
        texts,
        metadatas,
        dense,
        bm25,
        sentences,
        {
            "format": SNAPSHOT_FORMAT,
            "analyzer": ANALYZER_VERSION,
            "fingerprint": fingerprint,
            "version": version if after == version else "",
            "corpus": corpus_digest,
            "sources": list(sources),
        },
    )
    if written:
        try:
            return _open_saved(folder, _saved_info(folder)[0])
        except (OSError, ValueError, KeyError, TypeError):
            pass  # written but unreadable (a full disk?): serve what was read
    return LexicalIndex(
        ids,
        texts,
        metadatas,
        fingerprint,
        bm25,
        _stemmer(),
        version=version,
        sources=sources,
        dense=dense,
        sentences=sentences,
    )


def _dense_rows(
    vectors: np.ndarray, metadatas: list[Metadata], sources: tuple[str, ...]
) -> snapshot.DenseRows:
    """Unit vectors (as stored: normalised at ingest), outlet codes and dates by row."""
    code = {source: n for n, source in enumerate(sources)}
    return snapshot.DenseRows(
        vectors=vectors,
        source_codes=np.array(
            [code.get(str(m.get("source", "")), -1) for m in metadatas], dtype=np.int32
        ),
        dates=np.array([_date_int(m.get("date_int")) for m in metadatas], dtype=np.int32),
    )


def _date_int(value: object) -> int:
    return int(value) if isinstance(value, int | float) else 0


def _saved_bm25(
    folder: Path, info: dict[str, Any], corpus_digest: str
) -> tuple[Any, SentenceIndex] | None:
    """The saved BM25 models (chunks and sentences) when they index exactly this corpus
    (metadata other than the headers may have changed), else None."""
    import bm25s

    if (
        not info
        or info.get("corpus") != corpus_digest
        or not _this_format(info)
        or snapshot.damaged(folder, info.get("files") or {})
    ):
        return None
    try:
        return bm25s.BM25.load(str(folder)), _load_sentences(folder)
    except (OSError, ValueError, KeyError):
        return None


def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


def _index(corpus: list[str]) -> Any:
    import bm25s

    bm25 = bm25s.BM25()
    if corpus:
        tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=_stemmer(), show_progress=False)
        bm25.index(tokens, show_progress=False)
    return bm25


def _save(
    folder: Path,
    ids: list[str],
    texts: list[str],
    metadatas: list[Metadata],
    dense: snapshot.DenseRows,
    bm25: Any,
    sentences: SentenceIndex,
    info: dict[str, Any],
) -> bool:
    """Write everything to a temporary folder, then swap it in (best effort: a
    read-only index still answers, and is read from the store again next time)."""
    tmp = folder.with_name(folder.name + ".tmp")
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if ids:
            bm25.save(str(tmp), show_progress=False)
            if len(sentences.rows):
                sentences.bm25.save(str(tmp), show_progress=False, **SENTENCE_FILES)
        np.save(tmp / SENTENCE_ROWS_FILE, sentences.rows, allow_pickle=False)
        snapshot.write_rows(
            tmp, ids, texts, [snapshot.encode_metadata(m) for m in metadatas], dense
        )
        info = {**info, "files": snapshot.file_digests(tmp)}
        (tmp / INFO_FILE).write_text(json.dumps(info), "utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)
    except OSError as exc:
        log.warning("could not save the BM25 index in %s: %s", folder, exc.strerror or exc)
        shutil.rmtree(tmp, ignore_errors=True)
        return False
    return True
