"""The tracker as a table: recommendations imported from CSV or Excel into an office's
reports (rows name their report and are matched by report and ref), and exported as the
tracker lists them (assurance.tables does the work)."""

from django.utils import timezone

from assurance.models import Rag, Visibility
from assurance.tables import (
    VERSION_COLUMN,
    Column,
    OrganisationTableImport,
    Row,
    TableSpec,
    parse_choice,
    parse_date,
    parse_rag,
)
from assurance.writes import records_save
from delivery_plans.tables import CommitmentRefsColumn
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
            parse="parse_container",
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
        # Not "target_date": that is an alias of the original target date a file imports.
        Column("current_target_date", field="target_date", role="export_only"),
        Column("last_updated", role="export_only", value=lambda r: _latest(r, "last_updated")),
        Column(
            "overdue",
            role="export_only",
            value=lambda r: "Yes" if r.overdue_on(timezone.localdate()) else "No",
        ),
    ),
)


class RecommendationImport(CommitmentRefsColumn, OrganisationTableImport):
    """Recommendations into the reports an office tracks."""

    spec = RECOMMENDATIONS
    model = Recommendation
    noun = "recommendation"
    container = "report"
    container_label = "title"
    container_where = "tracked by"

    def containers(self):
        return Report.objects.filter(organisation=self.organisation).select_related("organisation")

    def records(self):
        return (
            Recommendation.objects.filter(report__organisation=self.organisation)
            .select_related("report__organisation")
            .prefetch_related("commitments", "risks", "revisions")
        )

    def prepare(self, row: Row, error) -> None:
        for name in ("status", "visibility", "rag"):
            if row.values.get(name) == "":
                del row.values[name]  # an empty cell keeps what the item has (or the default)

    def form_for(self, *, instance, data):
        return RecommendationForm(data=data, instance=instance)

    def check(self, row: Row, error) -> None:
        # The form keeps a revised item's original target as agreed; a file may not move it
        # without a word.
        item, original = row.instance, row.values.get("original_target_date")
        if (
            item.pk is not None
            and item.revisions.all()
            and original
            and original != item.original_target_date
        ):
            error(
                "original_target_date",
                f"The target date of {item.ref} has been revised: its original, "
                f"{item.original_target_date:%-d %B %Y}, is kept as agreed. Revise the target on its page",
            )

    def save(self, writes) -> None:
        # As the form view's service does: the target follows the original until it is revised.
        for write in writes:
            item = write.instance
            if item.pk is None or not item.revisions.all():
                item.target_date = item.original_target_date
        records_save(writes=writes, by=self.by)
