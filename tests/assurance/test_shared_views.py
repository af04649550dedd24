"""The shared edit and delete views, seen through real pages of the product."""

from django.test import Client
from django.urls import reverse

from assurance.models import Organisation
from assurance.permissions import Role
from principles.models import EvidenceItem
from tests.assurance.test_edit_and_history import form_data
from tests.factories import make_organisation, make_user
from tests.principles.factories import make_assessment, make_evidence


def signed_in(role, username):
    client = Client()
    client.force_login(make_user(role, username=username, first_name=username.title(), last_name="Officer"))
    return client


def test_saving_a_form_without_changes_adds_nothing_to_the_history(db):
    admin = signed_in(Role.ADMINISTRATOR, "sysadmin")
    org = make_organisation()
    before = org.history.count()
    response = admin.post(reverse("organisation_update", args=[org.pk]), form_data(org), follow=True)
    assert "No changes were made" in response.content.decode()
    assert org.history.count() == before
    assert Organisation.objects.get(pk=org.pk).version == org.version


def test_a_delete_confirmed_after_someone_else_changed_the_record_is_refused(db):
    evidence = make_evidence(make_assessment(), text="Code of conduct")
    first, second = signed_in(Role.EDITOR, "first"), signed_in(Role.EDITOR, "second")
    url = reverse("principles:evidence_delete", args=[evidence.pk])
    page = first.get(url).content.decode()
    assert f'name="loaded_version" value="{evidence.version}"' in page

    evidence.text = "Code of conduct, revised"
    evidence.save()

    response = first.post(url, {"loaded_version": evidence.version - 1})
    assert response.status_code == 409
    assert "was changed after you opened this page" in response.content.decode()
    assert EvidenceItem.objects.filter(pk=evidence.pk).exists()

    assert second.post(url, {"loaded_version": evidence.version}).status_code == 302
    assert not EvidenceItem.objects.filter(pk=evidence.pk).exists()


def test_the_sign_in_page_names_the_service_not_the_host(client, db):
    page = client.get(reverse("login"), HTTP_HOST="127.0.0.1").content.decode()
    assert "<title>Sign in – Assurance</title>" in page


def test_password_change_errors_are_summarised_and_linked_to_their_fields(db):
    client = signed_in(Role.EDITOR, "changer")
    response = client.post(
        reverse("password_change"), {"old_password": "wrong", "new_password1": "x", "new_password2": "y"}
    )
    page = response.content.decode()
    assert "govuk-error-summary" in page and 'href="#id_old_password"' in page
    assert 'class="govuk-input govuk-input--error"' in page


def test_a_list_filter_value_that_is_not_on_offer_is_an_error_not_a_silent_default(db):
    admin = signed_in(Role.ADMINISTRATOR, "lister")
    response = admin.get(reverse("organisation_list"), {"kind": "galaxy"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert admin.get(reverse("organisation_list"), {"kind": "opcc"}).status_code == 200
