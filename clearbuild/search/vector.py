"""The analyzer's rules applied to a whole column at once with numpy.

Why: analysing ~740,000 field values one by one in Python (analyzer.tokens) takes ~20 s at Seoul
scale, almost all of it per-token Python overhead. Here all values are normalised and joined into
one string, its code points classified through a lookup table, and Hangul bigrams (most of the
terms) become integer pairs without a Python loop; only words and compounds (numbers, Latin,
ids) are sliced out in Python. tests/test_search_tokens.py checks that the term counts equal
``Counter(analyzer.tokens(value))`` for every value, so the two paths cannot drift.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

from .analyzer import BIGRAM_CPS, CONNECTORS, MARK_CPS, WORD_CPS, normalize

SEP, BIG, WORD, MARK, CONN = 0, 1, 2, 3, 4
CLASS = np.zeros(0x110000, dtype=np.uint8)
CLASS[np.asarray(BIGRAM_CPS, dtype=np.int64)] = BIG
CLASS[np.asarray(WORD_CPS, dtype=np.int64)] = WORD
CLASS[np.asarray(MARK_CPS, dtype=np.int64)] = MARK
CLASS[[ord(c) for c in CONNECTORS]] = CONN
_DROP = {ord(c): None for c in CONNECTORS}
PAIR = 0x110000  # bigram key: first * PAIR + second; single characters stay below PAIR


def unique(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(sorted distinct values, inverse, counts) by one sort: np.unique measured 12 s for 9M keys
    here (numpy 2.x), an argsort 1.8 s."""
    order = np.argsort(a, kind="stable")
    s = a[order]
    new = np.r_[True, s[1:] != s[:-1]] if len(s) else np.zeros(0, dtype=bool)
    inverse = np.empty(len(a), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    firsts = np.flatnonzero(new)
    counts = np.diff(np.r_[firsts, len(s)])
    return s[new], inverse, counts


def _joined(values: list[str]) -> tuple[str, np.ndarray]:
    """All values normalised into one string, each followed by NUL, and where each starts.

    Normalising the joined text at once is the same as value by value: NUL is a starter that
    never composes, is never produced by NFKC, and ends the final-sigma context of lower().
    A value containing NUL itself falls back to normalising each value alone."""
    joined = "\0".join(values)
    if joined.count("\0") == max(len(values) - 1, 0):
        text = normalize(joined) + "\0"
        cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        ends = np.flatnonzero(cps == 0)
        if len(ends) == len(values):
            return text, np.r_[0, ends[:-1] + 1].astype(np.int64)[:len(values)]
    norm = [normalize(v).replace("\0", " ") for v in values]
    lens = np.fromiter((len(v) + 1 for v in norm), dtype=np.int64, count=len(norm))
    return "\0".join(norm) + "\0", np.cumsum(lens) - lens


# Distinct values analysed at a time. Why: analysed whole, twice Seoul's distinct values took
# ~0.95 GB of temporaries for a few seconds (a code point, a class and positions per character),
# the build's peak then, in the parent alone; a chunk's temporaries are a chunk's.
CHUNK_VALUES = 100_000


class _Counted(NamedTuple):
    """One chunk's terms: its bigram keys (sorted) and word terms (``vocab``: the distinct words
    in first appearance, then the compounds that are no word of the chunk, in first appearance),
    and its distinct (term, value) pairs with local term numbers (bigrams first)."""

    ukeys: np.ndarray
    vocab: np.ndarray
    n_words: int
    term: np.ndarray
    value: np.ndarray  # the value's number among all values
    tf: np.ndarray
    length: np.ndarray


def count_terms(values: list[str], chunk: int = CHUNK_VALUES) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                                     np.ndarray, np.ndarray]:
    """(vocabulary, term, value, tf, length): one row per distinct (term, value) pair, sorted by
    (value, term), as int32; ``length[v]`` is the number of terms (with repeats) of value v.

    The values are analysed ``chunk`` at a time; the result is the same, array for array,
    whatever the chunk (tests/test_search_tokens.py): bigrams numbered in key order, then word
    terms in the order they first appear among all words, then among all compounds."""
    parts = [_count_chunk(values[lo:lo + chunk], lo) for lo in range(0, len(values), max(chunk, 1))]
    parts = parts or [_count_chunk([], 0)]
    big = unique(np.concatenate([p.ukeys for p in parts]))[0]
    # Every chunk's words, then every chunk's compounds: numbered as one pass over all would.
    flat = np.concatenate([p.vocab[:p.n_words] for p in parts] + [p.vocab[p.n_words:] for p in parts])
    codes, words = pd.factorize(pd.Series(flat, dtype=object), sort=False)
    vocab = np.asarray([chr(k // PAIR) + chr(k % PAIR) if k >= PAIR else chr(k) for k in big.tolist()]
                       + words.tolist(), dtype=object)
    nv, nb = max(len(vocab), 1), len(big)
    at_word, at_compound = 0, sum(p.n_words for p in parts)
    length = np.concatenate([p.length for p in parts])
    out: list[list[np.ndarray]] = [[], [], []]
    parts.reverse()
    while parts:  # each chunk's pairs let go once renumbered: the result is held once
        p = parts.pop()
        n_compounds = len(p.vocab) - p.n_words
        remap = np.concatenate([np.searchsorted(big, p.ukeys),
                                nb + codes[at_word:at_word + p.n_words],
                                nb + codes[at_compound:at_compound + n_compounds]]).astype(np.int64)
        at_word, at_compound = at_word + p.n_words, at_compound + n_compounds
        term = remap[p.term]
        order = np.argsort(p.value.astype(np.int64) * nv + term, kind="stable")
        for i, a in enumerate((term, p.value, p.tf)):
            out[i].append(a[order].astype(np.int32))
        del p, remap, term, order
    # int32, as the chunks hold them: at twice Seoul's size the three arrays as int64 were
    # ~0.3 GB more of the search phase's peak.
    result = []
    for i in range(3):  # one array at a time, its chunks let go
        result.append(np.concatenate(out[i]) if out[i] else np.zeros(0, np.int32))
        out[i] = []
    return vocab, result[0], result[1], result[2], length


def _count_chunk(values: list[str], offset: int) -> _Counted:
    text, starts = _joined(values)
    cps = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    cls = CLASS[cps]
    n = len(cps)

    # Bigram runs: pairs inside runs, single characters for runs of one.
    big = cls == BIG
    nxt = np.r_[big[1:], False]
    prv = np.r_[False, big[:-1]]
    pair_pos = np.flatnonzero(big & nxt)
    single_pos = np.flatnonzero(big & ~nxt & ~prv)
    keys = np.concatenate([cps[pair_pos].astype(np.int64) * PAIR + cps[pair_pos + 1],
                           cps[single_pos].astype(np.int64)])
    key_pos = np.concatenate([pair_pos, single_pos])
    del big, nxt, prv, pair_pos, single_pos  # Seoul scale: ~25M characters, keep the peak down

    # Words: a mark belongs to a word when the last non-mark before it is a word character.
    last = np.maximum.accumulate(np.where(cls != MARK, np.arange(n, dtype=np.int32), -1))
    wordish = (cls == WORD) | ((cls == MARK) & (last >= 0) & (cls[np.maximum(last, 0)] == WORD))
    wprev = np.r_[False, wordish[:-1]]
    wnext = np.r_[wordish[1:], False]
    w_start = np.flatnonzero(wordish & ~wprev)
    w_end = np.flatnonzero(wordish & ~wnext) + 1
    words = [text[a:b] for a, b in zip(w_start.tolist(), w_end.tolist(), strict=True)]
    del last, wordish, wprev, wnext
    # Word k continues a compound when one connector joins it to word k - 1.
    linked = np.zeros(len(w_start), dtype=bool)
    if len(w_start) > 1:
        linked[1:] = (w_start[1:] == w_end[:-1] + 1) & (cls[np.minimum(w_end[:-1], n - 1)] == CONN)
    comp_first = np.flatnonzero(~linked)
    comp_size = np.diff(np.r_[comp_first, len(w_start)])
    multi = comp_first[comp_size > 1]
    # A compound is its span without the connectors (words never contain one).
    last_word = multi + comp_size[comp_size > 1] - 1
    compounds = [text[a:b].translate(_DROP) for a, b in zip(w_start[multi].tolist(),
                                                            w_end[last_word].tolist(), strict=True)]
    word_terms = words + compounds
    n_word_occ = len(words)
    del cls, cps, words, compounds, text
    word_pos = np.concatenate([w_start, w_start[multi]]) if len(w_start) else np.zeros(0, np.int64)

    # One vocabulary per chunk: bigram keys stay integers (count_terms names them once).
    ukeys, key_code, _ = unique(keys)
    del keys
    word_code, word_vocab = pd.factorize(pd.Series(word_terms, dtype=object), sort=False)
    del word_terms
    # Codes go in first appearance: the words' distinct terms are 0 .. n_words - 1.
    n_words = int(word_code[:n_word_occ].max()) + 1 if n_word_occ else 0
    term = np.concatenate([key_code.reshape(-1), word_code.astype(np.int64) + len(ukeys)])
    pos = np.concatenate([key_pos, word_pos]).astype(np.int64)
    value = np.searchsorted(starts, pos, side="right") - 1
    length = np.bincount(value, minlength=len(values)).astype(np.int64)
    nv = max(len(ukeys) + len(word_vocab), 1)
    pair = np.sort(value * nv + term)
    new = np.r_[True, pair[1:] != pair[:-1]] if len(pair) else np.zeros(0, dtype=bool)
    tf = np.diff(np.r_[np.flatnonzero(new), len(pair)])
    pair = pair[new]
    # int32 while the other chunks are analysed (half the bytes), and as count_terms returns them
    return _Counted(ukeys, np.asarray(word_vocab.tolist(), dtype=object).reshape(-1), n_words,
                    (pair % nv).astype(np.int32), (pair // nv + offset).astype(np.int32),
                    tf.astype(np.int32), length)
