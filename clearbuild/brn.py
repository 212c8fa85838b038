"""Korean business registration numbers (사업자등록번호): the National Tax Service check digit.

The one Python implementation (ingest, the sample generator and the synthetic search corpus use
it); theme/static/js/contracts-lookup.js has the browser's copy, and tests/test_contracts_browser
checks the two agree on the fixture's numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)


def check_digit(prefix: str | list[int]) -> int:
    """The tenth digit of a number whose first nine digits are ``prefix``."""
    d = [int(c) for c in prefix]
    s = sum(w * x for w, x in zip(WEIGHTS, d, strict=True)) + (d[8] * 5) // 10
    return (10 - s % 10) % 10


def valid(digits: str) -> bool:
    """Ten digits whose last is the check digit of the first nine."""
    return len(digits) == 10 and digits.isascii() and digits.isdigit() and \
        check_digit(digits[:9]) == int(digits[9])


def check_digits(prefixes: np.ndarray) -> np.ndarray:
    """Vectorised ``check_digit`` over the rows of an n×9 integer array (the sample generator)."""
    import numpy as np  # here: the admin command checks numbers without loading numpy

    s = prefixes @ np.array(WEIGHTS) + (prefixes[:, 8] * 5) // 10
    return (10 - s % 10) % 10
