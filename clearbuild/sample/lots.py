"""Tenders divided into lots (분할 발주): a few notices award several contracts, one per lot.

A lotted notice is made of consecutive competitive contracts (never a project's works contract):
the first is the head, whose agency, kind and work type the others take; each contract is one
lot with its own bidders, winner and estimate, and the notice's estimate is the sum of its lots'.
Everything is drawn up front as whole columns, so the choice is deterministic for a seed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SHARE = 0.05  # chance that an awarded notice starts a lotted group: ~4% of notices end up in lots
MIN_LOTS, MAX_LOTS = 2, 4


@dataclass
class Lots:
    head: np.ndarray  # per contract: the contract heading its notice (itself if alone), -1 sole-source
    lot: np.ndarray  # per contract: its lot number 1..k in a lotted notice, 0 otherwise
    competitive: np.ndarray  # per contract: tendered (the input, plus the contracts tendered more)

    def members(self) -> np.ndarray:
        """Contracts that are a later lot of another contract's notice."""
        return np.flatnonzero(self.lot > 1)

    def size(self) -> np.ndarray:
        """Per contract: the number of lots of its notice (1 when undivided, 0 sole-source)."""
        counts = np.bincount(self.head[self.head >= 0], minlength=len(self.head))
        return np.where(self.head >= 0, counts[np.maximum(self.head, 0)], 0)


def group(rng: np.random.Generator, competitive: np.ndarray, first: int) -> Lots:
    """Group competitive contracts from index ``first`` on (the ones before are projects' works
    contracts, tendered alone) into lotted notices. A later lot shares its head's notice, so as
    many sole-source contracts (when there are) become single tenders: the number of notices with
    a contract stays what was asked, and no awarded notice is left without its contract."""
    n = len(competitive)
    competitive = competitive.copy()
    head = np.where(competitive, np.arange(n), -1)
    lot = np.zeros(n, dtype=np.int64)
    cand = np.flatnonzero(competitive[first:]) + first
    start = rng.random(len(cand)) < SHARE
    k = rng.integers(MIN_LOTS, MAX_LOTS + 1, len(cand))
    i = 0
    while i < len(cand):
        if start[i] and i + k[i] <= len(cand):
            members = cand[i:i + k[i]]
            head[members] = cand[i]
            lot[members] = np.arange(1, k[i] + 1)
            i += int(k[i])
        else:
            i += 1
    spare = np.flatnonzero(~competitive[first:]) + first
    more = rng.choice(spare, min(int((lot > 1).sum()), len(spare)), replace=False)
    competitive[more] = True
    head[more] = more
    return Lots(head, lot, competitive)
