from assurance.permissions import Access
from tests.access import Case
from tests.factories import make_organisation
from tests.inspections.factories import (
    make_grade,
    make_phase,
    make_recommendation,
    make_report,
    make_update,
)


def _an_office() -> dict:
    """Pages about an office's tracker need an OPCC to exist; they take no URL kwargs."""
    make_organisation(kind="opcc")
    return {}


def _report():
    return {"pk": make_report().pk}


def _item():
    return {"pk": make_recommendation().pk}


CASES = {
    "inspections:tracker": Case(Access.EDIT),
    "inspections:export": Case(Access.EDIT, kwargs=lambda: {"fmt": "csv"}, shared=True),
    "inspections:timeline": Case(Access.EDIT, kwargs=_an_office, shared=True),
    "inspections:monthly_review": Case(Access.EDIT, kwargs=_an_office, shared=True),
    "inspections:grades": Case(Access.EDIT, kwargs=_an_office, shared=True),
    "inspections:phase_create": Case(Access.EDIT, kwargs=_an_office, shared=True),
    "inspections:phase_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_phase().pk}),
    "inspections:reports": Case(Access.EDIT),
    "inspections:report_create": Case(Access.EDIT, kwargs=_an_office, shared=True),
    "inspections:report_detail": Case(Access.EDIT, kwargs=_report),
    "inspections:report_update": Case(Access.EDIT, kwargs=_report),
    "inspections:response": Case(Access.EDIT, kwargs=_report),
    "inspections:grade_create": Case(Access.EDIT, kwargs=lambda: {"report_pk": make_report().pk}),
    "inspections:grade_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_grade().pk}),
    "inspections:create": Case(Access.EDIT, kwargs=lambda: {"report_pk": make_report().pk}),
    "inspections:detail": Case(Access.EDIT, kwargs=_item),
    "inspections:update": Case(Access.EDIT, kwargs=_item),
    "inspections:update_create": Case(
        Access.EDIT, kwargs=lambda: {"recommendation_pk": make_recommendation().pk}
    ),
    "inspections:update_update": Case(Access.EDIT, kwargs=lambda: {"pk": make_update().pk}),
    "inspections:revision_create": Case(
        Access.EDIT, kwargs=lambda: {"recommendation_pk": make_recommendation().pk}
    ),
    "inspections:import": Case(Access.EDIT, kwargs=_an_office, shared=True),
    "inspections:import_template": Case(
        Access.EDIT, kwargs=lambda: {"kind": "recommendations", "fmt": "xlsx"}, shared=True
    ),
    "inspections:public": Case(Access.PUBLISHED, kwargs=_an_office, shared=True),
}
