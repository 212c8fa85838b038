"""Page input hashes depend on values only: never on which objects happen to be shared.

Regression: with pickle's memo, 1% of rows changed at Seoul's size gave every page a new hash
(equal strings read from a CSV are one object or several depending on the parser's chunks), so
an incremental night re-rendered all 368,404 pages.
"""

from __future__ import annotations

from clearbuild.pagehash import Job, job_hash


def fresh(text: str) -> str:
    return "".join(list(text))  # an equal string that is a new object


def contract(shared: bool) -> dict:
    agency = fresh("서울특별시 도시기반시설본부")
    other = agency if shared else fresh(agency)
    record = {"contract_id": "C-1", "agency": agency, "title": fresh("도로 포장 공사")}
    rows = [{"agency": other, "amount": i} for i in range(70)]  # long enough to be hashed once
    return {"contract": record, "rows": rows, "notes": [agency, other], "company": {"name": other}}


def hashed(context: dict) -> str:
    return job_hash("fp", Job("contract.html", "contracts/C-1/index.html", context), [], {})


def test_equal_values_hash_equal_whatever_they_share() -> None:
    shared, apart = contract(shared=True), contract(shared=False)
    assert shared["notes"][0] is shared["notes"][1] and apart["notes"][0] is not apart["notes"][1]
    assert hashed(shared) == hashed(apart)


def test_a_changed_value_changes_the_hash() -> None:
    changed = contract(shared=True)
    changed["rows"][69]["amount"] = -1
    assert hashed(changed) != hashed(contract(shared=True))
    changed = contract(shared=True)
    changed["company"]["name"] = "다른 회사"
    assert hashed(changed) != hashed(contract(shared=True))


def test_cyclic_values_are_hashed_not_fatal() -> None:
    loop: list = [1]
    loop.append(loop)
    first, second = hashed({"loop": loop}), hashed({"loop": loop})
    assert first == second and len(first) == 64
