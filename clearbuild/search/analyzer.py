"""The Korean-aware analysis chain, shared by the index builder, the CLI and (as a whoosh
Tokenizer) anything that wants a whoosh schema.

Why a tokenizer of our own: Korean writes particles onto words (서울시가, 서울시의), so whole
"words" never match across sentences; character bigrams over Hangul runs do (서울 울시 | 시가).
The browser must cut text into exactly the same terms, so the rules are few and stated here and in
theme/static/js/search.js, and tests/test_search_tokens.py runs both over the same strings:

1. NFKC, then lower case (full-width ＡＢＣ１２３ -> abc123, compatibility jamo compose), then
   folding for readers who type without accents: the combining marks on Latin letters go
   (Vietnamese: "hải châu" -> "hai chau"; ơ -> o, ư -> u) and đ becomes d ("Đà Nẵng" -> "da
   nang"); an apostrophe (' ’ ʼ) between two letters outside the bigram blocks is dropped
   (Ukrainian "сім’я", "сім'я", "сімʼя" -> "сімя"). Cyrillic letters keep their marks (й, ї).
   Text with none of those characters (all Korean text) is left exactly as NFKC made it.
2. A *bigram run* is a run of letters in the Hangul, kana and CJK ideograph blocks (``BIGRAM``):
   it yields its overlapping character pairs; a run of one character yields that character.
3. A *word* is a run of other letters and numbers (general categories L and N), combining marks
   (M) continuing it. Words joined by single connectors (``-_./,`` and dashes) form a compound:
   each word is a term and, when there are several, so is their concatenation, which makes ids
   and business numbers exact terms with or without hyphens (123-45-67890 -> 123, 45, 67890,
   1234567890).
4. Everything else (spaces, punctuation, symbols, emoji) separates.

Character classes come from this Python's Unicode database; the browser's may be newer, so
characters assigned after Unicode 14 may tokenize differently there (none occur in our data).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterator

from whoosh.analysis import Token, Tokenizer

# Blocks whose letters are cut into bigrams: Hangul jamo, compatibility jamo, syllables, jamo
# extensions, kana, CJK ideographs (Hanja) and their extensions.
BIGRAM = (
    (0x1100, 0x11FF), (0x3040, 0x30FF), (0x3130, 0x318F), (0x31F0, 0x31FF), (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7A3), (0xD7B0, 0xD7FF), (0xF900, 0xFAFF),
    (0x20000, 0x3FFFF),
)
CONNECTORS = "-_./,\u2010\u2011\u2012\u2013\u2212"


def _in_bigram(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in BIGRAM)


def _ranges(cps: list[int]) -> str:
    """A regex character-class body for sorted code points, as ranges."""
    out: list[str] = []
    i = 0
    while i < len(cps):
        j = i
        while j + 1 < len(cps) and cps[j + 1] == cps[j] + 1:
            j += 1
        lo, hi = cps[i], cps[j]
        out.append(re.escape(chr(lo)) if lo == hi else f"{re.escape(chr(lo))}-{re.escape(chr(hi))}")
        i = j + 1
    return "".join(out)


def _classes() -> tuple[list[int], list[int], list[int]]:
    bigram: list[int] = []
    word: list[int] = []
    mark: list[int] = []
    category = unicodedata.category
    for cp in range(sys.maxunicode + 1):
        major = category(chr(cp))[0]
        if major == "L":
            (bigram if _in_bigram(cp) else word).append(cp)
        elif major == "N":
            if not _in_bigram(cp):
                word.append(cp)
        elif major == "M":
            mark.append(cp)
    return bigram, word, mark


# Code points by class: BIGRAM letters, WORD characters, combining MARKs (vector.py reuses them).
BIGRAM_CPS, WORD_CPS, MARK_CPS = _classes()
_B, _W, _M = _ranges(BIGRAM_CPS), _ranges(WORD_CPS), _ranges(MARK_CPS)
_WORD = f"[{_W}][{_W}{_M}]*"
TOKEN_RE = re.compile(f"(?P<b>[{_B}]+)|(?P<w>{_WORD}(?:[{re.escape(CONNECTORS)}]{_WORD})*)")
_SPLIT = re.compile(f"[{re.escape(CONNECTORS)}]")


# Letters beside which an apostrophe is dropped: category L outside the bigram blocks, except
# the modifier apostrophe itself (so "aʼʼb" reads the same in both implementations).
_LETTERS = _ranges([cp for cp in WORD_CPS if unicodedata.category(chr(cp))[0] == "L" and cp != 0x2BC])
_APOSTROPHE = re.compile(f"(?<=[{_LETTERS}])['\u2019\u02bc](?=[{_LETTERS}])")
_FOLD = re.compile("[\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f'\u2019\u02bc]")
_LATIN_MARKS = re.compile("([a-z])[\u0300-\u036f]+")


def fold(norm: str) -> str:
    """Accents off Latin letters, đ -> d, apostrophes inside words out (rule 1)."""
    norm = norm.replace("\u0111", "d")
    norm = unicodedata.normalize("NFC", _LATIN_MARKS.sub(r"\1", unicodedata.normalize("NFD", norm)))
    return _APOSTROPHE.sub("", norm)


def normalize(text: str) -> str:
    norm = unicodedata.normalize("NFKC", text).lower()
    return fold(norm) if _FOLD.search(norm) else norm


def spans(norm: str) -> Iterator[tuple[str, int, int]]:
    """(term, start, end) over already-normalised text; compounds span all their parts."""
    for m in TOKEN_RE.finditer(norm):
        run = m.group("b")
        start = m.start()
        if run is not None:
            if len(run) == 1:
                yield run, start, start + 1
            else:
                for i in range(len(run) - 1):
                    yield run[i:i + 2], start + i, start + i + 2
            continue
        word = m.group("w")
        parts = _SPLIT.split(word)
        pos = start
        for p in parts:
            yield p, pos, pos + len(p)
            pos += len(p) + 1
        if len(parts) > 1:
            yield "".join(parts), start, m.end()


def tokens(text: str | None) -> list[str]:
    """Every term of a text in order, repeats kept (term frequency counts them)."""
    if not text:
        return []
    return [t for t, _, _ in spans(normalize(text))]


def query_terms(text: str) -> list[str]:
    """A query's distinct terms in first-seen order: what both the browser and the CLI look up."""
    return list(dict.fromkeys(tokens(text)))


def fnv1a(text: str) -> int:
    """32-bit FNV-1a over UTF-8 bytes: the shard a term lives in, computed the same in search.js."""
    h = 0x811C9DC5
    for b in text.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


class KoreanTokenizer(Tokenizer):
    """The same rules as a whoosh Tokenizer, so a whoosh schema (``analyzer()``) agrees with the
    static index. Character offsets refer to the normalised text."""

    def __call__(self, value: str, positions: bool = False, chars: bool = False,
                 keeporiginal: bool = False, removestops: bool = True, start_pos: int = 0,
                 start_char: int = 0, tokenize: bool = True, mode: str = "", **kwargs: object
                 ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        norm = normalize(value)
        if not tokenize:
            t.original = t.text = norm
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        for i, (term, s, e) in enumerate(spans(norm)):
            t.text = term
            t.boost = 1.0
            if keeporiginal:
                t.original = term
            t.stopped = False
            if positions:
                t.pos = start_pos + i
            if chars:
                t.startchar, t.endchar = start_char + s, start_char + e
            yield t


def analyzer() -> KoreanTokenizer:
    return KoreanTokenizer()
