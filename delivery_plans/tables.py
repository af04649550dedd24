"""The delivery plan's tables: its commitments, and a quarter's progress updates, imported from
CSV or Excel and exported as the commitment list shows them (assurance.tables does the work)."""

from django.db.models import Max

from assurance.models import Rag, ReportingPeriod
from assurance.tables import (
    VERSION_COLUMN,
    CellError,
    Column,
    Row,
    TableImport,
    TableSpec,
    parse_choice,
    parse_date,
    parse_list,
    parse_one_of,
    parse_rag,
)
from delivery_plans.forms import CommitmentForm, ProgressUpdateForm, plan_quarters
from delivery_plans.models import Commitment, Plan, ProgressUpdate


def _latest_quarter(commitment) -> str:
    year, quarter = getattr(commitment, "latest_year", None), getattr(commitment, "latest_quarter", None)
    return ReportingPeriod(start_year=year, quarter=quarter).label if year else ""


COMMITMENTS = TableSpec(
    name="commitments",
    sheet="Commitments",
    columns=(
        Column("ref", required=True, aliases=("reference", "no")),
        Column(
            "objective",
            required=True,
            parse="parse_objective",
            value=lambda c: c.objective.number,
            help="The objective's number, or its title or short name.",
        ),
        Column(
            "kind",
            required=True,
            parse=parse_choice(
                Commitment.Kind.choices,
                what="Kind",
                aliases={"holding": Commitment.Kind.POLICING, "pcc will": Commitment.Kind.PCC},
            ),
        ),
        Column("text", required=True, aliases=("commitment", "actions", "action")),
        Column("supporting_activity", aliases=("supporting activity", "activity")),
        Column(
            "areas",
            parse="parse_areas",
            value=lambda c: "; ".join(o.short_name for o in c.areas.all()),
            help="The areas it applies to, separated by semicolons; empty for every area of the plan.",
        ),
        Column(
            "related",
            links_by_key=True,
            value=lambda c: "; ".join(r.ref for r in c.related.all()),
            help="Refs of the commitments it refers to ('see 2.1'), separated by semicolons.",
        ),
        Column("oversight_mechanism", aliases=("oversight", "oversight mechanism")),
        # An exported file can be imported again as it is: these columns are checked or left alone.
        Column("plan", role="export_only", value=lambda c: c.plan.title),
        VERSION_COLUMN,
        Column("latest_quarter", role="export_only", value=_latest_quarter),
        Column(
            "latest_rag", role="export_only", value=lambda c: Rag(c.latest_rag).label if c.latest_rag else ""
        ),
        Column("latest_update", role="export_only", value=lambda c: c.latest_text or ""),
    ),
)

UPDATES = TableSpec(
    name="updates",
    sheet="Progress updates",
    columns=(
        Column("ref", field="commitment", required=True, parse="parse_commitment"),
        Column("period", required=True, parse="parse_period", aliases=("quarter",)),
        Column("rag", required=True, parse=parse_rag, aliases=("r_a_g", "rating")),
        Column("rag_reason", aliases=("reason",)),
        Column("text", required=True, aliases=("progress", "progress update", "update")),
        Column(
            "date", parse=parse_date, help="Empty keeps an update's date; a new one is dated at quarter end."
        ),
    ),
)
TABLES = {table.name: table for table in (COMMITMENTS, UPDATES)}


class PlanImport(TableImport):
    """An import into one plan: imports into the same plan run one after the other."""

    def __init__(self, *, plan: Plan, by=None):
        super().__init__(by=by)
        self.plan = plan

    def lock(self) -> None:
        Plan.objects.select_for_update().filter(pk=self.plan.pk).first()


class CommitmentImport(PlanImport):
    spec = COMMITMENTS
    model = Commitment
    noun = "commitment"

    def existing(self):
        if not hasattr(self, "_existing"):
            self._existing = {
                c.ref.lower(): c for c in self.plan.commitments.prefetch_related("areas", "related")
            }
            # New commitments follow those already in the plan, in the order of the file.
            self._next_order = (self.plan.commitments.aggregate(last=Max("order"))["last"] or 0) + 1
        return self._existing

    def new_instance(self, row: Row) -> Commitment:
        self._next_order += 1
        return Commitment(plan=self.plan, order=self._next_order - 1)

    def form_for(self, *, instance, data):
        return CommitmentForm(data=data, instance=instance)

    def parse_objective(self, text: str):
        objectives = (
            list(self.plan.objectives.all()) if not hasattr(self, "_objectives") else self._objectives
        )
        self._objectives = objectives
        names = {}
        for objective in objectives:
            for name in (str(objective.number), objective.title, objective.short_name):
                names.setdefault(name, objective.pk)
        return parse_one_of(
            names, what="objective", where=" in this plan", listed=[str(o.number) for o in objectives]
        )(text.removesuffix(".0"))

    def parse_areas(self, text: str) -> list[int]:
        names = {}
        for org in self.plan.organisations.all():
            for name in (org.short_name, org.slug, org.name):
                names[name] = org.pk

        def area(name: str) -> int:
            try:
                return parse_one_of(names, what="area")(name)
            except CellError:
                raise CellError(f"{name} is not an area of this plan") from None

        return parse_list(area)(text)

    def check_export_only(self, row: Row, error) -> None:
        named = row.text.get("plan", "")
        if named and named.lower() != self.plan.title.lower():
            error("plan", f"This row is of the plan ‘{named}’, not ‘{self.plan.title}’")


class ProgressUpdateImport(PlanImport):
    """A quarter's progress updates, as the browser form checks them; rag_reason and date, when
    left out of the file, keep what an existing update has."""

    spec = UPDATES
    model = ProgressUpdate
    noun = "progress update"

    def existing(self):
        if not hasattr(self, "_existing"):
            self._existing = {
                (u.commitment_id, u.period_id): u
                for u in ProgressUpdate.objects.filter(commitment__plan=self.plan).select_related("period")
            }
        return self._existing

    def key(self, row: Row):
        commitment, period = row.values.get("commitment"), row.values.get("period")
        return (commitment.pk, period) if commitment and period else None

    def key_label(self, row: Row) -> str:
        return f"{row.text.get('ref', '')} {row.text.get('period', '')}".strip()

    def parse_commitment(self, text: str) -> Commitment:
        if not hasattr(self, "_commitments"):
            self._commitments = {c.ref.lower(): c for c in self.plan.commitments.all()}
        try:
            return self._commitments[text.lower()]
        except KeyError:
            raise CellError(f"Unknown ref {text}: no such commitment in this plan") from None

    def parse_period(self, text: str) -> int:
        try:
            year, quarter = ReportingPeriod.parse(text)
        except ValueError as error:
            raise CellError(str(error)) from None
        if quarter is None or not self.plan.start_year <= year <= self.plan.end_year:
            raise CellError(f"{text} is not a quarter of the plan's term")
        if not hasattr(self, "_periods"):
            self._periods = {(p.start_year, p.quarter): p for p in plan_quarters(self.plan)}
        if (year, quarter) not in self._periods:
            # A quarter of the term not recorded yet is reference data: made here, and gone with
            # the rest if the import is refused.
            self._periods[year, quarter] = ReportingPeriod.objects.get_or_create(
                start_year=year, quarter=quarter
            )[0]
        return self._periods[year, quarter].pk

    def prepare(self, row: Row, error) -> None:
        if row.values.get("date") == "":
            del row.values["date"]  # an empty date keeps an update's date

    def new_instance(self, row: Row) -> ProgressUpdate:
        period = next(p for p in self._periods.values() if p.pk == row.values["period"])
        return ProgressUpdate(
            commitment=row.values["commitment"], period=period, author=self.by, date=period.end_date
        )

    def form_for(self, *, instance, data):
        return ProgressUpdateForm(data=data, instance=instance)


IMPORTS = {"commitments": CommitmentImport, "updates": ProgressUpdateImport}


def import_file(*, plan: Plan, kind: str, content: bytes, name: str, by=None):
    """Import a file of the given kind into a plan: every row checked, all written or none."""
    return IMPORTS[kind](plan=plan, by=by).run(content, name)
