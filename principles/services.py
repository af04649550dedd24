"""Writes that span the principles models: loading a framework, rating an assessment (and
keeping Directions of Travel in step), starting the next financial year."""

from pathlib import Path

import yaml
from django.db import transaction

from assurance.models import Direction, Organisation, Rag, ReportingPeriod
from assurance.writes import Links, RecordWrite, record_create, record_update, record_upsert, records_save
from principles.models import Assessment, EvidenceItem, Framework, Principle, SubPrinciple

FRAMEWORKS_DIR = Path(__file__).with_name("frameworks")


class FrameworkFileError(ValueError):
    """The framework file does not have the expected shape; the message says where."""


class YearStartRefused(Exception):
    """The next financial year cannot be started; the message says why."""


class YearAlreadyStarted(YearStartRefused):
    """The next financial year already has assessments for this organisation."""


class NothingToCopy(YearStartRefused):
    """The year has no assessments for this organisation, so there is nothing to start from."""


def _text(row: dict, key: str, where: str, *, max_length: int) -> str:
    value = row.get(key)
    if not isinstance(value, (str, int)) or not str(value).strip():
        raise FrameworkFileError(f"{where}: '{key}' is missing")
    value = str(value).strip()
    if len(value) > max_length:
        raise FrameworkFileError(f"{where}: '{key}' is longer than {max_length} characters")
    return value


def framework_read(path: Path) -> dict:
    try:
        with Path(path).open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise FrameworkFileError(f"{path}: cannot be read ({error})") from None
    if not isinstance(data, dict):
        raise FrameworkFileError(f"{path}: expected a mapping with 'slug', 'name' and 'principles'")
    return data


def _upsert(model, lookup: dict, values: dict):
    """Create, or update only what differs, so reloading an unchanged file adds no history."""
    return record_upsert(model, lookup=lookup, values=values, reason="Loaded from the framework file")[0]


@transaction.atomic
def framework_load(*, data: dict) -> Framework:
    """Create or update a framework, its principles and sub-principles from file data.

    Idempotent: natural keys are the framework slug, the principle letter and the
    sub-principle's position. Nothing is deleted, since assessments may point at it.
    """
    slug = _text(data, "slug", "framework", max_length=80)
    framework = _upsert(
        Framework,
        {"slug": slug},
        {
            "name": _text(data, "name", slug, max_length=200),
            "edition": _text(data, "edition", slug, max_length=40),
            "source": str(data.get("source") or "")[:200],
        },
    )
    principles = data.get("principles")
    if not isinstance(principles, list) or not principles:
        raise FrameworkFileError(f"{slug}: 'principles' must be a non-empty list")
    for order, row in enumerate(principles, start=1):
        if not isinstance(row, dict):
            raise FrameworkFileError(f"{slug}: principle {order} must be a mapping")
        letter = _text(row, "letter", f"{slug} principle {order}", max_length=3)
        principle = _upsert(
            Principle,
            {"framework": framework, "letter": letter},
            {"title": _text(row, "title", f"{slug} {letter}", max_length=300), "order": order},
        )
        subs = row.get("sub_principles")
        if not isinstance(subs, list) or not subs:
            raise FrameworkFileError(f"{slug} {letter}: 'sub_principles' must be a non-empty list")
        for number, sub in enumerate(subs, start=1):
            where = f"{slug} {letter}.{number}"
            if not isinstance(sub, dict):
                raise FrameworkFileError(f"{where}: must be a mapping")
            behaviours = sub.get("expected_behaviours") or []
            if not isinstance(behaviours, list) or not all(isinstance(b, str) for b in behaviours):
                raise FrameworkFileError(f"{where}: 'expected_behaviours' must be a list of sentences")
            _upsert(
                SubPrinciple,
                {"principle": principle, "number": number},
                {
                    "title": _text(sub, "title", where, max_length=300),
                    "expected_behaviours": [b.strip() for b in behaviours if b.strip()],
                },
            )
    return framework


def framework_load_file(path: Path) -> Framework:
    return framework_load(data=framework_read(path))


@transaction.atomic
def assessment_save(*, assessment: Assessment, loaded_version: int | None, by, links: Links | None = None):
    """Save a new or edited assessment (its form has set the Direction of Travel), and keep
    the next year's derived direction in step with this year's rating."""
    if loaded_version is None:
        record_create(instance=assessment, by=by, links=links)
    else:
        record_update(instance=assessment, loaded_version=loaded_version, by=by, links=links)
    follow_on_direction_refresh(assessment=assessment, by=by)
    return assessment


def follow_on_direction_refresh(*, assessment: Assessment, by=None) -> None:
    """Re-derive next year's direction when this year's rating changed (unless overridden)."""
    following = (
        Assessment.objects.filter(
            owner_id=assessment.owner_id,
            sub_principle_id=assessment.sub_principle_id,
            year__start_year=assessment.year.start_year + 1,
            year__quarter__isnull=True,
            direction_override_reason="",
        )
        .select_related("year")
        .first()
    )
    if following is None:
        return
    derived = Direction.between(assessment.rag, following.rag)
    if following.direction != derived:
        following.direction = derived
        record_update(
            instance=following,
            loaded_version=following.version,
            by=by,
            reason=f"Direction of Travel worked out again: {assessment.year.year_label} was re-rated",
        )


@transaction.atomic
def year_start_next(*, owner: Organisation, year: ReportingPeriod, by=None) -> tuple[ReportingPeriod, int]:
    """Copy a year's assessments and evidence into the next year as a draft, not rated.

    Refuses when the year has no assessments for this organisation (an empty draft would
    only hide that nothing was assessed), and when the next year already has any, so a
    double submission cannot make two drafts. Refusing writes nothing, not even the year.
    Returns the new year and how many were copied.
    """
    sources = list(
        Assessment.objects.filter(owner=owner, year=year).prefetch_related("evidence").order_by("pk")
    )
    if not sources:
        raise NothingToCopy(
            f"{owner.short_name} has no assessments for {year.year_label}, so there is nothing to start "
            f"{ReportingPeriod(start_year=year.start_year + 1).year_label} from. Add assessments for "
            f"{year.year_label} first, or add the next year's assessments one by one."
        )
    if Assessment.objects.filter(
        owner=owner, year__start_year=year.start_year + 1, year__quarter__isnull=True
    ).exists():
        next_label = ReportingPeriod(start_year=year.start_year + 1).year_label
        raise YearAlreadyStarted(f"{next_label} has already been started for {owner.short_name}.")
    next_year, _ = ReportingPeriod.objects.get_or_create(start_year=year.start_year + 1, quarter=None)
    copies = [
        Assessment(
            owner=owner,
            sub_principle_id=source.sub_principle_id,
            year=next_year,
            rag=Rag.NOT_RATED,
            rag_reason="",
            # Not rated yet, so there is no travel to show; rating it re-derives this.
            direction=Direction.NEW,
        )
        for source in sources
    ]
    reason = f"Started from {year.year_label}"
    records_save(writes=[RecordWrite(copy) for copy in copies], by=by, reason=reason)
    items = [
        EvidenceItem(
            assessment=copy,
            text=item.text,
            link=item.link,
            owner=item.owner,
            order=item.order,
            visibility=item.visibility,
        )
        for source, copy in zip(sources, copies, strict=True)
        for item in source.evidence.all()
    ]
    records_save(writes=[RecordWrite(item) for item in items], by=by, reason=reason)
    return next_year, len(sources)
