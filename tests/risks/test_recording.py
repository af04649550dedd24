"""Editors add, score, review and close risks in the browser: the RAG, Direction of Travel
and next review date follow from the scores and the organisation's risk matrix; bad input is
a written error on its field and saves nothing; a stale edit is refused."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from assurance.models import Direction, Rag
from risks.models import Risk, RiskReview
from tests.risks.factories import make_action, make_register, make_review, make_risk

pytestmark = pytest.mark.django_db


def risk_data(**changes) -> dict:
    data = {
        "ref": "SR04",
        "title": "The risk that the alliance savings are not delivered",
        "owner_role": "Treasurer (OPCC)",
        "raised_on": "2016-06-01",
        "inherent_likelihood": 4,
        "inherent_impact": 5,
        "residual_likelihood": 3,
        "residual_impact": 4,
        "status": "open",
        "visibility": "public",
    }
    return data | changes


def review_data(risk, **changes) -> dict:
    data = {
        "date": "2016-12-12",
        "reviewer": "Joint Audit Committee",
        "likelihood": risk.residual_likelihood,
        "impact": risk.residual_impact,
        "commentary": "Savings plan on track.",
    }
    return data | changes


def test_an_editor_adds_a_risk_and_its_rag_comes_from_the_residual_score(editor_client):
    register = make_register()
    response = editor_client.post(reverse("risks:create", args=[register.pk]), risk_data())
    assert response.status_code == 302
    risk = Risk.objects.get()
    # 3 × 4 = 12: High on the default 5 × 5 matrix, which is Red; Red is reviewed monthly.
    assert (risk.rag, risk.level, risk.next_review_due) == (Rag.RED, "High", datetime.date(2016, 7, 1))
    page = editor_client.get(risk.get_absolute_url()).content.decode()
    assert 'data-rag="red"' in page and "High" in page and "residual score 12" in page


def test_a_posted_rag_is_ignored_the_score_decides(editor_client):
    register = make_register()
    editor_client.post(reverse("risks:create", args=[register.pk]), risk_data(rag="green", level="Low"))
    assert Risk.objects.get().rag == Rag.RED


def test_recording_a_review_moves_the_rag_direction_and_next_review_date(editor_client):
    risk = make_risk(likelihood=4, impact=4)
    make_review(risk, date=datetime.date(2016, 9, 19))
    url = reverse("risks:review_create", args=[risk.pk])
    response = editor_client.post(url, review_data(risk, likelihood=2, impact=4))
    assert response.status_code == 302
    risk.refresh_from_db()
    review = risk.reviews.latest("date")
    # 16 (Red) → 8 (Amber): improving; Amber is reviewed quarterly.
    assert (review.rag, review.direction) == (Rag.AMBER, Direction.IMPROVING)
    assert review.next_review_date == datetime.date(2017, 3, 12)
    assert (risk.residual_likelihood, risk.residual_impact, risk.rag) == (2, 4, Rag.AMBER)
    assert risk.next_review_due == datetime.date(2017, 3, 12)
    page = editor_client.get(risk.get_absolute_url()).content.decode()
    assert 'data-direction="improving"' in page and "12 March 2017" in page
    history = editor_client.get(risk.get_history_url()).content.decode()
    assert "Reviewed on 12 December 2016 by Joint Audit Committee" in history


def test_a_review_may_set_its_own_next_review_date(editor_client):
    risk = make_risk()
    data = review_data(risk, next_review_date="2017-01-31")
    editor_client.post(reverse("risks:review_create", args=[risk.pk]), data)
    risk.refresh_from_db()
    assert risk.next_review_due == datetime.date(2017, 1, 31)


def test_correcting_the_latest_review_keeps_the_next_reviews_direction_in_step(editor_client):
    risk = make_risk(likelihood=3, impact=3)
    first = make_review(risk, date=datetime.date(2016, 9, 19))
    make_review(risk, date=datetime.date(2016, 12, 12), likelihood=4, impact=4)
    # Only the latest review can be corrected.
    assert editor_client.get(reverse("risks:review_update", args=[first.pk])).status_code == 404
    latest = risk.reviews.latest("date")
    assert latest.direction == Direction.DECLINING
    data = review_data(risk, likelihood=3, impact=3, date="2016-12-12", loaded_version=latest.version)
    assert editor_client.post(reverse("risks:review_update", args=[latest.pk]), data).status_code == 302
    latest.refresh_from_db()
    risk.refresh_from_db()
    assert latest.direction == Direction.MAINTAINING and risk.residual_score == 9


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"likelihood": 6}, "likelihood", "Likelihood must be from 1 to 5"),
        ({"impact": 0}, "impact", "Impact must be from 1 to 5"),
        ({"date": "2099-01-01"}, "date", "must be today"),
        ({"date": "2016-05-01"}, "date", "before the risk was raised (1 June 2016)"),
        ({"date": "2016-09-01"}, "date", "The latest review is dated 19 September 2016"),
        ({"next_review_date": "2016-12-01"}, "next_review_date", "must be after this review"),
        ({"commentary": ""}, "commentary", "This field is required"),
    ],
)
def test_a_bad_review_is_a_field_error_and_saves_nothing(editor_client, changes, field, message):
    risk = make_risk()
    make_review(risk, date=datetime.date(2016, 9, 19))
    before = (RiskReview.objects.count(), Risk.objects.get().version)
    response = editor_client.post(
        reverse("risks:review_create", args=[risk.pk]), review_data(risk, **changes)
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}"' in page and message in page
    assert (RiskReview.objects.count(), Risk.objects.get().version) == before


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"residual_likelihood": 7}, "residual_likelihood", "Residual likelihood must be from 1 to 5"),
        ({"inherent_impact": 0}, "inherent_impact", "Inherent impact must be from 1 to 5"),
        ({"target_score": 16}, "target_score", "cannot be above the residual score (12)"),
        ({"raised_on": "2099-01-01"}, "raised_on", "must be today"),
        ({"status": "closed"}, "status", "Select a valid choice"),
        ({"title": ""}, "title", "This field is required"),
    ],
)
def test_a_bad_risk_is_a_field_error_and_saves_nothing(editor_client, changes, field, message):
    register = make_register()
    response = editor_client.post(reverse("risks:create", args=[register.pk]), risk_data(**changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'href="#id_{field}' in page and message in page
    assert not Risk.objects.exists()


def test_a_ref_already_in_the_register_is_refused_ignoring_capitals(editor_client):
    risk = make_risk(ref="sr04")
    response = editor_client.post(reverse("risks:create", args=[risk.register.pk]), risk_data())
    assert "SR04 is already a risk of this register" in response.content.decode()
    assert Risk.objects.count() == 1


def test_a_smaller_matrix_checks_scores_against_its_own_size(editor_client):
    from risks.models import RiskMatrix

    register = make_register()
    RiskMatrix.objects.create(organisation=register.owner, size=3)
    response = editor_client.post(
        reverse("risks:create", args=[register.pk]), risk_data(residual_likelihood=4, inherent_likelihood=3)
    )
    page = response.content.decode()
    assert "Residual likelihood must be from 1 to 3" in page and "is 3 × 3" in page
    assert not Risk.objects.exists()


def test_a_stale_edit_of_a_risk_is_refused_with_who_changed_it(editor_client):
    risk = make_risk(title="Original")
    url = reverse("risks:update", args=[risk.pk])
    data = risk_data(ref=risk.ref, loaded_version=risk.version)
    assert editor_client.post(url, data | {"title": "First"}).status_code == 302
    response = editor_client.post(url, data | {"title": "Second"})
    assert response.status_code == 409
    risk.refresh_from_db()
    assert risk.title == "First"


def test_a_stale_review_correction_is_refused(editor_client):
    risk = make_risk()
    review = make_review(risk)
    url = reverse("risks:review_update", args=[review.pk])
    data = review_data(risk, loaded_version=review.version)
    assert editor_client.post(url, data | {"commentary": "First"}).status_code == 302
    assert editor_client.post(url, data | {"commentary": "Second"}).status_code == 409
    review.refresh_from_db()
    assert review.commentary == "First"


def test_closing_a_risk_needs_a_closing_note(editor_client):
    risk = make_risk()
    url = reverse("risks:close", args=[risk.pk])
    today = timezone.localdate().isoformat()
    response = editor_client.post(
        url, {"closed_on": today, "closing_note": "", "loaded_version": risk.version}
    )
    assert response.status_code == 200
    assert 'href="#id_closing_note"' in response.content.decode()
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OPEN
    response = editor_client.post(
        url, {"closed_on": today, "closing_note": "Alliance agreement signed", "loaded_version": risk.version}
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.closing_note) == (Risk.Status.CLOSED, "Alliance agreement signed")
    assert not risk.review_overdue  # a closed risk is never overdue


def test_a_closed_risk_is_not_reviewed_again(editor_client):
    risk = make_risk(status="closed", closed_on=datetime.date(2016, 9, 1), closing_note="Mitigated")
    response = editor_client.post(reverse("risks:review_create", args=[risk.pk]), review_data(risk))
    assert "This risk is closed" in response.content.decode()
    assert not RiskReview.objects.exists()


def test_a_risk_cannot_close_before_it_was_raised(editor_client):
    risk = make_risk()
    response = editor_client.post(
        reverse("risks:close", args=[risk.pk]),
        {"closed_on": "2016-01-01", "closing_note": "x", "loaded_version": risk.version},
    )
    assert "cannot close before it was raised" in response.content.decode()
    risk.refresh_from_db()
    assert risk.status == Risk.Status.OPEN


def test_reopening_a_closed_risk_keeps_its_closing_note_in_the_history(editor_client):
    risk = make_risk()
    editor_client.post(
        reverse("risks:close", args=[risk.pk]),
        {"closed_on": "2016-12-01", "closing_note": "Mitigated", "loaded_version": risk.version},
    )
    risk.refresh_from_db()
    response = editor_client.post(
        reverse("risks:update", args=[risk.pk]),
        risk_data(ref=risk.ref, status="open", loaded_version=risk.version),
    )
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.status, risk.closed_on, risk.closing_note) == ("open", None, "")
    assert "Mitigated" in editor_client.get(risk.get_history_url()).content.decode()


def test_an_editor_adds_controls_and_further_actions(editor_client):
    risk = make_risk()
    url = reverse("risks:action_create", args=[risk.pk]) + "?kind=action"
    form = editor_client.get(url).content.decode()
    assert re.search(r'value="action"[^>]*checked', form) and not re.search(
        r'value="control"[^>]*checked', form
    )
    response = editor_client.post(
        url,
        {
            "kind": "action",
            "description": "Agree the savings plan",
            "owner_role": "Treasurer",
            "due_date": "2017-03-31",
        },
    )
    assert response.status_code == 302
    make_action(risk, kind="control", description="Quarterly budget monitoring")
    page = editor_client.get(risk.get_absolute_url()).content.decode()
    assert "Agree the savings plan" in page and "Quarterly budget monitoring" in page


def test_an_overdue_review_is_flagged_on_the_list_the_page_and_the_commitment(editor_client):
    from tests.delivery_plans.factories import make_commitment

    commitment = make_commitment()
    risk = make_risk(next_review_due=datetime.date(2016, 7, 1))
    risk.commitments.add(commitment)
    for url in (
        reverse("risks:list") + f"?organisation={risk.register.owner.slug}",
        risk.get_absolute_url(),
    ):
        assert "Review overdue" in editor_client.get(url).content.decode(), url
    page = editor_client.get(commitment.get_absolute_url()).content.decode()
    assert "Risks" in page and risk.title in page and "Review overdue" in page
