"""Hashed character and word n-gram features, computed for a whole batch at once with numpy.

Every substring hash comes from one polynomial prefix sum over the batch's code points (arithmetic
modulo 2**64, where an odd base has an inverse), so a character n-gram or a word costs a few array
operations instead of a Python loop. The same function serves training, scoring and explanation,
so the three can never disagree about what a feature is.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Sequence

import numpy as np
from scipy import sparse

_BASE = np.uint64(1_000_003)
_BASE_INVERSE = np.uint64(pow(1_000_003, -1, 2**64))
_SEPARATOR = 0  # code point placed between documents; no feature may contain it
_SPACE = 32
_WORD_SALT = np.uint64(0x9E3779B97F4A7C15)
_BIGRAM_SALT = np.uint64(0xC2B2AE3D27D4EB4F)
_MIX = np.uint64(0xFF51AFD7ED558CCD)
_EMPTY = np.zeros(0, dtype=np.int64)
_POWER_TABLES = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))
_POWER_TABLES_LOCK = threading.Lock()


@dataclass(frozen=True)
class FeatureConfig:
    """What the featurizer extracts; stored with the model so scoring matches training."""

    bits: int = 18
    char_min: int = 2
    char_max: int = 5

    @property
    def buckets(self) -> int:
        return 1 << self.bits


@dataclass(frozen=True)
class Occurrences:
    """Feature occurrences of one kind (a char n-gram length, words or word pairs) in a batch.

    Grouped by document in text order; `starts`/`ends` are offsets inside the document's own text.
    """

    documents: np.ndarray
    features: np.ndarray
    starts: np.ndarray
    ends: np.ndarray


def occurrences(texts: Sequence[str], config: FeatureConfig, positions: bool = True) -> list[Occurrences]:
    """Hash every character n-gram, word and word pair of each text; one entry per kind.

    Without `positions`, `starts` and `ends` are left empty (scoring does not need them).
    """
    codes, document_starts = _encode(texts)
    length = len(codes)
    powers, inverse_powers = _power_tables(length + 1)
    prefix = np.zeros(length + 1, dtype=np.uint64)
    np.cumsum(codes * powers[:length], out=prefix[1:])
    # separators_before[i]: how many documents end before position i, i.e. the document at i.
    separators_before = np.zeros(length + 1, dtype=np.int32)
    np.cumsum(codes == _SEPARATOR, out=separators_before[1:])

    def kind(hashes, documents, starts, ends) -> Occurrences:
        features = ((hashes * _MIX) >> np.uint64(64 - config.bits)).astype(np.int32)
        if not positions:
            return Occurrences(documents, features, _EMPTY, _EMPTY)
        offsets = document_starts[documents]
        return Occurrences(documents, features, starts - offsets, ends - offsets)

    kinds = []
    for n in range(config.char_min, config.char_max + 1):
        span = max(length + 1 - n, 0)
        valid = separators_before[n : n + span] == separators_before[:span]
        hashes = ((prefix[n : n + span] - prefix[:span]) * inverse_powers[:span])[valid] + np.uint64(n)
        starts = np.flatnonzero(valid) if positions else None
        kinds.append(kind(hashes, separators_before[:span][valid], starts, None if starts is None else starts + n))

    is_word = _word_characters(codes)
    previous_word = np.concatenate(([False], is_word[:-1]))
    next_word = np.concatenate((is_word[1:], [False]))
    word_starts = np.flatnonzero(is_word & ~previous_word)
    word_ends = np.flatnonzero(is_word & ~next_word) + 1
    word_hash = (prefix[word_ends] - prefix[word_starts]) * inverse_powers[word_starts] * _WORD_SALT
    word_documents = separators_before[word_starts]
    kinds.append(kind(word_hash, word_documents, word_starts, word_ends))
    same_document = word_documents[:-1] == word_documents[1:]
    pair_hash = (word_hash[:-1] * _BIGRAM_SALT + word_hash[1:])[same_document]
    kinds.append(
        kind(pair_hash, word_documents[:-1][same_document], word_starts[:-1][same_document], word_ends[1:][same_document])
    )
    return kinds


def _power_tables(size: int) -> tuple[np.ndarray, np.ndarray]:
    """BASE**i and BASE**-i modulo 2**64 for i < size, computed once and grown on demand.

    Both tables are built aside and published together as one tuple, so a thread scoring at the same
    time sees either the old pair or the new one, never a mix or a half-filled table.
    """
    global _POWER_TABLES
    tables = _POWER_TABLES
    if len(tables[0]) >= size:
        return tables
    with _POWER_TABLES_LOCK:
        tables = _POWER_TABLES
        if len(tables[0]) < size:
            size = max(size, 2 * len(tables[0]))
            powers = np.ones(size, dtype=np.uint64)
            np.cumprod(np.full(size - 1, _BASE, dtype=np.uint64), out=powers[1:])
            inverse_powers = np.ones(size, dtype=np.uint64)
            np.cumprod(np.full(size - 1, _BASE_INVERSE, dtype=np.uint64), out=inverse_powers[1:])
            tables = _POWER_TABLES = (powers, inverse_powers)
    return tables


def matrix(texts: Sequence[str], config: FeatureConfig, idf: np.ndarray | None) -> list[sparse.csr_matrix]:
    """Document-by-bucket matrices, one per feature kind, that sum to the documents' features.

    Rows may repeat a column; every consumer (matrix products, summing) adds repeats up.
    """
    found = occurrences(texts, config, positions=False)
    matrices = []
    for kind, values in zip(found, _scaled_values(found, idf, len(texts))):
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(np.bincount(kind.documents, minlength=len(texts)), out=indptr[1:])
        matrices.append(sparse.csr_matrix((values, kind.features, indptr), shape=(len(texts), config.buckets)))
    return matrices


def linear_scores(texts: Sequence[str], config: FeatureConfig, idf: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """`sum(matrix(texts) @ weights)`, with one sparse product instead of one per kind.

    Kinds are concatenated in order and each is grouped by document, so the occurrences are
    already grouped by (kind, document): one row per pair, summed over kinds afterwards.
    """
    found = occurrences(texts, config, positions=False)
    count = len(texts)
    rows = np.concatenate([kind.documents + index * count for index, kind in enumerate(found)])
    indptr = np.zeros(len(found) * count + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=len(found) * count), out=indptr[1:])
    stacked = sparse.csr_matrix(
        (np.concatenate(_scaled_values(found, idf, count)), np.concatenate([kind.features for kind in found]), indptr),
        shape=(len(found) * count, config.buckets),
    )
    return (stacked @ weights).reshape(len(found), count, weights.shape[1]).sum(axis=0)


def _scaled_values(found: list[Occurrences], idf: np.ndarray | None, count: int) -> list[np.ndarray]:
    """Each occurrence's value: its idf, with each document scaled to unit length over all kinds.

    The length is the root of the summed squared values of the document's occurrences.
    """
    values = [np.ones(len(kind.features), dtype=np.float32) if idf is None else idf[kind.features] for kind in found]
    squared = np.zeros(count)
    for kind, kind_values in zip(found, values):
        squared += np.bincount(kind.documents, weights=kind_values.astype(np.float64) ** 2, minlength=count)
    scale = (1.0 / np.sqrt(np.maximum(squared, 1e-12))).astype(np.float32)
    return [kind_values * scale[kind.documents] for kind, kind_values in zip(found, values)]


def _encode(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all texts, each padded with spaces and followed by a separator, and where
    each text starts."""
    joined = "".join([f" {text.replace(chr(0), ' ')} \x00" for text in texts])
    codes = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)
    lengths = np.fromiter((len(text) + 3 for text in texts), dtype=np.int64, count=len(texts))
    document_starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) + 1
    # Whitespace of any kind reads as one kind of space.
    codes[(codes == 9) | (codes == 10) | (codes == 13)] = _SPACE
    return codes, document_starts


def _word_characters(codes: np.ndarray) -> np.ndarray:
    letters = (codes >= 97) & (codes <= 122)
    digits = (codes >= 48) & (codes <= 57)
    other_scripts = (codes >= 0xC0) & ~((codes >= 0x2000) & (codes <= 0x2BFF)) & ~(
        (codes >= 0x3000) & (codes <= 0x303F)
    )
    return letters | digits | (codes == 39) | (codes == 36) | (codes == 42) | (codes == 64) | other_scripts
