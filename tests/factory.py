"""A tiny, complete export built in code, so tests never depend on the committed sample.

Every table has a row or two, with links between them that exercise every page kind. Tests
copy it and break one thing at a time.
"""

from __future__ import annotations

import csv
from pathlib import Path

from clearbuild.asof import dated_name
from clearbuild.sample.media import write_pdf
from clearbuild.schema import TABLES

# Valid business registration numbers (check digit verified in test_ingest).
BRN_A, BRN_B, BRN_C = "1208147521", "2148755823", "1018100340"
# The fixture export's date: its newest event is a payment on 2025-08-05; the export came two weeks on.
EXPORT_DATE = "2025-08-20"

ROWS: dict[str, list[dict[str, str]]] = {
    "companies": [
        {"company_id": "120-81-47521", "name": "한빛건설(주)", "address": "서울 강남구 테헤란로 1",
         "lat": "37.5010", "lon": "127.0390", "district_code": "11230", "industry": "토목",
         "small_business": "true", "disabled_owned": "false", "startup": "false",
         "website": "https://example.org/hanbit", "representative_phone": "010-1111-2222",
         "email": "ceo@hanbit.example"},
        {"company_id": BRN_B, "name": "푸른전기 주식회사", "address": "서울 마포구 월드컵로 5",
         "lat": "37.5663", "lon": "126.9019", "district_code": "11140", "industry": "전기",
         "small_business": "false", "disabled_owned": "true", "startup": "true",
         "website": "javascript:alert(1)", "representative_phone": "010-3333-4444", "email": ""},
        {"company_id": BRN_C, "name": "Seoul Steel Co.", "address": "서울 종로구",
         "lat": "", "lon": "", "district_code": "", "industry": "철강",
         "small_business": "false", "disabled_owned": "false", "startup": "false",
         "website": "", "representative_phone": "", "email": ""},
    ],
    "procurement_plans": [
        {"plan_id": "PL-2025-001", "agency": "서울특별시 도시기반시설본부", "title": "강남대로 보도 정비 계획",
         "kind": "construction", "method": "open", "estimated_amount": "1200000000",
         "planned_month": "2025-02",
         "description": "강남대로 보도 포장 교체와 점자블록 정비; 2025년 3월 착공, 연내 준공"},
    ],
    "bid_notices": [
        {"notice_id": "N-2025-0001", "plan_id": "PL-2025-001", "agency": "서울특별시 도시기반시설본부",
         "title": "강남대로 보도 정비공사", "kind": "construction", "method": "open",
         "estimated_price": "1150000000", "eligibility": "토목공사업 등록 업체",
         "published_at": "2025-02-03T09:00", "deadline": "2025-02-20T18:00",
         "opening_at": "2025-02-21T11:00",
         "required_documents": "입찰참가신청서; 건설업 등록증 사본; 사업자등록증 사본; 인감증명서"},
    ],
    "bid_results": [
        {"notice_id": "N-2025-0001", "company_id": BRN_A, "bid_amount": "1100000000", "rank": "1",
         "winner": "true", "disqualified_reason": ""},
        {"notice_id": "N-2025-0001", "company_id": BRN_B, "bid_amount": "1120000000", "rank": "2",
         "winner": "false", "disqualified_reason": ""},
        {"notice_id": "N-2025-0001", "company_id": BRN_C, "bid_amount": "990000000", "rank": "",
         "winner": "false", "disqualified_reason": "서류 미비"},
    ],
    "contracts": [
        {"contract_id": "C-2025-0001", "notice_id": "N-2025-0001", "agency": "서울특별시 도시기반시설본부",
         "title": "강남대로 보도 정비공사", "kind": "construction", "method": "open",
         "work_type": "construction_works", "company_id": BRN_A, "amount": "1100000000",
         "signed_at": "2025-03-02", "start_date": "2025-03-10", "end_date": "2025-12-31",
         "project_id": "P-0001", "officer_phone": "02-111-2222"},
        {"contract_id": "C-2025-0002", "notice_id": "", "agency": "마포구청",
         "title": "가로등 보수 용역", "kind": "services", "method": "sole_source",
         "work_type": "general_services", "company_id": BRN_B, "amount": "45000000",
         "signed_at": "2025-04-01", "start_date": "2025-04-01", "end_date": "2025-06-30",
         "project_id": "", "officer_phone": ""},
    ],
    "contract_amendments": [
        {"contract_id": "C-2025-0001", "date": "2025-08-01", "seq": "1", "amount_before": "1100000000",
         "amount_after": "1250000000", "end_before": "2025-12-31", "end_after": "2026-02-28",
         "reason": "지하 매설물 이설"},
    ],
    # C-2025-0001: advance paid in 2 days, a progress payment 15 days late, one claim still open on
    # the export date (overdue); C-2025-0002: its final payment on time.
    "contract_payments": [
        {"payment_id": "CP-1", "contract_id": "C-2025-0001", "kind": "advance", "claim_date": "2025-03-12",
         "amount": "330000000", "paid_date": "2025-03-14", "paid_amount": "330000000"},
        {"payment_id": "CP-2", "contract_id": "C-2025-0001", "kind": "progress", "claim_date": "2025-06-10",
         "amount": "300000000", "paid_date": "2025-06-25", "paid_amount": "300000000"},
        {"payment_id": "CP-3", "contract_id": "C-2025-0001", "kind": "progress", "claim_date": "2025-07-28",
         "amount": "200000000", "paid_date": "", "paid_amount": ""},
        {"payment_id": "CP-4", "contract_id": "C-2025-0002", "kind": "final", "claim_date": "2025-07-02",
         "amount": "45000000", "paid_date": "2025-07-04", "paid_amount": "45000000"},
    ],
    "projects": [
        {"project_id": "P-0001", "name": "강남대로 보도 정비공사", "agency": "서울특별시 도시기반시설본부",
         "category": "road", "district_code": "11230", "dong_code": "", "address": "서울 강남구 강남대로 396",
         "lat": "37.4979", "lon": "127.0276", "budget": "1300000000", "contract_id": "C-2025-0001",
         "start_date": "2025-03-10", "planned_end_date": "2025-12-31", "actual_end_date": "",
         "status": "in_progress", "supervisor": "김감리", "inspector": "이검사",
         "description": "보도 포장 교체와 점자블록 정비", "supervisor_phone": "010-9999-0000",
         "internal_note": "SECRET-NOTE-XYZ"},
        {"project_id": "P-0002", "name": "망원 유수지 정비", "agency": "마포구청", "category": "river",
         "district_code": "11140", "dong_code": "", "address": "서울 마포구 망원동",
         "lat": "37.5560", "lon": "126.8950", "budget": "500000000", "contract_id": "",
         "start_date": "2024-05-01", "planned_end_date": "2024-12-31", "actual_end_date": "2025-02-15",
         "status": "completed", "supervisor": "박감독", "inspector": "", "description": "",
         "supervisor_phone": "", "internal_note": ""},
        {"project_id": "P-0003", "name": "종로 공공도서관 신축", "agency": "종로구청", "category": "building",
         "district_code": "11010", "dong_code": "", "address": "서울 종로구 삼청로",
         "lat": "37.5826", "lon": "126.9816", "budget": "8000000000", "contract_id": "",
         "start_date": "2026-01-05", "planned_end_date": "2027-06-30", "actual_end_date": "",
         "status": "planned", "supervisor": "", "inspector": "", "description": "",
         "supervisor_phone": "", "internal_note": ""},
    ],
    "progress": [
        {"project_id": "P-0001", "date": d, "planned_pct": p, "actual_pct": a, "note": ""}
        for d, p, a in [("2025-04-30", "10", "8"), ("2025-06-30", "35", "25"), ("2025-08-31", "60", "41")]
    ],
    "inspections": [
        {"inspection_id": "I-1", "project_id": "P-0001", "date": "2025-05-15", "kind": "safety",
         "result": "conditional", "findings": "안전난간 보강 필요", "inspector_phone": "010-5555-6666"},
        {"inspection_id": "I-2", "project_id": "P-0002", "date": "2025-02-10", "kind": "completion",
         "result": "pass", "findings": "", "inspector_phone": ""},
    ],
    "change_orders": [
        {"change_id": "CH-1", "project_id": "P-0001", "date": "2025-07-20", "reason": "지하 매설물 이설",
         "amount_before": "1100000000", "amount_after": "1250000000", "days_added": "59"},
    ],
    "photos": [
        {"photo_id": "PH-1", "project_id": "P-0001", "date": "2025-06-01", "caption": "보도 포장 공사",
         "file": "photos/PH-1.jpg"},
    ],
    "project_documents": [
        {"doc_id": "PD-1", "project_id": "P-0001", "date": "2025-03-05", "kind": "safety_plan",
         "title": "안전관리계획서", "file": "project_documents/PD-1.pdf", "public": "true"},
        {"doc_id": "PD-2", "project_id": "P-0001", "date": "2025-07-25", "kind": "design_change",
         "title": "설계변경 승인서 (제1차)", "file": "project_documents/설계변경 승인서 #1.png", "public": "true"},
        {"doc_id": "PD-3", "project_id": "P-0001", "date": "2025-08-01", "kind": "minutes",
         "title": "PRIVATE-PROJDOC-TITLE-KVM 감독관 내부 의견", "file": "project_documents/PD-3.pdf",
         "public": "false"},
    ],
    "subcontracts": [
        {"subcontract_id": "S-1", "project_id": "P-0001", "company_id": BRN_B, "scope": "전기 공사",
         "amount": "150000000"},
    ],
    "payments": [
        {"payment_id": "PAY-1", "project_id": "P-0001", "payer": "한빛건설(주)", "payee_company_id": BRN_B,
         "payee_kind": "subcontractor", "claim_date": "2025-06-01", "amount": "50000000",
         "paid_date": "2025-06-10", "paid_amount": "50000000", "bank_account": "123-456-789"},
        {"payment_id": "PAY-2", "project_id": "P-0001", "payer": "한빛건설(주)", "payee_company_id": "",
         "payee_kind": "wages", "claim_date": "2025-07-01", "amount": "30000000",
         "paid_date": "2025-08-05", "paid_amount": "30000000", "bank_account": ""},
        {"payment_id": "PAY-3", "project_id": "P-0001", "payer": "한빛건설(주)", "payee_company_id": "",
         "payee_kind": "wages", "claim_date": "2025-08-01", "amount": "20000000",
         "paid_date": "", "paid_amount": "", "bank_account": ""},
    ],
    "apartments": [
        {"complex_id": "A-1", "name": "래미안 강남 1단지", "district_code": "11230",
         "address": "서울 강남구 개포로 1", "lat": "37.4880", "lon": "127.0600", "households": "850"},
    ],
    "apartment_documents": [
        {"doc_id": "D-1", "complex_id": "A-1", "title": "2025년 6월 관리비 지출결의서", "kind": "expense_resolution",
         "date": "2025-06-30", "amount": "12000000", "category": "청소", "approvals":
         "관리소장:2025-06-28;동대표회장:2025-06-30", "names_public": "false", "file": "",
         "contract_id": "", "public": "true"},
        {"doc_id": "D-2", "complex_id": "A-1", "title": "PRIVATE-DOC-TITLE-QZX 비공개 징계 회의록",
         "kind": "council_minutes", "date": "2025-07-01", "amount": "", "category": "",
         "approvals": "관리소장:2025-07-01", "names_public": "false", "file": "",
         "contract_id": "", "public": "false"},
    ],
}

# Smallest valid JPEG is awkward to hand-write; a 1x1 GIF renamed is not a JPEG. Pillow makes one.


def write_export(folder: Path, rows: dict[str, list[dict[str, str]]] | None = None) -> Path:
    """Write the fixture export (or a modified copy of ROWS) as UTF-8 CSV files; returns its folder.

    Exports are named by their date (clearbuild.asof): unless ``folder`` already is, the files go
    into ``folder/EXPORT_DATE``, so every date the fixture site shows is judged on that day.
    """
    from PIL import Image

    rows = ROWS if rows is None else rows
    if not dated_name(folder.name):
        folder = folder / EXPORT_DATE
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in TABLES.items():
        cols = [c.name for c in table.columns]
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, cols, lineterminator="\n")
            w.writeheader()
            for r in rows.get(name, []):
                w.writerow({c: r.get(c, "") for c in cols})
    (folder / "photos").mkdir(exist_ok=True)
    Image.new("RGB", (8, 6), (40, 120, 200)).save(folder / "photos" / "PH-1.jpg", "JPEG")
    docs = folder / "project_documents"
    docs.mkdir(exist_ok=True)
    write_pdf(docs / "PD-1.pdf", ["PD-1 safety plan"])
    write_pdf(docs / "PD-3.pdf", ["PD-3 PRIVATE-PROJDOC-FILE-KVM"])
    Image.new("RGB", (6, 8), (200, 200, 200)).save(docs / "설계변경 승인서 #1.png", "PNG")
    return folder


def copy_rows() -> dict[str, list[dict[str, str]]]:
    return {k: [dict(r) for r in v] for k, v in ROWS.items()}


def lot_rows() -> dict[str, list[dict[str, str]]]:
    """The fixture's notice divided into two lots, each with its winner and its contract; BRN_B
    bids on both lots (one bid per lot, not a duplicate)."""
    rows = copy_rows()
    bids = rows["bid_results"]
    for b in bids:
        b.update(lot_id="1", lot_title="보도 포장")
    bids.append({"notice_id": "N-2025-0001", "lot_id": "2", "lot_title": "점자블록", "company_id": BRN_B,
                 "bid_amount": "40000000", "rank": "1", "winner": "true", "disqualified_reason": ""})
    bids.append({"notice_id": "N-2025-0001", "lot_id": "2", "lot_title": "점자블록", "company_id": BRN_C,
                 "bid_amount": "42000000", "rank": "2", "winner": "false", "disqualified_reason": ""})
    rows["contracts"][0]["lot_id"] = "1"
    rows["contracts"].append({**rows["contracts"][0], "contract_id": "C-2025-0003", "lot_id": "2",
                              "title": "점자블록 정비", "company_id": BRN_B, "amount": "40000000",
                              "project_id": "", "work_type": ""})
    return rows
