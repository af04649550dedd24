"""Refs sort as people expect, by a key every database orders alike."""

import pytest

from assurance.text import sort_key


@pytest.mark.parametrize(
    "refs",
    [
        ["1.2", "1.10"],
        ["A.1", "B.1"],
        ["2", "10"],
        ["1", "1.1", "1.2", "2"],
        ["1.9", "1.10", "1.11", "2.1"],
        ["A", "B", "F"],
        ["Section 2", "Section 10"],
        ["1.1", "A.1"],  # the policing commitments before the PCC's own, as the plans print them
        ["3.4", "3.4a", "3.5"],
    ],
)
def test_refs_sort_as_people_write_them(refs):
    jumbled = refs[1:] + refs[:1]
    assert sorted(jumbled, key=sort_key) == refs


def test_the_key_holds_only_digits_and_letters_whatever_the_ref():
    for ref in ("1.2", "A-1", "Section 2: roads", "4.4/4.5", "b.1 (Warwickshire)", "É.1"):
        key = sort_key(ref)
        assert key.isalnum() and key == key.lower(), key
    assert sort_key("a.1") == sort_key("A.1") == sort_key("A 1")
