"""The one way into a team (or a region): resolved once per request, before any view runs.

`TeamMiddleware` looks at the URL. For `/t/<team_slug>/...` it resolves the team and the
person's rights (wijkverband.tenancy.policy.TeamRights) and sets `request.team` and
`request.rights`; for `/r/<region_slug>/...` it sets `request.region` and `request.rights`
(RegionRights). Then it runs the rest of the request (the view, its forms, panels and template)
inside the team scope of wijkverband.tenancy.scoping: the team, or the region's teams. Anyone
else gets the same answer for "no such team" and "not your team": signed out, the sign-in page;
signed in, 404. Every other URL runs inside a scope with no team, where a read of team data must
say which team it reads (for_team) or fails.

Views declare what they need with `team_view` / `region_view`:

    @team_view(needs="can_contribute")     # 403 for someone who sees the team but may not do this
    @require_POST
    def bottleneck_create(request):
        team, rights = request.team, request.rights
        ...

The decorators check the right, drop the slug from the view's arguments, and mark the view, so
tests/test_tenancy_lint.py can check that every team and region URL has one.
"""

from functools import wraps
from urllib.parse import urlsplit

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404
from django.urls import Resolver404, resolve

from wijkverband.core.middleware import same_site_referer
from wijkverband.tenancy.access import access_region, access_team
from wijkverband.tenancy.policy import EXTERNAL_PARTY_RIGHT_NAMES, REGION_RIGHT_NAMES, TEAM_RIGHT_NAMES
from wijkverband.tenancy.scoping import scope, scopes_disabled, team_scope
from wijkverband.tenancy.selectors import region_team_ids

TEAM_KWARG = "team_slug"
REGION_KWARG = "region_slug"


class NoTeamScopeMiddleware:
    """First of all middleware: the whole request runs in a scope with no team (TeamMiddleware,
    last, narrows it to the URL's team), so middleware and context processors that read team data
    must name the team, as everywhere else. Tests run their own code unscoped; this makes sure a
    request they send is scoped exactly as in production."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with scope():
            return self.get_response(request)


class TeamMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.team = request.region = request.rights = None
        try:
            match = resolve(request.path_info)
        except Resolver404:
            match = None
        kwargs = match.kwargs if match is not None else {}
        if match is not None and "admin" in match.namespaces:
            # The Django admin: staff only, with its own permission checks; it lists every team.
            with scopes_disabled():
                return self.get_response(request)
        if TEAM_KWARG not in kwargs and REGION_KWARG not in kwargs:
            return self.get_response(request)  # NoTeamScopeMiddleware's scope: no team
        if not request.user.is_authenticated:
            return redirect_to_login(_back_after_sign_in(request))
        if TEAM_KWARG in kwargs:
            request.team, request.rights = access_team(user=request.user, team_slug=kwargs[TEAM_KWARG])
            entered = team_scope(request.team)
        else:
            request.region, request.rights = access_region(user=request.user, region_slug=kwargs[REGION_KWARG])
            entered = team_scope(region_team_ids(region=request.region))
        with entered:
            return self.get_response(request)


def _check_needs(needs: str | None, allowed: frozenset) -> None:
    if needs is not None and needs not in allowed:
        raise ImproperlyConfigured(f"Unknown right {needs!r}: one of {sorted(allowed)}")


def team_view(view=None, *, needs: str | None = None):
    """A page of one team: request.team and request.rights are set (by TeamMiddleware).

    needs: a TeamRights attribute the person must have (else 403: they see the team, so 404
    would be a lie; they just may not do this).

    The floor is seeing the team (can_view). Only a page that asks for a right an external party
    can hold (EXTERNAL_PARTY_RIGHT_NAMES: its agreements) lets in someone below it; to an
    external party every other team page is a 404, as to an outsider.
    """
    _check_needs(needs, TEAM_RIGHT_NAMES)
    floor = "can_view_agreements" if needs in EXTERNAL_PARTY_RIGHT_NAMES else "can_view"

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, team_slug, **kwargs):
            if getattr(request, "team", None) is None or request.team.slug != team_slug:
                raise ImproperlyConfigured("TeamMiddleware must run before team views.")
            if not getattr(request.rights, floor):
                raise Http404
            if needs is not None and not getattr(request.rights, needs):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        wrapper.team_view = True
        return wrapper

    return decorate(view) if view is not None else decorate


def region_view(view=None, *, needs: str | None = None):
    """A page of one region: request.region and request.rights (RegionRights) are set."""
    _check_needs(needs, REGION_RIGHT_NAMES)

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, region_slug, **kwargs):
            if getattr(request, "region", None) is None or request.region.slug != region_slug:
                raise ImproperlyConfigured("TeamMiddleware must run before region views.")
            if needs is not None and not getattr(request.rights, needs):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        wrapper.region_view = True
        return wrapper

    return decorate(view) if view is not None else decorate


def _back_after_sign_in(request) -> str:
    """Where signing in leads back to: the page itself, or for a form's POST (a session that
    ended while the page was open) the page the form was on, when it is ours: the address that
    takes only the POST would answer the sign-in's return with "this address opens from a form"."""
    referer = same_site_referer(request) if request.method == "POST" else None
    if referer:
        parts = urlsplit(referer)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return request.get_full_path()
