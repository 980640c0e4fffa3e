"""Who must sign in with a second factor, and the middleware that holds them to it.

In tenancy, not accounts: the rule depends on team and region roles, and accounts (the User and
its authenticators) sits below tenancy in the layers (docs/architecture.md). Whether a person has
a second factor is an accounts question (wijkverband.accounts.second_factor).

allauth has no switch for "required": SecondFactorRequiredMiddleware sends such a user to set up
an authenticator app before anything else.
"""

import functools

from django.contrib import messages
from django.db import connection
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from wijkverband.accounts.second_factor import second_factor_exists_sql
from wijkverband.accounts.sessions import person_facts
from wijkverband.core import rows
from wijkverband.tenancy.models import Membership, RegionRole
from wijkverband.tenancy.selectors import holds_role

# Roles whose holders see professional information or act for an organisation (an external party
# endorses agreements). Client representatives are not in here: for them a second factor is optional.
PROFESSIONAL_TEAM_ROLES = (Membership.Role.MEMBER, Membership.Role.COORDINATOR, Membership.Role.EXTERNAL_PARTY)
PROFESSIONAL_REGION_ROLES = (RegionRole.Role.OVERSEER, RegionRole.Role.ADMIN)
_PROFESSIONAL_ROLES_OF = ((Membership, PROFESSIONAL_TEAM_ROLES), (RegionRole, PROFESSIONAL_REGION_ROLES))

# Paths a person without a second factor may still reach: setting one up, signing out, and the
# pages that hold no team data.
_ALLOWED_PREFIXES = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/invitations/",
    "/unsubscribe/",
)


def second_factor_required(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return holds_role(user=user, team_roles=PROFESSIONAL_TEAM_ROLES, region_roles=PROFESSIONAL_REGION_ROLES)


#: Where a person was going when they were sent to set up their second factor: the recovery
#: codes page (frontend/templates/mfa/recovery_codes/index.html) offers to continue there.
AFTER_SECOND_FACTOR = "wv_after_second_factor"


#: In the session once the setup page was shown: a link that leads back to it after that says why.
SETUP_SHOWN = "wv_second_factor_setup_shown"


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith(_ALLOWED_PREFIXES):
            if second_factor_missing_at_sign_in(user):  # (read with the session: no trip of its own)
                # Where to go on to afterwards: the page, also when asked in place (htmx: a list's
                # refresh, an answer on Mijn werk), whose own address is only a fragment of it.
                htmx = getattr(request, "htmx", None)
                if htmx and htmx.current_url_abs_path:
                    request.session[AFTER_SECOND_FACTOR] = htmx.current_url_abs_path
                elif request.method == "GET" and not htmx:
                    request.session[AFTER_SECOND_FACTOR] = request.get_full_path()
                # The links on the setup page (my work, notifications, the menu, the account's tabs)
                # led back to it without a word, as if broken: after the first arrival the bounce
                # says why (the first arrival, straight after signing in, is the setup itself).
                if request.session.get(SETUP_SHOWN):
                    messages.info(request, _("Set up your two-factor authentication first; then you can go on."))
                return redirect(reverse("mfa_activate_totp"))
            if request.session.get(AFTER_SECOND_FACTOR) == request.get_full_path():
                del request.session[AFTER_SECOND_FACTOR]  # arrived
        response = self.get_response(request)
        if (
            response.status_code == 200
            and request.method == "GET"
            and getattr(request, "user", None) is not None
            and request.user.is_authenticated
            and request.path == reverse("mfa_activate_totp")
            and not request.session.get(SETUP_SHOWN)
        ):
            request.session[SETUP_SHOWN] = True
        return response


def second_factor_missing(user) -> bool:
    """second_factor_required(user) and not has_second_factor(user), asked of the database now, in
    one query (those two are up to three). For services that just changed someone's roles, and for
    pages and handshakes whose session read did not read the person
    (second_factor_missing_at_sign_in). Written out once per process (_missing_sql)."""
    if not user.is_authenticated:
        return False
    sql, params = _missing_query(user)
    with rows.prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return _missing_from(user, cursor.fetchone())


def second_factor_missing_at_sign_in(user) -> bool:
    """second_factor_missing as it was when the session and the person were read (this request's
    start, this socket's handshake): read in that same statement (accounts.sessions.person_facts,
    the facts registered in TenancyConfig.ready), so it costs no trip of its own. Asked now where
    the session's read did not read the person. Not for code that changed the person's roles since
    (services: second_factor_missing)."""
    facts = _facts(user)
    return second_factor_missing(user) if facts is None else _missing_from(user, facts)


#: The names of the facts registered with the session's read (TenancyConfig.ready).
FACT_PROFESSIONAL, FACT_SECOND_FACTOR = "tenancy_professional", "tenancy_second_factor"


def _facts(user) -> tuple | None:
    """(a professional team role, a professional region role, a second factor) as
    _missing_from takes them, from the session's read; None where it did not read them."""
    facts = person_facts(user)
    if facts is None or FACT_PROFESSIONAL not in facts:
        return None
    return facts[FACT_PROFESSIONAL], False, facts[FACT_SECOND_FACTOR]


def professional_fact(person: str) -> tuple[str, tuple]:
    """accounts.sessions.register_person_fact's expression: a professional team or region role."""
    team, region = (_role_exists_sql(*pair, person) for pair in _PROFESSIONAL_ROLES_OF)
    return f"({team} OR {region})", (
        *(str(r) for r in PROFESSIONAL_TEAM_ROLES),
        *(str(r) for r in PROFESSIONAL_REGION_ROLES),
    )


def second_factor_fact(person: str) -> tuple[str, tuple]:
    """accounts.sessions.register_person_fact's expression: a second factor set up."""
    return second_factor_exists_sql(person)


def _missing_query(user) -> tuple[str, list]:
    sql, params = _missing_sql()
    team_roles = [str(r) for r in PROFESSIONAL_TEAM_ROLES]
    region_roles = [str(r) for r in PROFESSIONAL_REGION_ROLES]
    return sql, [user.pk, *team_roles, user.pk, *region_roles, user.pk, *params]


def _missing_from(user, row: tuple) -> bool:
    professional, overseer, has_factor = (bool(v) for v in row)
    return (user.is_staff or professional or overseer) and not has_factor


def socket_refusal(user) -> int | None:
    """For the live socket (wijkverband.realtime.hooks): the pages would send this person to set
    up a second factor first, so the socket closes with "finish signing in"."""
    from wijkverband.realtime.codes import SIGN_IN_INCOMPLETE

    return SIGN_IN_INCOMPLETE if second_factor_missing_at_sign_in(user) else None


@functools.cache
def _missing_sql() -> tuple[str, tuple[str, ...]]:
    """SELECT (a professional team role, a professional region role, a second factor), and the
    second-factor part's parameters."""
    factor, params = second_factor_exists_sql()
    team, region = (_role_exists_sql(*pair) for pair in _PROFESSIONAL_ROLES_OF)
    return f"SELECT {team}, {region}, {factor}", params


def _role_exists_sql(model, roles, person: str = "%s") -> str:
    """EXISTS of a row of `model` of the person (`person`: a %s, or the SQL of their id) with one of
    `roles` (each a %s)."""
    meta = model._meta
    user, role = meta.get_field("user").column, meta.get_field("role").column
    listed = ", ".join(["%s"] * len(roles))
    return f"EXISTS(SELECT 1 FROM {meta.db_table} WHERE {user} = {person} AND {role} IN ({listed}))"  # noqa: S608 - names only
