"""Postcodes as people type them, lists of areas as a region administrator types them."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from wijkverband.tenancy import postcodes


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("3581", "3581"),
        ("3581AB", "3581AB"),
        ("3581 AB", "3581AB"),
        ("3581ab", "3581AB"),
        ("  3581  ab ", "3581AB"),
        ("3581\u00a0Ab", "3581AB"),  # a non-breaking space pasted from a letter
        ("3 5 8 1 A B", "3581AB"),
        ("1000AA", "1000AA"),
        ("9999 ZZ", "9999ZZ"),
        # Found by an exploratory test: "3581-AB" was "geen Nederlandse postcode".
        ("3581-AB", "3581AB"),
        (" 3581 - ab ", "3581AB"),
    ],
)
def test_it_reads_a_postcode_in_any_case_and_spacing(typed, code):
    assert postcodes.normalise_postcode(typed) == code


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "0581",  # no postcode starts with 0
        "358",
        "35811",
        "3581A",
        "3581ABC",
        "3581-",
        "3581-A",
        "-3581AB",
        "3581--AB",
        "3581 SA",  # PostNL never uses SA, SD or SS
        "3581SD",
        "3581 ss",
        "３５８１",  # full-width digits
        "3581 ÄB",
        "abcd",
        "3581 AB" + " " * 30,
        None,
        3581,
    ],
)
def test_it_refuses_what_is_no_dutch_postcode(typed):
    assert postcodes.normalise_postcode(typed) is None


def test_it_shows_a_code_as_people_write_it():
    assert postcodes.display_code("3581AB") == "3581 AB"
    assert postcodes.display_code("3581") == "3581"


def test_a_list_of_areas_is_read_with_commas_spaces_and_full_postcodes():
    typed = "3582, 3581;3584 ab\n3581 3585AB, 3584, 3586-AB 3587 - cd"
    assert postcodes.parse_area_list(typed) == ["3581", "3582", "3584", "3584AB", "3585AB", "3586AB", "3587CD"]
    assert postcodes.parse_area_list("") == []
    assert postcodes.format_area_list(["3584AB", "3581"]) == "3581, 3584 AB"


@pytest.mark.parametrize("typed", ["3581, 35x1", "3581 A", "AB 3581", "0123"])
def test_a_list_with_something_else_names_it(typed):
    with translation.override("nl"), pytest.raises(ValidationError) as raised:
        postcodes.parse_area_list(typed)
    assert "geen postcodegebied" in raised.value.messages[0]


def test_a_team_has_at_most_so_many_areas():
    many = ", ".join(str(1000 + n) for n in range(postcodes.MAX_AREAS_PER_TEAM + 1))
    with pytest.raises(ValidationError):
        postcodes.parse_area_list(many)


def test_every_message_of_tenancys_postcode_areas_has_its_dutch():
    """Marked with gettext_noop and translated when shown: each needs its Dutch."""
    with translation.override("nl"):
        untranslated = [message for message in postcodes.MESSAGES if translation.gettext(message) == message]
    assert not untranslated
