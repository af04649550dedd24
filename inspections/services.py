"""Writes that span inspection records: saving a recommendation (its current target date
follows the original until it is revised), and revising a target date (the revision and the
recommendation's new target, with the reason in its history)."""

from django.db import transaction

from assurance.writes import Links, record_create, record_update
from inspections.models import Recommendation, TargetDateRevision


@transaction.atomic
def recommendation_save(
    *, recommendation: Recommendation, by, loaded_version: int | None = None, links: Links | None = None
) -> Recommendation:
    """Add or edit a recommendation. Until its target date is revised, the current target is
    the original one; after that, only a revision moves it."""
    if recommendation.pk is None or not recommendation.revisions.exists():
        recommendation.target_date = recommendation.original_target_date
    if recommendation.pk is None:
        return record_create(instance=recommendation, by=by, links=links)
    return record_update(instance=recommendation, loaded_version=loaded_version or 0, by=by, links=links)


@transaction.atomic
def recommendation_target_revise(*, revision: TargetDateRevision, by) -> TargetDateRevision:
    """Move a recommendation's target date: the revision keeps the date it moved from and
    why; the recommendation takes the new date, with the reason in its history."""
    recommendation = Recommendation.objects.select_for_update().get(pk=revision.recommendation_id)
    revision.previous_date = recommendation.target_date
    record_create(instance=revision, by=by)
    recommendation.target_date = revision.new_date
    record_update(
        instance=recommendation,
        loaded_version=recommendation.version,
        by=by,
        reason=(
            f"Target date revised to {revision.new_date:%-d %B %Y} ({revision.agreed_by}): {revision.reason}"
        ),
    )
    return revision
