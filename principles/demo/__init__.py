"""Demo data: the CIPFA/SOLACE 2016 framework and the 2016/17 and 2017/18 assessments,
loaded for every organisation in the demo context. Idempotent: records are matched on their
natural keys and saved only when something differs, so a second run changes nothing."""

from pathlib import Path

from assurance.demo import DEMO_REASON, DemoContext, read_yaml, upsert
from assurance.models import Direction, Rag
from assurance.writes import RecordWrite, record_delete, records_save
from principles.models import Assessment, EvidenceItem, SubPrinciple
from principles.services import FRAMEWORKS_DIR, framework_load_file

HERE = Path(__file__).parent
FRAMEWORK_FILES = [FRAMEWORKS_DIR / "cipfa-solace-2016.yaml"]
# Oldest first, so each year's Direction of Travel can be derived from the year before.
ASSESSMENT_FILES = [HERE / "assessment-2016-17.yaml", HERE / "assessment-2017-18.yaml"]


def load_demo(context: DemoContext) -> None:
    for path in FRAMEWORK_FILES:
        framework_load_file(path)
    years = [read_yaml(path) for path in ASSESSMENT_FILES]
    subs = {
        (sub.principle.framework.slug, sub.ref): sub
        for sub in SubPrinciple.objects.select_related("principle__framework")
    }
    for owner in context.owners:
        previous: dict[int, str] = {}
        for data in years:
            previous = _load_year(owner=owner, data=data, subs=subs, context=context, previous=previous)


def _load_year(*, owner, data: dict, subs: dict, context: DemoContext, previous: dict[int, str]) -> dict:
    """Load one year's assessments for one owner; returns their RAGs by sub-principle id."""
    year = context.period(data["year"])
    existing = {
        a.sub_principle_id: a
        for a in Assessment.objects.filter(owner=owner, year=year).prefetch_related("evidence")
    }
    writes: list[RecordWrite] = []
    rags = {}
    for ref, row in data["assessments"].items():
        sub = subs[(data["framework"], ref)]
        rag = Rag(row["rag"])
        derived = Direction.between(previous.get(sub.pk), rag)
        given = Direction(row.get("direction", derived))
        values = {
            "rag": rag,
            "rag_reason": row.get("rag_reason", ""),
            "direction": given,
            # The dashboard's own direction wins; say so where it differs from the ratings.
            "direction_override_reason": ""
            if given == derived
            else f"As recorded in the {year.year_label} governance dashboard.",
        }
        assessment = upsert(Assessment, {"owner": owner, "sub_principle": sub, "year": year}, values)
        current = (
            sorted(existing[sub.pk].evidence.all(), key=lambda item: item.order) if sub.pk in existing else []
        )
        rags[sub.pk] = rag
        wanted = [{"text": text, "order": n} for n, text in enumerate(row.get("evidence", []), start=1)]
        for item, want in zip(current, wanted, strict=False):
            if item.text != want["text"] or item.order != want["order"]:
                item.text, item.order = want["text"], want["order"]
                writes.append(RecordWrite(item, loaded_version=item.version))
        writes.extend(
            RecordWrite(EvidenceItem(assessment=assessment, **want)) for want in wanted[len(current) :]
        )
        for extra in current[len(wanted) :]:
            record_delete(instance=extra, loaded_version=extra.version, by=None, reason=DEMO_REASON)
    records_save(writes=writes, by=None, reason=DEMO_REASON)
    return rags
