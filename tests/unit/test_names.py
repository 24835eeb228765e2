"""Name normalisation: police and school spellings of one child compare equal."""

from __future__ import annotations

import unicodedata

import pytest

from services.intake.domain.names import forename_keys, normalise_name, parse_upn, surname_key


@pytest.mark.parametrize(
    ("police_wrote", "school_wrote"),
    [
        ("ZOË", "zoë"),
        ("Zoë", "Zoe"),
        ("Zoë", unicodedata.normalize("NFD", "Zoë")),
        ("Chloé", "Chloe"),
        ("Siobhán", "Siobhan"),
        ("Ní Bhriain", "Ni Bhriain"),
        ("O'Brien", "OBrien"),
        ("O'Brien", "O’Brien"),
        ("O'Brien", "Oʼbrien"),
        ("O'Brien", "O‘Brien"),
        ("O'Brien", "o brien"),
        ("Smith-Jones", "Smith Jones"),
        ("Smith-Jones", "SmithJones"),
        ("Smith-Jones", "Smith‐Jones"),
        ("Smith-Jones", "Smith–Jones"),
        ("Smith - Jones", "smith jones"),
        ("  Mia  ", "Mia"),
        ("Ellis-O'Connor", "Ellis O Connor"),
        ("St. Clair", "St Clair"),
        ("Łukasz Wójcik", "Lukasz Wojcik"),
        ("Søren", "Soren"),
        ("Strauß", "Strauss"),
    ],
)
def test_spellings_of_the_same_name_compare_equal(police_wrote, school_wrote):
    assert normalise_name(police_wrote) == normalise_name(school_wrote)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Zoe", "Zoey"),
        ("Smith", "Smith-Jones"),
        ("Rosie", "Ruby"),
        ("Ann", "Anne"),
        ("OBrien", "OBrian"),
    ],
)
def test_different_names_stay_different(one, other):
    assert normalise_name(one) != normalise_name(other)


def test_the_key_is_lower_case_ascii_letters_without_separators():
    assert normalise_name("Zoë O’Brien-Smith") == "zoeobriensmith"


def test_a_name_of_punctuation_only_has_an_empty_key():
    assert normalise_name(" - ' ") == ""


def test_surname_key_is_the_normalised_surname():
    assert surname_key("Smith-Jones") == surname_key("smith jones") == "smithjones"


def test_a_preferred_forename_counts_as_a_forename():
    assert forename_keys("Oluwaseun", "Seun") == {"oluwaseun", "seun"}
    assert normalise_name("SEUN") in forename_keys("Oluwaseun", "Seun")


def test_a_missing_or_blank_preferred_forename_adds_nothing():
    assert forename_keys("Amelia", None) == {"amelia"}
    assert forename_keys("Amelia", "") == {"amelia"}


class TestUpn:
    def test_a_permanent_upn_is_a_letter_then_twelve_digits(self):
        assert parse_upn("A123456789012") == "A123456789012"

    def test_a_temporary_upn_ends_in_a_letter(self):
        assert parse_upn("F56789012345G") == "F56789012345G"

    def test_case_and_surrounding_space_are_tolerated(self):
        assert parse_upn("  a123456789012 ") == "A123456789012"

    @pytest.mark.parametrize("blank", [None, "", "   "])
    def test_blank_means_no_upn(self, blank):
        assert parse_upn(blank) is None

    @pytest.mark.parametrize(
        "bad", ["12345", "1123456789012", "A12345678901", "A1234567890123", "A12345 789012"]
    )
    def test_anything_else_is_rejected(self, bad):
        with pytest.raises(ValueError, match="13 letters or digits starting with a letter"):
            parse_upn(bad)
