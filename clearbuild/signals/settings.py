"""Every threshold of every indicator, as a CB_SIGNALS_* setting with its default, in one place.

The defaults follow Korean public-contract rules as we read them (docs/signals.md names each
article); a deployment elsewhere, or a stricter auditor, changes them in pelicanconf.py.
Amounts are in the export's money unit (KRW won for Seoul).
"""

from __future__ import annotations

from typing import Any

from .. import config

DEFAULTS: dict[str, Any] = {
    "CB_SIGNALS_DISABLED": [],  # indicator ids not computed at all
    # single-bidder: at most this many valid (not disqualified) bids.
    "CB_SIGNALS_SINGLE_BIDDER_MAX_BIDS": 1,
    # direct-award / split-contracts: methods that are not a competition.
    "CB_SIGNALS_DIRECT_METHODS": ["sole_source"],
    # direct-award: flag direct awards whose estimated price is above this; None: above the
    # competitive-tender threshold of their kind (CB_SIGNALS_COMPETITIVE_THRESHOLDS); 0: all.
    "CB_SIGNALS_DIRECT_AWARD_MIN_AMOUNT": None,
    # Estimated price (추정가격, VAT excluded) above which a contract needs a competitive tender:
    # 지방계약법 시행령 제25조 제1항 제5호. Looked up by work_type, then by kind.
    "CB_SIGNALS_COMPETITIVE_THRESHOLDS": {
        "general_works": 400_000_000,  # 종합공사
        "construction_works": 200_000_000,  # 전문공사
        "electrical_works": 160_000_000,  # 전기공사
        "telecom_works": 160_000_000,  # 정보통신공사
        "fire_works": 160_000_000,  # 소방시설공사
        "construction": 80_000_000,  # 그 밖의 공사
        "services": 20_000_000,
        "goods": 20_000_000,
    },
    # Contract amounts include VAT; the legal limits are on the price without it.
    "CB_SIGNALS_VAT_RATE": 0.1,
    # short-tender: minimum days from publication to the submission deadline, by kind, as
    # [estimated price from, days] steps (지방계약법 시행령 제33조 / 국가계약법 시행령 제35조).
    "CB_SIGNALS_TENDER_MIN_DAYS": {
        "construction": [[0, 7], [1_000_000_000, 15], [5_000_000_000, 40]],
        "services": [[0, 7]],
        "goods": [[0, 7]],
    },
    # bid-near-estimate: winning bid at or above this share of the estimated price.
    "CB_SIGNALS_BID_NEAR_ESTIMATE_PCT": 99.5,
    # Disqualification reasons (substrings) that are routine, not a judgement on the bidder:
    # bids under the floor rate (낙찰하한율) are set aside by formula in every Korean tender.
    "CB_SIGNALS_ROUTINE_REASONS": ["낙찰하한율 미만"],
    # lowest-disqualified: the winner's bid exceeds the disqualified lowest bid by more than this.
    "CB_SIGNALS_LOWEST_DISQUALIFIED_MIN_GAP_PCT": 0.0,
    # all-but-winner-disqualified: at least this many bids, every one but the winner's refused.
    "CB_SIGNALS_ALL_BUT_WINNER_MIN_BIDS": 3,
    # identical-bids: at least this many bids of one notice with the very same amount.
    "CB_SIGNALS_IDENTICAL_BIDS_MIN": 2,
    # close-second-bid (Cardinal R024): quartiles are computed only over at least this many tenders.
    "CB_SIGNALS_CLOSE_BID_MIN_TENDERS": 20,
    # split-contracts: direct awards by one agency to one company within this many days...
    "CB_SIGNALS_SPLIT_WINDOW_DAYS": 30,
    # ...at least this many of them, each under the competitive threshold, together above it.
    "CB_SIGNALS_SPLIT_MIN_CONTRACTS": 2,
    # cost-overrun: value grown by more than this percentage through amendments or design changes.
    "CB_SIGNALS_COST_OVERRUN_PCT": 10.0,
    # time-overrun: finished (or still open) more than this many days after the planned end.
    "CB_SIGNALS_TIME_OVERRUN_DAYS": 30,
    # progress-lag: latest actual progress more than this many points behind plan.
    "CB_SIGNALS_PROGRESS_LAG_POINTS": 10.0,
    # many-changes: at least this many design changes (projects) or amendments (contracts).
    "CB_SIGNALS_MANY_CHANGES": 3,
    # unexplained-change: a reason shorter than this many characters counts as none ('-', '.').
    "CB_SIGNALS_UNEXPLAINED_MIN_CHARS": 2,
    # late-payment: days a claim may wait; None: CB_OVERDUE_DAYS (15, 건설산업기본법 제34조).
    "CB_SIGNALS_PAYMENT_DAYS": None,
    "CB_SIGNALS_LATE_PAYMENT_KINDS": ["subcontractor", "equipment", "materials"],
    # late-agency-payment: days an agency has to pay a contractor's claim; None: the contract
    # pages' CB_CONTRACT_PAYMENT_DAYS (5, 지방계약법 시행령 제67조), counted as they count it.
    "CB_SIGNALS_AGENCY_PAYMENT_DAYS": None,
    # unpaid-wages: days a wage claim may stay unpaid or short; None: CB_OVERDUE_DAYS.
    "CB_SIGNALS_WAGE_DAYS": None,
    # Pages (cb_signals plugin): bars per chart on /signals/agencies/, and the least number of
    # contracts an agency or company needs before its rates are charted (tiny counts mislead).
    "CB_SIGNALS_CHART_BARS": 15,
    "CB_SIGNALS_RATE_MIN_CONTRACTS": 10,
    # Longest list of flagged records on one page; longer lists split by year, then into parts.
    "CB_SIGNALS_PAGE_ROWS": 250,
}

# Settings whose None means "use this core setting".
FALLBACK = {"CB_SIGNALS_PAYMENT_DAYS": "CB_OVERDUE_DAYS", "CB_SIGNALS_WAGE_DAYS": "CB_OVERDUE_DAYS",
            "CB_SIGNALS_AGENCY_PAYMENT_DAYS": "CB_CONTRACT_PAYMENT_DAYS"}


def setting(settings: dict[str, Any], name: str) -> Any:
    value = settings.get(name, DEFAULTS[name])
    if value is None and name in FALLBACK:
        return config.setting(settings, FALLBACK[name])
    return value
