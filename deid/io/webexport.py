"""The "xls" files web systems export: an HTML table or an XML Spreadsheet 2003, saved with an Excel name.

Excel opens both, so clerks treat them as workbooks; deid reads them with the standard library and
publishes them as .xlsx. Every value is read as the text written in the file, never through a float.
One sheet per HTML ``<table>`` (nested tables are sheets of their own) or per ``ss:Worksheet``.

>>> book = read_html_text(Path('a.xls'), '<table><tr><th colspan=2>名单</th></tr><tr><td>张三<td>4.30112E+17</table>')
>>> book.sheets[0].grid.values.tolist(), book.sheets[0].merged
([['名单', ''], ['张三', '4.30112E+17']], [(0, 0, 0, 1)])
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd

from deid.errors import InputError
from deid.io.package import Package, Removal
from deid.io.sheets import Sheet, Workbook, column_letter
from deid.io.sniff import text_encoding

SS = "{urn:schemas-microsoft-com:office:spreadsheet}"
X = "{urn:schemas-microsoft-com:office:excel}"
# Excel's grid; the HTML standard's own limits on spans.
MAX_ROWS, MAX_COLUMNS = 1_048_576, 16_384
MAX_COLSPAN, MAX_ROWSPAN = 1000, 65534
MAX_GRID_CELLS = 20_000_000  # a million-row roster of 20 columns; beyond, a stray far-away cell is the cause
_DECLARED = re.compile(rb"""(?:charset|encoding)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"[ \t\r\n\f\xa0]+")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")
_UNREADABLE = "open it in Excel and save it as .xlsx"


def decode_markup(path: Path, data: bytes) -> str:
    """The text of an HTML or XML file: byte-order mark or UTF-16 shape, the declared charset, UTF-8, GBK."""
    head = data[:4096]
    marked = text_encoding(head)
    if marked:
        encodings = [marked]
    else:
        declared = _DECLARED.search(head)
        encodings = [_superset(declared.group(1).decode("ascii"))] if declared else []
        encodings += ["utf-8", "gb18030"]
    text = _decode(path, data, encodings)
    if "\x00" in text:
        raise InputError(path, "the file is binary, not a table; export the roster as .xlsx or .csv")
    return text


def _superset(name: str) -> str:
    """GB2312 and GBK pages often hold characters only GB18030 has; browsers decode them that way too."""
    return "gb18030" if name.lower().replace("-", "").replace("_", "") in ("gb2312", "gbk", "cp936") else name


def _decode(path: Path, data: bytes, encodings: list[str]) -> str:
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise InputError(path, "the text is neither UTF-8 nor GBK; " + _UNREADABLE)


def read_html(path: Path, data: bytes) -> Workbook:
    return read_html_text(path, decode_markup(path, data))


def read_html_text(path: Path, text: str) -> Workbook:
    """One sheet per table of an HTML page; InputError when the page holds no table."""
    parser = _TableParser()
    try:
        parser.feed(text)
        parser.close()
        tables = parser.tables()
    except ValueError as error:  # a table larger than Excel's grid
        raise InputError(path, f"the HTML table export is too large ({error}); {_UNREADABLE}") from None
    except AssertionError:  # html.parser is lenient, but a few malformed declarations still raise
        raise InputError(path, f"the HTML table export is malformed; {_UNREADABLE}") from None
    if not tables:
        raise InputError(path, "an HTML page with no table in it; export the roster as .xlsx or .csv")
    return Workbook(path, "excel", [_sheet(path, f"Sheet{n}", t.cells, t.merged) for n, t in enumerate(tables, 1)])


@dataclass
class _Table:
    order: int  # tables become sheets in the order they open
    cells: dict[tuple[int, int], str] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    row: int = -1
    column: int = 0
    cell: list[str | None] | None = None  # text pieces of the open cell; None marks a <br>
    cell_at: tuple[int, int] = (0, 0)
    in_row: bool = False
    spanning_down: list[tuple[int, int, int, int]] = field(default_factory=list)  # rowspans still open

    def covered(self, row: int, column: int) -> bool:
        """Whether a cell spanning down from a row above already sits at (row, column)."""
        return any(r1 < row <= r2 and c1 <= column <= c2 for r1, c1, r2, c2 in self.spanning_down)


class _TableParser(HTMLParser):
    """Collects the cells of every table; tolerates the missing end tags that exports are full of."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open_tables: list[_Table] = []
        self.finished: list[_Table] = []
        self.opened = 0
        self.skipping = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skipping += 1
        elif tag == "table":
            self.open_tables.append(_Table(self.opened))
            self.opened += 1
        elif not self.open_tables:
            return
        elif tag == "tr":
            _end_row(self.open_tables[-1])
            _start_row(self.open_tables[-1])
        elif tag in ("td", "th"):
            _start_cell(self.open_tables[-1], dict(attrs))
        elif tag == "br" and self.open_tables[-1].cell is not None:
            self.open_tables[-1].cell.append(None)
        elif tag == "caption":
            table = self.open_tables[-1]
            _end_row(table)
            _start_row(table)
            _start_cell(table, {})

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skipping = max(0, self.skipping - 1)
        elif not self.open_tables:
            return
        elif tag == "table":
            table = self.open_tables.pop()
            _end_row(table)
            self.finished.append(table)
        elif tag in ("td", "th"):
            _end_cell(self.open_tables[-1])
        elif tag in ("tr", "caption"):
            _end_row(self.open_tables[-1])

    def handle_data(self, data: str) -> None:
        if self.open_tables and not self.skipping and self.open_tables[-1].cell is not None:
            self.open_tables[-1].cell.append(data)

    def tables(self) -> list[_Table]:
        for table in self.open_tables:
            _end_row(table)
        return sorted(self.finished + self.open_tables, key=lambda t: t.order)


def _start_row(table: _Table) -> None:
    table.row, table.column, table.in_row = table.row + 1, 0, True
    if table.row >= MAX_ROWS:
        raise ValueError("more rows than Excel holds")
    table.spanning_down = [span for span in table.spanning_down if span[2] >= table.row]


def _end_row(table: _Table) -> None:
    _end_cell(table)
    table.in_row = False


def _start_cell(table: _Table, attrs: dict[str, str | None]) -> None:
    _end_cell(table)
    if not table.in_row:
        _start_row(table)
    while table.covered(table.row, table.column):
        table.column += 1
    first = last = table.column
    colspan = _span(attrs.get("colspan"), MAX_COLSPAN)
    # A span stops where a cell spanning down from above sits: merged ranges never overlap.
    while last + 1 < first + colspan and not table.covered(table.row, last + 1):
        last += 1
    if last >= MAX_COLUMNS:
        raise ValueError("more columns than Excel holds")
    rows = _span(attrs.get("rowspan"), MAX_ROWSPAN)
    if rows > 1 or last > first:
        table.merged.append((table.row, first, table.row + rows - 1, last))
    if rows > 1:
        table.spanning_down.append(table.merged[-1])
    table.column = last + 1
    table.cell, table.cell_at = [], (table.row, first)
    table.cells[table.cell_at] = ""


def _end_cell(table: _Table) -> None:
    if table.cell is not None:
        table.cells[table.cell_at] = _cell_text(table.cell)
        table.cell = None


def _span(value: str | None, limit: int) -> int:
    """A colspan/rowspan as browsers read it: leading digits, at least 1, at most the standard's limit.

    >>> _span('3', 1000), _span(' 2px', 1000), _span('0', 1000), _span(None, 1000), _span('99999', 1000)
    (3, 2, 1, 1, 1000)
    """
    digits = re.match(r"\s*([0-9]+)", value or "")
    return min(max(int(digits.group(1)[:7]), 1), limit) if digits else 1


def _cell_text(pieces: list[str | None]) -> str:
    """The text a browser shows: whitespace collapsed, each ``<br>`` a line break.

    >>> _cell_text(['  张三\\n  丰 ']), _cell_text(['第一行', None, ' 第二行'])
    ('张三 丰', '第一行\\n第二行')
    """
    lines, line = [], []
    for piece in [*pieces, None]:
        if piece is None:
            lines.append(_SPACES.sub(" ", "".join(line)).strip())
            line = []
        else:
            line.append(piece)
    return "\n".join(lines).strip("\n")


def _sheet(path: Path, name: str, cells: dict[tuple[int, int], str], merged: list[tuple[int, int, int, int]]) -> Sheet:
    height = max((r for r, _ in cells), default=-1) + 1
    # A merge across columns makes them (a browser draws a colspan's columns); one down past the last row does not.
    width = max([c for _, c in cells] + [c2 for r1, _, _, c2 in merged if r1 < height], default=-1) + 1
    if height * width > MAX_GRID_CELLS:
        raise InputError(
            path,
            f"a table spans {height} rows × {width} columns (a cell far beyond the table?); "
            "delete the empty rows and columns after it, save as .xlsx, and run again",
        )
    rows = [[""] * width for _ in range(height)]
    for (r, c), text in cells.items():
        rows[r][c] = text
    grid = pd.DataFrame(rows, dtype=object) if height and width else pd.DataFrame(dtype=object)
    inside = [
        (r1, c1, min(r2, height - 1), min(c2, width - 1))
        for r1, c1, r2, c2 in merged
        if r1 < height and c1 < width and (min(r2, height - 1), min(c2, width - 1)) != (r1, c1)
    ]
    return Sheet(name, grid, merged=_without_overlaps(inside))


def _without_overlaps(merged: list[tuple[int, int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Merged ranges in file order, leaving out any that overlaps an earlier one (Excel refuses overlaps).

    >>> _without_overlaps([(0, 0, 0, 2), (0, 1, 1, 1), (1, 0, 2, 0)])
    [(0, 0, 0, 2), (1, 0, 2, 0)]
    """
    kept: list[tuple[int, int, int, int]] = []
    by_row: dict[int, list[tuple[int, int]]] = {}  # column intervals already merged, row by row
    for r1, c1, r2, c2 in merged:
        rows = range(r1, r2 + 1)
        if any(c1 <= d2 and d1 <= c2 for r in rows for d1, d2 in by_row.get(r, ())):
            continue
        kept.append((r1, c1, r2, c2))
        for r in rows:
            by_row.setdefault(r, []).append((c1, c2))
    return kept


def read_spreadsheetml(path: Path, data: bytes) -> Workbook:
    """An XML Spreadsheet 2003: one sheet per ``ss:Worksheet``; comments, formulas and properties are removals."""
    text = decode_markup(path, data)
    try:
        # The declaration may name an encoding expat cannot read; the text is decoded already.
        root = ElementTree.fromstring(re.sub(r"^\ufeff?\s*<\?xml[^>]*\?>", "", text, count=1))
    except ElementTree.ParseError as error:
        raise InputError(path, f"the XML spreadsheet is malformed (line {error.position[0]}); {_UNREADABLE}") from None
    if root.tag != f"{SS}Workbook":
        raise InputError(path, "an XML file that is not an Excel 2003 XML spreadsheet; " + _UNREADABLE)
    package = Package()
    sheets, names = [], set()
    for n, worksheet in enumerate(root.iter(f"{SS}Worksheet"), 1):
        name = _sheet_name(_attribute(worksheet, "Name") or f"Sheet{n}", names, n)
        sheets.append(_worksheet(path, worksheet, name, package))
    _properties(root, package)
    return Workbook(path, "excel", sheets, package=package)


def _attribute(element: ElementTree.Element, name: str) -> str | None:
    return element.get(f"{SS}{name}", element.get(name))


def _index(path: Path, element: ElementTree.Element, default: int, limit: int) -> int:
    """A 0-based row or column from ``ss:Index`` (1-based), else ``default``."""
    value = _attribute(element, "Index")
    number = _count(value)
    if value is None:
        position = default
    elif number is not None and number >= 1:
        position = number - 1
    else:
        raise InputError(path, f"the XML spreadsheet has a bad ss:Index; {_UNREADABLE}")
    if position >= limit:
        raise InputError(path, f"the XML spreadsheet has a cell outside Excel's grid; {_UNREADABLE}")
    return position


def _count(value: str | None) -> int | None:
    """A whole number written in ASCII digits, else None (Excel's limits are far below nine digits).

    >>> _count(' 12 '), _count('²'), _count('9' * 5000), _count(None)
    (12, None, 999999999, None)
    """
    digits = (value or "").strip()
    if not (digits.isascii() and digits.isdigit()):
        return None
    return min(int(digits[:10]), 999_999_999)


def _merge(element: ElementTree.Element, name: str) -> int:
    return _count(_attribute(element, name)) or 0


def _sheet_name(name: str, taken: set[str], n: int) -> str:
    """A name Excel accepts: no []:*?/\\, at most 31 characters, unique ignoring case.

    >>> taken = set()
    >>> _sheet_name('一月/二月', taken, 1), _sheet_name('一月_二月', taken, 2), _sheet_name('', taken, 3)
    ('一月_二月', 'Sheet2', 'Sheet3')
    >>> _sheet_name('Sheet2_1', taken, 4), _sheet_name('Sheet2', taken, 2), _sheet_name('sheet3', taken, 3)
    ('Sheet2_1', 'Sheet2_2', 'Sheet3_1')
    """
    cleaned = _SHEET_NAME_BAD.sub("_", name).strip("'")[:31] or f"Sheet{n}"
    if cleaned.lower() in taken or cleaned.lower() == "history":
        cleaned = f"Sheet{n}"
    suffix = 1
    while cleaned.lower() in taken:
        cleaned, suffix = f"Sheet{n}_{suffix}", suffix + 1
    taken.add(cleaned.lower())
    return cleaned


def _worksheet(path: Path, worksheet: ElementTree.Element, name: str, package: Package) -> Sheet:
    cells: dict[tuple[int, int], str] = {}
    merged: list[tuple[int, int, int, int]] = []
    hidden_columns: set[int] = set()
    table = worksheet.find(f"{SS}Table")
    if table is not None:
        column = -1
        for element in table.findall(f"{SS}Column"):
            column = _index(path, element, column + 1, MAX_COLUMNS)
            span = _merge(element, "Span")
            if _attribute(element, "Hidden") in ("1", "true"):
                hidden_columns.update(range(column, min(column + span, MAX_COLUMNS - 1) + 1))
            column += span
        row = -1
        for element in table.findall(f"{SS}Row"):
            row = _index(path, element, row + 1, MAX_ROWS)
            _row(path, element, row, name, cells, merged, package)
    options = worksheet.find(f"{X}WorksheetOptions")
    visible = options.findtext(f"{X}Visible", "") if options is not None else ""
    sheet = _sheet(path, name, cells, merged)
    sheet.hidden = visible.strip() in ("SheetHidden", "SheetVeryHidden")
    sheet.hidden_columns = {c for c in hidden_columns if c < sheet.grid.shape[1]}
    return sheet


def _row(
    path: Path,
    element: ElementTree.Element,
    row: int,
    sheet: str,
    cells: dict[tuple[int, int], str],
    merged: list[tuple[int, int, int, int]],
    package: Package,
) -> None:
    column = -1
    for cell in element.findall(f"{SS}Cell"):
        column = _index(path, cell, column + 1, MAX_COLUMNS)
        across, down = _merge(cell, "MergeAcross"), _merge(cell, "MergeDown")
        reference = f"{column_letter(column)}{row + 1}"
        data = cell.find(f"{SS}Data")
        cells[(row, column)] = _data_text(data) if data is not None else ""
        if across or down:
            merged.append((row, column, min(row + down, MAX_ROWS - 1), min(column + across, MAX_COLUMNS - 1)))
        if _attribute(cell, "Formula"):
            package.removals.append(Removal("remove_formula", "hygiene:formula", sheet, reference))
        comment = cell.find(f"{SS}Comment")
        if comment is not None:
            text = "".join(comment.itertext()).strip()
            package.removals.append(Removal("remove_comment", "hygiene:comments", sheet, reference, text))
            package.texts.append(("Comment", text, sheet))
        column += across


def _data_text(data: ElementTree.Element) -> str:
    """A cell's value as written; dates as deid writes Excel dates, booleans as Excel shows them.

    >>> _data_text(ElementTree.fromstring(f'<Data xmlns:ss="{SS[1:-1]}" ss:Type="DateTime">2024-01-05T00:00:00.000</Data>'))
    '2024-01-05'
    """
    text = "".join(data.itertext())
    kind = _attribute(data, "Type")
    if kind == "DateTime":
        match = re.fullmatch(r"\s*(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.\d+)?\s*", text)
        if match:
            return match.group(1) if match.group(2) == "00:00:00" else f"{match.group(1)} {match.group(2)}"
    if kind == "Boolean" and text.strip() in ("0", "1"):
        return "TRUE" if text.strip() == "1" else "FALSE"
    return text


def _properties(root: ElementTree.Element, package: Package) -> None:
    """Document properties (Author, LastAuthor, Company …) are cleared like an .xlsx's."""
    for properties in root.findall("{urn:schemas-microsoft-com:office:office}DocumentProperties"):
        for element in properties:
            tag = element.tag.rsplit("}", 1)[-1]
            value = "".join(element.itertext()).strip()
            if value and tag not in ("Created", "LastSaved", "Version"):
                label = {"Author": "creator", "LastAuthor": "lastModifiedBy"}.get(tag, tag)
                package.removals.append(Removal("clear_metadata", f"hygiene:property.{label}", None, None, value))
