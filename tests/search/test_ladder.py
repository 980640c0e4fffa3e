"""The search page climbed by every key persona. Signed in, everyone gets the page (someone
without a team finds nothing); what each persona finds is the matrix of test_matrix.py."""

import pytest

from tests.ladder import Rung, climb, ladder_params

LADDER = [
    Rung(
        "search",
        lambda w: "/search/?q=apotheek&team=oost",
        {"anonymous": 302, "bram": 200, "otto": 200, "rosa": 200, "maarten": 200, "carla": 200, "olga": 200},
    ),
    Rung(
        "search",
        lambda w: "/search/?q=apotheek",
        {"anonymous": 302, "bram": 405, "otto": 405, "rosa": 405, "maarten": 405, "carla": 405, "olga": 405},
        method="POST",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_ladder(rung, persona, world):
    climb(rung, persona, world)
