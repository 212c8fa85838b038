"""A seeded fake Dataset for the search tests: synthetic Seoul-like distractors
(clearbuild.search.synthetic) plus a few hand-written records whose right answers are known."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from clearbuild.search import synthetic

PROJECT = {"project_id": "P-77", "name": "세종대로 보행환경 개선사업", "agency": "서울특별시",
           "category": "road", "district_code": "11140", "budget": 4_200_000_000,
           "start_date": "2025-03-01", "status": "in_progress", "contract_id": "C-2025-004211",
           "description": "세종대로 일대 보도 확장과 횡단보도 개선"}
COMPANY = {"company_id": "1208147521", "name": "한빛종합건설(주)", "district_code": "11680",
           "address": "서울특별시 강남구 테헤란로 1", "industry": "토목"}
CONTRACT = {"contract_id": "C-2025-004211", "agency": "서울특별시", "title": "세종대로 보행환경 개선공사",
            "kind": "construction", "method": "open", "company_id": "1208147521",
            "amount": 3_900_000_000, "signed_at": "2025-02-11", "project_id": "P-77"}
LATIN = {"project_id": "P-78", "name": "LH공사2024년 Gangnam Smart Crosswalk", "agency": "LH",
         "category": "road", "district_code": "11680", "budget": 10_000_000,
         "start_date": "2024-05-01", "status": "planned"}
HIDDEN_DOC = {"doc_id": "AD-SECRET", "complex_id": "A00000", "title": "비공개 회의록 비밀단어",
              "kind": "other", "date": "2025-01-01", "public": False}


def tables(seed: int = 7, scale: int = 1) -> dict[str, pd.DataFrame]:
    t = synthetic.tables(seed=seed, contracts=600 * scale, notices=150 * scale,
                         companies=200 * scale, projects=40 * scale, plans=60 * scale,
                         apartment_documents=60 * scale)
    add = {"projects": [PROJECT, LATIN], "companies": [COMPANY], "contracts": [CONTRACT],
           "apartment_documents": [HIDDEN_DOC]}
    for name, rows in add.items():
        t[name] = pd.concat([t[name], pd.DataFrame(rows)], ignore_index=True)
    return t


def dataset(seed: int = 7) -> SimpleNamespace:
    return SimpleNamespace(tables=tables(seed))


class Page:
    """What the plugin reads from a Pelican content page."""

    def __init__(self, slug: str, title: str, content: str, url: str) -> None:
        self.slug, self.title, self.content, self.url = slug, title, content, url
        self.date = None


PAGES = [Page("about", "이 사이트에 대하여",
              "<p>서울시 공공공사 정보를 <b>공개</b>합니다.</p><script>var hidden = '스크립트단어';</script>",
              "pages/about/index.html"),
         Page("methodology", "Methodology", "<p>How we compute <em>overruns</em>.</p>",
              "pages/methodology/")]
