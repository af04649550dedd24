"""Import and export of commitments and quarterly updates as CSV or Excel (.xlsx).

An import reads and checks every row before it writes anything: one bad row and nothing
changes, and each problem is reported with its row and column. Rows are matched by ref, so
importing the same file again updates what the first import made, and a row that says what
the record already holds leaves it as it is: no new version, nothing in its history.
"""

import csv
import datetime
import difflib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils.exceptions import InvalidFileException
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from assurance.models import Rag, ReportingPeriod
from delivery_plans.models import Commitment, Plan, ProgressUpdate

MAX_ROWS = 5000

COLUMNS = {
    "commitments": [
        "ref",
        "objective",
        "kind",
        "text",
        "supporting_activity",
        "areas",
        "related",
        "oversight_mechanism",
    ],
    "updates": ["ref", "period", "rag", "rag_reason", "text", "date"],
}
REQUIRED = {
    "commitments": ["ref", "objective", "kind", "text"],
    "updates": ["ref", "period", "rag", "text"],
}
# Columns of the export that an import reads but does not write, so an exported file can be
# imported again as it is. The plan column is checked against the plan imported into.
EXPORT_ONLY = ["plan", "latest_quarter", "latest_rag", "latest_update"]
READ_ONLY = {"commitments": EXPORT_ONLY, "updates": []}
# The longest text each column may hold: the model's own limit, which the forms also apply.
LIMITS = {
    "commitments": {
        name: Commitment._meta.get_field(name).max_length
        for name in ("ref", "text", "supporting_activity", "oversight_mechanism")
    },
    "updates": {name: ProgressUpdate._meta.get_field(name).max_length for name in ("text", "rag_reason")},
}
LIST_SEPARATOR = ";"
# A cell starting with one of these is written with an apostrophe before it.
NEUTRALISED = ("=", "+", "-", "@")

# A cell a spreadsheet program would run as a formula: a leading = + or @, or a minus sign
# before a number, a bracket, a cell reference (-A1), a function call (-SUM() or a link to
# another program (-cmd|). A minus before ordinary words, as in "- Review (Q2) of", is text.
FORMULA_START = re.compile(r"^[=+@]|^-\s*[\d.(]|^-\s*[A-Za-z_][\w.]*(\(|\s*[|!])|^-\$?[A-Za-z]{1,3}\$?\d+\b")
# Markup a browser would run.
SCRIPT = re.compile(r"<\s*script|javascript\s*:|<\s*iframe|<[^>]*\bon\w+\s*=", re.IGNORECASE)


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    kind: str = "commitments"

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def summary(self) -> str:
        noun = "commitment" if self.kind == "commitments" else "progress update"
        return f"Imported {self.created} new {noun}(s), updated {self.updated}, unchanged {self.unchanged}"


class UnreadableFile(Exception):
    pass


def read_rows(content: bytes, name: str) -> list[list[str]]:
    """Every row of the first sheet as text, the header first; formulas kept as written."""
    if name.lower().endswith(".xlsx"):
        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError):
            raise UnreadableFile("The file is not a valid Excel (.xlsx) workbook") from None
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(v) for v in values])
            if len(rows) > MAX_ROWS + 1:
                break
        workbook.close()
        return rows
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("The CSV file must be saved as UTF-8 text") from None
    if "\x00" in text:
        raise UnreadableFile("The file is not a CSV text file")
    try:
        return [row for row, _ in zip(csv.reader(io.StringIO(text)), range(MAX_ROWS + 2), strict=False)]
    except csv.Error as error:
        raise UnreadableFile(f"The CSV file could not be read: {error}") from None


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_upload(*, plan: Plan, kind: str, upload, by=None) -> ImportResult:
    return import_file(plan=plan, kind=kind, content=upload.read(), name=upload.name, by=by)


def import_file(*, plan: Plan, kind: str, content: bytes, name: str, by=None) -> ImportResult:
    """Check every row, then write all of them or none."""
    result = ImportResult(kind=kind)
    try:
        rows = read_rows(content, name)
    except UnreadableFile as error:
        result.errors.append(RowError(1, "", str(error)))
        return result
    columns, records = _records(rows, kind, result)
    if columns is None:
        return result
    # Every row is checked even when an earlier check failed, so one upload lists every problem.
    if kind == "commitments":
        _import_commitments(plan, columns, records, result, by)
    else:
        _import_updates(plan, columns, records, result, by)
    result.errors.sort(key=lambda e: e.row)
    return result


def _records(
    rows: list[list[str]], kind: str, result: ImportResult
) -> tuple[set[str] | None, list[tuple[int, dict]]]:
    """The columns of the header, and (row number, {column: text}) for each non-empty row,
    after checking the header and cells. No columns when the header itself is unusable."""
    if not rows or not any(cell.strip() for cell in rows[0]):
        result.errors.append(RowError(1, "", "The file is empty: the first row must name the columns"))
        return None, []
    header = [cell.strip().lower().replace(" ", "_") for cell in rows[0]]
    if not _header_ok(header, kind, result):
        return None, []
    if len(rows) - 1 > MAX_ROWS:
        result.errors.append(RowError(MAX_ROWS + 2, "", f"The file has more than {MAX_ROWS} rows"))
        return None, []
    columns = {name for name in header if name}
    limits = LIMITS[kind]
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        # A row shorter than the header has empty cells at its end.
        record = dict.fromkeys(columns, "")
        for index, cell in enumerate(row):
            column = header[index] if index < len(header) else ""
            if not column:
                # A spreadsheet often carries empty cells past the named columns; a value
                # there would be dropped without a word, so it is refused.
                if cell.strip():
                    result.errors.append(
                        RowError(
                            number,
                            f"column {index + 1}",
                            "A value in a column with no name in the first row: name the column or "
                            "remove the value",
                        )
                    )
                continue
            value = cell.strip()
            if value[:1] == "'" and value[1:2] in NEUTRALISED:
                # The apostrophe an export puts before such a cell: the rest is text.
                value = value[1:]
            elif FORMULA_START.search(value):
                result.errors.append(
                    RowError(number, column, "A formula is not allowed: type the value itself")
                )
            if SCRIPT.search(value):
                result.errors.append(RowError(number, column, "Markup or script is not allowed in a cell"))
            if column in limits and len(value) > limits[column]:
                result.errors.append(
                    RowError(
                        number,
                        column,
                        f"{column} is {len(value)} characters long: it may have at most {limits[column]}",
                    )
                )
            record[column] = value
        for column in REQUIRED[kind]:
            if not record.get(column):
                result.errors.append(RowError(number, column, f"{column} is required"))
        records.append((number, record))
    if not records and not result.errors:
        result.errors.append(RowError(2, "", "The file has no rows below its header"))
    return columns, records


def _header_ok(header: list[str], kind: str, result: ImportResult) -> bool:
    """Every required column present, each named once, and none the import does not know:
    a misspelt column (rag_reasn) would otherwise be dropped without a word."""
    ok = True
    missing = [name for name in REQUIRED[kind] if name not in header]
    if missing:
        result.errors.append(
            RowError(1, ", ".join(missing), f"Missing required column(s): {', '.join(missing)}")
        )
        ok = False
    allowed = [*COLUMNS[kind], *READ_ONLY[kind]]
    unknown = [name for name in dict.fromkeys(header) if name and name not in allowed]
    if unknown:
        hints = []
        for name in unknown:
            close = difflib.get_close_matches(name, allowed, n=1)
            if close:
                hints.append(f"{name} (did you mean {close[0]}?)")
            else:
                hints.append(name)
        result.errors.append(
            RowError(
                1,
                ", ".join(unknown),
                f"Unknown column(s): {', '.join(hints)}. Rename or remove them: the columns are "
                f"{', '.join(allowed)}",
            )
        )
        ok = False
    twice = [name for name in dict.fromkeys(header) if name and header.count(name) > 1]
    if twice:
        result.errors.append(
            RowError(1, ", ".join(twice), f"Column(s) named more than once: {', '.join(twice)}")
        )
        ok = False
    return ok


def _same_text(stored: str, imported: str) -> bool:
    """Text as a spreadsheet gives it back: line ends may differ and cells are trimmed."""

    def plain(text: str) -> str:
        return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()

    return plain(stored) == plain(imported)


def _kind_of(value: str) -> str | None:
    text = value.strip().lower()
    for choice in Commitment.Kind:
        if text in (choice.value, choice.label.lower()):
            return choice.value
    if text.startswith("holding"):
        return Commitment.Kind.POLICING
    return None


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(LIST_SEPARATOR) if part.strip()]


# Commitment fields an import may write, by column; ref, objective and kind are required.
COMMITMENT_TEXT_COLUMNS = ["text", "supporting_activity", "oversight_mechanism"]


def _import_commitments(plan: Plan, columns: set[str], records, result: ImportResult, by) -> None:
    """Only the columns in the file's header are written: a column left out of the file keeps
    what each commitment has, so a file of the required columns changes nothing else."""
    objectives = {str(o.number): o for o in plan.objectives.all()}
    areas = {}
    for org in plan.organisations.all():
        for name in (org.short_name, org.slug, org.name):
            areas[name.lower()] = org
    existing = {c.ref.lower(): c for c in plan.commitments.prefetch_related("areas", "related")}
    refs_in_file = {}
    rows = []
    for number, record in records:
        ref = record.get("ref", "")
        if ref and ref.lower() in refs_in_file:
            result.errors.append(
                RowError(number, "ref", f"Duplicate ref {ref}: also on row {refs_in_file[ref.lower()]}")
            )
        if ref:
            refs_in_file.setdefault(ref.lower(), number)
        objective = objectives.get(record.get("objective", "").removesuffix(".0"))
        if record.get("objective") and objective is None:
            known = ", ".join(sorted(objectives)) or "none yet"
            result.errors.append(
                RowError(
                    number, "objective", f"No objective {record['objective']} in this plan (it has {known})"
                )
            )
        kind = _kind_of(record.get("kind", ""))
        if record.get("kind") and kind is None:
            result.errors.append(
                RowError(number, "kind", f"Kind must be 'policing' or 'pcc', not {record['kind']!r}")
            )
        orgs = []
        for name in _split(record.get("areas", "")):
            if name.lower() not in areas:
                result.errors.append(RowError(number, "areas", f"{name} is not an area of this plan"))
            else:
                orgs.append(areas[name.lower()])
        if record.get("plan") and record["plan"].lower() != plan.title.lower():
            result.errors.append(
                RowError(number, "plan", f"This row is of the plan {record['plan']!r}, not {plan.title!r}")
            )
        rows.append((number, record, objective, kind, orgs))
    for number, record, *_ in rows:
        for ref in _split(record.get("related", "")):
            if ref.lower() not in refs_in_file and ref.lower() not in existing:
                result.errors.append(RowError(number, "related", f"Unknown ref {ref} in related"))
    if result.errors:
        return

    written = ["objective", "kind", *(c for c in COMMITMENT_TEXT_COLUMNS if c in columns)]
    # The file has no order column: commitments already in the plan keep their place, and new
    # ones follow them in the order of the file.
    last = max((c.order for c in existing.values()), default=0)
    with transaction.atomic():
        new, changed, links = [], [], []
        for _number, record, objective, kind, orgs in rows:
            values = {"objective": objective, "kind": kind}
            values |= {column: record[column] for column in COMMITMENT_TEXT_COLUMNS if column in columns}
            related = {ref.lower() for ref in _split(record.get("related", ""))}
            commitment = existing.get(record["ref"].lower())
            if commitment is None:
                last += 1
                new.append(Commitment(plan=plan, ref=record["ref"], order=last, **values))
                links.append((record["ref"].lower(), orgs, related))
                continue
            link_changes = _link_changes(commitment, columns, orgs, related)
            if not link_changes and _commitment_unchanged(commitment, values):
                result.unchanged += 1
                continue
            for name, value in values.items():
                setattr(commitment, name, value)
            commitment.version += 1
            changed.append((commitment, link_changes))
            links.append((record["ref"].lower(), orgs, related))
        if new:
            bulk_create_with_history(new, Commitment, default_user=by, batch_size=500)
        by_ref = {c.ref.lower(): c for c in plan.commitments.all()}
        for commitment, link_changes in changed:
            # Links are not columns of the history record: say how they changed, as the form does.
            commitment._change_reason = _describe_links(link_changes, by_ref) or None
        if changed:
            bulk_update_with_history(
                [c for c, _ in changed], Commitment, [*written, "version"], default_user=by, batch_size=500
            )
        touched = [by_ref[ref].pk for ref, _orgs, _related in links]
        if "areas" in columns:
            Areas = Commitment.areas.through
            Areas.objects.filter(commitment_id__in=touched).delete()
            Areas.objects.bulk_create(
                [
                    Areas(commitment_id=by_ref[ref].pk, organisation_id=o.pk)
                    for ref, orgs, _related in links
                    for o in orgs
                ],
                ignore_conflicts=True,
            )
        if "related" in columns:
            Related = Commitment.related.through
            Related.objects.filter(from_commitment_id__in=touched).delete()
            Related.objects.bulk_create(
                [
                    Related(from_commitment_id=by_ref[ref].pk, to_commitment_id=by_ref[other].pk)
                    for ref, _orgs, related in links
                    for other in related
                ],
                ignore_conflicts=True,
            )
    result.created, result.updated = len(new), len(changed)


def _commitment_unchanged(commitment: Commitment, values: dict) -> bool:
    for name, value in values.items():
        if name == "objective":
            if commitment.objective_id != value.pk:
                return False
        elif name == "kind":
            if commitment.kind != value:
                return False
        elif not _same_text(getattr(commitment, name), value):
            return False
    return True


def _link_changes(commitment: Commitment, columns: set[str], orgs, related: set[str]) -> dict:
    """{field: (refs or names before, after)} for the links of the file's columns that differ."""
    changes = {}
    if "areas" in columns:
        before = {o.pk: o for o in commitment.areas.all()}
        after = {o.pk: o for o in orgs}
        if set(before) != set(after):
            changes["areas"] = ({str(o) for o in before.values()}, {str(o) for o in after.values()})
    if "related" in columns:
        before = {c.ref.lower() for c in commitment.related.all()}
        if before != related:
            changes["related"] = (before, related)
    return changes


def _describe_links(changes: dict, by_ref: dict) -> str:
    parts = []
    for name, (before, after) in changes.items():
        if name == "related":
            before, after = ({str(by_ref[ref]) for ref in refs if ref in by_ref} for refs in (before, after))
        label = capfirst(str(Commitment._meta.get_field(name).verbose_name))
        parts.append(
            f"{label}: {', '.join(sorted(before)) or '(none)'} → {', '.join(sorted(after)) or '(none)'}"
        )
    return "; ".join(parts)


def _import_updates(plan: Plan, columns: set[str], records, result: ImportResult, by) -> None:
    """As the browser form checks them; rag_reason and date, when left out of the file, keep
    what an existing update has."""
    commitments = {c.ref.lower(): c for c in plan.commitments.all()}
    periods = {(p.start_year, p.quarter): p for p in ReportingPeriod.objects.quarters()}
    existing = {
        (u.commitment_id, u.period.start_year, u.period.quarter): u
        for u in ProgressUpdate.objects.filter(commitment__plan=plan).select_related("period")
    }
    rags = {}
    for choice in Rag:
        rags[choice.value] = choice.value
        rags[choice.label.lower()] = choice.value
    seen = {}
    rows = []
    today = timezone.localdate()
    for number, record in records:
        commitment = commitments.get(record.get("ref", "").lower())
        if record.get("ref") and commitment is None:
            result.errors.append(
                RowError(number, "ref", f"Unknown ref {record['ref']}: no such commitment in this plan")
            )
        period = None
        if record.get("period"):
            try:
                year, quarter = ReportingPeriod.parse(record["period"])
            except ValueError as error:
                result.errors.append(RowError(number, "period", str(error)))
            else:
                if quarter is not None and plan.start_year <= year <= plan.end_year:
                    # A quarter of the term not yet in use is unsaved until every row passes.
                    period = periods.get((year, quarter)) or ReportingPeriod(start_year=year, quarter=quarter)
                else:
                    result.errors.append(
                        RowError(number, "period", f"{record['period']} is not a quarter of the plan's term")
                    )
        update = None
        if commitment and period:
            update = existing.get((commitment.pk, period.start_year, period.quarter))
        rag = rags.get(record.get("rag", "").lower())
        if record.get("rag") and rag is None:
            result.errors.append(
                RowError(
                    number, "rag", f"RAG must be one of Red, Amber, Green, Not rated, not {record['rag']!r}"
                )
            )
        reason = record["rag_reason"] if "rag_reason" in columns else (update.rag_reason if update else "")
        if rag and Rag.needs_reason(rag) and not reason:
            result.errors.append(
                RowError(number, "rag_reason", f"Give a reason for the {Rag(rag).label} rating")
            )
        date = None
        if record.get("date"):
            try:
                date = datetime.date.fromisoformat(record["date"][:10])
            except ValueError:
                result.errors.append(
                    RowError(number, "date", f"{record['date']!r} is not a date such as 2016-12-07")
                )
        if date and date > today:
            result.errors.append(
                RowError(number, "date", f"The date must be today ({today:%d %B %Y}) or earlier")
            )
        if date and period and date < period.start_date:
            result.errors.append(
                RowError(
                    number,
                    "date",
                    f"The date must be on or after the start of {period.label} "
                    f"({period.start_date:%d %B %Y})",
                )
            )
        if commitment and period:
            key = (commitment.pk, period.label)
            if key in seen:
                result.errors.append(
                    RowError(number, "ref", f"{commitment.ref} {period} is also on row {seen[key]}")
                )
            seen[key] = number
        rows.append((record, commitment, period, rag, reason, date, update))
    if result.errors:
        return

    with transaction.atomic():
        new, changed = [], []
        for record, commitment, period, rag, reason, date, update in rows:
            if period.pk is None:
                period = ReportingPeriod.objects.get_or_create(
                    start_year=period.start_year, quarter=period.quarter
                )[0]
                periods[(period.start_year, period.quarter)] = period
            period = periods[(period.start_year, period.quarter)]
            values = {"text": record["text"], "rag": rag}
            if "rag_reason" in columns or update is None:
                values["rag_reason"] = reason
            if date or update is None:
                # An empty date keeps an existing update's date; a new one is dated at quarter end.
                values["date"] = date or period.end_date
            if update is None:
                new.append(ProgressUpdate(commitment=commitment, period=period, author=by, **values))
                continue
            if all(
                _same_text(getattr(update, name), value)
                if name in ("text", "rag_reason")
                else getattr(update, name) == value
                for name, value in values.items()
            ):
                result.unchanged += 1
                continue
            for name, value in values.items():
                setattr(update, name, value)
            update.version += 1
            changed.append(update)
        if new:
            bulk_create_with_history(new, ProgressUpdate, default_user=by, batch_size=500)
        if changed:
            bulk_update_with_history(
                changed, ProgressUpdate, ["text", "rag", "rag_reason", "date", "version"], default_user=by
            )
    result.created, result.updated = len(new), len(changed)


EXPORT_COLUMNS = [*COLUMNS["commitments"], "plan", "latest_quarter", "latest_rag", "latest_update"]


def export_rows(queryset) -> list[list[str]]:
    """The header and one row per commitment: the import columns, then the newest update."""
    periods = {p.pk: p.label for p in ReportingPeriod.objects.quarters()}
    rows = [EXPORT_COLUMNS]
    for c in queryset.prefetch_related("related"):
        rows.append(
            [
                c.ref,
                str(c.objective.number),
                c.kind,
                c.text,
                c.supporting_activity,
                LIST_SEPARATOR.join(o.short_name for o in c.areas.all()),
                LIST_SEPARATOR.join(r.ref for r in c.related.all()),
                c.oversight_mechanism,
                c.plan.title,
                periods.get(c.latest_period, ""),
                Rag(c.latest_rag).label if c.latest_rag else "",
                c.latest_text or "",
            ]
        )
    return rows


def _neutralised(value: str) -> str:
    """Keep a spreadsheet program from running a cell as a formula: a leading apostrophe makes
    it text. An import takes the apostrophe off again."""
    if value[:1] in ("\t", "\r") or value.lstrip(" ")[:1] in NEUTRALISED:
        return "'" + value
    return value


def write(rows: list[list[str]], fmt: str) -> bytes:
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        for row in rows:
            writer.writerow([_neutralised(str(v)) for v in row])
        return out.getvalue().encode("utf-8-sig")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Commitments")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_neutralised(str(value)))
            cell.data_type = "s"  # text, never a formula
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
