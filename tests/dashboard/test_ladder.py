"""The permission ladder of the region dashboard, its report and its exports."""

import pytest

from tests.ladder import Rung, climb, ladder_params

# Overseers and administrators of the region see it; the region's client representative may see
# the region but not steer it (403, like the escalation queue); everyone else, the overseer of
# another region included, gets the same 404 as for a region that does not exist.
SEES = {"olga": 200, "ada": 200}
NOT_THEIRS = {"bram": 404, "otto": 404, "rosa": 404, "maarten": 404, "carla": 404, "pieter": 404, "chris": 404}
EVERYONE = {"anonymous": 302, **NOT_THEIRS, "rik": 403, **SEES}

LADDER = [
    Rung("region_dashboard", lambda w: "/r/utrecht/dashboard/", EVERYONE),
    Rung("region_dashboard", lambda w: "/r/utrecht/dashboard/?period=2025-Q4", EVERYONE),
    # The other region's overseer sees their own region's dashboard, and Utrecht's overseers not.
    Rung(
        "region_dashboard",
        lambda w: "/r/eemland/dashboard/",
        {
            "anonymous": 302,
            "bram": 404,
            "rosa": 404,
            "maarten": 404,
            "carla": 404,
            "olga": 404,
            "ada": 404,
            "otto": 200,
        },
    ),
    Rung(
        "region_dashboard",
        lambda w: "/r/nergens/dashboard/",
        {"anonymous": 302, "bram": 404, "rosa": 404, "maarten": 404, "carla": 404, "olga": 404, "otto": 404},
    ),
    Rung("region_report", lambda w: "/r/utrecht/dashboard/report/?period=2026-Q1", EVERYONE),
    Rung(
        "region_report",
        lambda w: "/r/eemland/dashboard/report/",
        {"anonymous": 302, "bram": 404, "rosa": 404, "maarten": 404, "carla": 404, "olga": 404, "otto": 200},
    ),
    Rung("region_dashboard_export", lambda w: "/r/utrecht/dashboard/teams.csv", EVERYONE),
    Rung("region_dashboard_export", lambda w: "/r/utrecht/dashboard/agreements.xlsx?period=2026", EVERYONE),
    Rung("region_dashboard_export", lambda w: "/r/utrecht/dashboard/waiting.csv", EVERYONE),
    Rung(
        "region_dashboard_export",
        lambda w: "/r/eemland/dashboard/teams.xlsx",
        {"anonymous": 302, "bram": 404, "rosa": 404, "maarten": 404, "carla": 404, "olga": 404, "otto": 200},
    ),
    # An unknown table or format: 404 for whoever may see the dashboard.
    Rung(
        "region_dashboard_export",
        lambda w: "/r/utrecht/dashboard/secrets.csv",
        {"anonymous": 302, **NOT_THEIRS, "rik": 403, "olga": 404, "ada": 404},
    ),
    Rung(
        "region_dashboard_export",
        lambda w: "/r/utrecht/dashboard/teams.pdf",
        {"anonymous": 302, **NOT_THEIRS, "rik": 403, "olga": 404, "ada": 404},
    ),
]


@pytest.mark.parametrize(("rung", "persona"), ladder_params(LADDER))
def test_permission_ladder(rung, persona, world, clock):
    climb(rung, persona, world)
