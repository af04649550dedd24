"""An administrator sets an organisation's risk matrix in the browser: its size, score bands
(RAG and named level) and review frequencies. Saving re-rates every open risk of the
registers it keeps, and each re-rated risk and the matrix say so in their history."""

import datetime

import pytest
from django.urls import reverse
from django.utils.html import escape

from assurance.models import Rag
from risks.models import RiskMatrix, ScoreBand, add_months
from tests.risks.factories import make_register, make_risk

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(persona_client):
    return persona_client("administrator")


def matrix_data(size=5, bands=(), **changes) -> dict:
    data = {"size": size, "red_review_months": 1, "amber_review_months": 3, "green_review_months": 6}
    for i, (lowest, name, rag) in enumerate(bands):
        data |= {f"band_{i}_from": lowest, f"band_{i}_name": name, f"band_{i}_rag": rag}
    return data | changes


THREE_BANDS = [(1, "Low", "green"), (6, "Medium", "amber"), (15, "High", "red")]


def url_for(organisation) -> str:
    return reverse("risks:matrix") + f"?organisation={organisation.slug}"


def test_the_default_matrix_is_five_by_five_with_four_named_levels():
    matrix = RiskMatrix(organisation=make_register().owner)
    assert [(b.lowest_score, b.name, b.rag) for b in matrix.band_list] == [
        (1, "Low", Rag.GREEN),
        (5, "Medium", Rag.AMBER),
        (12, "High", Rag.RED),
        (20, "Very high", Rag.RED),
    ]
    assert matrix.rate(2, 2).level == "Low" and matrix.rate(5, 5).level == "Very high"


def test_review_dates_are_proposed_whole_months_on():
    assert add_months(datetime.date(2017, 1, 31), 1) == datetime.date(2017, 2, 28)
    assert add_months(datetime.date(2016, 12, 12), 3) == datetime.date(2017, 3, 12)


def test_changing_the_bands_re_rates_every_open_risk_and_says_so(admin_client):
    register = make_register()
    owner = register.owner
    risk = make_risk(register, likelihood=3, impact=4)  # 12: High (Red) by default
    closed = make_risk(
        register,
        likelihood=3,
        impact=4,
        status="closed",
        closed_on=datetime.date(2016, 9, 1),
        closing_note="Gone",
    )
    assert risk.rag == Rag.RED
    response = admin_client.post(url_for(owner), matrix_data(bands=THREE_BANDS))
    assert response.status_code == 302
    risk.refresh_from_db()
    closed.refresh_from_db()
    assert (risk.rag, risk.level) == (Rag.AMBER, "Medium")
    assert closed.rag == Rag.RED  # a closed risk keeps the rating it closed with
    matrix = RiskMatrix.objects.of(owner)
    assert [b.name for b in matrix.band_list] == ["Low", "Medium", "High"]
    risk_history = admin_client.get(risk.get_history_url()).content.decode()
    assert "Re-rated when the risk matrix changed: High (Red) → Medium (Amber)" in risk_history
    matrix_history = admin_client.get(matrix.get_history_url()).content.decode()
    assert "Score bands: 1+ Low (Green); 5+ Medium (Amber)" in matrix_history
    assert "1 open risk re-rated" in matrix_history


def test_a_matrix_too_small_for_open_risks_is_refused_naming_them(admin_client):
    register = make_register()
    make_risk(register, ref="7", likelihood=5, impact=2)
    response = admin_client.post(
        url_for(register.owner), matrix_data(size=4, bands=[(1, "Low", "green"), (8, "High", "red")])
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "re-score them before making the matrix 4 × 4" in page and f"{register.name} 7" in page
    assert not RiskMatrix.objects.exists()


@pytest.mark.parametrize(
    ("bands", "field", "message"),
    [
        ([(2, "Low", "green")], "band_0_from", "The first band must start at 1"),
        ([(1, "Low", "green"), (30, "High", "red")], "band_1_from", "Band 2 starts at 30"),
        ([(1, "Low", "green"), (1, "High", "red")], "band_1_from", "Band 2 must start above band 1"),
        ([(1, "Low", "green"), (5, "", "red")], "band_1_name", "Give band 2 a name"),
        ([(1, "Low", "green"), (5, "High", "")], "band_1_rag", "Choose band 2's RAG rating"),
        ([(1, "Low", "green"), (5, "low", "red")], "band_0_name", "Give each band its own name"),
        ([], "band_0_from", "Give at least one band"),
    ],
)
def test_bad_bands_are_field_errors_and_change_nothing(admin_client, bands, field, message):
    register = make_register()
    response = admin_client.post(url_for(register.owner), matrix_data(bands=bands))
    page = response.content.decode()
    assert response.status_code == 400
    assert f'href="#id_{field}"' in page and escape(message) in page
    assert not ScoreBand.objects.exists()


def test_a_stale_matrix_save_is_refused(admin_client):
    owner = make_register().owner
    admin_client.post(url_for(owner), matrix_data(bands=THREE_BANDS))
    matrix = RiskMatrix.objects.get()
    data = matrix_data(bands=THREE_BANDS, loaded_version=matrix.version)
    assert admin_client.post(url_for(owner), data | {"red_review_months": 2}).status_code == 302
    response = admin_client.post(url_for(owner), data | {"red_review_months": 4})
    assert response.status_code == 409
    matrix.refresh_from_db()
    assert matrix.red_review_months == 2


def test_review_frequencies_propose_the_next_review(admin_client, editor_client):
    register = make_register()
    risk = make_risk(register, likelihood=1, impact=1)
    bands = [(1, "Low", "green"), (5, "Medium", "amber"), (12, "High", "red")]
    admin_client.post(url_for(register.owner), matrix_data(bands=bands, green_review_months=12))
    editor_client.post(
        reverse("risks:review_create", args=[risk.pk]),
        {"date": "2016-12-12", "reviewer": "Board", "likelihood": 1, "impact": 2, "commentary": "Low"},
    )
    risk.refresh_from_db()
    assert risk.next_review_due == datetime.date(2017, 12, 12)


def test_editors_may_not_change_the_matrix(editor_client):
    owner = make_register().owner
    assert editor_client.post(url_for(owner), matrix_data(bands=THREE_BANDS)).status_code == 403
    assert not RiskMatrix.objects.exists()
