"""The delivery plan's tables: its commitments (with, where the file gives them, each row's
rating and progress for a quarter), and a quarter's progress updates, imported from CSV or
Excel in the shapes offices keep them and exported as the commitment list shows them
(assurance.tables does the work).

A commitments file names each row's objective by its ref, its title, its short name or both
("A. Putting victims first"); an objective the plan lacks is added when the file gives its
title, and every objective a new plan's file names is added."""

import re
from typing import Any

from django.db.models import Max
from django.utils import timezone

from assurance.models import Rag, ReportingPeriod
from assurance.tables import (
    VERSION_COLUMN,
    CellError,
    Column,
    Row,
    TableImport,
    TableSpec,
    normalised,
    parse_choice,
    parse_date,
    parse_list,
    parse_one_of,
    parse_rag,
)
from assurance.writes import RecordWrite
from delivery_plans import services
from delivery_plans.forms import CommitmentForm, ObjectiveForm, ProgressUpdateForm, plan_quarters
from delivery_plans.models import Commitment, Objective, Plan, ProgressUpdate


class CommitmentRefsColumn:
    """For another area's import into an organisation's records (risks, recommendations...):
    a `commitments` cell of refs ("1.1; 2.3") of the plans the organisation keeps or shares,
    read as their ids. A ref in two plans names the newest plan's."""

    organisation: Any

    def parse_commitments(self, text: str) -> list[int]:
        if not hasattr(self, "_commitment_ids"):
            self._commitment_ids: dict[str, int] = {}
            for ref, pk in (
                Commitment.objects.for_organisation(self.organisation)
                .order_by("-plan__start_year")
                .values_list("ref", "pk")
            ):
                self._commitment_ids.setdefault(ref, pk)

        def commitment(ref: str) -> int:
            try:
                return self._commitment_ids[ref]
            except KeyError:
                raise CellError(
                    f"No commitment {ref} in the delivery plans of {self.organisation.short_name}"
                ) from None

        return parse_list(commitment)(text)


def _latest_quarter(commitment) -> str:
    year, quarter = getattr(commitment, "latest_year", None), getattr(commitment, "latest_quarter", None)
    return ReportingPeriod(start_year=year, quarter=quarter).label if year else ""


COMMITMENTS = TableSpec(
    name="commitments",
    sheet="Commitments",
    columns=(
        Column("ref", required=True, aliases=("reference", "no", "ref no", "number")),
        Column(
            "objective",
            required=True,
            parse="parse_objective",
            value=lambda c: c.objective.ref,
            aliases=("section", "priority", "theme", "objective ref"),
            help="The objective or section: its ref (1, A, Section 2), its title or short name, or both "
            "(A. Putting victims first).",
        ),
        Column(
            "objective_title",
            parse="parse_objective_title",
            value=lambda c: c.objective.title,
            aliases=("objective title", "section title", "priority title", "objective name", "section name"),
            help="The objective's title: an objective the plan does not have yet is added with it.",
        ),
        Column(
            "kind",
            parse=parse_choice(
                Commitment.Kind.choices,
                what="Kind",
                aliases={"holding": Commitment.Kind.POLICING, "pcc will": Commitment.Kind.PCC},
            ),
            help="Policing (held to account) or pcc (the PCC's own); a new row without it is policing.",
        ),
        Column(
            "text",
            required=True,
            aliases=("commitment", "actions", "action", "plan commitment", "description"),
        ),
        Column("supporting_activity", aliases=("supporting activity", "activity")),
        Column("lead_officer", aliases=("lead officer", "lead", "responsible officer", "lead role")),
        Column("sponsor", aliases=("senior sponsor", "executive sponsor")),
        Column("owner", aliases=("owned by", "delivery owner")),
        Column(
            "target_date",
            parse=parse_date,
            aliases=("target date", "due date", "deadline"),
            help="A date such as 31/03/2017 or 31 March 2017, within the plan's term.",
        ),
        Column("timescale", aliases=("timescales", "timeframe", "time frame", "by when")),
        Column(
            "status",
            parse="parse_status",
            value=lambda c: c.status.name if c.status else "",
            aliases=("current status", "delivery status", "progress status"),
            help="One of the plan's delivery statuses; a new row without it takes the plan's first.",
        ),
        Column(
            "completed_on",
            parse=parse_date,
            aliases=("date completed", "completion date", "completed"),
            help="For a status that counts as completed.",
        ),
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
        # A row may carry its rating and progress for a quarter, as offices' own sheets do; an
        # export writes the latest, so importing it again changes nothing.
        Column(
            "period",
            parse="parse_period",
            value=_latest_quarter,
            aliases=("quarter", "reporting period", "latest quarter"),
            help="The quarter the R/A/G and progress are for, such as 2016/17 Q3.",
        ),
        Column(
            "rag",
            parse=parse_rag,
            value=lambda c: Rag(c.latest_rag).label if c.latest_rag else "",
            aliases=("R/A/G", "rating", "RAG status", "RAG rating", "latest RAG"),
            help="R, A or G (or Red, Amber, Green) for that quarter.",
        ),
        Column(
            "rag_reason",
            value=lambda c: c.latest_reason or "",
            aliases=("reason", "reason for rating", "rag reason"),
            help="Needed for Amber and Red.",
        ),
        Column(
            "progress",
            value=lambda c: c.latest_text or "",
            aliases=("progress update", "update", "latest update", "commentary", "progress to date"),
            help="The progress update for that quarter.",
        ),
        # An exported file can be imported again as it is: these columns are checked or left alone.
        Column("plan", role="export_only", value=lambda c: c.plan.title),
        VERSION_COLUMN,
    ),
)

UPDATES = TableSpec(
    name="updates",
    sheet="Progress updates",
    columns=(
        Column("ref", field="commitment", required=True, parse="parse_commitment"),
        Column("period", required=True, parse="parse_period", aliases=("quarter",)),
        Column("rag", required=True, parse=parse_rag, aliases=("R/A/G", "rating")),
        Column("rag_reason", aliases=("reason",)),
        Column("text", required=True, aliases=("progress", "progress update", "update")),
        Column(
            "date",
            parse=parse_date,
            help="Empty keeps an update's date; a new one is dated at quarter end (or today, if sooner).",
        ),
    ),
)
TABLES = {table.name: table for table in (COMMITMENTS, UPDATES)}

# An objective written with its title in one cell: "A. Putting victims first", "2 – Secure",
# "Section 2: Safer roads". A bare letter or number needs the punctuation after it, so that
# "A more secure county" stays a title.
REF_AND_TITLE = re.compile(
    r"^(?P<ref>(?:(?:section|part|priority|objective|theme|strand)\s+)?(?:[a-z]|\d{1,3}))"
    r"\s*[.:)–—-]\s+(?P<title>\S.*)$",
    re.IGNORECASE,
)
# The cells of a commitment row that are its progress update for a quarter, by the form field
# each feeds.
UPDATE_FIELDS = {"progress": "text", "rag": "rag", "rag_reason": "rag_reason"}


def quarter_date(period: ReportingPeriod):
    """A new update's date when none is given: the quarter's end, or today if that is sooner."""
    return min(period.end_date, timezone.localdate())


class PlanImport(TableImport):
    """An import into one plan: imports into the same plan run one after the other."""

    def __init__(self, *, plan: Plan, by=None):
        super().__init__(by=by)
        self.plan = plan
        # Each row's progress update for a quarter, when it gives one that changes.
        self._row_updates: dict[int, RecordWrite] = {}

    def lock(self) -> None:
        Plan.objects.select_for_update().filter(pk=self.plan.pk).first()

    def parse_period(self, text: str) -> int:
        try:
            year, quarter = ReportingPeriod.parse(text)
        except ValueError as error:
            raise CellError(str(error)) from None
        if quarter is None or not self.plan.start_year <= year <= self.plan.end_year:
            raise CellError(f"{text} is not a quarter of the plan's term ({self.plan.term_label})")
        if not hasattr(self, "_periods"):
            self._periods = {(p.start_year, p.quarter): p for p in plan_quarters(self.plan)}
        if (year, quarter) not in self._periods:
            # A quarter of the term not recorded yet is reference data: made here, and gone with
            # the rest if the import is refused.
            self._periods[year, quarter] = ReportingPeriod.objects.get_or_create(
                start_year=year, quarter=quarter
            )[0]
        return self._periods[year, quarter].pk

    def period(self, pk: int) -> ReportingPeriod:
        return next(p for p in self._periods.values() if p.pk == pk)


class CommitmentImport(PlanImport):
    spec = COMMITMENTS
    model = Commitment
    noun = "commitment"
    creates_objectives = False
    """Whether an objective named without a title is added (in a new plan's file), or refused
    as a likely typing mistake (in a plan that has its objectives)."""

    def existing(self):
        if not hasattr(self, "_existing"):
            self._existing = {
                c.ref.lower(): c for c in self.plan.commitments.prefetch_related("areas", "related")
            }
        return self._existing

    def new_instance(self, row: Row) -> Commitment:
        return Commitment(plan=self.plan, status=self._statuses()[0] if self._statuses() else None)

    def form_for(self, *, instance, data):
        if data is not None and not data.get("status") and self._statuses():
            data["status"] = instance.status_id or self._statuses()[0].pk  # a status-less row keeps one
        return CommitmentForm(data=data, instance=instance)

    def save(self, writes: list[RecordWrite]) -> None:
        services.commitments_save(writes=writes, by=self.by)

    # -- objectives ----------------------------------------------------------------------

    def parse_objective(self, text: str) -> str:
        return text.removesuffix(".0")  # a number typed into a spreadsheet cell

    def parse_objective_title(self, text: str) -> str:
        limit = Objective._meta.get_field("title").max_length
        if len(text) > limit:
            raise CellError(f"An objective's title may have at most {limit} characters")
        return text

    def _objectives(self) -> dict[str, Objective]:
        """The plan's objectives by every name a file may give them."""
        if not hasattr(self, "_objective_names"):
            self._objective_names: dict[str, Objective] = {}
            self._objective_refs: dict[str, Objective] = {}
            for objective in self.plan.objectives.all():
                self._know(objective)
        return self._objective_names

    def _know(self, objective: Objective) -> None:
        self._objective_refs[normalised(objective.ref)] = objective
        for name in (objective.short_name, objective.title, objective.ref, objective.heading):
            if name:
                self._objective_names.setdefault(normalised(name), objective)

    def _titled(self, objective: Objective, title: str, error) -> Objective | None:
        if normalised(title) in {normalised(objective.title), normalised(objective.short_name)}:
            return objective
        error(
            "objective_title",
            f"Objective {objective.ref} of this plan is titled ‘{objective.title}’, not ‘{title}’: "
            "leave the title out, or change the objective on the plan's page",
        )
        return None

    def _objective_for(self, text: str, title: str, error) -> Objective | None:
        names = self._objectives()
        if title:
            found = self._objective_refs.get(normalised(text))
            return self._titled(found, title, error) if found else self._add_objective(text, title, error)
        if normalised(text) in names:
            return names[normalised(text)]
        both = REF_AND_TITLE.match(text)
        if both:
            found = self._objective_refs.get(normalised(both["ref"]))
            if found:
                return self._titled(found, both["title"], error)
            return self._add_objective(both["ref"], both["title"], error)
        if self.creates_objectives:
            return self._add_objective(text, text, error)
        known = ", ".join(o.ref for o in self._objective_refs.values()) or "none yet"
        error(
            "objective",
            f"No objective {text} in this plan (it has {known}): give its title in an objective_title "
            "column to add it",
        )
        return None

    def _add_objective(self, ref: str, title: str, error) -> Objective | None:
        """An objective the file names: checked by the objective form, saved in the import's
        transaction (so gone again if the import is refused)."""
        if not hasattr(self, "_next_position"):
            self._next_position = (self.plan.objectives.aggregate(last=Max("order"))["last"] or 0) + 1
        form = ObjectiveForm(
            data={"ref": ref, "title": title, "short_name": "", "outcomes": "", "order": self._next_position},
            instance=Objective(plan=self.plan),
        )
        if not form.is_valid():
            for name, messages in form.errors.items():
                error(
                    "objective_title" if name == "title" else "objective", f"Objective {ref}: {messages[0]}"
                )
            return None
        objective = services.plan_record_save(record=form.instance, by=self.by)
        self._next_position += 1
        self._know(objective)
        self.added_objectives.append(objective)
        return objective

    @property
    def added_objectives(self) -> list[Objective]:
        if not hasattr(self, "_added"):
            self._added: list[Objective] = []
        return self._added

    # -- statuses and areas --------------------------------------------------------------

    def _statuses(self):
        if not hasattr(self, "_status_list"):
            self._status_list = list(self.plan.statuses.all())
        return self._status_list

    def parse_status(self, text: str) -> int:
        statuses = {normalised(s.name): s.pk for s in self._statuses()}
        try:
            return statuses[normalised(text)]
        except KeyError:
            listed = ", ".join(s.name for s in self._statuses()) or "none yet"
            raise CellError(f"‘{text}’ is not one of this plan's delivery statuses ({listed})") from None

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

    def prepare(self, row: Row, error) -> None:
        if row.values.get("status") == "":
            del row.values["status"]  # an empty status keeps a commitment's (a new one, the first)
        if row.values.get("kind") == "":
            del row.values["kind"]
        text = row.values.get("objective")
        if text and "objective" not in row.failed and "objective_title" not in row.failed:
            objective = self._objective_for(text, row.values.get("objective_title", ""), error)
            row.values["objective"] = objective.pk if objective else ""
            if objective is None:
                row.failed.add("objective")  # said once, on whichever cell is wrong

    def check_export_only(self, row: Row, error) -> None:
        named = row.text.get("plan", "")
        if named and named.lower() != self.plan.title.lower():
            error("plan", f"This row is of the plan ‘{named}’, not ‘{self.plan.title}’")

    # -- a row's rating and progress for a quarter ----------------------------------------

    def check(self, row: Row, error) -> None:
        given = {header: row.values[header] for header in UPDATE_FIELDS if row.values.get(header)}
        if not given:
            return
        if not row.values.get("period"):
            if "period" not in row.failed:
                error("period", "Say which quarter the R/A/G and progress are for, such as 2016/17 Q3")
            return
        period = self.period(row.values["period"])
        update = None
        if row.instance.pk is not None:
            update = self._updates_of_plan().get((row.instance.pk, period.pk))
        if update is None:
            update = ProgressUpdate(
                commitment=row.instance, period=period, author=self.by, date=quarter_date(period)
            )
        data = {
            "period": period.pk,
            "text": update.text,
            "rag": update.rag,
            "rag_reason": update.rag_reason,
            "date": update.date,
        }
        for header, name in UPDATE_FIELDS.items():
            if header in row.text:  # a column in the file is written, even when empty
                data[name] = row.values.get(header, "")
        if update.pk is not None:
            data["loaded_version"] = update.version
        form = ProgressUpdateForm(data=data, instance=update)
        if not form.is_valid():
            headers = {name: header for header, name in UPDATE_FIELDS.items()} | {"date": "period"}
            for name, messages in form.errors.items():
                header = headers.get(name, "period")
                if name == "text" and not data["text"]:
                    messages = ["Give the progress update that goes with the rating, in a progress column"]
                if header not in row.failed:
                    error(header, messages[0])
            return
        if update.pk is None or form.has_changed():
            self._row_updates[row.number] = RecordWrite(
                form.instance, loaded_version=data.get("loaded_version")
            )

    def _updates_of_plan(self) -> dict:
        if not hasattr(self, "_plan_updates"):
            self._plan_updates = {
                (u.commitment_id, u.period_id): u
                for u in ProgressUpdate.objects.filter(commitment__plan=self.plan)
            }
        return self._plan_updates

    def dependent_writes(self, row: Row) -> list[RecordWrite]:
        write = self._row_updates.get(row.number)
        return [write] if write else []

    def run(self, content: bytes, name: str):
        result = super().run(content, name)
        if result.ok and self.added_objectives:
            result.also.append(f"added {len(self.added_objectives)} objective(s)")
        return result


class NewPlanImport(CommitmentImport):
    """A new plan's file: every objective it names is added, in the order they first appear."""

    creates_objectives = True


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

    def prepare(self, row: Row, error) -> None:
        if row.values.get("date") == "":
            del row.values["date"]  # an empty date keeps an update's date

    def new_instance(self, row: Row) -> ProgressUpdate:
        period = self.period(row.values["period"])
        return ProgressUpdate(
            commitment=row.values["commitment"], period=period, author=self.by, date=quarter_date(period)
        )

    def form_for(self, *, instance, data):
        return ProgressUpdateForm(data=data, instance=instance)


IMPORTS = {"commitments": CommitmentImport, "updates": ProgressUpdateImport}


def import_file(*, plan: Plan, kind: str, content: bytes, name: str, by=None):
    """Import a file of the given kind into a plan: every row checked, all written or none."""
    return IMPORTS[kind](plan=plan, by=by).run(content, name)
