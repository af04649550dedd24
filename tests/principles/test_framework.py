"""The framework is data: loaded from a versioned file by a command, a second one without code."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from principles.models import Framework, Principle, SubPrinciple
from principles.services import FRAMEWORKS_DIR

pytestmark = pytest.mark.django_db

SECOND = Path(__file__).parent / "frameworks" / "good-governance-2030.yaml"


def load(path) -> str:
    out = StringIO()
    call_command("load_framework", str(path), stdout=out)
    return out.getvalue()


def test_the_cipfa_framework_loads_all_seven_principles():
    output = load(FRAMEWORKS_DIR / "cipfa-solace-2016.yaml")
    assert "7 principles, 21 sub-principles" in output
    framework = Framework.objects.get(slug="cipfa-solace-2016")
    assert list(framework.principles.values_list("letter", flat=True)) == list("ABCDEFG")
    a3 = SubPrinciple.objects.get(principle__framework=framework, principle__letter="A", number=3)
    assert a3.title == "Respecting the rule of law"
    assert len(a3.expected_behaviours) >= 3


def test_loading_twice_changes_nothing():
    load(FRAMEWORKS_DIR / "cipfa-solace-2016.yaml")
    history = (SubPrinciple.history.count(), Principle.history.count(), Framework.history.count())
    load(FRAMEWORKS_DIR / "cipfa-solace-2016.yaml")
    assert SubPrinciple.objects.count() == 21
    assert Principle.objects.count() == 7
    assert (SubPrinciple.history.count(), Principle.history.count(), Framework.history.count()) == history


def test_a_changed_title_in_the_file_updates_the_framework_and_keeps_history(tmp_path):
    load(SECOND)
    changed = tmp_path / "changed.yaml"
    changed.write_text(
        SECOND.read_text(encoding="utf-8").replace("Listening to communities", "Listening to everyone")
    )
    load(changed)
    sub = SubPrinciple.objects.get(principle__letter="P", number=1)
    assert sub.title == "Listening to everyone" and sub.version == 2
    assert sub.history.count() == 2


def test_a_second_framework_loads_beside_the_first_without_code_changes():
    load(FRAMEWORKS_DIR / "cipfa-solace-2016.yaml")
    output = load(SECOND)
    assert "2 principles, 3 sub-principles" in output
    assert Framework.objects.count() == 2
    second = Framework.objects.get(slug="good-governance-2030")
    assert second.edition == "2030"
    assert [str(p) for p in second.principles.all()] == [
        "Principle P: Putting the public first",
        "Principle Q: Quality of oversight",
    ]
    q1 = SubPrinciple.objects.get(principle__framework=second, principle__letter="Q")
    assert q1.ref == "Q.1" and q1.expected_behaviours == []


@pytest.mark.parametrize(
    "text,message",
    [
        ("just words", "expected a mapping"),
        ("slug: x\nname: X\nedition: '1'\n", "'principles' must be a non-empty list"),
        ("slug: x\nname: X\nedition: '1'\nprinciples:\n  - letter: A\n", "'title' is missing"),
        ("slug: x\nname: X\nedition: '1'\nprinciples: [{letter: A, title: T}]\n", "'sub_principles'"),
        ("slug: x\nname: X\nedition: '1'\nprinciples: [{letter: ABCD, title: T}]\n", "longer than 3"),
        ("slug: [unclosed\n", "cannot be read"),
    ],
)
def test_a_malformed_framework_file_is_refused_with_a_clear_message(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        load(path)
    assert not Framework.objects.exists()


def test_a_missing_framework_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        load(tmp_path / "nowhere.yaml")
