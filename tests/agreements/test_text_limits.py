"""How long an agreement's texts may be (found by an exploratory walk: 13,600 characters were saved
without a word, and a pasted 2.7 MB text gave a bare 400 page and lost everything typed)."""

import re

import pytest

from tests.agreements.conftest import version_data
from tests.agreements.helpers import form_post
from wijkverband.agreements import services
from wijkverband.agreements.models import Agreement, AgreementVersion
from wijkverband.core.errors import ActionRefused

#: Each of the version's texts and the limit the form, the page and the service give it.
LIMITS = {
    "need": 5_000,
    "sources": 2_000,
    "body": 10_000,
    "gain_quality": 2_000,
    "gain_accessibility": 2_000,
    "gain_affordability": 2_000,
}


def _textarea(page: str, name: str) -> str:
    return re.search(rf'<textarea name="{name}"[^>]*>', page).group(0)


@pytest.mark.parametrize("path", ["new", "edit"])
def test_the_form_tells_the_browser_each_texts_limit(world, concept, client_for, path):
    url = "/t/oost/agreements/new/" if path == "new" else f"/t/oost/agreements/{concept.pk}/edit/"
    page = client_for("carla").get(url).content.decode()
    for name, limit in LIMITS.items():
        assert f'maxlength="{limit}"' in _textarea(page, name), name


@pytest.mark.parametrize(("name", "limit"), LIMITS.items())
def test_a_too_long_text_is_refused_at_its_field_and_kept(world, client_for, name, limit):
    text = "Lange tekst. " * (limit // 13 + 1)
    response = client_for("maarten").post("/t/oost/agreements/new/", form_post(world, **{name: text}))
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</div>', page, re.S) or re.search(
        rf'id="\w*{name}_error"[^>]*>(.*?)</div>', page, re.S
    )
    shown_limit = f"{limit:,}".replace(",", ".")
    assert error and f"Deze tekst is te lang: hooguit {shown_limit} tekens" in error.group(1), page[:3000]
    assert text.strip() in page  # what was typed is back in the form
    assert not Agreement.objects.exists()


def test_line_breaks_count_once_as_the_browser_counts_them(world, client_for):
    """A form sends a line break as CR LF; the browser's maxlength counts it once, and so does the
    server, else a text the box allowed was refused."""
    text = ("a" * 99 + "\r\n") * 100  # 10,000 characters as the box counts them
    response = client_for("maarten").post("/t/oost/agreements/new/", form_post(world, body=text))
    assert response.status_code == 302
    assert len(Agreement.objects.get().current_version.body.replace("\r\n", "\n")) == 10_000 - 1  # stripped


def test_editing_refuses_a_too_long_text_and_keeps_the_version(world, concept, client_for):
    url = f"/t/oost/agreements/{concept.pk}/edit/"
    text = "x" * 13_600
    response = client_for("carla").post(url, form_post(world, body=text, base_version=1))
    assert response.status_code == 400
    assert "Deze tekst is te lang: hooguit 10.000 tekens, dit zijn er 13.600." in response.content.decode()
    assert AgreementVersion.objects.filter(agreement=concept).count() == 1


@pytest.mark.parametrize(("name", "limit"), LIMITS.items())
def test_the_service_refuses_a_too_long_text_at_its_field(world, name, limit):
    with pytest.raises(ActionRefused) as refused:
        services.agreement_create(
            actor=world.carla, team=world.team_a, data=version_data(world, **{name: "x" * (limit + 1)})
        )
    assert refused.value.field == name
    assert not Agreement.objects.exists()
    services.agreement_create(actor=world.carla, team=world.team_a, data=version_data(world, **{name: "x" * limit}))


@pytest.mark.parametrize("action", ["end", "decline"])
def test_a_reason_has_a_limit_too(world, client_for, request, action):
    reason = "Reden. " * 400  # 2,800 characters
    if action == "end":
        adopted = request.getfixturevalue("adopted")
        url, data, client = f"/t/oost/agreements/{adopted.pk}/transition/", {"action": "end"}, client_for("carla")
    else:
        proposed = request.getfixturevalue("proposed")
        url = f"/t/oost/agreements/{proposed.pk}/endorse/"
        data, client = {"version": 1, "decision": "declined"}, client_for("maarten")
    page = client.get(url.rsplit("/", 2)[0] + "/").content.decode()
    assert 'maxlength="2000"' in _textarea(page, "reason")
    response = client.post(url, {**data, "reason": reason})
    assert response.status_code == 400
    assert "Deze tekst is te lang: hooguit 2.000 tekens, dit zijn er 2.799." in response.content.decode()
