from assurance.permissions import Access
from tests.access import Case
from tests.factories import make_organisation


def _history_of_an_organisation():
    return {"model": "assurance.organisation", "pk": make_organisation().pk}


CASES = {
    "home": Case(Access.PUBLISHED),
    "login": Case(Access.ANYONE),
    "logout": Case(Access.ANYONE, post_only=True),
    "password_change": Case(Access.SIGNED_IN),
    "password_change_done": Case(Access.SIGNED_IN),
    "history": Case(Access.EDIT, kwargs=_history_of_an_organisation),
    "recent_changes": Case(Access.EDIT),
}
CASES |= {
    "organisation_list": Case(Access.ADMIN),
    "organisation_create": Case(Access.ADMIN),
    "organisation_update": Case(Access.ADMIN, kwargs=lambda: {"pk": make_organisation().pk}),
}


def _publication():
    from tests.publishing_factories import make_publication

    publication = make_publication()
    return {
        "organisation": publication.organisation.slug,
        "period": publication.period.slug,
        "version": publication.version,
    }


def _period_to_publish():
    from tests.factories import make_period

    return {"organisation": make_organisation(kind="opcc").slug, "period": make_period(2016, 3).slug}


CASES |= {
    "dashboard": Case(Access.EDIT),
    "publish": Case(Access.PUBLISH, kwargs=_period_to_publish),
    "publication_list": Case(Access.PUBLISHED),
    "publication_detail": Case(Access.PUBLISHED, kwargs=_publication),
    "publication_pdf": Case(Access.PUBLISHED, kwargs=_publication),
    "publication_paper_retry": Case(Access.PUBLISH, kwargs=_publication, post_only=True),
    "publication_withdraw": Case(Access.PUBLISH, kwargs=_publication),
    "publication_json": Case(Access.PUBLISHED, kwargs=_publication),
    "publication_csv": Case(Access.PUBLISHED, kwargs=_publication),
    "publication_feed": Case(
        Access.PUBLISHED, kwargs=lambda: {"organisation": _publication()["organisation"]}
    ),
    "cover_report": Case(Access.EDIT, kwargs=_period_to_publish),
    "preview": Case(Access.PUBLISH, kwargs=_period_to_publish),
    "preview_paper": Case(Access.PUBLISH, kwargs=_period_to_publish),
    "publish_next": Case(Access.PUBLISH, ok_status=302),
}
