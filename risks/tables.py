"""The risk register as a table: imported from CSV or Excel into an organisation's registers
(rows name their register and are matched by register and ref), and exported as the list
shows it (assurance.tables does the work)."""

from assurance.models import Rag, Visibility
from assurance.tables import (
    VERSION_COLUMN,
    CellError,
    Column,
    OrganisationTableImport,
    Row,
    TableSpec,
    parse_choice,
    parse_date,
    parse_one_of,
)
from delivery_plans.tables import CommitmentRefsColumn
from risks.forms import RiskForm
from risks.models import Risk, RiskCategory, RiskMatrix, RiskRegister, RiskStatus


def _whole_number(text: str) -> int:
    cleaned = text.strip().removesuffix(".0")
    if not cleaned.isdigit():
        raise CellError(f"‘{text}’ is not a whole number")
    return int(cleaned)


def _review(risk, attribute: str):
    return getattr(risk, attribute, None) or ""


RISKS = TableSpec(
    name="risks",
    sheet="Risks",
    columns=(
        Column(
            "register",
            required=True,
            parse="parse_container",
            value=lambda r: r.register.name,
            help="The register's name, as on the registers page.",
        ),
        Column("ref", required=True, aliases=("reference", "no", "risk ref")),
        Column("title", required=True, aliases=("risk",)),
        Column("description"),
        Column("cause"),
        Column("consequence", aliases=("effect",)),
        Column("owner", field="owner_role", aliases=("risk owner", "owner role")),
        Column(
            "category",
            parse="parse_category",
            value=lambda r: r.category.name if r.category else "",
            help="One of the organisation's risk categories, by name.",
        ),
        Column("raised_on", required=True, parse=parse_date, aliases=("date raised", "raised")),
        Column("inherent_likelihood", required=True, parse=_whole_number),
        Column("inherent_impact", required=True, parse=_whole_number),
        Column("residual_likelihood", required=True, parse=_whole_number, aliases=("likelihood",)),
        Column("residual_impact", required=True, parse=_whole_number, aliases=("impact",)),
        Column("target_score", parse=_whole_number, aliases=("target",)),
        Column("target_date", parse=parse_date),
        Column(
            "status",
            parse=parse_choice(
                [(v, label) for v, label in RiskStatus.choices if v != RiskStatus.CLOSED], what="Status"
            ),
            help="Open or tolerated (a risk is closed in the service, with a closing note).",
        ),
        Column(
            "visibility",
            parse=parse_choice(Visibility.choices, what="Visibility"),
            help="Public, or restricted for operationally sensitive risks (never published).",
        ),
        Column(
            "commitments",
            parse="parse_commitments",
            value=lambda r: "; ".join(c.ref for c in r.commitments.all()),
            help="Refs of the delivery plan commitments the risk bears on, separated by semicolons.",
        ),
        VERSION_COLUMN,
        Column("residual_score", role="export_only", value=lambda r: r.residual_score),
        Column("rating", role="export_only", value=lambda r: r.level),
        Column("rag", role="export_only", value=lambda r: Rag(r.rag).label),
        Column("last_reviewed", role="export_only", value=lambda r: _review(r, "last_reviewed")),
        Column("next_review_due", role="export_only", value=lambda r: r.next_review_due or ""),
        Column("closed_on", role="export_only"),
        Column("closing_note", role="export_only"),
    ),
)


class RiskImport(CommitmentRefsColumn, OrganisationTableImport):
    """Risks into the registers an organisation keeps."""

    spec = RISKS
    model = Risk
    noun = "risk"
    container = "register"

    def containers(self):
        return RiskRegister.objects.filter(owner=self.organisation).select_related("owner")

    def records(self):
        return (
            Risk.objects.filter(register__owner=self.organisation)
            .select_related("register__owner")
            .prefetch_related("commitments", "bodies")
        )

    def parse_category(self, text: str) -> int:
        if not hasattr(self, "_categories"):
            self._categories = {
                c.name: c.pk for c in RiskCategory.objects.filter(organisation=self.organisation)
            }
        return parse_one_of(self._categories, what="category", where=f" of {self.organisation.short_name}")(
            text
        )

    def prepare(self, row: Row, error) -> None:
        for name in ("status", "visibility"):
            if row.values.get(name) == "":
                del row.values[name]  # an empty cell keeps what the risk has (or the default)

    def form_for(self, *, instance, data):
        if not hasattr(self, "_matrix"):
            self._matrix = RiskMatrix.objects.of(self.organisation)
        return RiskForm(data=data, instance=instance, matrix=self._matrix)
