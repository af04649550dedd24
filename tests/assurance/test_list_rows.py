"""What a long list's rows show, made once for the page: texts cut at a whole word (plain text
without walking each character), dates as the templates write them, and each record's URL
from its id as Django reverses it."""

import datetime
import unicodedata

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils.text import Truncator

from assurance.rows import linked, short_date, url_of_each, values_by
from assurance.text import cut_at_word


def cut_as_truncator_cuts(text: str, limit: int) -> str:
    """The cut as Django's Truncator makes it, then back to a whole word."""
    text = " ".join(text.split())
    short = Truncator(text).chars(limit)
    if short == text:
        return short
    head = short.removesuffix("…")
    if not text[len(head) : len(head) + 1].isspace() and " " in head:
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:-") + "…"


@pytest.mark.parametrize(
    ("text", "limit", "cut"),
    [
        (
            "Publish the outcome of every stop and search.",
            80,
            "Publish the outcome of every stop and search.",
        ),
        ("Publish the outcome of every stop and search.", 20, "Publish the outcome…"),
        ("Publish the outcome, of every stop", 21, "Publish the outcome…"),
        ("Publish  the\noutcome", 20, "Publish the outcome"),
        ("Supercalifragilistic", 10, "Supercali…"),
        ("Résumé of the coroner’s report on the death", 25, "Résumé of the coroner’s…"),
        ("", 10, ""),
    ],
)
def test_a_text_is_cut_at_a_whole_word_with_an_ellipsis(text, limit, cut):
    assert cut_at_word(text, limit) == cut


def test_a_cut_is_truncator_s_for_every_length():
    texts = [
        "Improve the recording of the grounds for each search, so that supervisors can check them.",
        "Médecins légistes: ré-examiner les délais; coroner’s report – “prevention of future deaths”",
    ]
    for text in texts:
        for limit in range(1, len(text) + 2):
            assert cut_at_word(text, limit) == cut_as_truncator_cuts(text, limit), limit


def test_a_short_text_in_decomposed_letters_is_whole_without_an_ellipsis():
    text = unicodedata.normalize("NFD", "Résumé")
    assert unicodedata.normalize("NFC", cut_at_word(text, 10)) == "Résumé"


@pytest.mark.parametrize(
    "day", [datetime.date(2017, 1, 5), datetime.date(2016, 9, 30), datetime.date(2020, 12, 31)]
)
def test_a_short_date_is_the_templates_j_m_y(day):
    assert short_date(day) == Template('{{ day|date:"j M Y" }}').render(Context({"day": day}))


def test_no_date_is_the_word_given():
    assert short_date(None) == "" and short_date(None, "None yet") == "None yet"


@pytest.mark.parametrize("pk", [1, 42, 918273645, 10**12])
def test_each_url_is_the_one_django_reverses(pk):
    url_of = url_of_each("organisation_update")
    assert url_of(pk) == reverse("organisation_update", args=[pk])


@pytest.mark.django_db
def test_linked_reads_each_owners_links_as_values_in_one_query_from_either_end(django_assert_num_queries):
    from delivery_plans.models import Commitment
    from meetings.models import OversightBody
    from tests.meetings.factories import make_body, make_commitment, make_plan

    plan = make_plan()
    first, second, alone = (make_commitment(plan, ref=ref) for ref in ("B2", "A1", "C3"))
    board = make_body(name="Scrutiny Board")
    panel = make_body(name="Accountability Panel")
    elsewhere = make_body(name="Another Office's Board")
    board.commitments.add(first, second)
    panel.commitments.add(first)
    elsewhere.commitments.add(first)
    first.related.add(second, alone)

    with django_assert_num_queries(1):
        refs = linked(OversightBody.commitments, [board.pk, panel.pk], "ref", order_by=["ref"])
    assert refs == {board.pk: ["A1", "B2"], panel.pk: ["B2"]}
    # From the other end, in the linked model's own order (bodies by name), kept to `among`,
    # several fields a tuple each.
    with django_assert_num_queries(1):
        bodies = linked(
            Commitment.oversight_bodies,
            Commitment.objects.filter(plan=plan).values("pk"),
            "id",
            "name",
            among=[board.pk, panel.pk],
        )
    assert bodies == {
        first.pk: [(panel.pk, "Accountability Panel"), (board.pk, "Scrutiny Board")],
        second.pk: [(board.pk, "Scrutiny Board")],
    }
    assert linked(Commitment.related, [first.pk], "ref", order_by=["-ref"])[first.pk] == ["C3", "A1"]
    # `among` as a query is asked in the database: the same links.
    with django_assert_num_queries(1):
        asked = linked(
            Commitment.oversight_bodies,
            [first.pk, second.pk],
            "id",
            "name",
            among=OversightBody.objects.exclude(pk=elsewhere.pk).values("pk"),
        )
    assert asked == bodies
    # An owner with no link has none; no owner asks the database nothing.
    assert linked(Commitment.related, [alone.pk], "ref")[alone.pk] == []
    with django_assert_num_queries(0):
        assert linked(Commitment.related, [], "ref") == {}


def test_values_by_groups_rows_by_the_id_they_hold_in_their_order():
    rows = [{"risk_id": 2, "n": 1}, {"risk_id": 1, "n": 2}, {"risk_id": 2, "n": 3}]
    grouped = values_by(rows, "risk_id")
    assert [r["n"] for r in grouped[2]] == [1, 3] and [r["n"] for r in grouped[1]] == [2]
    assert grouped[3] == []  # a record with none has an empty list
