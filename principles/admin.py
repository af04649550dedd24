from assurance.admin import register_audited
from principles.models import Assessment, EvidenceItem, Framework, Principle, SubPrinciple

register_audited(Framework, list_display=["name", "edition", "slug"])
register_audited(Principle, list_display=["letter", "title", "framework"], list_filter=["framework"])
register_audited(
    SubPrinciple, list_display=["title", "principle", "number"], list_filter=["principle__framework"]
)
register_audited(
    Assessment,
    list_display=["sub_principle", "owner", "year", "rag", "direction"],
    list_filter=["owner", "year", "rag", "direction"],
    list_select_related=["sub_principle__principle", "owner", "year"],
)
register_audited(EvidenceItem, list_display=["text", "assessment", "visibility"], list_filter=["visibility"])
