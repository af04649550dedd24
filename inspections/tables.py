"""The tracker as a table: recommendations imported from CSV or Excel into an office's
reports (rows name their report and are matched by report and ref), and exported as the
tracker lists them (assurance.tables does the work)."""

import datetime

from assurance.models import Rag, Visibility
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
from assurance.writes import records_save
from delivery_plans.models import Commitment
from inspections.forms import RecommendationForm
from inspections.models import Kind, Recommendation, Report, Status

KIND_ALIASES = {"afi": Kind.AFI, "aif": Kind.AFI, "rec": Kind.RECOMMENDATION, "coc": Kind.CAUSE_OF_CONCERN}


def _latest(item, attribute: str):
    return getattr(item, attribute, None) or ""


RECOMMENDATIONS = TableSpec(
    name="recommendations",
    sheet="Recommendations",
    columns=(
        Column(
            "report",
            required=True,
            parse="parse_report",
            value=lambda r: r.report.title,
            help="The report's title, as on the list of reports.",
        ),
        Column("ref", required=True, aliases=("reference", "no", "rec ref")),
        Column(
            "kind",
            required=True,
            parse=parse_choice(Kind.choices, what="Kind", aliases=KIND_ALIASES),
            value=lambda r: r.get_kind_display(),
            help="Recommendation, area for improvement (AFI) or cause of concern.",
        ),
        Column("text", required=True, aliases=("recommendation", "wording")),
        Column("addressed_to", aliases=("addressed to", "for")),
        Column("owner", field="owner_role", required=True, aliases=("owner role", "lead")),
        Column(
            "original_target_date",
            required=True,
            parse=parse_date,
            aliases=("target date", "target"),
        ),
        Column(
            "status",
            parse=parse_choice(Status.choices, what="Status"),
            value=lambda r: r.get_status_display(),
        ),
        Column("rag", parse=parse_rag, value=lambda r: Rag(r.rag).label, aliases=("assurance rating",)),
        Column("rag_reason", aliases=("reason for rating",)),
        Column("closing_evidence"),
        Column("closure_agreed_by", aliases=("agreed by",)),
        Column("closed_on", parse=parse_date),
        Column(
            "visibility",
            parse=parse_choice(Visibility.choices, what="Visibility"),
            help="Public, or restricted for sensitive items (never published).",
        ),
        Column(
            "commitments",
            parse="parse_commitments",
            value=lambda r: "; ".join(c.ref for c in r.commitments.all()),
            help="Refs of the delivery plan commitments the item bears on, separated by semicolons.",
        ),
        VERSION_COLUMN,
        Column("source", role="export_only", value=lambda r: r.report.get_source_display()),
        Column("target_date", role="export_only"),
        Column("last_updated", role="export_only", value=lambda r: _latest(r, "last_updated")),
        Column(
            "overdue",
            role="export_only",
            value=lambda r: "Yes" if r.overdue_on(datetime.date.today()) else "No",
        ),
    ),
)


class RecommendationImport(TableImport):
    """Recommendations into an office's reports: imports into them run one at a time."""

    spec = RECOMMENDATIONS
    model = Recommendation
    noun = "recommendation"

    def __init__(self, *, organisation, by=None):
        super().__init__(by=by)
        self.organisation = organisation

    def _reports(self) -> dict[str, Report]:
        if not hasattr(self, "_report_map"):
            self._report_map = {
                r.title: r
                for r in Report.objects.filter(organisation=self.organisation).select_related("organisation")
            }
        return self._report_map

    def lock(self) -> None:
        list(Report.objects.select_for_update().filter(organisation=self.organisation).values_list("pk"))

    def existing(self):
        if not hasattr(self, "_existing"):
            self._existing = {
                (r.report_id, r.ref.lower()): r
                for r in Recommendation.objects.filter(report__organisation=self.organisation)
                .select_related("report__organisation")
                .prefetch_related("commitments", "risks", "revisions")
            }
        return self._existing

    def key(self, row: Row):
        report, ref = row.values.get("report"), row.text.get("ref", "").strip()
        return (report.pk, ref.lower()) if report and ref else None

    def key_label(self, row: Row) -> str:
        return f"{row.text.get('report', '')} {row.text.get('ref', '')}".strip()

    def parse_report(self, text: str) -> Report:
        return parse_one_of(
            self._reports(), what="report", where=f" tracked by {self.organisation.short_name}"
        )(text)

    def parse_commitments(self, text: str) -> list[int]:
        if not hasattr(self, "_commitments"):
            self._commitments = {}
            for c in Commitment.objects.for_organisation(self.organisation).order_by("-plan__start_year"):
                self._commitments.setdefault(c.ref, c.pk)

        def commitment(ref: str) -> int:
            try:
                return self._commitments[ref]
            except KeyError:
                raise CellError(
                    f"No commitment {ref} in the delivery plans of {self.organisation.short_name}"
                ) from None

        return parse_list(commitment)(text)

    def prepare(self, row: Row, error) -> None:
        for name in ("status", "visibility", "rag"):
            if row.values.get(name) == "":
                del row.values[name]  # an empty cell keeps what the item has (or the default)

    def new_instance(self, row: Row) -> Recommendation:
        return Recommendation(report=row.values["report"])

    def form_for(self, *, instance, data):
        return RecommendationForm(data=data, instance=instance)

    def save(self, writes) -> None:
        # As the form view's service does: the target follows the original until it is revised.
        for write in writes:
            item = write.instance
            if item.pk is None or not item.revisions.all():
                item.target_date = item.original_target_date
        records_save(writes=writes, by=self.by)
