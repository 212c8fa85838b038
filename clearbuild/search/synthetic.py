"""Seeded synthetic tables shaped like Seoul's exports, for the benchmark and for tests before (or
besides) the bundled sample: realistic Korean titles made of real district and neighbourhood
names, so bigram statistics (공사 everywhere, 역삼 rare) resemble the real thing.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pandas as pd

from .. import brn, config

WORKS = ["도로포장", "보도블록 정비", "하수관로 정비", "빗물펌프장 증설", "교량 보수보강", "어린이공원 조성",
         "학교 내진보강", "경로당 신축", "주민센터 리모델링", "옹벽 보수", "가로등 교체", "자전거도로 설치",
         "방음벽 설치", "배수지 정비", "소하천 정비", "지하보도 개선", "공영주차장 건립", "체육관 증축",
         "도서관 신축", "상수도관 교체", "녹지대 조성", "횡단보도 개선", "버스정류장 개선", "산책로 정비"]
SUFFIX = ["공사", "공사", "공사", "설계용역", "감리용역", "물품구매", "유지보수 용역"]
AGENCIES = ["서울특별시", "서울시 도시기반시설본부", "서울시 상수도사업본부", "서울주택도시공사",
            "서울시설공단", "서울시 교육청", "한국토지주택공사(LH)"]
FIRM = ["한빛", "대명", "우진", "성원", "동아", "삼호", "청솔", "미래", "해솔", "금강", "태평", "신성",
        "보람", "대원", "한결", "새롬", "푸른", "다온", "가람", "누리"]
FIRM_SUFFIX = ["건설", "종합건설", "산업개발", "엔지니어링", "토건", "기술", "ENC", "전기", "조경"]
INDUSTRY = ["토목", "건축", "전기", "조경", "통신", "소방", "기계설비"]


def _brn(rng: random.Random) -> str:
    d = [rng.randrange(10) for _ in range(9)]
    return "".join(map(str, d)) + str(brn.check_digit(d))


def tables(seed: int = 1, contracts: int = 1000, notices: int = 250, companies: int = 350,
           projects: int = 15, plans: int = 100, apartment_documents: int = 100
           ) -> dict[str, pd.DataFrame]:
    rng = random.Random(seed)
    districts = config.districts({})
    codes = sorted(districts)
    geo = json.loads(Path(config.resolve("data/geo/seoul_submunicipalities_geo_simple.json"))
                     .read_text(encoding="utf-8"))
    dongs = sorted({f["properties"]["name"] for f in geo["features"]})

    def title(year: int) -> str:
        code = rng.choice(codes)
        return (f"{year}년 {districts[code]['name']} {rng.choice(dongs)} {rng.choice(WORKS)} "
                f"{rng.choice(SUFFIX)}")

    comp = []
    seen = set()
    while len(comp) < companies:
        b = _brn(rng)
        if b in seen:
            continue
        seen.add(b)
        name = f"{rng.choice(['(주)', '', '주식회사 '])}{rng.choice(FIRM)}{rng.choice(FIRM)}" \
               f"{rng.choice(FIRM_SUFFIX)}"
        code = rng.choice(codes)
        comp.append({"company_id": b, "name": name, "district_code": code,
                     "address": f"서울특별시 {districts[code]['name']} {rng.choice(dongs)} "
                                f"{rng.randint(1, 999)}-{rng.randint(1, 99)}",
                     "industry": rng.choice(INDUSTRY)})
    proj = [{"project_id": f"P-{2020 + i % 6}-{i:05d}", "name": title(2020 + i % 6),
             "agency": rng.choice(AGENCIES), "category": rng.choice(["road", "sewer", "park", "building"]),
             "district_code": rng.choice(codes), "budget": rng.randint(10**8, 5 * 10**10),
             "start_date": f"{2020 + i % 6}-{rng.randint(1, 12):02d}-01", "status": "in_progress"}
            for i in range(projects)]
    pl = [{"plan_id": f"PL-{i:06d}", "agency": rng.choice(AGENCIES), "title": title(2021 + i % 5),
           "kind": "construction", "planned_month": f"{2021 + i % 5}-{rng.randint(1, 12):02d}",
           "estimated_amount": rng.randint(10**7, 10**10)} for i in range(plans)]
    nt = [{"notice_id": f"R{2021 + i % 5}BK{i:08d}", "agency": rng.choice(AGENCIES),
           "title": title(2021 + i % 5), "kind": "construction", "method": "open",
           "published_at": f"{2021 + i % 5}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00",
           "estimated_price": rng.randint(10**7, 10**10)} for i in range(notices)]
    ct = []
    for i in range(contracts):
        year = 2019 + i % 7
        ct.append({"contract_id": f"C-{year}-{i:06d}", "agency": rng.choice(AGENCIES),
                   "title": title(year), "kind": "construction", "method": "open",
                   "company_id": comp[rng.randrange(len(comp))]["company_id"],
                   "amount": rng.randint(10**6, 10**10),
                   "signed_at": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                   "project_id": proj[i % len(proj)]["project_id"] if proj and i % 10 == 0 else None,
                   "notice_id": nt[i % len(nt)]["notice_id"] if nt and i % 3 == 0 else None})
    apts = [{"complex_id": f"A{i:05d}", "name": f"{rng.choice(dongs)} {rng.choice(FIRM)}아파트",
             "district_code": rng.choice(codes)} for i in range(max(1, apartment_documents // 20))]
    docs = [{"doc_id": f"AD-{i:06d}", "complex_id": apts[i % len(apts)]["complex_id"],
             "title": f"{rng.choice(['승강기 유지보수', '외벽 도장', '관리비 집행', '입주자대표회의'])} "
                      f"{rng.choice(['계약', '회의록', '품의서', '공고'])}",
             "kind": "other", "date": f"{2022 + i % 4}-{rng.randint(1, 12):02d}-01",
             "amount": rng.randint(10**5, 10**8), "public": True} for i in range(apartment_documents)]
    return {"companies": pd.DataFrame(comp), "projects": pd.DataFrame(proj),
            "procurement_plans": pd.DataFrame(pl), "bid_notices": pd.DataFrame(nt),
            "contracts": pd.DataFrame(ct), "apartments": pd.DataFrame(apts),
            "apartment_documents": pd.DataFrame(docs)}


SEOUL = {"contracts": 175000, "notices": 44000, "companies": 61000, "projects": 2600,
         "plans": 5000, "apartment_documents": 10000}
