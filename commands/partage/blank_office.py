"""Blank Office Open XML documents (.docx, .xlsx, .pptx) built with zipfile, no dependency.

Each package holds the smallest part set Word, Excel, PowerPoint, LibreOffice and ONLYOFFICE
open without repair (ECMA-376 Part 1: content types, package relationship to the main part,
and for presentations the master/layout/theme chain every slide deck needs).
"""

from __future__ import annotations

import io
import zipfile

XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PKG = "http://schemas.openxmlformats.org/package/2006"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OOXML = "http://schemas.openxmlformats.org"
MIME = "application/vnd.openxmlformats-officedocument"
RELS_TYPE = "application/vnd.openxmlformats-package.relationships+xml"
EXTENSIONS = ("docx", "xlsx", "pptx")
MAIN_PART = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "pptx": "ppt/presentation.xml",
}
PART_TYPES = {
    "word/document.xml": f"{MIME}.wordprocessingml.document.main+xml",
    "xl/workbook.xml": f"{MIME}.spreadsheetml.sheet.main+xml",
    "xl/worksheets/sheet1.xml": f"{MIME}.spreadsheetml.worksheet+xml",
    "ppt/presentation.xml": f"{MIME}.presentationml.presentation.main+xml",
    "ppt/slideMasters/slideMaster1.xml": f"{MIME}.presentationml.slideMaster+xml",
    "ppt/slideLayouts/slideLayout1.xml": f"{MIME}.presentationml.slideLayout+xml",
    "ppt/theme/theme1.xml": f"{MIME}.theme+xml",
}
FILE_TYPES = {
    "docx": f"{MIME}.wordprocessingml.document",
    "xlsx": f"{MIME}.spreadsheetml.sheet",
    "pptx": f"{MIME}.presentationml.presentation",
}


def _relationships(*targets: tuple[str, str]) -> str:
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{REL}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return f'{XML}<Relationships xmlns="{PKG}/relationships">{items}</Relationships>'


def _content_types(parts: dict[str, str]) -> str:
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{PART_TYPES[name]}"/>'
        for name in parts
        if name in PART_TYPES
    )
    return (
        f'{XML}<Types xmlns="{PKG}/content-types">'
        f'<Default Extension="rels" ContentType="{RELS_TYPE}"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )


def _word() -> dict[str, str]:
    w = f"{OOXML}/wordprocessingml/2006/main"
    body = '<w:p/><w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'  # A4
    document = f'{XML}<w:document xmlns:w="{w}"><w:body>{body}</w:body></w:document>'
    return {"word/document.xml": document}


def _sheet() -> dict[str, str]:
    s = f"{OOXML}/spreadsheetml/2006/main"
    return {
        "xl/workbook.xml": (
            f'{XML}<workbook xmlns="{s}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Feuille1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": _relationships(("worksheet", "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": f'{XML}<worksheet xmlns="{s}"><sheetData/></worksheet>',
    }


def _theme(a: str) -> str:
    colours = "".join(
        f'<a:{name}><a:srgbClr val="{value}"/></a:{name}>'
        for name, value in (
            ("dk1", "000000"), ("lt1", "FFFFFF"), ("dk2", "1F497D"), ("lt2", "EEECE1"),
            ("accent1", "4F81BD"), ("accent2", "C0504D"), ("accent3", "9BBB59"),
            ("accent4", "8064A2"), ("accent5", "4BACC6"), ("accent6", "F79646"),
            ("hlink", "0000FF"), ("folHlink", "800080"),
        )
    )
    font = '<a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="9525">{fill}</a:ln>'
    effect = "<a:effectStyle><a:effectLst/></a:effectStyle>"
    return (
        f'{XML}<a:theme xmlns:a="{a}" name="Ensemble"><a:themeElements>'
        f'<a:clrScheme name="Ensemble">{colours}</a:clrScheme>'
        f'<a:fontScheme name="Ensemble"><a:majorFont>{font}</a:majorFont>'
        f"<a:minorFont>{font}</a:minorFont></a:fontScheme>"
        f'<a:fmtScheme name="Ensemble"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
        f"<a:lnStyleLst>{line * 3}</a:lnStyleLst><a:effectStyleLst>{effect * 3}"
        f"</a:effectStyleLst><a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst></a:fmtScheme>"
        "</a:themeElements></a:theme>"
    )


def _slides() -> dict[str, str]:
    p, a = f"{OOXML}/presentationml/2006/main", f"{OOXML}/drawingml/2006/main"
    ns = f'xmlns:p="{p}" xmlns:a="{a}" xmlns:r="{REL}"'
    shapes = (
        '<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/>'
        "</p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld>"
    )
    mapping = [("bg1", "lt1"), ("tx1", "dk1"), ("bg2", "lt2"), ("tx2", "dk2")]
    mapping += [(f"accent{n}", f"accent{n}") for n in range(1, 7)]
    mapping += [("hlink", "hlink"), ("folHlink", "folHlink")]
    colour_map = " ".join(f'{key}="{value}"' for key, value in mapping)
    return {
        "ppt/presentation.xml": (
            f"{XML}<p:presentation {ns}><p:sldMasterIdLst>"
            '<p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
            '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>'
            "</p:presentation>"
        ),
        "ppt/_rels/presentation.xml.rels": _relationships(
            ("slideMaster", "slideMasters/slideMaster1.xml"), ("theme", "theme/theme1.xml")
        ),
        "ppt/slideMasters/slideMaster1.xml": (
            f"{XML}<p:sldMaster {ns}>{shapes}<p:clrMap {colour_map}/>"
            '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>'
            "</p:sldMaster>"
        ),
        "ppt/slideMasters/_rels/slideMaster1.xml.rels": _relationships(
            ("slideLayout", "../slideLayouts/slideLayout1.xml"), ("theme", "../theme/theme1.xml")
        ),
        "ppt/slideLayouts/slideLayout1.xml": (
            f'{XML}<p:sldLayout {ns} type="blank">{shapes}'
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"
        ),
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels": _relationships(
            ("slideMaster", "../slideMasters/slideMaster1.xml")
        ),
        "ppt/theme/theme1.xml": _theme(a),
    }


BUILDERS = {"docx": _word, "xlsx": _sheet, "pptx": _slides}


def blank_document(extension: str) -> bytes:
    """An empty document of that kind; ValueError for anything but docx, xlsx, pptx."""
    kind = extension.lower().lstrip(".")
    if kind not in BUILDERS:
        raise ValueError(f"not an Office Open XML extension: {extension}")
    parts = BUILDERS[kind]()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # [Content_Types].xml first, as Office itself writes it.
        archive.writestr("[Content_Types].xml", _content_types(parts))
        archive.writestr("_rels/.rels", _relationships(("officeDocument", MAIN_PART[kind])))
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()
