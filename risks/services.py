"""Writes that span risk records: recording a review (the risk follows it), and changing an
organisation's risk matrix (every open risk is re-rated, and says so in its history)."""

from django.db import transaction

from assurance.models import Direction, Rag
from assurance.writes import RecordWrite, record_create, record_delete, record_update, records_save
from risks.models import Band, Risk, RiskMatrix, RiskReview, ScoreBand, describe_bands, rate_with


class MatrixRefused(Exception):
    """The new matrix is smaller than the scores of some open risks: they must be re-scored first."""

    def __init__(self, risks: list[Risk], size: int):
        self.risks = risks
        refs = ", ".join(f"{r.register.name} {r.ref}" for r in risks[:10])
        more = f" and {len(risks) - 10} more" if len(risks) > 10 else ""
        super().__init__(
            f"{len(risks)} open risk{'s score' if len(risks) != 1 else ' scores'} above {size} for "
            f"likelihood or impact ({refs}{more}): re-score them before making the matrix {size} × {size}."
        )


def _direction_after(review: RiskReview) -> str:
    previous = (
        RiskReview.objects.filter(risk_id=review.risk_id, date__lt=review.date)
        .exclude(pk=review.pk)
        .order_by("-date")
        .first()
    )
    return Direction.between(previous.rag if previous else None, review.rag)


@transaction.atomic
def risk_review_record(*, review: RiskReview, by, loaded_version: int | None = None) -> RiskReview:
    """Save a review with its RAG, Direction of Travel and next review date derived; when it is
    the risk's latest, the risk takes its scores, rating and next review date."""
    risk = Risk.objects.select_for_update().select_related("register__owner").get(pk=review.risk_id)
    matrix = RiskMatrix.objects.of(risk.register.owner)
    rating = matrix.rate(review.likelihood, review.impact)
    review.rag, review.level = rating.rag, rating.level
    review.direction = _direction_after(review)
    if review.next_review_date is None:
        review.next_review_date = matrix.next_review(review.rag, review.date)
    if review.pk is None:
        record_create(instance=review, by=by)
    else:
        record_update(instance=review, loaded_version=loaded_version or 0, by=by)

    latest = risk.reviews.order_by("-date", "-pk").first()
    if latest is not None and latest.pk == review.pk:
        risk.residual_likelihood, risk.residual_impact = review.likelihood, review.impact
        risk.apply_rating(matrix)
        risk.next_review_due = review.next_review_date
        record_update(
            instance=risk,
            loaded_version=risk.version,
            by=by,
            reason=f"Reviewed on {review.date:%-d %B %Y} by {review.reviewer}",
        )
    # The review after this one measures its direction from this one.
    following = risk.reviews.filter(date__gt=review.date).order_by("date").first()
    if following is not None:
        direction = Direction.between(review.rag, following.rag)
        if direction != following.direction:
            following.direction = direction
            record_update(
                instance=following,
                loaded_version=following.version,
                by=by,
                reason=f"Direction of travel measured from the review of {review.date:%-d %B %Y}",
            )
    return review


def bands_changed(matrix: RiskMatrix, bands: list[Band]) -> bool:
    return matrix.band_list != bands


@transaction.atomic
def risk_matrix_save(*, matrix: RiskMatrix, bands: list[Band], by, loaded_version: int | None = None) -> int:
    """Save an organisation's matrix and score bands, then re-rate every open or tolerated
    risk of the registers it keeps. Returns how many risks changed rating.

    Refused (MatrixRefused) when open risks score above the new size: a smaller matrix would
    leave them off the grid. Closed risks keep the rating they closed with."""
    risks = list(
        Risk.objects.select_for_update()
        .filter(register__owner_id=matrix.organisation_id)
        .current()
        .select_related("register")
    )
    off_grid = [
        r
        for r in risks
        if max(r.inherent_likelihood, r.inherent_impact, r.residual_likelihood, r.residual_impact)
        > matrix.size
    ]
    if off_grid:
        raise MatrixRefused(off_grid, matrix.size)

    rerated = []
    for risk in risks:
        rating = rate_with(bands, risk.residual_likelihood, risk.residual_impact)
        if (rating.rag, rating.level) != (risk.rag, risk.level):
            before = f"{risk.level or Rag(risk.rag).label} ({Rag(risk.rag).label})"
            after = f"{rating.level} ({Rag(rating.rag).label})"
            risk.rag, risk.level = rating.rag, rating.level
            rerated.append(
                RecordWrite(
                    risk,
                    loaded_version=risk.version,
                    reason=f"Re-rated when the risk matrix changed: {before} → {after}",
                )
            )

    reasons = []
    if bands_changed(matrix, bands):
        before = matrix.describe_bands()
        reasons.append(f"Score bands: {before} → {describe_bands(bands)}")
    reasons.append(
        f"{len(rerated)} open risk{'s' if len(rerated) != 1 else ''} re-rated"
        if rerated
        else "No risk changed rating"
    )
    reason = "; ".join(reasons)
    if matrix.pk is None:
        record_create(instance=matrix, by=by, reason=reason)
        existing: dict[int, ScoreBand] = {}
    else:
        record_update(instance=matrix, loaded_version=loaded_version or 0, by=by, reason=reason)
        existing = {b.lowest_score: b for b in ScoreBand.objects.select_for_update().filter(matrix=matrix)}

    writes = []
    for band in bands:
        saved = existing.pop(band.lowest_score, None)
        if saved is None:
            writes.append(
                RecordWrite(
                    ScoreBand(matrix=matrix, lowest_score=band.lowest_score, name=band.name, rag=band.rag)
                )
            )
        elif (saved.name, saved.rag) != (band.name, band.rag):
            saved.name, saved.rag = band.name, band.rag
            writes.append(RecordWrite(saved, loaded_version=saved.version))
    for gone in existing.values():
        record_delete(
            instance=gone, loaded_version=gone.version, by=by, reason="Band removed from the risk matrix"
        )
    records_save(writes=writes, by=by, reason="Risk matrix changed")
    records_save(writes=rerated, by=by)
    return len(rerated)
