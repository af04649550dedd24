"""The shared edit mechanism: history with author and before/after, and stale edits refused."""

import pytest
from django.test import Client
from django.urls import reverse

from assurance.models import Organisation
from assurance.permissions import Role
from tests.factories import make_organisation, make_period, make_user


@pytest.fixture
def admin_client(db):
    client = Client()
    client.user = make_user(
        Role.ADMINISTRATOR, username="sysadmin", first_name="System", last_name="Administrator"
    )
    client.force_login(client.user)
    return client


def form_data(org: Organisation, **changes) -> dict:
    data = {
        "name": org.name,
        "short_name": org.short_name,
        "slug": org.slug,
        "kind": org.kind,
        "area_name": org.area_name,
        "loaded_version": org.version,
    }
    data.update(changes)
    return data


def test_an_edit_in_the_browser_shows_on_the_history_page_with_its_author(admin_client):
    org = make_organisation(short_name="Before name")
    url = reverse("organisation_update", args=[org.pk])
    response = admin_client.post(url, form_data(org, short_name="After name"))
    assert response.status_code == 302

    history = admin_client.get(reverse("history", args=["assurance.organisation", org.pk]))
    assert history.status_code == 200
    page = history.content.decode()
    assert "by System Administrator" in page
    assert "Before name" in page and "After name" in page
    assert page.index("Changed") < page.index("Created")  # newest first


def test_a_stale_edit_is_refused_with_409_and_says_who_changed_what(admin_client):
    org = make_organisation(short_name="Original")
    loaded_version = org.version
    url = reverse("organisation_update", args=[org.pk])

    other = Client()
    other.force_login(
        make_user(Role.ADMINISTRATOR, username="other", first_name="Head", last_name="of Performance")
    )
    assert other.post(url, form_data(org, short_name="Theirs")).status_code == 302

    response = admin_client.post(url, form_data(org, short_name="Mine", loaded_version=loaded_version))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Head of Performance changed short name" in page
    assert "govuk-error-summary" in page and "<title>Error: " in page
    org.refresh_from_db()
    assert org.short_name == "Theirs"
    # The form now carries the current version: saving again is a deliberate overwrite.
    assert f'name="loaded_version" value="{org.version}"' in page


def test_an_edit_form_without_its_version_is_refused(admin_client):
    org = make_organisation()
    data = form_data(org, short_name="Changed")
    del data["loaded_version"]
    response = admin_client.post(reverse("organisation_update", args=[org.pk]), data)
    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    org.refresh_from_db()
    assert org.short_name != "Changed"


def test_bad_input_is_shown_on_the_field_and_saves_nothing(admin_client):
    org = make_organisation()
    response = admin_client.post(
        reverse("organisation_update", args=[org.pk]), form_data(org, kind="galaxy", name="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_name"' in page and 'href="#id_kind' in page
    assert "govuk-form-group--error" in page
    assert Organisation.objects.get(pk=org.pk).version == org.version


def test_recent_changes_lists_changes_across_the_product(admin_client):
    org = make_organisation(name="A traceable organisation")
    response = admin_client.get(reverse("recent_changes"))
    assert "A traceable organisation" in response.content.decode()
    assert reverse("history", args=["assurance.organisation", org.pk]) in response.content.decode()


def test_history_of_an_unknown_kind_of_record_is_not_found(admin_client):
    assert admin_client.get(reverse("history", args=["auth.user", 1])).status_code == 404
    assert admin_client.get(reverse("history", args=["nonsense", 1])).status_code == 404


def test_a_change_of_links_is_kept_in_the_history_with_before_and_after(admin_client):
    org = make_organisation(short_name="Home")
    ally = make_organisation(name="Office of the Police and Crime Commissioner for Allyshire")
    data = form_data(org, allies=[ally.pk])
    assert admin_client.post(reverse("organisation_update", args=[org.pk]), data).status_code == 302
    page = admin_client.get(reverse("history", args=["assurance.organisation", org.pk])).content.decode()
    assert "Allied organisations: (none) → Office of the Police and Crime Commissioner for Allyshire" in page


def test_the_history_of_a_deleted_record_stays_readable(admin_client):
    org = make_organisation(short_name="Soon gone")
    pk = org.pk
    org.delete()
    response = admin_client.get(reverse("history", args=["assurance.organisation", pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "has been deleted" in page and "Deleted" in page and "Soon gone" in page


def test_recent_changes_runs_the_same_queries_whatever_the_amount_of_history(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(reverse("recent_changes")).status_code == 200
        return len(captured)

    for _ in range(60):
        make_organisation()
    first = count()
    for _ in range(60):
        make_organisation()
    assert count() == first


def test_recent_changes_reads_whole_only_the_rows_it_shows(admin_client):
    """The newest changes are found in one query; only the areas they come from are read."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from assurance.history import audited_models

    for n in range(1, 61):
        make_organisation(name=f"Recent Office {n:02d}")
    with CaptureQueriesContext(connection) as captured:
        page = admin_client.get(reverse("recent_changes")).content.decode()
    assert "The latest 50 changes" in page
    assert "Recent Office 60" in page and "Recent Office 11" in page and "Recent Office 10" not in page
    reads = [q["sql"] for q in captured if "UNION" not in q["sql"] and "historical" in q["sql"]]
    assert len(reads) == 1 and '"assurance_historicalorganisation"' in reads[0]
    assert len(captured) <= 4 + len(audited_models())


def test_recent_changes_name_related_records_in_the_same_queries_however_many(admin_client):
    """A progress update's title names its commitment and quarter: read once for all the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.delivery_plans.factories import make_commitment, make_update

    def count():
        with CaptureQueriesContext(connection) as captured:
            page = admin_client.get(reverse("recent_changes")).content.decode()
        return len(captured), page

    make_update(make_commitment(ref="9.1"), period=make_period(2016, 1))
    first, page = count()
    assert "9.1 2016/17 Q1" in page
    for n in range(2, 40):
        make_update(make_commitment(ref=f"9.{n}"), period=make_period(2016, 1))
    again, page = count()
    assert again <= first and "9.39 2016/17 Q1" in page


def test_two_errors_on_one_field_share_one_error_message_id(admin_client):
    org = make_organisation()
    response = admin_client.post(
        reverse("organisation_update", args=[org.pk]), form_data(org, slug="not a slug!" * 10)
    )
    page = response.content.decode()
    assert page.count('id="id_slug-error"') == 1


def test_a_record_that_clashes_with_one_saved_meanwhile_is_refused_without_an_error_page(admin_client):
    data = form_data(make_organisation(), name="Clash Office", slug="clash")
    data.pop("loaded_version")
    # Saved between the form's checks and its save: the database's unique rule refuses it.
    assert not Organisation.objects.filter(slug="clash").exists()
    from django.db.models.signals import pre_save

    def sneak_in(sender, instance, **kwargs):
        if instance.pk is None and instance.slug == "clash":
            pre_save.disconnect(sneak_in, sender=Organisation)
            Organisation.objects.create(name="Clash Office", short_name="x", slug="clash")

    pre_save.connect(sneak_in, sender=Organisation)
    try:
        response = admin_client.post(reverse("organisation_create"), data)
    finally:
        pre_save.disconnect(sneak_in, sender=Organisation)
    assert response.status_code == 409
    assert "clashes with this one" in response.content.decode()
    # The stand-in for the other person's record ran inside the refused save, so it went too:
    # what matters is that this form saved nothing and the editor got a clear page, not a 500.
    assert not Organisation.objects.filter(slug="clash").exists()
