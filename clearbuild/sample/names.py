"""Titles of projects, notices and contracts, in the forms Seoul's agencies write them.

Names carry particles and compounds (통학로의, 개선을 위한, 및) on purpose: the Korean search
analyzer has to find 보도 in 보도육교 and 초등학교 in 대청초등학교의.
"""

from __future__ import annotations

import numpy as np

from .places import Geo, dong_root
from .vocab import BRIDGES, GOODS_TITLES, SERVICE_TITLES, STATIONS, STREAMS, WASTE_TITLES

PROJECT_FORMS: dict[str, tuple[str, ...]] = {
    "road": ("{road} 보도 정비공사", "{road} 도로포장 보수공사", "{dong} 일대 보행환경 개선공사",
             "어린이 안전을 위한 {root}초등학교 통학로 개선공사", "{road} 교통섬 및 횡단보도 개선공사",
             "{dist} 이면도로 포장 정비공사", "{road} 일대의 노후 보도 정비공사"),
    "bridge": ("{bridge} 내진보강공사", "{bridge} 보수·보강공사", "{stream} {root}교 재가설공사",
               "{road} 보도육교 철거 및 횡단보도 설치공사"),
    "building": ("{dong} 주민센터 신축공사", "{dist} 구립도서관 리모델링공사", "{root} 공공임대주택 건립공사",
                 "{dist} 복합청사 건립공사", "{root} 국공립어린이집 증축공사",
                 "{dist} 보건소 그린리모델링공사"),
    "water": ("{dong} 일대 노후 상수도관 교체공사", "{root} 배수지 정비공사", "{road} 상수도관 이설공사"),
    "sewer": ("{dong} 일대 하수관로 정비공사", "{root} 빗물펌프장 증설공사", "{road} 하수암거 보수공사",
              "{dist} 침수취약지역의 하수관로 개량공사"),
    "park": ("{root}근린공원 조성공사", "{dong} 어린이공원 재조성공사", "{root} 숲길 정비공사",
             "{dist} 소공원 무장애 산책로 조성공사"),
    "river": ("{stream} 생태하천 복원공사", "{stream} 수질 개선 및 산책로 정비공사", "{stream} 제방 보강공사",
              "{stream} {root} 구간 호안 정비공사"),
    "rail": ("지하철 {line}호선 {station}역 승강편의시설 설치공사", "{station}역 환기설비 개량공사",
             "{station}역 스크린도어 교체공사", "{line}호선 {station}역 노후 전력설비 개량공사"),
    "school": ("{root}초등학교 내진보강공사", "{root}중학교 그린스마트 개축공사",
               "{root}고등학교 석면해체·제거공사", "{root}초등학교 다목적강당 증축공사"),
    "other": ("{dist} 공영주차장 조성공사", "{dong} 가로등 LED 교체공사", "{dist} 자원회수시설 개선공사",
              "{root} 전기차 충전소 설치공사"),
}
SCOPE: dict[str, str] = {
    "road": "연장 L={a}m, 폭 B={b}m 보도 포장 및 경계석 교체",
    "bridge": "교량 연장 L={a}m, 받침 교체 및 내진 보강 {b}개소",
    "building": "연면적 {a}㎡, 지하 {c}층 지상 {b}층 철근콘크리트조",
    "water": "상수도관 D{b}mm, L={a}m 교체",
    "sewer": "하수관로 D{b}mm, L={a}m 개량 및 맨홀 {c}개소 정비",
    "park": "면적 {a}㎡ 공원 조성, 산책로 {b}m",
    "river": "하천 구간 L={a}m 정비, 호안 {b}m",
    "rail": "승강기 {c}대, 설비 개량 {b}식",
    "school": "교사동 연면적 {a}㎡ 내진 보강 및 개축",
    "other": "시설 {c}개소 설치, 부대공사 {b}식",
}


def pick_of(table: dict[str, tuple[str, ...]], code: str, r: int, default: str) -> str:
    options = table.get(code, (default,))
    return options[r % len(options)]


class Namer:
    """Fills title forms with the places of a row's district, deduplicating with (2차), (3차)."""

    def __init__(self, g: Geo, rng: np.random.Generator):
        self.g = g
        self.rng = rng
        self.seen: dict[str, int] = {}
        self.dong_names = {code: [d.name for d in g.dongs_of(code).values()] or [g.districts[code].name]
                           for code in g.codes}

    def _fields(self, code: str, r: int) -> dict[str, str]:
        dongs = self.dong_names[code]
        dong = dongs[r % len(dongs)]
        roads = self.g.roads(code)
        stations = STATIONS.get(code, ((self.g.districts[code].name[:-1], 1),))
        station, line = stations[(r >> 8) % len(stations)]
        return {"dist": self.g.districts[code].name, "dong": dong, "root": dong_root(dong),
                "road": roads[(r >> 4) % len(roads)], "stream": pick_of(STREAMS, code, r >> 6, "한강"),
                "station": station, "line": str(line),
                "bridge": pick_of(BRIDGES, code, r >> 12, dong_root(dong) + "고가차도")}

    def unique(self, name: str) -> str:
        k = self.seen.get(name, 0) + 1
        self.seen[name] = k
        return name if k == 1 else f"{name}({k}차)"

    def projects(self, categories: np.ndarray, district_idx: np.ndarray,
                 dongs: np.ndarray | None = None) -> list[str]:
        n = len(categories)
        r = self.rng.integers(0, 2**30, n)
        form = self.rng.integers(0, 64, n)
        out = []
        for i in range(n):
            code = self.g.codes[district_idx[i]]
            f = self._fields(code, int(r[i]))
            if dongs is not None and dongs[i] in self.g.dongs:  # name it after where it is
                f["dong"] = self.g.dongs[dongs[i]].name
                f["root"] = dong_root(f["dong"])
            forms = PROJECT_FORMS[categories[i]]
            name = forms[form[i] % len(forms)].format(**f)
            out.append(self.unique(name))
        return out

    def procurement(self, kinds: np.ndarray, work_types: np.ndarray, district_idx: np.ndarray,
                    agencies: np.ndarray, categories: np.ndarray, years: np.ndarray) -> list[str]:
        """Titles of notices and contracts that build no Allimi project."""
        n = len(kinds)
        r = self.rng.integers(0, 2**30, n)
        form = self.rng.integers(0, 64, n)
        year_prefix = self.rng.random(n) < 0.35
        out = []
        for i in range(n):
            code = self.g.codes[district_idx[i]]
            f = self._fields(code, int(r[i]))
            if kinds[i] == "construction":
                forms = PROJECT_FORMS[categories[i]]
                title = forms[form[i] % len(forms)].format(**f)
            else:
                forms = (GOODS_TITLES if kinds[i] == "goods"
                         else WASTE_TITLES if work_types[i] == "waste_services" else SERVICE_TITLES)
                short = PROJECT_FORMS[categories[i]][form[i] % 3].format(**f).removesuffix("공사").rstrip()
                title = forms[form[i] % len(forms)].format(d=f["dist"], p=short, a=agencies[i],
                                                           r=f["road"], s=f["stream"])
            if year_prefix[i]:
                title = f"{years[i]}년 {title}"
            out.append(title)
        return out

    def descriptions(self, names: list[str], categories: np.ndarray) -> list[str]:
        n = len(names)
        a = self.rng.integers(12, 250, n) * 10
        b = self.rng.integers(2, 12, n)
        cc = self.rng.integers(1, 6, n)
        pipes = np.isin(categories, ["water", "sewer"])  # b is a pipe diameter there
        b = np.where(pipes, b * 100, b)
        return [f"{names[i]}: {SCOPE[categories[i]].format(a=a[i], b=b[i], c=cc[i])}" for i in range(n)]
