"""What an .xlsx/.xlsm package carries besides cell values: the places where past leaks hid.

Hidden columns, comments, document properties, formulas, defined names, pivot caches (which hold a full
copy of their source), external links, embedded objects, images, macros, print headers and hyperlinks.
The published workbook is written fresh, so none of them survives; this module lists them so that each
removal gets its audit record, and so that ``deid check`` can read the text they hold.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
# Parts whose mere presence is one removal each: (path pattern, action, rule).
PART_REMOVALS = [
    (re.compile(r"xl/pivotCache/pivotCacheDefinition\d*\.xml"), "remove_pivot_cache", "hygiene:pivot_cache"),
    (re.compile(r"xl/pivotTables/pivotTable\d*\.xml"), "remove_pivot_table", "hygiene:pivot_table"),
    (re.compile(r"xl/externalLinks/externalLink\d*\.xml"), "remove_external_link", "hygiene:external_link"),
    (re.compile(r"xl/embeddings/.+"), "remove_embedded_object", "hygiene:embedded_object"),
    (re.compile(r"xl/media/.+"), "remove_image", "hygiene:image"),
    (re.compile(r"xl/charts/chart\d*\.xml"), "remove_chart", "hygiene:chart"),
    (re.compile(r"xl/vbaProject\.bin"), "remove_macro", "hygiene:macro"),
]
DOCUMENT_PROPERTIES = {
    "docProps/core.xml": ("creator", "lastModifiedBy", "title", "subject", "keywords", "description", "category"),
    "docProps/app.xml": ("Company", "Manager"),
}
# Text in these parts is what a reader of the package could find beyond the cells deid reads.
_TEXT_PARTS = re.compile(
    r"(xl/comments\d*\.xml|xl/threadedComments/.+\.xml|xl/persons/.+\.xml|xl/pivotCache/.+\.xml|"
    r"xl/externalLinks/.+\.xml|xl/drawings/.+\.xml|xl/charts/.+\.xml|docProps/.+\.xml|xl/workbook\.xml)"
)


@dataclass(frozen=True)
class Removal:
    """One thing the fresh workbook leaves out; ``value`` is only ever fingerprinted, never written."""

    action: str
    rule: str
    sheet: str | None = None
    cell: str | None = None
    value: str | None = None


@dataclass
class SheetLayout:
    widths: dict[int, float] = field(default_factory=dict)
    hidden_columns: set[int] = field(default_factory=set)


@dataclass
class Package:
    removals: list[Removal] = field(default_factory=list)
    sheets: dict[str, SheetLayout] = field(default_factory=dict)
    texts: list[tuple[str, str, str | None]] = field(default_factory=list)  # (part, text, sheet) for deid check


def _text(element: ElementTree.Element) -> str:
    return "".join(element.itertext()).strip()


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    relations = {}
    with archive.open("xl/_rels/workbook.xml.rels") as handle:
        for rel in ElementTree.parse(handle).getroot().iter(f"{_REL}Relationship"):
            target = rel.get("Target", "")
            relations[rel.get("Id")] = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
    with archive.open("xl/workbook.xml") as handle:
        root = ElementTree.parse(handle).getroot()
    return [
        (sheet.get("name"), relations.get(sheet.get(f"{_OFFICE_REL}id"), "")) for sheet in root.iter(f"{_MAIN}sheet")
    ]


def _sheet_relations(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str]]:
    """(relationship type suffix, target part) of one sheet part."""
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if rels not in archive.namelist():
        return []
    with archive.open(rels) as handle:
        root = ElementTree.parse(handle).getroot()
    return [
        (
            rel.get("Type", "").rsplit("/", 1)[-1],
            posixpath.normpath(posixpath.join(posixpath.dirname(part), rel.get("Target", ""))),
        )
        for rel in root.iter(f"{_REL}Relationship")
        if rel.get("TargetMode") != "External"
    ]


def _scan_sheet(archive: zipfile.ZipFile, name: str, part: str, package: Package) -> None:
    layout = package.sheets.setdefault(name, SheetLayout())
    with archive.open(part) as handle:
        for _, element in ElementTree.iterparse(handle):
            tag = element.tag.removeprefix(_MAIN)
            if tag == "col":
                first, last = int(element.get("min", "1")) - 1, int(element.get("max", "1")) - 1
                for column in range(first, min(last, 16383) + 1):
                    if element.get("width"):
                        layout.widths[column] = float(element.get("width"))
                    if element.get("hidden") in ("1", "true"):
                        layout.hidden_columns.add(column)
            elif tag == "c":
                if element.find(f"{_MAIN}f") is not None:
                    package.removals.append(Removal("remove_formula", "hygiene:formula", name, element.get("r")))
                element.clear()
            elif tag == "hyperlink":
                package.removals.append(Removal("remove_hyperlink", "hygiene:hyperlink", name, element.get("ref")))
            elif tag in ("oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter") and _text(
                element
            ):
                package.removals.append(Removal("remove_header_footer", f"hygiene:{tag}", name, None, _text(element)))
                package.texts.append((part, _text(element), name))


def _scan_comments(archive: zipfile.ZipFile, name: str, part: str, kind: str, package: Package) -> None:
    with archive.open(part) as handle:
        root = ElementTree.parse(handle).getroot()
    for element in root.iter():
        if element.tag.rsplit("}", 1)[-1] in ("comment", "threadedComment"):
            text = _text(element)
            package.removals.append(Removal("remove_comment", f"hygiene:{kind}", name, element.get("ref"), text))
            package.texts.append((part, text, name))


def _scan_properties(archive: zipfile.ZipFile, package: Package) -> None:
    for part, names in DOCUMENT_PROPERTIES.items():
        if part not in archive.namelist():
            continue
        with archive.open(part) as handle:
            root = ElementTree.parse(handle).getroot()
        for element in root:
            tag = element.tag.rsplit("}", 1)[-1]
            if tag in names and _text(element):
                package.removals.append(
                    Removal("clear_metadata", f"hygiene:property.{tag}", None, None, _text(element))
                )
    if "docProps/custom.xml" in archive.namelist():
        with archive.open("docProps/custom.xml") as handle:
            for element in ElementTree.parse(handle).getroot():
                label = element.get("name", "custom")
                package.removals.append(
                    Removal("clear_metadata", f"hygiene:property.{label}", None, None, _text(element))
                )


def _scan_defined_names(archive: zipfile.ZipFile, package: Package) -> None:
    with archive.open("xl/workbook.xml") as handle:
        root = ElementTree.parse(handle).getroot()
    for element in root.iter(f"{_MAIN}definedName"):
        package.removals.append(Removal("remove_defined_name", "hygiene:defined_name", None, None, _text(element)))


def _part_text(root: ElementTree.Element) -> str:
    """Text and attribute values of a part: pivot caches and external links keep their values in ``v=""``."""
    pieces = []
    for element in root.iter():
        pieces += [value for value in element.attrib.values() if not value.startswith(("http:", "https:"))]
        pieces += [t for t in (element.text, element.tail) if t]
    return " ".join(p.strip() for p in pieces if p.strip())


def _collect_texts(archive: zipfile.ZipFile, package: Package) -> None:
    for part in archive.namelist():
        if _TEXT_PARTS.fullmatch(part) and not part.startswith(("xl/comments", "xl/threadedComments")):
            with archive.open(part) as handle:
                text = _part_text(ElementTree.parse(handle).getroot())
            if text:
                package.texts.append((part, text, None))


def read_package(path: Path) -> Package:
    """Everything beyond cell values in an Excel 2007+ package; an empty Package for other formats."""
    package = Package()
    if not zipfile.is_zipfile(path):
        return package
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            return package
        for sheet_name, part in _sheet_parts(archive):
            if part not in names:
                continue
            _scan_sheet(archive, sheet_name, part, package)
            for kind, target in _sheet_relations(archive, part):
                if kind in ("comments", "threadedComment") and target in names:
                    _scan_comments(archive, sheet_name, target, kind, package)
        _scan_properties(archive, package)
        _scan_defined_names(archive, package)
        for part in sorted(names):
            package.removals += [
                Removal(action, rule, None, None, part)
                for pattern, action, rule in PART_REMOVALS
                if pattern.fullmatch(part)
            ]
        _collect_texts(archive, package)
    return package
