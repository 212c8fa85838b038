"""Korean words the sample is made of: agencies, places, firms, reasons, findings.

Why real names of roads, streams and agencies: search, maps and the Korean analyzer are tested
on this sample, and made-up syllables would not show how particles and compounds behave.
"""

from __future__ import annotations

CITY = "서울특별시"

# 24 city-level agencies; with the 25 district offices they make Seoul's 49 (issue 3).
# (name, type, categories it builds most)
CITY_AGENCIES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("서울특별시 도시기반시설본부", "city", ("road", "bridge", "rail")),
    ("서울특별시 상수도사업본부", "city", ("water",)),
    ("서울특별시 한강사업본부", "city", ("river", "park")),
    ("서울특별시 재무국", "city", ("building",)),
    ("서울특별시 안전총괄실", "city", ("bridge", "road")),
    ("서울특별시 도시교통실", "city", ("road", "other")),
    ("서울특별시 물순환안전국", "city", ("sewer", "river")),
    ("서울특별시 푸른도시여가국", "city", ("park",)),
    ("서울특별시 주택실", "city", ("building",)),
    ("서울특별시 기후환경본부", "city", ("other",)),
    ("서울특별시 균형발전본부", "city", ("building", "road")),
    ("서울특별시 문화본부", "city", ("building",)),
    ("서울주택도시공사", "corporation", ("building",)),
    ("서울교통공사", "corporation", ("rail",)),
    ("서울시설공단", "corporation", ("road", "other")),
    ("서울에너지공사", "corporation", ("other",)),
    ("서울농수산식품공사", "corporation", ("building",)),
    ("서울연구원", "institute", ("building",)),
    ("서울기술연구원", "institute", ("building",)),
    ("서울의료원", "institute", ("building",)),
    ("서울디지털재단", "institute", ("other",)),
    ("서울문화재단", "institute", ("building",)),
    ("서울시립대학교", "institute", ("building", "school")),
    ("서울특별시 보건환경연구원", "institute", ("building",)),
)

# Main roads per district (code of the KOSTAT 2013 boundary file -> roads).
ROADS: dict[str, tuple[str, ...]] = {
    "11010": ("종로", "율곡로", "자하문로"), "11020": ("세종대로", "을지로", "퇴계로"),
    "11030": ("한강대로", "이태원로", "백범로"), "11040": ("왕십리로", "고산자로", "성수이로"),
    "11050": ("능동로", "아차산로", "광나루로"), "11060": ("왕산로", "천호대로", "답십리로"),
    "11070": ("망우로", "동일로", "용마산로"), "11080": ("보문로", "동소문로", "정릉로"),
    "11090": ("도봉로", "삼양로", "솔매로"), "11100": ("도봉로", "방학로", "노해로"),
    "11110": ("동일로", "노원로", "한글비석로"), "11120": ("통일로", "연서로", "은평로"),
    "11130": ("연희로", "신촌로", "통일로"), "11140": ("월드컵로", "양화로", "마포대로"),
    "11150": ("목동로", "오목로", "신월로"), "11160": ("공항대로", "양천로", "강서로"),
    "11170": ("디지털로", "경인로", "구로중앙로"), "11180": ("시흥대로", "독산로", "가산로"),
    "11190": ("여의대로", "영중로", "도림로"), "11200": ("상도로", "노량진로", "사당로"),
    "11210": ("관악로", "남부순환로", "봉천로"), "11220": ("서초대로", "반포대로", "강남대로"),
    "11230": ("강남대로", "테헤란로", "도산대로"), "11240": ("올림픽로", "송파대로", "양재대로"),
    "11250": ("천호대로", "양재대로", "성내로"),
}
STREAMS = ("청계천", "중랑천", "안양천", "홍제천", "불광천", "탄천", "양재천", "우이천", "정릉천",
           "도림천", "성내천", "고덕천", "당현천", "묵동천")
STATIONS = ("강남", "신림", "홍대입구", "잠실", "사당", "노원", "수유", "합정", "신도림", "왕십리",
            "건대입구", "종로3가", "고속터미널", "구로디지털단지", "연신내", "천호", "목동", "상봉")
BRIDGES = ("성산대교", "양화대교", "마포대교", "한남대교", "동호대교", "성수대교", "영동대교",
           "잠실대교", "올림픽대교", "천호대교", "가양대교", "반포대교")

SURNAMES = ("김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권",
            "황", "안", "송", "류", "홍")
GIVEN = ("민준", "서연", "도윤", "지우", "하준", "서윤", "시우", "지민", "주원", "하은", "예준", "수아",
         "지호", "지유", "현우", "채원", "준서", "다은", "건우", "영숙", "정희", "상철", "미경", "성호")

# Company name stems and their romanisation (for e-mail and web addresses).
STEMS = (("한빛", "hanbit"), ("대성", "daesung"), ("우림", "woorim"), ("세진", "sejin"),
         ("동일", "dongil"), ("태영", "taeyoung"), ("한솔", "hansol"), ("금강", "geumgang"),
         ("신우", "shinwoo"), ("대원", "daewon"), ("청우", "chungwoo"), ("선진", "sunjin"),
         ("미래", "mirae"), ("정우", "jungwoo"), ("삼호", "samho"), ("경남", "kyungnam"),
         ("일신", "ilshin"), ("다온", "daon"), ("서광", "seogwang"), ("태광", "taegwang"),
         ("새한", "saehan"), ("한울", "hanul"), ("보광", "bogwang"), ("유진", "eugene"),
         ("제일", "jeil"), ("동방", "dongbang"), ("흥진", "heungjin"), ("하나", "hana"),
         ("에이스", "ace"), ("코리아", "korea"), ("그린", "green"), ("누리", "nuri"))
PLACE_PREFIX = (("", ""), ("서울", "seoul"), ("한강", "hangang"), ("남산", "namsan"),
                ("동부", "dongbu"), ("서부", "seobu"), ("중앙", "jungang"), ("한국", "hankook"))

# industry -> (performance-certificate kind it competes for, name forms, share of companies)
INDUSTRIES: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    ("종합건설업", "general_works", ("{s}건설(주)", "주식회사 {s}종합건설", "(주){s}건설"), 0.20),
    ("전문건설업", "construction_works", ("{s}토건(주)", "(주){s}산업개발", "{s}건업"), 0.25),
    ("전기공사업", "electrical_works", ("주식회사 {s}전기", "{s}전력(주)", "{s}전기공사"), 0.10),
    ("정보통신공사업", "telecom_works", ("(주){s}정보통신", "{s}통신(주)", "주식회사 {s}네트웍스"), 0.07),
    ("소방시설공사업", "fire_works", ("{s}소방(주)", "주식회사 {s}방재", "{s}소방설비"), 0.05),
    ("엔지니어링·설계용역업", "general_services",
     ("(주){s}엔지니어링", "{s}기술단(주)", "주식회사 {s}건축사사무소"), 0.12),
    ("폐기물처리업", "waste_services", ("{s}환경(주)", "주식회사 {s}자원", "{s}클린"), 0.04),
    ("물품제조·공급업", "goods", ("{s}산업(주)", "주식회사 {s}테크", "(주){s}"), 0.12),
    ("건설장비임대업", "goods", ("{s}중기(주)", "{s}장비임대"), 0.03),
    ("건설자재유통업", "goods", ("{s}자재(주)", "주식회사 {s}레미콘"), 0.02),
)

WORK_TYPES_BY_KIND = {
    "construction": (("general_works", 0.40), ("construction_works", 0.35), ("electrical_works", 0.12),
                     ("telecom_works", 0.07), ("fire_works", 0.06)),
    "services": (("general_services", 0.85), ("waste_services", 0.15)),
    "goods": (("goods", 1.0),),
}

SERVICE_TITLES = ("{d} 도로시설물 유지관리 용역", "{p} 기본 및 실시설계 용역", "{p} 건설사업관리용역",
                  "{d} 생활폐기물 수집·운반 대행 용역", "{a} 청사 시설관리 용역",
                  "{a} 정보시스템 유지보수 용역", "{r} 교통량 조사 용역", "{s} 수질 모니터링 용역",
                  "{d} 공원 녹지 관리 용역", "{d} 음식물류 폐기물 처리 용역",
                  "{r} 가로수 전정 및 병해충 방제 용역", "{a}의 업무용 차량 정비 용역")
WASTE_TITLES = ("{d} 생활폐기물 수집·운반 대행 용역", "{d} 음식물류 폐기물 처리 용역",
                "{d} 대형폐기물 수거 및 처리 용역", "{d} 건설폐기물 처리 용역")
GOODS_TITLES = ("{a} 업무용 PC 구매", "제설제(염화칼슘) 구매", "교통안전시설물 자재 구매",
                "{d} LED 보안등 구매", "전기버스 충전기 구매", "{a} 사무용 가구 구매",
                "{d} 스마트 쉼터 제작·설치", "폐쇄회로텔레비전(CCTV) 카메라 구매",
                "{s} 수질 측정기기 구매", "{a}의 방역소독 약품 구매")
ELIGIBILITY = ("서울특별시 소재 {i} 등록업체", "{i} 등록업체 (지역 제한 없음)",
               "중소기업자 간 경쟁제품: 중소기업만 참여 가능", "공동도급 허용 (분담이행방식)",
               "{i} 등록업체, 최근 3년 이내 유사 실적 보유", "")
DISQUALIFY = ("입찰보증금 미납", "등록 업종 미달", "입찰가격 산출내역서 미제출", "적격심사 점수 미달",
              "낙찰하한율 미만 투찰", "입찰참가자격 등록 마감 후 등록", "서류 위조")
# Reasons by what a change did: raised the amount, lowered it, or only moved the end date.
AMEND_REASONS = {"up": ("설계변경에 따른 물량 증가", "물가변동에 따른 계약금액 조정", "추가 과업 발생"),
                 "down": ("물량 감소에 따른 감액", "물량 정산에 따른 감액"),
                 "time": ("공사기간 연장(우기 및 민원)", "관계기관 협의 지연", "준공기한 조정")}
CHANGE_REASONS = {"up": ("지장물 발견에 따른 공법 변경", "현장 여건 변경(지반 불량)", "자재 단가 상승",
                         "안전시설 보강", "민원 반영 설계 변경"),
                  "down": ("물량 정산", "현장 여건 변경(설계 물량 감소)", "공법 변경에 따른 감액"),
                  "time": ("관계기관 협의 결과 반영", "민원 반영 공기 연장", "우기 공정 조정")}
FINDINGS = ("안전난간 미설치", "가설구조물 점검 미흡", "굴착면 흙막이 보강 필요", "추락방지망 훼손",
            "콘크리트 양생 관리 미흡", "품질시험 기록 누락", "개인보호구 미착용 근로자 확인",
            "소화기 비치 미흡", "보행자 통로 확보 미흡", "준공도서 일부 누락")
PASS_NOTES = ("", "", "특이사항 없음", "지적사항 조치 완료 확인")
LAG_NOTES = ("우기로 인한 공정 지연", "민원으로 작업 일시 중지", "자재 수급 지연", "지장물 이설 지연", "")
SUB_SCOPES = ("철근콘크리트공사", "포장공사", "전기공사", "정보통신공사", "소방설비공사", "조경공사",
              "토공사", "상하수도설비공사", "도장공사", "금속구조물·창호공사", "비계·구조물해체공사")
BANKS = ("국민", "신한", "우리", "하나", "농협", "기업")

# Apartment complexes and their documents (issue 7).
APT_BRANDS = ("래미안", "힐스테이트", "자이", "푸르지오", "e편한세상", "아이파크", "롯데캐슬", "더샵",
              "센트레빌", "주공{n}단지", "한신", "우성", "현대", "쌍용")
APT_ROLES = ("담당", "관리소장", "동대표회장", "감사")
APT_CATEGORIES = ("일반관리비", "청소비", "경비비", "소독비", "승강기유지비", "수선유지비", "장기수선충당금",
                  "난방비", "전기료", "수도료", "위탁관리수수료")
# kind -> (share, title forms, has amount)
APT_DOCS: dict[str, tuple[float, tuple[str, ...], bool]] = {
    "expense_resolution": (0.34, ("{ym} {cat} 지출결의서", "{item} 수리비 지출결의 ({ym})",
                                  "{ym} {cat} 집행 결의"), True),
    "maintenance_contract": (0.14, ("{item} 유지보수 용역 계약 체결 ({y}년)", "{item} 보수공사 계약서 ({ym})",
                                    "{item} 점검 위탁 계약 갱신 ({y}년)"), True),
    "council_minutes": (0.16, ("제{n}차 입주자대표회의 회의록 ({ym})",
                               "{ym} 임시 입주자대표회의 회의록"), False),
    "notice": (0.20, ("{ym} 관리비 부과 내역 공고", "{item} 공사 일정 안내 ({ym})",
                      "{ym} 소독 일정 안내", "{ym} 정전 및 단수 안내"), False),
    "audit_report": (0.05, ("{y}년 회계감사 보고서", "{y}년 상반기 내부감사 결과 보고"), False),
    "bid_announcement": (0.07, ("{item} 사업자 선정 입찰 공고 ({ym})",), True),
    "other": (0.04, ("{ym} 관리규약 개정안 주민 의견 수렴", "{ym} 커뮤니티시설 운영 결과 보고"), False),
}
APT_ITEMS = ("승강기", "외벽 도장", "지하주차장 방수", "어린이놀이터", "옥상 방수", "급수펌프",
             "CCTV", "소방설비", "전기설비", "조경", "경비 용역", "청소 용역", "재활용품 수거")
# Titles of withheld documents: words no public title uses, so a privacy test can search for them.
APT_PRIVATE = ("관리직원 징계위원회 회의록", "체납 세대 법적조치 검토 의견서",
               "동대표 해임 관련 법률자문 의견서", "입주민 민원 처리 결과(개인정보 포함)",
               "관리소장 인사평가 자료", "소송 대응 변호사 선임 검토")
