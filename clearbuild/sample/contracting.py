"""Plans' overviews (사업 개요), notices' required documents (구비서류) and contract payments
(선금, 기성금, 준공금) for the sample (issue 18).

What a procurement is decides both texts: its field is read from its title (행사, 청소, 인쇄 ...),
else its kind. Payments follow Korean practice: works and long services get an advance and
progress payments, everything a final payment after completion; most are paid within the legal
5 days (지방계약법 시행령 제67조), some late, a few not yet.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import common as c

# field -> (words of a title that name it, overview form, its own required documents)
FIELDS: dict[str, tuple[tuple[str, ...], str, tuple[str, ...]]] = {
    "event": (("행사", "축제", "박람회", "음악회"),
              "{t}: 행사 기획·연출, 무대·음향·조명 설치, 홍보물 제작, 참가자 안전관리와 현장 운영 일체",
              ("행사 기획·운영 제안서", "최근 3년 이내 행사 수행 실적증명서", "안전관리계획서")),
    "cleaning": (("청소", "미화"), "{t}: 청사와 공용시설의 일상·정기 청소, 방역과 위생관리",
                 ("건물위생관리업 신고증 사본", "투입인력 명단 및 4대보험 가입 확인서")),
    "consulting": (("컨설팅", "연구", "수립"), "{t}: 현황 조사·분석, 개선안과 실행계획 수립, 최종보고서 제출",
                   ("과업수행계획서", "참여인력 경력증명서", "유사 용역 수행실적증명서")),
    "it": (("정보시스템", "홈페이지", "클라우드"), "{t}: 시스템 분석·설계, 구축·이관, 보안점검과 하자보수",
           ("소프트웨어사업자 신고확인서", "제안서", "보안서약서")),
    "printing": (("인쇄",), "{t}: 원고 편집·디자인, 인쇄·제본과 배포",
                 ("인쇄사 신고확인증 사본", "견본 인쇄물")),
    "meals": (("도시락", "급식", "식당"), "{t}: 식단 작성, 식재료 조달, 조리와 배송, 위생관리",
              ("식품 관련 영업신고증 사본", "위생교육 이수증", "배상책임보험 가입증서")),
    "security": (("경비", "보안", "안전요원"), "{t}: 출입 통제, 순찰, 비상 대응과 시설 보안",
                 ("경비업 허가증 사본", "경비원 신임교육 이수증")),
    "waste": (("폐기물",), "{t}: 수집·운반과 적정 처리, 처리실적 보고",
              ("폐기물 수집·운반업 허가증 사본", "차량 보유 현황")),
    "engineering": (("설계", "건설사업관리", "조사", "모니터링"), "{t}: 현장 조사, 설계·검토와 성과품 납품",
                    ("엔지니어링사업자 신고증 사본", "기술인력 보유 현황", "유사 용역 수행실적증명서")),
    "services": ((), "{t}: 과업지시서에 따른 용역 수행과 결과 보고",
                 ("과업수행계획서", "유사 용역 수행실적증명서")),
    "goods": ((), "{t}: 규격서에 맞는 물품 제작·납품, 설치와 사용자 교육",
              ("직접생산확인증명서", "제품 규격서 및 시험성적서", "납품 실적증명서")),
    "construction": ((), "{t}: 착공부터 준공까지의 시공, 품질·안전관리, 준공도서 제출",
                     ("건설업 등록증 사본", "시공능력평가액 확인서", "산출내역서")),
}
COMMON_DOCS = ("입찰참가신청서", "사업자등록증 사본", "법인 등기사항전부증명서", "인감증명서 및 사용인감계")


def field_of(title: str, kind: str) -> str:
    if kind == "services":
        for name, (words, _, _) in FIELDS.items():
            if words and any(w in title for w in words):
                return name
        return "services"
    return kind


def overviews(titles: Sequence[str], kinds: Sequence[str], amounts: np.ndarray,
              months: Sequence[str], rng: np.random.Generator) -> np.ndarray:
    """A plan's overview: what is bought, its budget and its timing."""
    length = rng.integers(2, 13, len(titles))
    out = []
    for i, (t, k) in enumerate(zip(titles, kinds, strict=True)):
        form = FIELDS[field_of(t, k)][1]
        m = months[i]
        when = f"{m[:4]}년 {int(m[5:7])}월 발주, 약 {length[i]}개월" if m else "발주 시기 미정"
        out.append(f"{form.format(t=t)}. 소요예산 {int(amounts[i]):,}원. {when}.")
    return np.asarray(out, dtype=object)


def required_documents(titles: Sequence[str], kinds: Sequence[str]) -> np.ndarray:
    return np.asarray(["; ".join(COMMON_DOCS + FIELDS[field_of(t, k)][2])
                       for t, k in zip(titles, kinds, strict=True)], dtype=object)


def _paid_after(rng: np.random.Generator) -> int:
    """Calendar days from a claim to its payment: mostly within the deadline, some late."""
    r = rng.random()
    return int(rng.integers(1, 7)) if r < 0.86 else int(rng.integers(8, 45))


def payments(rng: np.random.Generator, contract_ids: np.ndarray, kinds: np.ndarray, signed: np.ndarray,
             start: np.ndarray, end: np.ndarray, amount: np.ndarray) -> dict[str, np.ndarray]:
    """Claims and payments of every contract up to the export's date (c.AS_OF)."""
    as_of = c.day(c.AS_OF)
    rows: list[tuple[str, str, int, int, int, int]] = []  # id, kind, claim, amount, paid day, paid
    for i, cid in enumerate(contract_ids):
        k, total = kinds[i], int(amount[i])
        claims: list[tuple[str, int, int]] = []
        left = total
        if k != "goods" and (k == "construction" or end[i] - start[i] > 150) and rng.random() < 0.7:
            adv = total * int(rng.integers(15, 31)) // 100 // 1000 * 1000
            claims.append(("advance", int(signed[i]) + int(rng.integers(2, 10)), adv))
            left -= adv
        if k != "goods" and end[i] - start[i] > 90:
            steps = np.arange(int(start[i]) + 60, int(end[i]) - 20, 60 if k == "construction" else 90)
            share = left * 6 // 10 // max(len(steps), 1) // 1000 * 1000
            for d in steps:
                claims.append(("progress", int(d) + int(rng.integers(0, 8)), share))
                left -= share
        claims.append(("final", int(end[i]) + int(rng.integers(3, 20)), left))
        for kind, claimed, value in claims:
            if claimed > as_of or value <= 0:
                continue
            paid_day = claimed + _paid_after(rng)
            unpaid = paid_day > as_of or rng.random() < 0.02
            part = not unpaid and rng.random() < 0.02
            paid = value * int(rng.integers(40, 90)) // 100 if part else value
            rows.append((cid, kind, claimed, value, -1 if unpaid else paid_day, -1 if unpaid else paid))
    if not rows:
        return {k: np.zeros(0, dtype=object) for k in ("payment_id", "contract_id", "kind", "claim_date",
                                                      "amount", "paid_date", "paid_amount")}
    cid, kind, claim, value, paid_day, paid = (np.asarray(x) for x in zip(*rows, strict=True))
    done = paid_day >= 0
    return {"payment_id": c.ids("CP-", len(rows), 6), "contract_id": cid.astype(object),
            "kind": kind.astype(object), "claim_date": c.iso(claim), "amount": c.num(value),
            "paid_date": c.iso(np.where(done, paid_day, 0), done),
            "paid_amount": c.num(np.where(done, paid, 0), done)}
