"""Factories for inspection records, written as the services write them."""

import datetime
import itertools

from assurance.models import Visibility
from inspections.models import (
    MonitoringPhase,
    PeelGrade,
    Recommendation,
    RecommendationUpdate,
    Report,
    TargetDateRevision,
)
from tests.factories import make_organisation

_seq = itertools.count(1)


def make_report(organisation=None, **fields) -> Report:
    defaults = {
        "title": f"HMICFRS inspection {next(_seq)}",
        "source": "hmicfrs",
        "inspection_type": "thematic",
        "published_on": datetime.date(2016, 9, 22),
    }
    defaults.update(fields)
    return Report.objects.create(organisation=organisation or make_organisation(kind="opcc"), **defaults)


def make_recommendation(report=None, **fields) -> Recommendation:
    defaults = {
        "ref": f"R{next(_seq)}",
        "kind": "recommendation",
        "text": "Publish the outcome of every stop and search.",
        "owner_role": "Assistant Chief Constable (Local Policing)",
        "original_target_date": datetime.date(2016, 12, 31),
    }
    defaults.update(fields)
    defaults.setdefault("target_date", defaults["original_target_date"])
    return Recommendation.objects.create(report=report or make_report(), **defaults)


def make_restricted_recommendation(report=None, **fields) -> Recommendation:
    return make_recommendation(report, visibility=Visibility.RESTRICTED, **fields)


def make_update(recommendation=None, **fields) -> RecommendationUpdate:
    defaults = {"dated": datetime.date(2016, 12, 5), "text": "Progress made; evidence gathered."}
    defaults.update(fields)
    return RecommendationUpdate.objects.create(
        recommendation=recommendation or make_recommendation(), **defaults
    )


def make_revision(
    recommendation=None, *, new_date=datetime.date(2017, 3, 31), **fields
) -> TargetDateRevision:
    """A revision through the service, so the recommendation takes the new date."""
    from inspections.services import recommendation_target_revise

    revision = TargetDateRevision(
        recommendation=recommendation or make_recommendation(),
        new_date=new_date,
        reason=fields.pop("reason", "Devices delayed by the IT programme."),
        dated=fields.pop("dated", datetime.date(2016, 12, 12)),
        agreed_by=fields.pop("agreed_by", "Joint Audit Committee"),
    )
    return recommendation_target_revise(revision=revision, by=None)


def make_grade(report=None, **fields) -> PeelGrade:
    defaults = {"area": f"Effectiveness {next(_seq)}", "grade": "good"}
    defaults.update(fields)
    return PeelGrade.objects.create(report=report or make_report(inspection_type="peel"), **defaults)


def make_phase(organisation=None, **fields) -> MonitoringPhase:
    defaults = {"phase": "scan", "started_on": datetime.date(2019, 1, 1)}
    defaults.update(fields)
    return MonitoringPhase.objects.create(
        organisation=organisation or make_organisation(kind="opcc"), **defaults
    )
