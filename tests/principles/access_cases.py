from assurance.permissions import Access
from tests.access import Case
from tests.principles.factories import make_assessment, make_evidence, make_framework


def _assessment():
    return {"pk": make_assessment().pk}


def _evidence():
    return {"pk": make_evidence(make_assessment()).pk}


CASES = {
    "principles:list": Case(Access.EDIT),
    "principles:framework": Case(Access.EDIT, kwargs=lambda: {"slug": make_framework().slug}, shared=True),
    "principles:principle": Case(
        Access.EDIT, kwargs=lambda: {"pk": make_framework().principles.first().pk}, shared=True
    ),
    "principles:create": Case(Access.EDIT),
    "principles:detail": Case(Access.EDIT, kwargs=_assessment),
    "principles:update": Case(Access.EDIT, kwargs=_assessment),
    "principles:delete": Case(Access.EDIT, kwargs=_assessment),
    "principles:evidence_create": Case(Access.EDIT, kwargs=lambda: {"assessment": make_assessment().pk}),
    "principles:evidence_update": Case(Access.EDIT, kwargs=_evidence),
    "principles:evidence_delete": Case(Access.EDIT, kwargs=_evidence),
    "principles:start_next_year": Case(Access.EDIT, post_only=True),
    "principles:issues": Case(Access.EDIT),
    "principles:issues_csv": Case(Access.EDIT),
}
