"""MentionIndex answers as a scan of every member did (the definition of who a mention reaches),
for every word a member or a role can be mentioned by, alone and together: names shared, accents,
a person without a name, kinds of organisation, coordinators, everyone."""

import itertools
import shutil
import subprocess

import pytest

from wijkverband.tenancy.models import Membership
from wijkverband.threads.mentions import (
    COORDINATOR_WORDS,
    EVERYONE_WORDS,
    KIND_WORDS,
    MentionIndex,
    _fold,
    _full_name_word,
    mention_candidates,
    mention_words,
    mentioned_users,
)

pytestmark = pytest.mark.django_db


def _scan(words: set[str], memberships) -> set[int]:
    """Who the words reach, member by member: the rule as written before the index."""
    found = set()
    kinds = {KIND_WORDS[w] for w in words if w in KIND_WORDS}
    for membership in memberships:
        user = membership.user
        first = _fold(user.name.split(" ")[0]) if user.name else ""
        full = _full_name_word(user)
        if (
            bool(words & EVERYONE_WORDS)
            or (bool(words & COORDINATOR_WORDS) and membership.role == Membership.Role.COORDINATOR)
            or (membership.organisation_id and membership.organisation.kind in kinds)
            or first in words
            or (full and full in words)
            or _fold(user.email.split("@")[0]) in words
        ):
            found.add(user.pk)
    return found


def _memberships(world, django_user_model):
    team = world.team_a
    for name, email, role, organisation in [
        ("Maarten de Vries", "mdevries@example.nl", Membership.Role.MEMBER, world.gp_a),  # a second Maarten
        ("Zoë Çelik", "zoe@example.nl", Membership.Role.COORDINATOR, world.gp_a),  # accents
        ("", "anoniem@example.nl", Membership.Role.MEMBER, world.pharmacy),  # no name
        ("Pieter", "pieter.b@example.nl", Membership.Role.MEMBER, world.pharmacy),  # one word, shared
    ]:
        user = django_user_model.objects.create_user(email=email, password="x", name=name)
        Membership.objects.create(team=team, user=user, role=role, organisation=organisation)
    return list(Membership.objects.for_team(team.pk).select_related("user", "organisation"))


def test_the_index_reaches_whom_a_scan_of_every_member_reaches(world, django_user_model):
    memberships = _memberships(world, django_user_model)
    index = MentionIndex(memberships)
    vocabulary = set(KIND_WORDS) | COORDINATOR_WORDS | EVERYONE_WORDS | {"niemand"}
    for membership in memberships:
        user = membership.user
        vocabulary |= {_fold(user.email.split("@")[0]), _full_name_word(user)} - {""}
        if user.name:
            vocabulary.add(_fold(user.name.split(" ")[0]))
    assert len(vocabulary) > 25
    for size in (1, 2):
        for words in itertools.combinations(sorted(vocabulary), size):
            assert index.users(set(words)) == _scan(set(words), memberships), words
    # Texts as people write them, through the same words.
    for text in ["Kan @Maarten hiernaar kijken?", "@maarten.de.vries en @zoe", "@Zoë.Çelik!", "@APOTHEEK graag", ""]:
        assert mentioned_users(text, memberships) == _scan(mention_words(text), memberships), text


def test_each_suggested_person_is_reached_by_their_token_alone(world, django_user_model):
    memberships = _memberships(world, django_user_model)
    people = [
        c
        for c in mention_candidates(
            memberships, labels={"coordinators": "", "everyone": "", "everyone_at": "%(names)s"}
        )
        if c["kind"] == "person"
    ]
    by_label = {c["label"]: c["token"] for c in people}
    # Two Maartens: each gets the word that is theirs alone, never the shared first name.
    assert by_label["Maarten de Vries"] == "mdevries"
    assert "Maarten" not in by_label.values()
    assert by_label["Zoë Çelik"] == "Zoë"
    for candidate in people:
        reached = _scan(mention_words("@" + candidate["token"]), memberships)
        assert len(reached) == 1, candidate


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("@Maarten kijk even op https://medium.com/@Carla/wijkzorg-in-de-nacht", {"maarten"}),
        ("HTTPS://MEDIUM.COM/@Carla en www.x.nl/@Pieter", set()),
        ("[stuk](https://medium.com/@Carla) voor @huisarts/@apotheek", {"huisarts", "apotheek"}),
        ("[stuk](/t/oost/@Carla)", set()),
        ("[@Carla](https://x.nl)", {"carla"}),  # a link's text is read
        ("zie `@Carla` en @Pieter", {"pieter"}),
        ("```\n@Carla\n```\n@Pieter", {"pieter"}),
        ("~~~\n@Carla", set()),
        ("een losse ` en @Carla", {"carla"}),
        ("carla@example.nl", set()),
    ],
)
def test_an_at_in_an_address_or_in_code_is_no_mention(text, words):
    assert mention_words(text) == words


MENTION_QUERY_CHECK = """
globalThis.document = { getElementById: () => null, addEventListener() {} };
const { MentionCombobox } = await import(process.argv[2]);
const typed = JSON.parse(process.argv[3]);
const query = (value) => {
  const textarea = { value, selectionStart: value.length, selectionEnd: value.length };
  return MentionCombobox.prototype.query.call({ textarea });
};
console.log(JSON.stringify(typed.map((value) => query(value)?.text ?? null)));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_composer_suggests_no_one_for_an_at_in_an_address_or_in_code(tmp_path):
    """As the server reads it: typing an address with "/@" in it opened the suggestions."""
    import json

    from tests.realtime.test_lifecycle import _client_modules

    typed = [
        "@Maa",
        "kijk op https://medium.com/@Ca",
        "[stuk](/t/@Ca",
        "zie www.x.nl/@",
        "code: `@Ca",
        "code: `x` en @Ca",
        "https://x.nl en @Pie",
    ]
    script = tmp_path / "check.mjs"
    script.write_text(MENTION_QUERY_CHECK)
    client = _client_modules(tmp_path)
    result = subprocess.run(
        ["node", str(script), str(client), json.dumps(typed)], capture_output=True, text=True, timeout=30, check=True
    )
    assert json.loads(result.stdout) == ["Maa", None, None, None, None, "Ca", "Pie"]
