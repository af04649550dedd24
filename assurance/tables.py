"""Tables in and out: reading CSV and Excel files people upload, and writing the lists they
download, for every area.

An area declares its table once, as a `TableSpec` of `Column`s (header, aliases, parser, the
form field each feeds, how it is exported). An import (`TableImport`) then:
- refuses a hostile or broken file before parsing it whole: size, rows, columns, cells, the
  unpacked size of a workbook, document type declarations (entity bombs), no worksheet, a
  wrong encoding; each a written error, within bounded time and memory;
- checks the header: every required column present, none unknown or repeated (aliases and
  differences of case and spacing allowed);
- checks every row with the area's own model form, as the browser would, and reports every
  problem of every row by row and column;
- refuses formulas and markup in cells (exports neutralise them, with the same rule);
- writes all rows or none, through assurance.writes: each updated record's version is
  checked, so a row changed by someone after the file was exported is named, not overwritten.
"""

import csv
import datetime
import difflib
import io
import re
import zipfile
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, ClassVar, Literal

from django import forms as django_forms
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.http import HttpResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell

from assurance.forms import Form
from assurance.models import AuditedModel, Rag
from assurance.text import sort_key
from assurance.writes import Clash, RecordWrite, StaleRecords, records_save

# -- limits ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableLimits:
    """What an uploaded table may hold. Checked before and while reading, never after."""

    max_bytes: int = 2 * 1024 * 1024
    max_rows: int = 5000
    max_columns: int = 60
    max_cell_chars: int = 20_000
    # A workbook is a zip of XML: its parts may unpack to at most this much in all.
    max_unpacked_bytes: int = 25 * 1024 * 1024
    max_parts: int = 300

    @property
    def size_label(self) -> str:
        return f"{self.max_bytes // (1024 * 1024)} MB"


LIMITS = TableLimits()
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class TableError(Exception):
    """The file as a whole cannot be read; the message says why, for the person uploading it."""


# -- the formula rule, for cells in and out -------------------------------------------------

# A cell a spreadsheet program would run as a formula: a leading = + or @, or a minus sign
# before a number, a bracket, a cell reference (-A1), a function call (-SUM() or a link to
# another program (-cmd|). A minus before ordinary words, as in "- Review (Q2) of", is text.
FORMULA_START = re.compile(r"^[=+@]|^-\s*[\d.(]|^-\s*[A-Za-z_][\w.]*(\(|\s*[|!])|^-\$?[A-Za-z]{1,3}\$?\d+\b")
# Markup a browser would run.
SCRIPT = re.compile(r"<\s*script|javascript\s*:|<\s*iframe|<[^>]*\bon\w+\s*=", re.IGNORECASE)
# Characters that make a spreadsheet program read a cell as a formula; an export puts an
# apostrophe before them, which an import takes off again.
FORMULA_CHARACTERS = ("=", "+", "-", "@")


def neutralise(value: str) -> str:
    """Keep a spreadsheet program from running a cell as a formula: a leading apostrophe makes
    it text."""
    if value[:1] in ("\t", "\r") or value.lstrip(" ")[:1] in FORMULA_CHARACTERS:
        return "'" + value
    return value


def cell_problem(value: str, *, quoted: bool = False) -> str | None:
    """Why an imported cell is refused, or None. A cell an export quoted (see `neutralise`) is
    text whatever it starts with; markup is refused in any cell."""
    if not quoted and FORMULA_START.search(value):
        return "A formula is not allowed: type the value itself"
    if SCRIPT.search(value):
        return "Markup or script is not allowed in a cell"
    return None


def unneutralised(value: str) -> tuple[str, bool]:
    """The text of a cell without the apostrophe an export put before it, and whether it had one."""
    if value[:1] == "'" and value[1:2] in (*FORMULA_CHARACTERS, "\t", "\r"):
        return value[1:], True
    return value, False


# -- reading --------------------------------------------------------------------------------


def read_rows(content: bytes, name: str, limits: TableLimits = LIMITS) -> list[list[str]]:
    """Every non-empty row of the first sheet as text, the header first, formulas as written.

    Stops reading as soon as a limit is passed, so the time and memory a file costs depend on
    the limits, not on the file.
    """
    if len(content) > limits.max_bytes:
        raise TableError(f"The file must be smaller than {limits.size_label}")
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content, limits)
    if name.lower().endswith(".csv"):
        return _read_csv(content, limits)
    raise TableError("The file must be a CSV (.csv) or Excel (.xlsx) file")


def _too_many_rows(limits: TableLimits) -> TableError:
    return TableError(f"The file has more than {limits.max_rows} rows: split it into smaller files")


def _too_many_columns(count: int | str, limits: TableLimits) -> TableError:
    return TableError(
        f"The sheet has {count} columns: a table may have at most {limits.max_columns}. "
        "Remove the columns the import does not use."
    )


def _read_csv(content: bytes, limits: TableLimits) -> list[list[str]]:
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableError(
            "The CSV file must be saved as UTF-8 text, and this one is UTF-16: in Excel, choose "
            "Save As and 'CSV UTF-8 (Comma delimited)'"
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            "The CSV file must be saved as UTF-8 text: in Excel, choose Save As and "
            "'CSV UTF-8 (Comma delimited)'"
        ) from None
    if "\x00" in text:
        raise TableError("The file is not a CSV text file")
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            if len(row) > limits.max_columns and any(cell.strip() for cell in row[limits.max_columns :]):
                raise _too_many_columns(len(row), limits)
            rows.append(row[: limits.max_columns])
            if len(rows) > limits.max_rows + 1:
                raise _too_many_rows(limits)
    except csv.Error as error:
        raise TableError(f"The CSV file could not be read: {error}") from None
    return rows


def _read_xlsx(content: bytes, limits: TableLimits) -> list[list[str]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise TableError("The file is not a valid Excel (.xlsx) workbook") from None
    if len(parts) > limits.max_parts:
        raise TableError(f"The workbook has {len(parts)} parts, more than a table needs: it was not read")
    unpacked = sum(part.file_size for part in parts)
    if unpacked > limits.max_unpacked_bytes:
        raise TableError(
            f"The workbook unpacks to {unpacked // (1024 * 1024)} MB, more than the "
            f"{limits.max_unpacked_bytes // (1024 * 1024)} MB a table may: it was not read. Save the "
            "table on its own in a new workbook."
        )
    try:
        for part in parts:
            if part.filename.endswith((".xml", ".rels", ".vml")):
                # A declaration may only come before the first element, so the start is enough.
                with archive.open(part) as handle:
                    head = handle.read(2048).upper()
                if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                    raise TableError(
                        "The workbook holds a document type declaration, which no spreadsheet "
                        "needs: it was not read"
                    )
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise TableError("The file is not a valid Excel (.xlsx) workbook") from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken workbook; each means the same here
        raise TableError("The file is not a valid Excel (.xlsx) workbook") from None
    try:
        if not workbook.worksheets:
            raise TableError("The workbook has no worksheet")
        sheet = workbook.worksheets[0]
        declared = getattr(sheet, "max_column", None)
        if isinstance(declared, int) and declared > 16384:
            raise _too_many_columns(declared, limits)
        return _sheet_rows(sheet, limits)
    except TableError:
        raise
    except Exception:
        raise TableError("The file is not a valid Excel (.xlsx) workbook") from None
    finally:
        workbook.close()


def _sheet_rows(sheet, limits: TableLimits) -> list[list[str]]:
    rows: list[list[str]] = []
    for values in sheet.iter_rows(values_only=True, max_col=limits.max_columns + 1):
        cells = [_cell_text(v) for v in values]
        while cells and not cells[-1].strip():
            cells.pop()
        if len(cells) > limits.max_columns:
            raise _too_many_columns(f"more than {limits.max_columns}", limits)
        if not cells:
            continue
        rows.append(cells)
        if len(rows) > limits.max_rows + 1:
            raise _too_many_rows(limits)
    return rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- parsers: text as people write it, to the value a form field takes -----------------------


class CellError(ValueError):
    """A cell that cannot be read as its column's kind of value; the message says why."""


Parser = Callable[[str], Any]


def normalised(header: str) -> str:
    """A header compared as people mean it: 'Lead officer', 'lead_officer', 'LEAD OFFICER'."""
    return re.sub(r"[^0-9a-z]+", "_", header.strip().lower()).strip("_")


def parse_choice(choices: Iterable[tuple[str, str]], *, what: str, aliases: Mapping[str, str] | None = None):
    """A choice given by its value or its label (any case), or by one of the aliases."""
    options: dict[str, str] = {}
    for value, label in choices:
        options[normalised(str(value))] = value
        options[normalised(str(label))] = value
    for alias, value in (aliases or {}).items():
        options[normalised(alias)] = value
    shown = ", ".join(str(label) for _, label in choices)

    def parse(text: str):
        try:
            return options[normalised(text)]
        except KeyError:
            raise CellError(f"{what} must be one of {shown}, not ‘{text}’") from None

    return parse


RAG_ALIASES = {"r": Rag.RED, "a": Rag.AMBER, "g": Rag.GREEN, "nr": Rag.NOT_RATED, "n_a": Rag.NOT_RATED}
parse_rag = parse_choice(Rag.choices, what="RAG", aliases=RAG_ALIASES)
parse_rag.__doc__ = "R/A/G as letters or words: R, Amber, green, Not rated."

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y")


def parse_date(text: str) -> datetime.date:
    """A date as people write it in the UK: 15/10/2015, 15 Oct 2015, 15 October 2015, or ISO
    2015-10-15 (a spreadsheet's date cell arrives as ISO)."""
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", text.strip())
    cleaned = re.sub(r"\s+", " ", cleaned)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?", cleaned):
        cleaned = cleaned[:10]
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(cleaned, fmt).date()  # noqa: DTZ007 - a date, not a moment
        except ValueError:
            continue
    raise CellError(f"‘{text}’ is not a date such as 15/10/2015, 15 October 2015 or 2015-10-15")


def parse_decimal(text: str) -> Decimal:
    """A number as people write it: 1,234.5 or 12%."""
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise CellError(f"‘{text}’ is not a number") from None


YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}


def parse_yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in YES:
        return True
    if value in NO:
        return False
    raise CellError(f"Write yes or no, not ‘{text}’")


def parse_one_of(
    options: Mapping[str, Any], *, what: str, where: str = "", listed: Iterable[str] | None = None
) -> Parser:
    """A record chosen by any of its names (a number, a ref, a title), compared as headers are.
    `listed` are the names an error offers (by default every name)."""
    lookup = {normalised(k): v for k, v in options.items() if k}
    offered = sorted(listed if listed is not None else options, key=sort_key)
    known = ", ".join(offered[:12]) + (", …" if len(offered) > 12 else "") if offered else "none yet"

    def parse(text: str):
        try:
            return lookup[normalised(text)]
        except KeyError:
            raise CellError(f"No {what} {text}{where} (it has {known})") from None

    return parse


def parse_list(item: Parser, *, separator: str = ";") -> Parser:
    """Several values in one cell, separated by semicolons."""

    def parse(text: str) -> list:
        values, problems = [], []
        for part in (p.strip() for p in text.split(separator)):
            if not part:
                continue
            try:
                values.append(item(part))
            except CellError as error:
                problems.append(str(error))
        if problems:
            raise CellError("; ".join(problems))
        return values

    return parse


# -- the spec -------------------------------------------------------------------------------

ColumnRole = Literal["data", "export_only", "version"]


@dataclass(frozen=True)
class Column:
    """One column of a table.

    `field` is the form field the column feeds (default: the header); `parse` turns the cell's
    text into that field's value (a callable, or the name of a method of the import); `value`
    gives the exported cell from a record (default: the field's attribute). `role`:
    "export_only" columns are written by the export and allowed, but not read, by an import
    (TableImport.check_export_only may compare them); "version" carries the record's version
    so that importing an exported file refuses a row changed since.
    """

    header: str
    field: str | None = None
    aliases: tuple[str, ...] = ()
    parse: Parser | str | None = None
    value: Callable[[Any], Any] | None = None
    required: bool = False
    role: ColumnRole = "data"
    links_by_key: bool = False
    """A list of the table's own keys (refs of other rows, new ones included), set as links
    after every row is saved."""
    help: str = ""

    @property
    def field_name(self) -> str:
        return self.field or self.header

    def names(self) -> set[str]:
        return {normalised(self.header), *(normalised(a) for a in self.aliases)}


VERSION_COLUMN = Column(
    "version",
    role="version",
    value=lambda obj: obj.version,
    help="The record's version when the file was made; an import refuses a row changed since.",
)


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    key: str = "ref"
    """The header of the column that matches a row to a record."""
    sheet: str = "Table"

    def column(self, header: str) -> Column:
        return next(c for c in self.columns if c.header == header)

    @property
    def template_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.role == "data"]

    @property
    def export_columns(self) -> list[Column]:
        return list(self.columns)

    def export_rows(self, objects: Iterable[Any]) -> list[list[Any]]:
        """The header and a row per record."""
        rows: list[list[Any]] = [[c.header for c in self.columns]]
        for obj in objects:
            rows.append([_export_value(c, obj) for c in self.columns])
        return rows


def _export_value(column: Column, obj) -> Any:
    value = column.value(obj) if column.value is not None else getattr(obj, column.field_name)
    return "" if value is None else value


# -- writing --------------------------------------------------------------------------------


def write_table(rows: Sequence[Sequence[Any]], fmt: str, *, sheet: str = "Table") -> bytes:
    """CSV (UTF-8 with a BOM, so Excel reads it) or XLSX; every cell text, never a formula."""
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        for row in rows:
            writer.writerow([neutralise(_cell(v)) for v in row])
        return text.getvalue().encode("utf-8-sig")
    if fmt != "xlsx":
        raise ValueError(f"Unknown format {fmt!r}")
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet[:31])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(worksheet, value=neutralise(_cell(value)))
            cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        worksheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _cell(value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def table_response(rows: Sequence[Sequence[Any]], fmt: str, filename: str, *, sheet: str = "Table"):
    """A download of the rows as `filename.fmt`."""
    response = HttpResponse(write_table(rows, fmt, sheet=sheet), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


# -- importing ------------------------------------------------------------------------------


class TableUploadForm(Form):
    """The file to import (and, where an area imports several tables, which one)."""

    kind = django_forms.ChoiceField(widget=django_forms.RadioSelect, label="What the file holds")
    file = django_forms.FileField(label="File")

    def __init__(self, *args, kinds: Sequence[tuple[str, str]] | None = None, limits=LIMITS, **kwargs):
        super().__init__(*args, **kwargs)
        self.limits = limits
        kind = self.fields["kind"]
        if kinds and len(kinds) > 1 and isinstance(kind, django_forms.ChoiceField):
            kind.choices = kinds
        else:
            del self.fields["kind"]
        self.fields[
            "file"
        ].help_text = f"A CSV or Excel (.xlsx) file of at most {limits.size_label}, laid out as the template."

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise django_forms.ValidationError("The file must be a CSV (.csv) or Excel (.xlsx) file")
        if upload.size > self.limits.max_bytes:
            raise django_forms.ValidationError(f"The file must be smaller than {self.limits.size_label}")
        return upload


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    noun: str = "record"
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    also: list[str] = field(default_factory=list)
    """What else the import wrote, for the summary ("added 4 objectives")."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        done = (
            f"Imported {self.created} new {self.noun}(s), updated {self.updated}, unchanged {self.unchanged}"
        )
        return "; ".join([done, *self.also])


@dataclass
class Row:
    """A data row being imported: its number in the file, its text by header, its values."""

    number: int
    text: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    failed: set[str] = field(default_factory=set)
    """Headers of the cells that already have an error (the form's own error is then left out)."""
    instance: Any = None
    loaded_version: int | None = None
    form: Any = None
    links: dict[str, list] = field(default_factory=dict)


class TableImport:
    """Import one table of an area. Subclass it: set `spec` and `noun`, and implement
    `existing`, `new_instance` and `form_for`; the other hooks are optional.

    Rows are matched to records by the spec's key column (compared without case); a row that
    says what its record already holds leaves the record as it is (no new version, nothing in
    its history); a column left out of the file keeps what each record has.
    """

    spec: ClassVar[TableSpec]
    model: ClassVar[type[models.Model] | None] = None
    noun: ClassVar[str] = "record"
    limits: ClassVar[TableLimits] = LIMITS

    def __init__(self, *, by=None):
        self.by = by

    # -- hooks ---------------------------------------------------------------------------
    def lock(self) -> None:
        """Lock what the import writes under (a plan...), so two imports into it run one
        after the other and the second sees the first's records."""

    def existing(self) -> Mapping[Hashable, AuditedModel]:
        """The records rows may update, by key (see `key`). Read after `lock`."""
        raise NotImplementedError

    def key(self, row: Row) -> Hashable | None:
        text = row.text.get(self.spec.key, "")
        return text.lower() if text else None

    def key_label(self, row: Row) -> str:
        return row.text.get(self.spec.key, "")

    def new_instance(self, row: Row) -> AuditedModel:
        raise NotImplementedError

    def form_for(self, *, instance: AuditedModel, data: dict | None) -> django_forms.ModelForm:
        raise NotImplementedError

    def check(self, row: Row, error: Callable[[str, str], None]) -> None:
        """Area checks of a row beyond its form's; call error(header, message)."""

    def check_export_only(self, row: Row, error: Callable[[str, str], None]) -> None:
        """Compare an exported file's read-only columns (the plan it came from...)."""

    def link_targets(self, header: str) -> Mapping[Hashable, AuditedModel]:
        """For a `links_by_key` column: the existing records its keys may name."""
        return self.existing()

    def dependent_writes(self, row: Row) -> list[RecordWrite]:
        """Records a row writes besides its own, once checked (a commitment row's progress
        update for a quarter...). They are saved after every row's own record, so they may
        point at a record that is new in the same file; a row whose own record is unchanged
        but that writes one counts as updated."""
        return []

    def save(self, writes: list[RecordWrite]) -> None:
        """Write the rows' own records; an area whose writes go through a service (to keep a
        derived value such as a sort key) calls it here."""
        records_save(writes=writes, by=self.by)

    # -- the run -------------------------------------------------------------------------
    def run_upload(self, upload) -> ImportResult:
        if upload.size > self.limits.max_bytes:
            return self._file_error(f"The file must be smaller than {self.limits.size_label}")
        return self.run(upload.read(), upload.name)

    def run(self, content: bytes, name: str) -> ImportResult:
        """Check every row, then write all of them or none."""
        self.result = ImportResult(noun=self.noun)
        self._blanks: dict[tuple, tuple[dict, dict]] = {}
        self._choice_lists: dict[str, dict[str, Any] | None] = {}
        self._lists_read: set[str] = set()
        try:
            rows = read_rows(content, name, self.limits)
        except TableError as error:
            return self._file_error(str(error))
        columns = self._header(rows)
        if columns is None:
            return self.result
        try:
            with transaction.atomic():
                self.lock()
                records = self._rows(rows, columns)
                if not self.result.errors:
                    self._write(records)
                if self.result.errors:
                    transaction.set_rollback(True)
        except Clash:
            self.result.errors.append(
                RowError(
                    1,
                    "",
                    "Someone saved records that clash with this file (the same refs) while it was "
                    "being imported. Nothing was imported: import it again.",
                )
            )
        self.result.errors.sort(key=lambda e: e.row)
        return self.result

    def _file_error(self, message: str) -> ImportResult:
        self.result = ImportResult(noun=self.noun, errors=[RowError(1, "", message)])
        return self.result

    def _error(self, row: int, column: str, message: str) -> None:
        self.result.errors.append(RowError(row, column, message))

    def _header(self, rows: list[list[str]]) -> list[Column | None] | None:
        """The column of each header cell (None for an empty one), or None when the header is unusable."""
        if not rows or not any(cell.strip() for cell in rows[0]):
            self._error(1, "", "The file is empty: the first row must name the columns")
            return None
        by_name = {name: column for column in self.spec.columns for name in column.names()}
        header = [cell.strip() for cell in rows[0]]
        columns = [by_name.get(normalised(cell)) if cell else None for cell in header]
        ok = True
        unknown = [cell for cell, column in zip(header, columns, strict=True) if cell and column is None]
        if unknown:
            allowed = [c.header for c in self.spec.columns]
            hints = []
            for cell in dict.fromkeys(unknown):
                close = difflib.get_close_matches(normalised(cell), allowed, n=1)
                hints.append(f"{cell} (did you mean {close[0]}?)" if close else cell)
            self._error(
                1,
                ", ".join(dict.fromkeys(unknown)),
                f"Unknown column(s): {', '.join(hints)}. Rename or remove them: the columns are "
                f"{', '.join(allowed)}",
            )
            ok = False
        present = [c.header for c in columns if c is not None]
        twice = [h for h in dict.fromkeys(present) if present.count(h) > 1]
        if twice:
            self._error(1, ", ".join(twice), f"Column(s) named more than once: {', '.join(twice)}")
            ok = False
        missing = [c.header for c in self.spec.columns if c.required and c.header not in present]
        if missing:
            self._error(1, ", ".join(missing), f"Missing required column(s): {', '.join(missing)}")
            ok = False
        if ok and len(rows) < 2:
            self._error(2, "", "The file has no rows below its header")
            ok = False
        return columns if ok else None

    def _rows(self, rows: list[list[str]], columns: list[Column | None]) -> list[Row]:
        present = {c.header: c for c in columns if c is not None}
        existing = self.existing()
        seen: dict[Hashable, int] = {}
        records = []
        for number, cells in enumerate(rows[1:], start=2):
            if not any(cell.strip() for cell in cells):
                continue
            row = self._read_cells(number, cells, columns)
            self._parse(row, present)
            key = self.key(row)
            if key is not None and key in seen:
                self._error(
                    number,
                    self.spec.key,
                    f"Duplicate {self.spec.key} {self.key_label(row)}: also on row {seen[key]}",
                )
                row.failed.add(self.spec.key)
            elif key is not None:
                seen[key] = number
            row.instance = existing.get(key) if key is not None else None
            if row.instance is not None:
                row.loaded_version = row.instance.version
            elif not (row.failed & {self.spec.key}) and key is not None:
                row.instance = self.new_instance(row)
            self._check_row(row, present)
            records.append(row)
        self._check_link_keys(records, present, set(existing) | set(seen))
        if not records:
            self._error(2, "", "The file has no rows below its header")
        return records

    def _read_cells(self, number: int, cells: list[str], columns: list[Column | None]) -> Row:
        row = Row(number=number, text={})
        for index, cell in enumerate(cells):
            column = columns[index] if index < len(columns) else None
            if column is None:
                # A spreadsheet often carries empty cells past the named columns; a value there
                # would be dropped without a word, so it is refused.
                if cell.strip():
                    self._error(
                        number,
                        f"column {index + 1}",
                        "A value in a column with no name in the first row: "
                        "name the column or remove the value",
                    )
                continue
            value, quoted = unneutralised(cell.strip())
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            problem = cell_problem(value, quoted=quoted)
            if problem:
                self._error(number, column.header, problem)
                row.failed.add(column.header)
            limit = self._max_length(column)
            if limit and len(value) > limit:
                self._error(
                    number,
                    column.header,
                    f"{column.header} is {len(value)} characters long: it may have at most {limit}",
                )
                row.failed.add(column.header)
            row.text[column.header] = value
        for header in {c.header for c in columns if c is not None} - set(row.text):
            row.text[header] = ""  # a row shorter than the header has empty cells at its end
        return row

    def _max_length(self, column: Column) -> int:
        """A text column's limit is its model field's, as the form has it; a parsed value's the
        general cell limit."""
        if column.role == "data" and column.parse is None and self.model is not None:
            try:
                limit = getattr(self.model._meta.get_field(column.field_name), "max_length", None)
            except FieldDoesNotExist:  # a form-only value
                limit = None
            if limit:
                return limit
        return self.limits.max_cell_chars

    def _parse(self, row: Row, present: dict[str, Column]) -> None:
        for header, column in present.items():
            if column.role != "data" or header in row.failed:
                continue
            text = row.text.get(header, "")
            if not text:
                if column.required:
                    self._error(row.number, header, f"{header} is required")
                    row.failed.add(header)
                # An empty cell says there is nothing there: the field is cleared.
                row.values[column.field_name] = [] if column.links_by_key else ""
                continue
            if column.links_by_key:
                row.values[column.field_name] = [part.strip() for part in text.split(";") if part.strip()]
                continue
            parse = getattr(self, column.parse) if isinstance(column.parse, str) else column.parse
            try:
                row.values[column.field_name] = parse(text) if parse is not None else text
            except CellError as problem:
                self._error(row.number, header, str(problem))
                row.failed.add(header)

        def error(header: str, message: str) -> None:
            self._error(row.number, header, message)
            row.failed.add(header)

        self.prepare(row, error)

    def prepare(self, row: Row, error: Callable[[str, str], None]) -> None:
        """Adjust a row's values before its form sees them (defaults for empty cells, the
        record a value names...); call error(header, message) for a problem found."""

    def _check_row(self, row: Row, present: dict[str, Column]) -> None:
        def error(header: str, message: str) -> None:
            self._error(row.number, header, message)
            row.failed.add(header)

        if row.instance is None:
            return
        self.check_export_only(row, error)
        version = present.get("version")
        if version is not None and row.instance.pk is not None and row.text.get("version"):
            self._check_version(row, error)
        data = self._form_data(row, present)
        form = self.form_for(instance=row.instance, data=data)
        self._choose_from_lists_read_once(form)
        for column in present.values():
            if column.links_by_key and column.field_name in form.fields:
                del form.fields[column.field_name]
        by_field = {c.field_name: c.header for c in present.values() if c.role == "data"}
        if not form.is_valid():
            for name, messages in form.errors.items():
                header = by_field.get(name, "")
                if header in row.failed:
                    continue
                for message in messages:
                    self._error(row.number, header, str(message))
                if header:
                    row.failed.add(header)
        self.check(row, error)
        row.form = form

    # A list of choices longer than this is looked up value by value, as the form does.
    CHOICES_READ_ONCE = 500

    def _choose_from_lists_read_once(self, form) -> None:
        """Every row's form chooses its objective, status... from the same lists: each list is
        read once for the file (by its query), not once a row, and a value is looked up in it."""
        for choice in form.fields.values():
            if type(choice) is not django_forms.ModelChoiceField or choice.queryset is None:
                continue
            query = str(choice.queryset.query)
            if query not in self._choice_lists:
                # A list seen once may be one row's own (one that leaves the row's record out).
                self._choice_lists[query] = None
                continue
            if query not in self._lists_read:
                self._lists_read.add(query)
                records = list(choice.queryset[: self.CHOICES_READ_ONCE + 1])
                if len(records) <= self.CHOICES_READ_ONCE:
                    self._choice_lists[query] = {str(choice.prepare_value(o)): o for o in records}
            known = self._choice_lists[query]
            if known is not None:
                choice.to_python = _chosen_from(choice, known)  # type: ignore[method-assign]

    def _check_version(self, row: Row, error) -> None:
        text = row.text["version"]
        if not text.isdigit():
            error("version", f"‘{text}’ is not a version number: leave the exported value as it is")
            return
        if int(text) != row.instance.version:
            from assurance.history import changes_since

            newer = changes_since(row.instance, int(text))
            who = "; ".join(f"{e.who} on {e.when:%d %B %Y at %H:%M}" for e in newer) or "someone else"
            error(
                "version",
                f"{self.key_label(row)} was changed after this file was made ({who}): export it again, "
                "or leave this row out",
            )
            return
        row.loaded_version = int(text)

    def _blank(self, instance) -> tuple[dict[str, Any], dict[str, django_forms.Field]]:
        """What a blank form of the record holds, field by field, and its fields. New records
        alike (the same values before the file's go over them) share one: a form made for each
        new row was a fifth of a long import's time."""
        key = None
        if instance.pk is None:
            key = tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)
            try:
                kept = self._blanks.get(key)
            except TypeError:  # a value that cannot be a key (a JSON field's list)
                key, kept = None, None
            if kept is not None:
                return dict(kept[0]), kept[1]
        blank = self.form_for(instance=instance, data=None)
        data: dict[str, Any] = {}
        for name, bound in blank.fields.items():
            initial = blank.get_initial_for_field(bound, name)
            if isinstance(bound, django_forms.ModelMultipleChoiceField):
                initial = [getattr(o, "pk", o) for o in (initial or [])]
            elif isinstance(initial, models.Model):
                initial = initial.pk
            data[name] = initial
        if key is not None:
            self._blanks[key] = (data, blank.fields)
        return dict(data), blank.fields

    def _form_data(self, row: Row, present: dict[str, Column]) -> dict:
        """What the record holds, for every field of its form, with the file's values over it."""
        data, fields = self._blank(row.instance)
        for name, value in row.values.items():
            field_ = fields.get(name)
            if field_ is None:
                continue  # read by the import itself (the record a row belongs to...)
            before = data.get(name)
            if isinstance(field_, django_forms.MultipleChoiceField) and value == "":
                value = []
            if isinstance(value, str) and isinstance(before, str) and _same_text(before, value):
                continue  # as a spreadsheet gives text back: keep what is stored
            data[name] = value
        if row.instance.pk is not None:
            data["loaded_version"] = row.loaded_version
        return {k: v for k, v in data.items() if v is not None}

    def _check_link_keys(self, records: list[Row], present: dict[str, Column], known: set) -> None:
        for column in present.values():
            if not column.links_by_key:
                continue
            for row in records:
                if column.header in row.failed:
                    continue
                for key in row.values.get(column.field_name, []):
                    if key.lower() not in known:
                        self._error(
                            row.number, column.header, f"Unknown {self.spec.key} {key} in {column.header}"
                        )
                        row.failed.add(column.header)

    def instance_key(self, obj: AuditedModel) -> Hashable:
        """The key a record of a `links_by_key` column is named by."""
        return str(getattr(obj, self.spec.key)).lower()

    def _write(self, records: list[Row]) -> None:
        by_key = {self.key(row): row.instance for row in records}
        link_columns = [c for c in self.spec.columns if c.links_by_key and c.header in records[0].text]
        writes: list[RecordWrite] = []
        dependent: list[RecordWrite] = []
        row_of = {id(row.instance): row for row in records}
        for row in records:
            form = row.form
            links = {
                name: list(form.cleaned_data[name])
                for name, field_ in form.fields.items()
                if isinstance(field_, django_forms.ModelMultipleChoiceField) and name in form.changed_data
            }
            for column in link_columns:
                wanted = [k.lower() for k in row.values.get(column.field_name, [])]
                current = (
                    {self.instance_key(t) for t in getattr(row.instance, column.field_name).all()}
                    if row.instance.pk is not None
                    else set()
                )
                if set(wanted) != current:
                    links[column.field_name] = [by_key[k] for k in wanted]
            changed = [name for name in form.changed_data if name not in links and name != "loaded_version"]
            extra = self.dependent_writes(row)
            for write in extra:
                row_of[id(write.instance)] = row
            dependent.extend(extra)
            if row.instance.pk is not None and not changed and not links:
                if extra:
                    self.result.updated += 1
                else:
                    self.result.unchanged += 1
                continue
            if row.instance.pk is None:
                self.result.created += 1
            else:
                self.result.updated += 1
            writes.append(RecordWrite(form.instance, loaded_version=row.loaded_version, links=links))
        try:
            self.save(writes)
            records_save(writes=dependent, by=self.by)
        except StaleRecords as stale:
            for write, newer in stale.stale:
                row = row_of[id(write.instance)]
                if newer is None:
                    happened = "was deleted by someone else"
                else:
                    who = "; ".join(f"{e.who} on {e.when:%d %B %Y at %H:%M}" for e in newer)
                    happened = f"was changed by {who or 'someone else'}"
                self._error(
                    row.number,
                    self.spec.key,
                    f"{self.key_label(row)} {happened} while the file was imported: "
                    "nothing was imported. Import it again.",
                )
            self.result.created = self.result.updated = self.result.unchanged = 0


class OrganisationTableImport(TableImport):
    """Rows into the registers, reports... an organisation keeps: each row names its container
    in the `container` column and is matched by that container and its ref. The organisation's
    containers are locked while the rows are checked and written, so imports into them run one
    after the other.

    Set `container` (the column, and the record's field: "register") and `container_label`
    (the container's field a cell names it by: "name"); implement `containers()` and
    `records()`.
    """

    container: ClassVar[str]
    container_label: ClassVar[str] = "name"
    container_where: ClassVar[str] = "kept by"
    """How a message says whose the containers are: "No register ‘X’ kept by West Mercia"."""

    def __init__(self, *, organisation, by=None):
        super().__init__(by=by)
        self.organisation = organisation

    def containers(self) -> models.QuerySet:
        """The organisation's registers, reports..."""
        raise NotImplementedError

    def records(self) -> models.QuerySet:
        """Every record rows may update, in any of the organisation's containers."""
        raise NotImplementedError

    @cached_property
    def _containers(self) -> dict[str, models.Model]:
        return {getattr(c, self.container_label): c for c in self.containers()}

    def lock(self) -> None:
        list(self.containers().select_related(None).order_by("pk").select_for_update().values_list("pk"))

    def existing(self) -> Mapping[Hashable, AuditedModel]:
        if not hasattr(self, "_existing"):
            self._existing: dict[Hashable, AuditedModel] = {
                (getattr(r, f"{self.container}_id"), r.ref.lower()): r for r in self.records()
            }
        return self._existing

    def key(self, row: Row) -> Hashable | None:
        container, ref = row.values.get(self.container), row.text.get("ref", "").strip()
        return (container.pk, ref.lower()) if container and ref else None

    def key_label(self, row: Row) -> str:
        return f"{row.text.get(self.container, '')} {row.text.get('ref', '')}".strip()

    def parse_container(self, text: str) -> models.Model:
        where = f" {self.container_where} {self.organisation.short_name}"
        return parse_one_of(self._containers, what=self.container, where=where)(text)

    def new_instance(self, row: Row) -> AuditedModel:
        if self.model is None or not issubclass(self.model, AuditedModel):
            raise NotImplementedError("Set the import's model, an audited one")
        return self.model(**{self.container: row.values[self.container]})


def _chosen_from(field: django_forms.ModelChoiceField, by_value: dict[str, Any]) -> Callable:
    """The field's to_python, reading the record a value names from a list already read; a
    value not in it (a record the same file added, an impossible one) is asked of the database
    as the form asks it."""
    asked = field.to_python

    def to_python(value):
        if value in field.empty_values:
            return None
        key = str(field.prepare_value(value))
        if key not in by_value:
            by_value[key] = asked(value)
        return by_value[key]

    return to_python


def _same_text(stored: str, imported: str) -> bool:
    """Text as a spreadsheet gives it back: line ends may differ and cells are trimmed."""

    def plain(text: str) -> str:
        return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()

    return plain(stored) == plain(imported)
