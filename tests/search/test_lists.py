"""A list's own search box finds what the site's search finds for the same words: the agreements,
the bottlenecks and the sociale kaart read a query as the search does (core/textsearch), on SQLite
and on PostgreSQL. An explorer searched the agreements for "medicatie overdracht" and found nothing,
where the search found the agreement "Medicatieoverdracht"."""

import re

import pytest

from tests.search.conftest import agreement, bottleneck, map_entry, signed_in

LISTS = {
    "agreement": "/t/oost/agreements/",
    "bottleneck": "/t/oost/bottlenecks/",
    "socialmap": "/t/oost/sociale-kaart/",
}


def _make(world, kind: str, title: str):
    if kind == "agreement":
        return agreement(world, title=title, body="")
    if kind == "bottleneck":
        return bottleneck(world, title=title)
    return map_entry(world, actor=world.maarten, team=world.team_a, name=title)


TITLES = ("Medicatieoverdracht thuis", "Medicatie bij de overdracht", "Valpreventie")


def _found(client, url: str, words: str) -> list[str]:
    response = client.get(url, {"q": words})
    assert response.status_code == 200
    page = response.content.decode()
    return [t for t in TITLES if t in page]


def _search_found(client, words: str) -> list[str]:
    page = client.get("/search/", {"q": words}).content.decode()
    hits = {
        re.sub(r"<[^>]+>", "", t) for t in re.findall(r'class="utrecht-link wv-search-hit__title"[^>]*>(.*?)</a>', page)
    }
    return [t for t in TITLES if t in hits]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(LISTS))
@pytest.mark.parametrize(
    ("words", "found"),
    [
        # Written apart, the search finds the compound ...
        ("medicatie overdracht", ["Medicatieoverdracht thuis", "Medicatie bij de overdracht"]),
        # ... and the compound finds it written apart.
        ("medicatieoverdracht", ["Medicatieoverdracht thuis", "Medicatie bij de overdracht"]),
        # ... and so does it written with a hyphen.
        ("medicatie-overdracht", ["Medicatieoverdracht thuis", "Medicatie bij de overdracht"]),
        # A compound's later part finds the compound (PostgreSQL: from the word list).
        ("overdracht", ["Medicatieoverdracht thuis", "Medicatie bij de overdracht"]),
        ("preventie", ["Valpreventie"]),
        ("valpreventie", ["Valpreventie"]),
    ],
)
def test_a_lists_search_box_finds_what_the_search_finds(world, kind, words, found):
    for title in TITLES:
        _make(world, kind, title)
    client = signed_in(world.carla)
    assert _search_found(client, words) == found
    assert _found(client, LISTS[kind], words) == found


BOXES = [
    ("carla", "/search/"),
    ("carla", "/t/oost/agreements/"),
    ("carla", "/t/oost/bottlenecks/"),
    ("carla", "/t/oost/sociale-kaart/"),
    ("olga", "/r/utrecht/sociale-kaart/"),
]


@pytest.mark.django_db
def test_every_search_box_takes_the_one_limit_and_says_so_of_a_longer_text(world):
    """The boxes took 200 characters on the search and the agreements, 100 on the bottlenecks and
    the sociale kaart (and the server checked each its own). Now one limit everywhere: each box's
    maxlength (the header's too), and a longer text (in the address, or from a box without the
    limit) is not searched, with one clear word at the box, never cut to fit."""
    MAX_LENGTH = 200  # noqa: N806 (core.textsearch.query.MAX_LENGTH, checked below)
    _make(world, "bottleneck", "Valpreventie")
    fits = "valpreventie" + " de" * ((MAX_LENGTH - 12) // 3)  # "de" is no search word
    longer = fits + " de" * 2
    assert len(fits) <= MAX_LENGTH < len(longer)
    for name, url in BOXES:
        client = signed_in(world.persona(name))
        page = client.get(url).content.decode()
        boxes = re.findall(r'<input[^>]*name="q"[^>]*>', page)
        assert len(boxes) >= 1 and all(f'maxlength="{MAX_LENGTH}"' in box for box in boxes), (url, boxes)
        response = client.get(url, {"q": longer})
        assert response.status_code == 200, url
        said = f"Search with at most {MAX_LENGTH} characters; this text has {len(longer)}."
        assert said in response.content.decode(), url
        assert said not in client.get(url, {"q": fits}).content.decode(), url
    # What fits is searched as written.
    assert "Valpreventie" in signed_in(world.carla).get("/t/oost/bottlenecks/", {"q": fits}).content.decode()
    from wijkverband.core.textsearch import query

    assert query.MAX_LENGTH == MAX_LENGTH
