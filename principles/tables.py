"""The principles' tables: the significant governance issues, downloaded for the Annual
Governance Statement (assurance.tables writes them)."""

from assurance.tables import Column, TableSpec


def _evidence(assessment) -> str:
    # Staff download this file; restricted evidence says so, so it is not copied on by mistake.
    return "\n".join(
        f"[Restricted] {item.text}" if item.is_restricted else item.text for item in assessment.evidence.all()
    )


ISSUES = TableSpec(
    name="significant-governance-issues",
    sheet="Significant issues",
    key="Ref",
    columns=(
        Column("Ref", value=lambda a: a.sub_principle.ref),
        Column("Principle", value=lambda a: a.sub_principle.principle.title),
        Column("Sub-principle", value=lambda a: a.sub_principle.title),
        Column("RAG", value=lambda a: a.get_rag_display()),
        Column("Reason", value=lambda a: a.rag_reason),
        Column("Direction of Travel", value=lambda a: a.get_direction_display()),
        Column("Evidence", value=_evidence),
        Column(
            "Restricted evidence",
            value=lambda a: "Yes" if any(item.is_restricted for item in a.evidence.all()) else "No",
        ),
    ),
)
