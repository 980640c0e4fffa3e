"""The permission ladder of the search, over the whole matrix: for every persona, a secret word
planted in each kind of item is found exactly by those who may read the item, and never shows to
anyone else: not as a result, not as a count, not in "all my teams", one team or one kind, and not
through a typo of the word (trigram similarity on PostgreSQL)."""

import re

import pytest
from django.test import Client

from tests.personas import make_user
from tests.search.conftest import PERSONAS, plant_secrets, signed_in


def _typo(word: str) -> str:
    return word[:5] + ("a" if word[5] != "a" else "e") + word[6:]


_GROUPS = re.compile(r'<section class="wv-section wv-search-group".*?</section>', re.S)


def _results(page: str) -> str:
    """The results part of a page: every group of results with its count (the query is echoed
    in the title and the search box, which is not a result)."""
    return "".join(_GROUPS.findall(page))


def _pages(client, secret, word=None):
    word = word or secret.word
    pages = [
        client.get("/search/", {"q": word}),
        client.get("/search/", {"q": word, "kind": secret.kind}),
        client.get("/search/", {"q": word, "team": secret.team}),
        client.get("/search/", {"q": word, "team": secret.team, "kind": secret.kind, "page": 2}),
    ]
    assert all(response.status_code == 200 for response in pages)
    return [response.content.decode() for response in pages]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_persona_finds_what_they_may_read_and_nothing_else(world, persona):
    secrets = plant_secrets(world)
    user = make_user("nobody", "Nobody Nergens") if persona == "nobody" else world.persona(persona)
    client = signed_in(user)
    for name, secret in secrets.items():
        found = _pages(client, secret)
        if persona in secret.readers:
            for page in found[:3]:  # all my teams, one kind, one team (the fourth is its second page)
                assert secret.word in _results(page), f"{persona} should find {name}"
        else:
            pages = found + _pages(client, secret, _typo(secret.word))
            for page in pages:
                # Not a result, not a group with a count: the page says nothing was found.
                assert _results(page) == "", f"{persona} sees something for {name}"
                assert "wv-search-group" not in page and "Nothing found" in page, f"{persona}: {name}"


@pytest.mark.django_db
def test_someone_signed_out_is_sent_to_sign_in(world):
    plant_secrets(world)
    response = Client().get("/search/", {"q": "apotheek"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
