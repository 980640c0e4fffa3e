"""The permission ladder: every URL, climbed by every persona, each step with its expected answer.

Each test module that serves URLs defines `LADDER = [Rung(...), ...]` and parametrises a test
with `ladder_params(LADDER)` calling `climb(...)`. tests/test_ladder_coverage.py fails when a
URL pattern of ours has no rung, or a rung skips one of REQUIRED_PERSONAS.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.test import Client, TestCase

from tests.personas import World

# anonymous, an outsider (other team), a client representative, a member, a coordinator, an
# overseer, an external party (ines, the insurer's account in team A)
REQUIRED_PERSONAS = {"anonymous", "bram", "otto", "rosa", "maarten", "carla", "olga", "ines"}


@dataclass
class Rung:
    name: str
    path: Callable[[World], str]
    expect: dict[str, int]
    method: str = "GET"
    data: Callable[[World], dict] = field(default=lambda world: {})
    # Optional check of the state after a successful write, given (world, persona).
    after: Callable[[World, str, int], None] | None = None

    def __post_init__(self):
        # An external party (ines) sees nothing of team A but its own agreements, and nothing of any
        # other team or region. Where a rung does not name her: a team or region page is a 404 to
        # her (climb), any other page (her own Mijn werk, notices, account) answers her as it
        # answers otto, who has no role in region Utrecht. Rungs on her agreements name her.
        if "ines" not in self.expect and "otto" in self.expect:
            self.expect = {**self.expect, "ines": self.expect["otto"]}
            self.ines_by_default = True

    ines_by_default = False


def ladder_params(ladder: list[Rung]):
    return [
        pytest.param(rung, persona, id=f"{rung.name}-{rung.method}-{persona}")
        for rung in ladder
        for persona in rung.expect
    ]


def climb(rung: Rung, persona: str, world: World) -> None:
    client = Client()
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    url = rung.path(world)
    # Run on-commit work (e-mails, pushes) as a real commit would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        if rung.method == "GET":
            response = client.get(url)
        else:
            response = client.post(url, rung.data(world))
    expected = rung.expect[persona]
    if persona == "ines" and rung.ines_by_default and url.startswith(("/t/", "/r/")):
        expected = 404
    assert response.status_code == expected, (
        f"{persona} {rung.method} {url}: expected {expected}, got {response.status_code}"
    )
    if persona == "anonymous" and expected == 302:
        assert response["Location"].startswith("/accounts/login/"), response["Location"]
    if rung.after is not None:
        rung.after(world, persona, response.status_code)
