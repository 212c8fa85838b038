"""Files that ship beside the export: site photos (small JPEGs) and document scans (tiny PDFs) of
apartment offices and of the projects' supervisors.

They are drawn, not downloaded, so the demo needs no network and stays a few hundred KB. The
JPEG and PDF encoders are deterministic, so reruns are byte-identical like the CSV files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from . import common as c
from .projects import Life, Skeleton

CAPTIONS = ("착공 전 현장 전경", "가설울타리 및 안전시설 설치", "기초 공사 진행 상황", "골조 공사 진행 상황",
            "포장 및 마감 공사", "준공 후 전경")
PALETTE = {"road": (120, 120, 128), "bridge": (96, 120, 150), "building": (170, 150, 120),
           "water": (70, 130, 180), "sewer": (110, 100, 90), "park": (90, 150, 90), "river": (80, 140, 170),
           "rail": (140, 110, 130), "school": (180, 140, 90), "other": (130, 130, 100)}


def _font() -> ImageFont.ImageFont:
    # The bitmap font is the same on every machine; FreeType's default may not be.
    loader = getattr(ImageFont, "load_default_imagefont", None)
    return loader() if loader else ImageFont.load_default()


def draw_photo(path: Path, seed: int, colour: tuple[int, int, int], label: str) -> None:
    """A 160×120 'site photo': sky, ground in the category's colour, a few structures, a label."""
    rng = np.random.default_rng(seed)
    img = Image.new("RGB", (160, 120), (190, 210, 230))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 78, 160, 120), fill=colour)
    for _ in range(int(rng.integers(2, 5))):
        x = int(rng.integers(0, 140))
        w, h = int(rng.integers(12, 40)), int(rng.integers(15, 60))
        shade = tuple(int(v) for v in rng.integers(60, 200, 3))
        d.rectangle((x, 78 - h, x + w, 78), fill=shade, outline=(40, 40, 40))
    if rng.random() < 0.5:  # a crane
        x = int(rng.integers(20, 140))
        d.line((x, 78, x, 18), fill=(230, 180, 30), width=3)
        d.line((x - 25, 20, x + 35, 20), fill=(230, 180, 30), width=2)
    d.rectangle((0, 0, 160, 13), fill=(0, 0, 0))
    d.text((3, 2), label, fill=(255, 255, 255), font=_font())
    img.save(path, "JPEG", quality=55, optimize=True)


def photos(rng: np.random.Generator, sk: Skeleton, lf: Life, out_dir: Path, write: bool) -> dict[str, c.Col]:
    """Photo rows of started projects; with write=False no rows (a row needs its file)."""
    idx = np.flatnonzero(lf.started) if write else np.zeros(0, dtype=np.int64)
    count = c.pick(rng, ["0", "1", "2", "3"], len(idx), [0.1, 0.45, 0.35, 0.1]).astype(np.int64)
    pi, _ = c.runs(count)
    p = idx[pi]
    q = len(p)
    t = rng.random(q)
    date = lf.start[p] + (t * (lf.stop[p] - lf.start[p])).astype(np.int64)
    order = np.lexsort((date, p))
    p, date, t = p[order], date[order], t[order]
    stage = np.minimum((t * (len(CAPTIONS) - 1)).astype(np.int64), len(CAPTIONS) - 2)
    done = (lf.actual_end[p] >= 0) & (date >= lf.actual_end[p] - 30)
    stage[done] = len(CAPTIONS) - 1
    pid = c.ids("PH-", q)
    files = np.asarray([f"photos/{x}.jpg" for x in pid], dtype=object)
    dates = c.iso(date)
    if write and q:
        (out_dir / "photos").mkdir(parents=True, exist_ok=True)
        seeds = rng.integers(0, 2**31, q)
        for i in range(q):
            draw_photo(out_dir / files[i], int(seeds[i]), PALETTE[sk.category[p[i]]],
                       f"{pid[i]} {sk.ids[p[i]]} {dates[i]}")
    return {"photo_id": pid, "project_id": sk.ids[p], "date": dates,
            "caption": np.asarray(CAPTIONS, dtype=object)[stage], "file": files}


# Project documents (issue 5): kind -> (weight, title templates). Safety plans come first, a
# completion certificate only for a finished project; a few rows are private (public=false).
PROJECT_DOCS = {
    "safety_plan": (0.0, ("안전관리계획서", "유해위험방지계획서")),
    "inspection_report": (0.45, ("{ym} 감리 검측 보고서", "{ym} 품질시험 성과 보고서")),
    "design_change": (0.2, ("설계변경 승인서 (제{n}차)", "설계변경 검토 의견서")),
    "minutes": (0.35, ("공정회의 회의록 ({ym})", "현장 합동점검 회의록 ({ym})")),
    "completion": (0.0, ("준공검사 조서", "준공 확인서")),
}
PRIVATE_DOC_TITLES = ("하도급 업체 연락망 및 비상연락처", "감독관 내부 검토 의견 (공개 전)")


def project_documents(rng: np.random.Generator, sk: Skeleton, lf: Life, out_dir: Path,
                      write: bool) -> dict[str, c.Col]:
    """Supervision documents of ~30% of started projects (with write=False no rows: a row needs
    its file): a safety plan near the start, reports and minutes on the way, a completion
    certificate for finished projects."""
    idx = np.flatnonzero(lf.started) if write else np.zeros(0, dtype=np.int64)
    idx = idx[rng.random(len(idx)) < 0.3]
    extra = rng.integers(0, 3, len(idx))
    rows: list[tuple[int, int, str]] = []  # (project index, day, kind)
    middle = [k for k, (w, _) in PROJECT_DOCS.items() if w]
    weights = np.asarray([PROJECT_DOCS[k][0] for k in middle])
    for j, pi in enumerate(idx):
        start, stop = int(lf.start[pi]), int(lf.stop[pi])
        rows.append((pi, min(start + int(rng.integers(0, 10)), stop), "safety_plan"))
        for _ in range(int(extra[j])):
            kind = str(rng.choice(middle, p=weights / weights.sum()))
            rows.append((pi, start + int(rng.integers(0, max(1, stop - start))), kind))
        if lf.actual_end[pi] >= 0:
            rows.append((pi, min(int(lf.actual_end[pi]) + int(rng.integers(0, 10)), c.day(c.AS_OF)),
                         "completion"))
    rows.sort()
    q = len(rows)
    doc_ids = c.ids("PD-", q, 6)
    dates = c.iso(np.asarray([d for _, d, _ in rows], dtype=np.int64)) if q else np.zeros(0, dtype=object)
    public = rng.random(q) >= 0.1
    titles, files, count = [], [], {}
    for i, (pi, _, kind) in enumerate(rows):
        count[(pi, kind)] = count.get((pi, kind), 0) + 1
        y, m = dates[i][:4], int(dates[i][5:7])
        options = PROJECT_DOCS[kind][1] if public[i] else PRIVATE_DOC_TITLES
        title = options[int(rng.integers(0, len(options)))].format(ym=f"{y}년 {m}월", n=count[(pi, kind)])
        titles.append(title)
        files.append(f"project_documents/{doc_ids[i]}.pdf")
        if write:
            (out_dir / "project_documents").mkdir(parents=True, exist_ok=True)
            write_pdf(out_dir / files[i], [f"{doc_ids[i]}  {sk.ids[pi]}  {kind}", f"date {dates[i]}",
                                           "clearbuild demo document"])
    p = np.asarray([pi for pi, _, _ in rows], dtype=np.int64)
    return {"doc_id": doc_ids, "project_id": sk.ids[p] if q else np.zeros(0, dtype=object),
            "date": dates, "kind": np.asarray([k for _, _, k in rows], dtype=object),
            "title": np.asarray(titles, dtype=object), "file": np.asarray(files, dtype=object),
            "public": c.flag(public)}


def write_pdf(path: Path, lines: list[str]) -> None:
    """A one-page PDF with a few lines of ASCII text (offsets computed, so readers accept it)."""
    text = "".join(f"BT /F1 11 Tf 40 {780 - 18 * i} Td ({_pdf_escape(s)}) Tj ET\n"
                   for i, s in enumerate(lines))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text.encode('latin-1'))} >>\nstream\n{text}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode("latin-1")
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode("latin-1")
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\n"
            f"startxref\n{xref}\n%%EOF\n").encode("latin-1")
    path.write_bytes(bytes(out))


def _pdf_escape(s: str) -> str:
    s = s.encode("ascii", "replace").decode("ascii")
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
