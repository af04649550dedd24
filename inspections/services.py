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
def recommendation_target_revise(
    *, revision: TargetDateRevision, by, loaded_version: int | None = None
) -> TargetDateRevision:
    """Move a recommendation's target date: the revision keeps the date it moved from and
    why; the recommendation takes the new date, with the reason in its history.
    `loaded_version` is the recommendation's version the editor read (StaleEdit if it has
    moved since); None writes over the current one, as the demo data does."""
    recommendation = Recommendation.objects.select_for_update().get(pk=revision.recommendation_id)
    revision.previous_date = recommendation.target_date
    recommendation.target_date = revision.new_date
    # The recommendation first: a stale one is refused before the revision is written.
    record_update(
        instance=recommendation,
        loaded_version=recommendation.version if loaded_version is None else loaded_version,
        by=by,
        reason=(
            f"Target date revised to {revision.new_date:%-d %B %Y} ({revision.agreed_by}): {revision.reason}"
        ),
    )
    record_create(instance=revision, by=by)
    return revision
