"""Blank Office Open XML documents (what ONLYOFFICE's FileCreator writes) and a validity check."""

from __future__ import annotations

import io
import zipfile
from typing import Any
from xml.etree import ElementTree

PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"

MAIN_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
MAIN_PARTS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml",
              "pptx": "ppt/presentation.xml"}
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OFFICE_TYPE = "application/vnd.openxmlformats-officedocument"


def _rels(*rels: tuple[str, str, str]) -> str:
    items = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{target}"/>'
                    for i, t, target in rels)
    return f'{_XML}<Relationships xmlns="{PKG_REL}">{items}</Relationships>'


def _content_types(overrides: dict[str, str]) -> str:
    items = "".join(f'<Override PartName="/{p}" ContentType="{t}"/>' for p, t in overrides.items())
    return (f'{_XML}<Types xmlns="{CT_NS}">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f"{items}</Types>")


def _docx_parts() -> dict[str, str]:
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    return {
        "word/document.xml": f'{_XML}<w:document xmlns:w="{w}"><w:body><w:p/>'
                             '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>'
                             "</w:body></w:document>",
    }


def _xlsx_parts() -> dict[str, str]:
    s = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    sheet_rel = f"{R_NS}/worksheet"
    return {
        "xl/workbook.xml": f'{_XML}<workbook xmlns="{s}" xmlns:r="{R_NS}"><sheets>'
                           '<sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": _rels(("rId1", sheet_rel, "worksheets/sheet1.xml")),
        "xl/worksheets/sheet1.xml": f'{_XML}<worksheet xmlns="{s}"><sheetData/></worksheet>',
    }


def _pptx_parts() -> dict[str, str]:
    p = "http://schemas.openxmlformats.org/presentationml/2006/main"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    tree = ('<p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/>'
            "</p:nvGrpSpPr><p:grpSpPr/></p:spTree></p:cSld>")
    ns = f'xmlns:p="{p}" xmlns:a="{a}" xmlns:r="{R_NS}"'
    clr = "".join(f'<a:{n}><a:srgbClr val="000000"/></a:{n}>' for n in (
        "dk1", "lt1", "dk2", "lt2", "accent1", "accent2", "accent3", "accent4", "accent5",
        "accent6", "hlink", "folHlink"))
    font = '<a:latin typeface="Calibri"/><a:ea typeface=""/><a:cs typeface=""/>'
    fill = '<a:solidFill><a:schemeClr val="phClr"/></a:solidFill>'
    line = f'<a:ln w="9525">{fill}</a:ln>'
    theme = (f'{_XML}<a:theme xmlns:a="{a}" name="Office"><a:themeElements>'
             f'<a:clrScheme name="Office">{clr}</a:clrScheme>'
             f'<a:fontScheme name="Office"><a:majorFont>{font}</a:majorFont>'
             f"<a:minorFont>{font}</a:minorFont></a:fontScheme>"
             f'<a:fmtScheme name="Office"><a:fillStyleLst>{fill * 3}</a:fillStyleLst>'
             f"<a:lnStyleLst>{line * 3}</a:lnStyleLst>"
             "<a:effectStyleLst>" + "<a:effectStyle><a:effectLst/></a:effectStyle>" * 3 +
             f"</a:effectStyleLst><a:bgFillStyleLst>{fill * 3}</a:bgFillStyleLst>"
             "</a:fmtScheme></a:themeElements></a:theme>")
    rel = f"{R_NS}/"
    return {
        "ppt/presentation.xml": (
            f"{_XML}<p:presentation {ns}><p:sldMasterIdLst>"
            '<p:sldMasterId id="2147483648" r:id="rId1"/></p:sldMasterIdLst>'
            '<p:sldSz cx="12192000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/>'
            "</p:presentation>"),
        "ppt/_rels/presentation.xml.rels": _rels(
            ("rId1", rel + "slideMaster", "slideMasters/slideMaster1.xml"),
            ("rId2", rel + "theme", "theme/theme1.xml")),
        "ppt/slideMasters/slideMaster1.xml": (
            f"{_XML}<p:sldMaster {ns}>{tree}"
            '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" '
            'accent2="accent2" accent3="accent3" accent4="accent4" accent5="accent5" '
            'accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
            '<p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/>'
            "</p:sldLayoutIdLst></p:sldMaster>"),
        "ppt/slideMasters/_rels/slideMaster1.xml.rels": _rels(
            ("rId1", rel + "slideLayout", "../slideLayouts/slideLayout1.xml"),
            ("rId2", rel + "theme", "../theme/theme1.xml")),
        "ppt/slideLayouts/slideLayout1.xml": (
            f'{_XML}<p:sldLayout {ns} type="blank">{tree}'
            "<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>"),
        "ppt/slideLayouts/_rels/slideLayout1.xml.rels": _rels(
            ("rId1", rel + "slideMaster", "../slideMasters/slideMaster1.xml")),
        "ppt/theme/theme1.xml": theme,
    }


_PART_TYPES = {
    "xl/worksheets/sheet1.xml": f"{_OFFICE_TYPE}.spreadsheetml.worksheet+xml",
    "ppt/slideMasters/slideMaster1.xml": f"{_OFFICE_TYPE}.presentationml.slideMaster+xml",
    "ppt/slideLayouts/slideLayout1.xml": f"{_OFFICE_TYPE}.presentationml.slideLayout+xml",
    "ppt/theme/theme1.xml": f"{_OFFICE_TYPE}.theme+xml",
}


def blank_document(extension: str) -> bytes:
    """A minimal, valid empty .docx/.xlsx/.pptx."""
    kind = extension.lower().lstrip(".")
    builders = {"docx": _docx_parts, "xlsx": _xlsx_parts, "pptx": _pptx_parts}
    if kind not in builders:
        raise ValueError(f"not an Office Open XML extension: {extension}")
    parts = builders[kind]()
    overrides = {MAIN_PARTS[kind]: MAIN_TYPES[kind]}
    overrides.update({p: t for p, t in _PART_TYPES.items() if p in parts})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(overrides))
        archive.writestr("_rels/.rels", _rels(("rId1", OFFICE_DOC, MAIN_PARTS[kind])))
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def inspect(data: bytes) -> dict[str, Any]:
    """Is this a well-formed OOXML package, and of which kind? Used by /_sandbox/ checks."""
    report: dict[str, Any] = {"valid": False, "kind": None, "size": len(data), "error": None}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            for required in ("[Content_Types].xml", "_rels/.rels"):
                if required not in names:
                    raise ValueError(f"missing {required}")
            rels = ElementTree.fromstring(archive.read("_rels/.rels"))
            main = next((r.get("Target", "").lstrip("/") for r in rels
                         if r.get("Type") == OFFICE_DOC), None)
            if main is None or main not in names:
                raise ValueError("no officeDocument part")
            types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
            declared = {o.get("PartName", "").lstrip("/"): o.get("ContentType")
                        for o in types if o.tag == f"{{{CT_NS}}}Override"}
            kind = next((k for k, t in MAIN_TYPES.items() if declared.get(main) == t), None)
            if kind is None:
                raise ValueError("main part has no Office content type")
            for name in names:
                if name.endswith((".xml", ".rels")):
                    ElementTree.fromstring(archive.read(name))
            report.update(valid=True, kind=kind)
    except (zipfile.BadZipFile, ValueError, ElementTree.ParseError, KeyError) as exc:
        report["error"] = str(exc) or type(exc).__name__
    return report
