"""Is a file what its name says, and is it inert? The content half of the files gate.

A file is served from the site's own origin under a name the data chose, so its bytes must be the
type that name declares (a ".pdf" that is an .exe or a web page is refused), and a type that can
carry active content must carry none:

- PDF: parsed with pypdf (names are decoded, object streams opened, so ``/J#61vaScript`` or a
  compressed ``/OpenAction`` is found where a byte search would miss it); any of ACTIVE_PDF as a
  key or an action type refuses the file; so does encryption (it cannot be inspected).
- Office Open XML, OpenDocument and HWPX (zip containers): refused when they hold a VBA project
  (vbaProject.bin), macro storage (``Basic/``, ``Scripts/``) or ActiveX controls, or say they are
  macro-enabled.
- Binary Office and HWP files (.doc, .xls, .ppt, .hwp: OLE2 compound files) are refused outright:
  any of them can carry macros and the build does not parse OLE2; publish them as PDF, or
  DOCX/XLSX/PPTX/HWPX.
- Images are rebuilt from their pixels (clearbuild.filegate.images): no EXIF, GPS or camera model.
- Text (.txt, .csv) must be UTF-8 without NUL bytes.
"""

from __future__ import annotations

import io
import logging
import zipfile

from .images import FORMATS, NotAnImage
from .images import clean as clean_image
from .paths import FileRefused

# What each type's file starts with (WebP: RIFF....WEBP, checked at both offsets).
ZIP = ((0, b"PK\x03\x04"),)
MAGIC: dict[str, tuple[tuple[int, bytes], ...]] = {
    ".pdf": ((0, b"%PDF-"),),
    ".png": ((0, b"\x89PNG\r\n\x1a\n"),),
    ".jpg": ((0, b"\xff\xd8\xff"),),
    ".jpeg": ((0, b"\xff\xd8\xff"),),
    ".webp": ((0, b"RIFF"), (8, b"WEBP")),
    ".gif": ((0, b"GIF8"),),
    ".docx": ZIP, ".xlsx": ZIP, ".pptx": ZIP, ".odt": ZIP, ".ods": ZIP, ".hwpx": ZIP,
}
TIFF_MAGIC = (b"II*\x00", b"MM\x00*")
# Types refused whatever their content, with the reason officials read in the quality report.
REFUSED_TYPES: dict[str, str] = {
    **dict.fromkeys((".doc", ".xls", ".ppt", ".hwp"),
                    "binary Office/HWP file (OLE2) may carry macros and cannot be inspected; "
                    "publish it as PDF, or DOCX/XLSX/PPTX/HWPX"),
    **dict.fromkeys((".docm", ".xlsm", ".pptm", ".dotm", ".xltm", ".potm", ".ppsm"),
                    "macro-enabled Office file; save it without macros (DOCX/XLSX/PPTX) or as PDF"),
}
# PDF keys and action types that run, launch or carry something (PDF 2.0, 12.6 and 7.11).
ACTIVE_PDF = frozenset({"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFile",
                        "/EmbeddedFiles", "/RichMedia", "/XFA"})
MACRO_MEMBERS = ("vbaproject.bin", "vbaprojectsignature.bin", "vbadata.xml")
MACRO_FOLDERS = ("basic/", "scripts/", "activex/")


def starts_right(head: bytes, suffix: str) -> bool:
    """True when the bytes begin with their type's signature (types without one always pass)."""
    if suffix in (".tif", ".tiff"):
        return head[:4] in TIFF_MAGIC
    marks = MAGIC.get(suffix)
    return not marks or all(head[at:at + len(sig)] == sig for at, sig in marks)


def pdf_active(data: bytes) -> str | None:
    """The first active-content key or action type of a PDF, or None; FileRefused when pypdf
    cannot read it or it is encrypted."""
    from pypdf import PdfReader
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise FileRefused("encrypted PDF (its content cannot be inspected)")
        stack: list[object] = [reader.trailer]
        stack += [IndirectObject(num, gen, reader) for gen, nums in reader.xref.items() for num in nums]
        stack += [IndirectObject(num, 0, reader) for num in reader.xref_objStm]
        seen: set[tuple[int, int]] = set()
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                if (obj.idnum, obj.generation) in seen:
                    continue
                seen.add((obj.idnum, obj.generation))
                obj = obj.get_object()
            if isinstance(obj, DictionaryObject):
                for key, value in dict.items(obj):
                    if key in ACTIVE_PDF:
                        return str(key)
                    if isinstance(value, NameObject) and value in ACTIVE_PDF:
                        return str(value)
                    stack.append(value)
            elif isinstance(obj, ArrayObject):
                stack.extend(list.__iter__(obj))
    except FileRefused:
        raise
    except Exception as e:  # pypdf raises many kinds on a broken file; none may stop the build
        raise FileRefused(f"not a readable PDF ({e.__class__.__name__})") from e
    return None


def zip_macros(data: bytes) -> str | None:
    """The first macro part of an OOXML/ODF/HWPX container, or None; FileRefused when unreadable."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as e:
        raise FileRefused(f"not a readable document (broken zip: {e.__class__.__name__})") from e
    for name in names:
        low = name.lower()
        if low.rsplit("/", 1)[-1] in MACRO_MEMBERS or any(f"/{low}".count(f"/{d}") for d in MACRO_FOLDERS):
            return name
    if b"macroenabled" in types.lower():
        return "[Content_Types].xml (macro-enabled)"
    return None


def publishable(data: bytes, suffix: str) -> bytes:
    """The bytes to publish for a file of type ``suffix`` (images rebuilt from their pixels, other
    types unchanged); FileRefused, with the reason, when the file must not be published."""
    suffix = suffix.lower()
    if suffix in REFUSED_TYPES:
        raise FileRefused(REFUSED_TYPES[suffix])
    if not starts_right(data[:16], suffix):
        raise FileRefused("file content is not what its name says (e.g. not a real PDF)")
    if suffix == ".pdf":
        found = pdf_active(data)
        if found:
            raise FileRefused(f"PDF with active content ({found}): scripts, actions and embedded "
                              "files are not published")
    elif MAGIC.get(suffix) is ZIP:
        found = zip_macros(data)
        if found:
            raise FileRefused(f"document with macros or controls ({found})")
    elif suffix in FORMATS:
        try:
            return clean_image(data, suffix)
        except NotAnImage as e:
            raise FileRefused(f"file content is not what its name says ({e})") from e
    elif suffix in (".txt", ".csv"):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise FileRefused("file content is not what its name says (text must be UTF-8)") from e
        if "\x00" in text:
            raise FileRefused("file content is not what its name says (binary data in a text file)")
    return data
