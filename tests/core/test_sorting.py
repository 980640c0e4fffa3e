"""Names sort as in the Dutch telephone book: "'t Hoekje" under H, not before A (core/sorting.py),
in SQL (a stored key, the same on SQLite and PostgreSQL) and in Python alike."""

import importlib

import pytest
from django.apps import apps

from wijkverband.core.sorting import name_order, name_sort_key
from wijkverband.tenancy import selectors, services
from wijkverband.tenancy.models import Organisation, OrganisationKind


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("'t Hoekje", "hoekje"),
        ("’t Hoekje", "hoekje"),  # a typographic apostrophe, as a word processor writes it
        ("´t Hoekje", "hoekje"),
        ("'T HOEKJE", "hoekje"),
        ("'s-Hertogenbosch", "hertogenbosch"),
        ("'s Heeren Loo", "heeren loo"),
        ('"De Brug"', 'de brug"'),  # the article stays: "De Brug" is under D
        ("(Buurthuis) Pijp", "buurthuis) pijp"),
        ("  Émile  Zorg", "emile zorg"),
        ("Apotheek 't Hoekje", "apotheek 't hoekje"),  # only at the start
        ("'tis", "tis"),  # no clitic without a word after it
        ("...", "..."),
    ],
)
def test_the_key_leaves_out_leading_signs_and_t_and_s(name, key):
    assert name_sort_key(name) == key


def test_a_list_sorted_by_it_puts_t_hoekje_under_h():
    names = ["Zonnebloem", "'t Hoekje", "Apotheek Linde", "Hoek", "Huisarts Oost", "Émile", "(De) Brug"]
    assert sorted(names, key=name_order) == [
        "Apotheek Linde",
        "(De) Brug",
        "Émile",
        "Hoek",
        "'t Hoekje",
        "Huisarts Oost",
        "Zonnebloem",
    ]


def test_an_organisation_keeps_its_key_on_every_save(world):
    organisation = Organisation.objects.create(name="'t Hoekje", kind=OrganisationKind.OTHER)
    assert Organisation.objects.get(pk=organisation.pk).sort_name == "hoekje"
    organisation.name = "’s-Heerenhof"
    organisation.save(update_fields=["name"])
    assert Organisation.objects.get(pk=organisation.pk).sort_name == "heerenhof"


def test_the_migration_gives_existing_organisations_and_entries_their_key(world):
    Organisation.objects.create(name="'t Hoekje", kind=OrganisationKind.OTHER)
    Organisation.objects.update(sort_name="")
    importlib.import_module("wijkverband.tenancy.migrations.0006_name_sort_key").fill_sort_names(apps, None)
    assert Organisation.objects.get(name="'t Hoekje").sort_name == "hoekje"
    assert not Organisation.objects.filter(sort_name="").exists()


def test_the_teams_organisations_are_listed_in_telephone_book_order(world):
    for name in ("'t Hoekje", "Gaandeweg", "Inloophuis"):
        services.organisation_add(actor=None, team=world.team_a, name=name, kind=OrganisationKind.OTHER)
    names = [o.name for o in selectors.team_organisation_choices(team=world.team_a)]
    assert names.index("Gaandeweg") < names.index("'t Hoekje") < names.index("Huisarts Oost")
    assert names.index("Huisarts Oost") < names.index("Inloophuis")
    linked = [link.organisation.name for link in selectors.team_organisations(team=world.team_a)]
    assert linked == names
