"""The Python analyzer, its whoosh Tokenizer, the vectorised column analyser and the browser's
tokenizer (search.js under node) must cut every text into the same terms: a query term the index
never produced finds nothing. Hand-picked tricky strings plus a seeded random fuzz."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from clearbuild.search import analyzer, vector

NODE_SCRIPT = Path(__file__).with_name("search_node.mjs")

TRICKY = [
    "서울시가 도로공사를", "서울시의 도로", "서울시", "가", "가 나 다", "LH공사2024년", "2024년도 예산",
    "123-45-67890", "1234567890", "C-2024-0001", "R25BK00012345-000", "P-1", "a--b", "-x-", "x.",
    "３．５억", "1,234,000원", "10:30", "2024.01.05", "e-mail", "ＡＢＣ１２３", "ｶﾀｶﾅ", "①②③", "x²",
    "Ⅻ", "ﬁle", "🏗️공사 👷🏽‍♀️ 🇰🇷", "공사🚧중", "ㅋㅋㅋ", "ㄱㅏ", "ᄒᆞᆫ글", "\u1112\u1161\u11ab", "漢字語 韓國",
    "大韓民國 서울特別市", "ひらがな カタカナ", "İstanbul", "ΟΔΟΣ ΟΔΟΣ.", "Straße", "naïve café",
    "e\u0301cole", "a-\u0301b", "\u0301a", "नमस्ते दुनिया", "สวัสดีครับ", "٣٤٥ مرحبا", "tab\there\nnew",
    "__proto__ constructor hasOwnProperty", "<script>alert(1)</script>", "https://example.org/a?b=c",
    "(주)한빛건설 ㈜대명", "㈜", "㎡당 ㎞", "", "   ", "‐‑‒–—―−", "a‐b a‑b a‒b a–b a—b a−b",
    "ΣΑΣ ΑΣ", "ΑΣ",  # final sigma: the joined fast path must not change it across values
    # Partner cities: Vietnamese accents and đ fold, Ukrainian apostrophes inside words go.
    "Đà Nẵng", "đ Đ ĐÀ", "quận Hải Châu", "Ngũ Hành Sơn, Hòa Vang", "ơ ư Ơ Ư ữ ự", "Thành phố Hồ Chí Minh",
    "сім’я сім'я сімʼя", "Солом’янський район", "м. Київ, вул. Хрещатик, 22", "Ґанок їжак йод",
    "aʼʼb a'b'c 'a' ’ a’", "l'été", "e\u0301\u0323", "서울'시 서울’시", "Đà Nẵng 서울시가", "ǅ ǈ",
]
NUL = ["a\0b", "\0", "서울\0시"]


def node_tokens(texts: list[str]) -> list[list[str]]:
    node = shutil.which("node")
    assert node, "node is required for the token-parity test"
    out = subprocess.run([node, str(NODE_SCRIPT)], input=json.dumps({"tokens": texts}),
                         capture_output=True, text=True, check=True, timeout=60)
    return json.loads(out.stdout)


def fuzz(n: int = 400, seed: int = 11) -> list[str]:
    alphabet = list("서울시가의 도로공사ㄱㅏᄒᆞ漢字ab-_./,12３Ａ é\u0301\u200d👷🏽️ İΣς-‐–−,\t") + ["\U00020000"]
    alphabet += list("đĐẵơưệ'’ʼяїй\u0323")  # partner cities: folding and apostrophes
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(n)]


def test_python_and_browser_tokens_are_identical():
    texts = TRICKY + NUL + fuzz()
    js = node_tokens(texts)
    for text, theirs in zip(texts, js, strict=True):
        assert analyzer.tokens(text) == theirs, f"token mismatch for {text!r}"


def test_whoosh_tokenizer_gives_the_same_terms():
    a = analyzer.analyzer()
    for text in TRICKY:
        assert [t.text for t in a(text)] == analyzer.tokens(text), text
    spans = [(t.text, t.startchar, t.endchar) for t in a("서울시의 C-1", chars=True)]
    assert spans == [("서울", 0, 2), ("울시", 1, 3), ("시의", 2, 4), ("c", 5, 6), ("1", 7, 8), ("c1", 5, 8)]


@pytest.mark.parametrize("extra", [[], NUL], ids=["joined", "value-by-value"])
def test_vectorised_counts_equal_the_analyzer(extra):
    texts = TRICKY + fuzz(seed=12) + extra
    vocab, term, value, tf, length = vector.count_terms(texts)
    for i, text in enumerate(texts):
        mine = value == i
        got = Counter({vocab[t]: int(f) for t, f in zip(term[mine], tf[mine], strict=True)})
        want = Counter(analyzer.tokens(text))
        assert got == want, text
        assert length[i] == len(analyzer.tokens(text))


@pytest.mark.parametrize("text, terms", [
    ("서울시가", ["서울", "울시", "시가"]),
    ("서울시의", ["서울", "울시", "시의"]),
    ("가", ["가"]),
    ("LH공사2024년", ["lh", "공사", "2024", "년"]),
    ("123-45-67890", ["123", "45", "67890", "1234567890"]),
    ("ＡＢＣ１２３", ["abc123"]),
    ("ㄱㅏ", ["가"]),  # compatibility jamo compose under NFKC
    ("공사🚧중", ["공사", "중"]),
    ("a--b", ["a", "b"]),
    ("漢字語", ["漢字", "字語"]),
    ("Đà Nẵng", ["da", "nang"]),  # Vietnamese without accents finds the accented name
    ("Hải Châu", ["hai", "chau"]),
    ("Sơn Trà", ["son", "tra"]),
    ("сім’я", ["сімя"]), ("сім'я", ["сімя"]), ("сімʼя", ["сімя"]),  # Ukrainian apostrophes
    ("Солом’янський", ["соломянський"]),
    ("Київ", ["київ"]),  # Cyrillic is indexed as words, й and ї kept
    ("서울'시", ["서울", "시"]),  # no apostrophe folding beside Hangul
])
def test_rules(text, terms):
    assert analyzer.tokens(text) == terms


def test_text_without_foldable_characters_is_only_nfkc_lowered():
    """Korean (and ASCII) text is untouched by the partner-city folding."""
    import unicodedata

    for text in TRICKY[:40] + ["서울특별시 강남구 테헤란로 123", "(주)한빛건설"]:
        if not analyzer._FOLD.search(unicodedata.normalize("NFKC", text).lower()):
            assert analyzer.normalize(text) == unicodedata.normalize("NFKC", text).lower()


def test_particles_share_the_word_bigrams():
    assert set(analyzer.tokens("서울시")) <= set(analyzer.tokens("서울시가"))
    assert set(analyzer.tokens("서울시")) <= set(analyzer.tokens("서울시의"))


def test_business_number_matches_with_or_without_hyphens():
    assert "1234567890" in analyzer.tokens("사업자 123-45-67890")
    assert analyzer.query_terms("1234567890") == ["1234567890"]


def test_fnv_matches_search_js():
    terms = ["공사", "a", "1234567890", "漢字", "\U00020000x", "é"]
    script = ("const S=require(process.argv[1]);process.stdout.write(JSON.stringify("
              + json.dumps(terms) + ".map(S.fnv1a)))")
    js = Path(__file__).resolve().parent.parent / "theme" / "static" / "js" / "search.js"
    out = subprocess.run([shutil.which("node") or "node", "-e", script, str(js)], capture_output=True,
                         text=True, check=True, timeout=60)
    assert json.loads(out.stdout) == [analyzer.fnv1a(t) for t in terms]


@pytest.mark.parametrize("chunk", [1, 2, 7, 50])
def test_counts_in_chunks_are_the_counts_of_the_whole(chunk):
    # A term that is a compound in one chunk and a word in a later one, a value with no term,
    # NUL, repeats across chunks: the same vocabulary, pairs and lengths, array for array.
    texts = TRICKY + fuzz(seed=3) + ["", "C-1 c1", "c1", "C-1", "", "서울 C-1-2", "c12"] + NUL + TRICKY[:5]
    whole = vector.count_terms(texts, chunk=len(texts))
    parts = vector.count_terms(texts, chunk=chunk)
    assert len(whole[0]) == len(parts[0]) and list(whole[0]) == list(parts[0])
    for a, b in zip(whole[1:], parts[1:], strict=True):
        assert a.dtype == b.dtype and np.array_equal(a, b)
    assert vector.count_terms([], chunk=chunk)[0].tolist() == vector.count_terms([])[0].tolist()
