"""Factories for risk records, with the delivery plan and meetings records they link to."""

import datetime
import itertools

from assurance.models import Visibility
from risks.models import Risk, RiskAction, RiskMatrix, RiskRegister, RiskReview
from tests.factories import make_organisation

_seq = itertools.count(1)


def make_register(owner=None, **fields) -> RiskRegister:
    defaults = {"name": f"Strategic risk register {next(_seq)}"}
    defaults.update(fields)
    return RiskRegister.objects.create(owner=owner or make_organisation(kind="opcc"), **defaults)


def make_risk(register=None, *, likelihood: int = 3, impact: int = 4, **fields) -> Risk:
    """A risk rated as the service rates it, on its owner's matrix (the default 5 × 5)."""
    register = register or make_register()
    defaults = {
        "ref": str(next(_seq)),
        "title": "The risk that something goes wrong",
        "owner_role": "Chief Executive (OPCC)",
        "raised_on": datetime.date(2016, 6, 1),
        "inherent_likelihood": max(likelihood, 4),
        "inherent_impact": max(impact, 4),
        "residual_likelihood": likelihood,
        "residual_impact": impact,
    }
    defaults.update(fields)
    risk = Risk(register=register, **defaults)
    matrix = RiskMatrix.objects.of(register.owner)
    risk.apply_rating(matrix)
    if risk.next_review_due is None:
        risk.next_review_due = matrix.next_review(risk.rag, risk.raised_on)
    risk.save()
    return risk


def make_restricted_risk(register=None, **fields) -> Risk:
    return make_risk(register, visibility=Visibility.RESTRICTED, **fields)


def make_action(risk=None, kind=RiskAction.Kind.ACTION, **fields) -> RiskAction:
    defaults = {
        "description": f"Further action {next(_seq)}",
        "owner_role": "Treasurer (OPCC)",
        "due_date": datetime.date(2017, 3, 31),
    }
    defaults.update(fields)
    return RiskAction.objects.create(risk=risk or make_risk(), kind=kind, **defaults)


def make_review(
    risk=None, *, date=datetime.date(2016, 12, 12), likelihood=None, impact=None, **fields
) -> RiskReview:
    """A review recorded through the service, so the risk follows it."""
    from risks.services import risk_review_record

    risk = risk or make_risk()
    review = RiskReview(
        risk=risk,
        date=date,
        reviewer=fields.pop("reviewer", "Joint Audit Committee"),
        likelihood=likelihood or risk.residual_likelihood,
        impact=impact or risk.residual_impact,
        commentary=fields.pop("commentary", "Reviewed; controls in place."),
        **fields,
    )
    return risk_review_record(review=review, by=None)
