"""python -m clearbuild.sample OUT_DIR [--seed N] [--projects N] ... : write a sample export."""

from __future__ import annotations

import argparse
import sys
import time

from . import DEFAULT_SEED, SampleError, generate


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m clearbuild.sample",
                                description="Write a seeded, realistic Seoul export (CSV + photos).")
    p.add_argument("out_dir")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--projects", type=int, default=300)
    p.add_argument("--contracts", type=int, default=5000)
    p.add_argument("--companies", type=int, default=2000)
    p.add_argument("--notices", type=int, default=None, help="default: 79%% of contracts")
    p.add_argument("--plans", type=int, default=None, help="default: 90%% of notices")
    p.add_argument("--apartments", type=int, default=40)
    p.add_argument("--documents", type=int, default=2000, help="apartment documents")
    p.add_argument("--no-photos", action="store_true", help="no photo files (and no photo rows)")
    a = p.parse_args(argv)
    t0 = time.perf_counter()
    try:
        counts = generate(a.out_dir, seed=a.seed, projects=a.projects, contracts=a.contracts,
                          companies=a.companies, notices=a.notices, plans=a.plans, apartments=a.apartments,
                          apartment_documents=a.documents, photos=not a.no_photos)
    except SampleError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    rows = sum(counts.values())
    print(" ".join(f"{k}={v}" for k, v in counts.items()))
    print(f"wrote {rows:,} rows to {a.out_dir} in {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
