"""Writes for teams, regions, memberships and invitations.

Each service is one transaction with one audit row; it keeps the guardian role groups in sync
with the rows, and refuses bad requests with ActionRefused (changing nothing).
"""

import logging
import secrets
from datetime import timedelta
from typing import NamedTuple

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wijkverband.accounts.models import normalise_email
from wijkverband.audit.services import audit_record
from wijkverband.core import outbox, registry
from wijkverband.core.errors import ActionRefused
from wijkverband.core.locking import key_share_held, lock_and_read, share_held
from wijkverband.realtime.lifecycle import user_rights_changed_on_commit
from wijkverband.tenancy import permissions, postcodes
from wijkverband.tenancy.models import (
    Invitation,
    Membership,
    Organisation,
    OrganisationKind,
    PostcodeArea,
    Region,
    RegionRole,
    Team,
    TeamOrganisation,
    hash_invitation_token,
)
from wijkverband.tenancy.policy import policy_forget, region_rights, team_rights
from wijkverband.tenancy.second_factor import second_factor_missing
from wijkverband.tenancy.selectors import (
    PROFESSIONAL_ROLES,
    is_last_coordinator,
    postcode_area_conflicts,
    region_area_overlaps,
    region_team_ids,
    team_readers,
)

User = get_user_model()

logger = logging.getLogger(__name__)


def _require_member_management(actor, team: Team) -> None:
    if not team_rights(user=actor, team=team).can_manage_members:
        raise PermissionDenied


def _close_sockets_lacking_second_factor(user) -> None:
    """A new role may demand a second factor the person has not set up: their open sockets close
    (as for any change of rights) and the socket refuses them until they finish signing in, as
    every page does (tenancy/second_factor.py)."""
    if second_factor_missing(user):
        user_rights_changed_on_commit(user.pk)


# --- regions and teams ---------------------------------------------------------------------------


@transaction.atomic
def region_create(*, name: str, slug: str) -> Region:
    region = Region.objects.create(name=name, slug=slug)
    permissions.region_groups_ensure(region)
    audit_record(actor=None, action="region.created", region=region, target=region, data={"name": name})
    return region


@transaction.atomic
def region_role_assign(*, actor, region: Region, user, role: str) -> RegionRole:
    # A role that reads less (client representative: no internal items) holds the row as a removal
    # does: a notice made meanwhile about an internal item either commits first and is taken away
    # below, or leaves the person out (team_readers_held). Any other change holds it without keeping
    # notices from the person (no key), as a member's role change does.
    narrows = role == RegionRole.Role.CLIENT_REPRESENTATIVE
    before = (
        RegionRole.objects.filter(region=region, user=user)
        .select_for_update(no_key=not narrows)
        .values_list("role", flat=True)
        .first()
    )
    region_role, _created = RegionRole.objects.get_or_create(region=region, user=user, defaults={"role": role})
    if region_role.role != role:
        RegionRole.objects.filter(pk=region_role.pk).update(role=role)
        region_role.role = role
    permissions.region_role_grant(region_role)
    policy_forget(user)
    # An administrator made overseer reads as much but manages the teams' members no more: what asked
    # an administrator to act goes too (an invitation's notice), as for a coordinator made member.
    does_less = before == RegionRole.Role.ADMIN
    if before is not None and (narrows or does_less) and before != role:
        # No internal items any more: their notices of those go, but for a membership that reads them.
        registry.rights_narrowed(user=user, team_ids=region_team_ids(region=region), actor=actor)
    audit_record(actor=actor, action="region_role.assigned", region=region, target=region_role, data={"role": role})
    if before is not None and before != role:
        # A new role only adds rights; a changed one may take some away from open sockets.
        user_rights_changed_on_commit(user.pk)
    else:
        _close_sockets_lacking_second_factor(user)
    return region_role


@transaction.atomic
def region_role_remove(*, actor, region_role: RegionRole) -> None:
    """Takes effect at once, also for the person's open sockets (closed; they reconnect)."""
    # The role's row alone (of=self): without it the region's and the person's rows were locked too,
    # and a write holding the audit chain that touched either deadlocked with this one.
    region_role = (
        RegionRole.objects.select_for_update(of=("self",)).select_related("region", "user").get(pk=region_role.pk)
    )
    region, user = region_role.region, region_role.user
    if actor is not None and not region_rights(user=actor, region=region).can_administer:
        raise PermissionDenied
    # Deleted through the queryset, so the instance keeps its id for the audit row, written last.
    RegionRole.objects.filter(pk=region_role.pk).delete()
    permissions.region_role_revoke(region=region, user=user)
    policy_forget(user)
    # What told them of the region's teams' items goes (their notices), but for what a membership of
    # theirs still lets them read.
    registry.rights_narrowed(user=user, team_ids=region_team_ids(region=region), actor=actor)
    user_rights_changed_on_commit(user.pk)
    audit_record(actor=actor, action="region_role.removed", region=region, target=region_role, data={"user": user.pk})


@transaction.atomic
def team_create(*, actor, region: Region, name: str, slug: str, municipality: str, postcode_areas: str = "") -> Team:
    """postcode_areas: as typed ("3581, 3582, 3584 AB"), under the region's rule (team_postcode_areas_set)."""
    if actor is not None and not region_rights(user=actor, region=region).can_administer:
        raise PermissionDenied
    codes = _parse_areas(postcode_areas)
    if Team.objects.filter(slug=slug).exists():
        raise ActionRefused(
            _("The web address “%(slug)s” is already taken: choose another.") % {"slug": slug}, field="slug"
        )
    if Team.objects.filter(region=region, name__iexact=name).exists():
        raise ActionRefused(_("This region already has a team called “%(name)s”.") % {"name": name}, field="name")
    if codes:
        _lock_postcode_areas()
        _refuse_area_conflicts(region=Region.objects.get(pk=region.pk), codes=codes, team_id=None)
    team = Team.objects.create(region=region, name=name, slug=slug, municipality=municipality)
    PostcodeArea.objects.bulk_create([PostcodeArea(team=team, code=code) for code in codes])
    permissions.team_groups_ensure(team)
    audit_record(
        actor=actor, action="team.created", team=team, target=team, data={"name": name, "postcode_areas": codes}
    )
    return team


# --- postcode areas: kept by the region (docs/lookup.md) ------------------------------------------

#: pg_advisory_xact_lock key of area edits (any fixed number; "wv-area" in ASCII).
_AREA_LOCK_KEY = 0x77762D61726561


def _lock_postcode_areas() -> None:
    """Area edits, in every region, one at a time until their transaction ends: the rule reads
    other teams' areas, and two edits checking at once could each let the other's area through.
    Edits are rare, so one lock for all of them costs nothing. (SQLite has one writer anyway.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_AREA_LOCK_KEY])


def _parse_areas(text: str) -> list[str]:
    try:
        return postcodes.parse_area_list(text)
    except ValidationError as error:
        raise ActionRefused(error.messages[0], field="postcode_areas") from error


def _refuse_area_conflicts(*, region: Region, codes: list[str], team_id: int | None) -> None:
    conflicts = postcode_area_conflicts(region=region, codes=codes, team_id=team_id)
    if not conflicts:
        return
    first = conflicts[0]
    params = {"area": postcodes.display_code(first.code), "team": first.team.name}
    if first.other_region:
        params["region"] = first.team.region.name
        message = postcodes.translated(postcodes.TAKEN_IN_OTHER_REGION) % params
    else:
        message = postcodes.translated(postcodes.TAKEN_IN_REGION) % params
    raise ActionRefused(message, field="postcode_areas")


@transaction.atomic
def team_postcode_areas_set(*, actor, team: Team, postcode_areas: str) -> list[str]:
    """Replace the areas a team serves (a region administrator's edit). Refused, changing nothing,
    when an area is no postcode (area) or another team stands in the way (selectors.postcode_area_conflicts).
    Returns the team's areas (compact codes)."""
    if actor is not None and not region_rights(user=actor, region=team.region).can_administer:
        raise PermissionDenied
    codes = _parse_areas(postcode_areas)
    _lock_postcode_areas()
    # Read after the lock: the region's rule as it is now.
    region = Region.objects.get(pk=team.region_id)
    _refuse_area_conflicts(region=region, codes=codes, team_id=team.pk)
    current = set(PostcodeArea.objects.for_team(team).values_list("code", flat=True))
    added, removed = sorted(set(codes) - current), sorted(current - set(codes))
    if not added and not removed:
        return codes
    PostcodeArea.objects.for_team(team).filter(code__in=removed).delete()
    PostcodeArea.objects.bulk_create([PostcodeArea(team=team, code=code) for code in added])
    audit_record(
        actor=actor,
        action="team.postcode_areas_changed",
        team=team,
        target=team,
        data={"added": added, "removed": removed},
    )
    return codes


@transaction.atomic
def region_area_sharing_set(*, actor, region: Region, allow: bool) -> Region:
    """Let the region's teams share postcode areas, or not. Stopping it is refused while two of its
    teams still serve the same area (the message names them)."""
    if actor is not None and not region_rights(user=actor, region=region).can_administer:
        raise PermissionDenied
    _lock_postcode_areas()
    region = Region.objects.select_for_update().get(pk=region.pk)
    if region.allow_overlapping_areas == allow:
        return region
    if not allow:
        overlaps = region_area_overlaps(region=region)
        if overlaps:
            code, teams = overlaps[0]
            raise ActionRefused(
                postcodes.translated(postcodes.OVERLAPS_LEFT)
                % {"area": postcodes.display_code(code), "teams": ", ".join(team.name for team in teams)},
                field="allow_overlapping_areas",
            )
    region.allow_overlapping_areas = allow
    region.save(update_fields=["allow_overlapping_areas"])
    audit_record(actor=actor, action="region.area_sharing_changed", region=region, target=region, data={"allow": allow})
    return region


class NewOrganisation(NamedTuple):
    """An organisation named on a form that also does something with it (invite someone for it,
    give someone a role for it): added in the same transaction, so a refused invitation or role
    change does not leave it linked to the team."""

    name: str
    kind: str


@transaction.atomic
def organisation_add(*, actor, team: Team, name: str, kind: str) -> Organisation:
    """Link an organisation (found by name and kind, or created) to the team."""
    if actor is not None:
        _require_member_management(actor, team)
    name = name.strip()
    if not name:
        raise ActionRefused(_("Give the organisation a name."))
    if kind not in OrganisationKind.values:
        raise ActionRefused(_("Choose the kind of organisation."))
    organisation, _created = Organisation.objects.get_or_create(name=name, kind=kind)
    _link, linked = TeamOrganisation.objects.for_team(team).get_or_create(team=team, organisation=organisation)
    if linked:
        audit_record(actor=actor, action="team.organisation_added", team=team, target=organisation)
    return organisation


# --- memberships ---------------------------------------------------------------------------------


def _validate_role_and_organisation(*, team: Team, role: str, organisation: Organisation | None) -> None:
    if role not in Membership.Role.values:
        raise ActionRefused(_("Choose a role."))
    if role == Membership.Role.EXTERNAL_PARTY:
        # Tied to an organisation that is party to the team's agreements (an insurer, a
        # municipality, a client council): its account sees those agreements and nothing else.
        if organisation is None or organisation.pk not in registry.external_party_organisation_ids(team=team):
            raise ActionRefused(
                _(
                    "An external party acts for an organisation that is party to one of the team's "
                    "agreements: choose one."
                ),
                field="organisation",
            )
        return
    if organisation is None and role != Membership.Role.CLIENT_REPRESENTATIVE:
        raise ActionRefused(_("Members and coordinators act on behalf of an organisation: choose one."))
    if (
        organisation is not None
        and not TeamOrganisation.objects.for_team(team).filter(organisation=organisation).exists()
    ):
        if organisation.pk in registry.external_party_organisation_ids(team=team):
            # Offered in the invitation's list (apart, as "party to an agreement only"): say what it is for.
            raise ActionRefused(
                _(
                    "%(organisation)s does not take part in this team; it is party to one of its agreements. "
                    "For it you can invite someone only as an external party."
                )
                % {"organisation": organisation.name},
                field="organisation",
            )
        raise ActionRefused(_("That organisation does not take part in this team."))


@transaction.atomic
def membership_create(*, actor, team: Team, user, role: str, organisation: Organisation | None) -> Membership:
    _validate_role_and_organisation(team=team, role=role, organisation=organisation)
    if Membership.objects.for_team(team).filter(user=user).exists():
        raise ActionRefused(_("%(name)s is already a member of this team.") % {"name": user})
    membership = Membership.objects.create(team=team, user=user, role=role, organisation=organisation)
    permissions.team_role_grant(membership)
    policy_forget(user)
    _close_sockets_lacking_second_factor(user)
    # What already waits on their organisation is asked of them too (an endorsement request).
    registry.membership_started(team=team, user=user)
    audit_record(
        actor=actor, action="membership.created", team=team, target=membership, data={"user": user.pk, "role": role}
    )
    return membership


def professional_held(*, user, team) -> bool:
    """Whether `user` is a member or coordinator of `team`, and stays one until the transaction
    ends: their membership's row is locked. For a write that makes them responsible for something
    (an agreement's owner, a bottleneck's asked owner): their removal waits for it to commit, and
    then hands it over with the rest (registry.membership_release); a removal that came first makes
    this False. Without the lock, a save that raced a removal left the agreement with someone who
    was no longer in the team (tests/agreements/test_concurrency.py)."""
    held = (
        Membership.objects.for_team(team)
        .filter(user=user, role__in=PROFESSIONAL_ROLES)
        .select_for_update(no_key=True)
        .values_list("pk", flat=True)
    )
    return bool(list(held[:1]))


def team_readers_held(*, team: Team, user_ids, internal: bool = False) -> set[int]:
    """Of `user_ids`, those who may read the team's items (selectors.team_reader_ids), each one's
    membership held until the transaction ends, for a write that tells them of one (a notice). Their
    removal waits for it to commit and then takes the notice away with the rest
    (registry.membership_release). Someone whose removal holds their membership already is left
    out, not waited for: that removal may be waiting for a row this write holds (the bottleneck they
    own), and one of the two would fail. Without the lock, a notice made while its person was
    removed stayed, in their list and their digest, linking to a team that is a 404 to them.

    The lock keeps the membership from going, not from changing (key_share_held): a change of role
    does not hold notices back, unless it is to a role that reads less (membership_change_role holds
    the membership as a removal does, and takes away what the person may no longer read). Region
    roles are held the same way, for region_role_remove and a region role that comes to read less."""
    members, region_roles = team_readers(team=team, internal=internal)
    user_ids = list(user_ids)
    held = key_share_held(members.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    held_in_region = key_share_held(region_roles.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    return set(held) | set(held_in_region)


def member_managers_held(*, team: Team, user_ids=None) -> set[int]:
    """Of `user_ids`, those who manage the team's members now (its coordinators, its region's
    administrators: policy's can_manage_members); None: the team's coordinators. Each one's membership
    or region role is held FOR SHARE until the transaction ends, for a write that asks them to act as
    such (an invitation's notice: work.services.invitations). A change of their role under way
    (membership_change_role, region_role_assign: FOR NO KEY UPDATE or FOR UPDATE) is waited for, and
    the role read as it committed: a coordinator made member meanwhile is left out. One that comes
    later waits for this write, and then takes its notice away (registry.rights_narrowed). Without the
    lock, a notice made while a coordinator was made member reached her as a member, and stayed."""
    held = coordinators_held(team=team, user_ids=user_ids)
    if user_ids is None:
        return held
    administrators = RegionRole.objects.filter(
        region_id=team.region_id, role=RegionRole.Role.ADMIN, user_id__in=list(user_ids), user__is_active=True
    )
    return held | set(share_held(administrators.values_list("user_id", flat=True)))


def coordinators_held(*, team: Team, user_ids=None) -> set[int]:
    """Of `user_ids` (None: everyone), those who coordinate the team now, each one's membership held
    FOR SHARE until the transaction ends, for a write that tells them something as its coordinators
    (the hourly job's "still waiting", "past its target", a review date: work.services.notices_create
    as_coordinators). A change of their role under way is waited for and read as it committed; one
    that comes later waits for the write, then takes its notice away (registry.rights_narrowed)."""
    coordinators = Membership.objects.for_team(team).filter(role=Membership.Role.COORDINATOR, user__is_active=True)
    if user_ids is not None:
        coordinators = coordinators.filter(user_id__in=list(user_ids))
    return set(share_held(coordinators.values_list("user_id", flat=True)))


def needs_organisation(role: str, membership: Membership) -> bool:
    """Whether changing `membership` to `role` needs an organisation it does not have yet."""
    return role in (Membership.Role.MEMBER, Membership.Role.COORDINATOR) and membership.organisation_id is None


def _role_change_check(*, membership: Membership, role: str, organisation: Organisation | None) -> None:
    _validate_role_and_organisation(team=membership.team, role=role, organisation=organisation)
    if is_last_coordinator(membership):
        raise ActionRefused(_("A team needs a coordinator: appoint another one before changing this role."))


def membership_change_role_refused(*, membership: Membership, role: str) -> str | None:
    """Why membership_change_role would refuse `role` (one that needs no new organisation), or None:
    the question before a role change (tenancy.views) asks nothing the change then refuses."""
    try:
        _role_change_check(membership=membership, role=role, organisation=membership.organisation)
    except ActionRefused as refused:
        return refused.message
    return None


@transaction.atomic
def membership_change_role(
    *,
    actor,
    membership: Membership,
    role: str,
    organisation: Organisation | None = None,
    new_organisation: NewOrganisation | None = None,
) -> Membership:
    """`organisation`, or `new_organisation` to add to the team for it: for someone without one who
    takes a role that acts for one (a client representative who becomes a member); ignored
    otherwise."""
    _require_member_management(actor, membership.team)
    # Its organisation is read after the lock: another change may have just given it one. No key for
    # a professional's role: a notice made meanwhile for this person still reaches them
    # (team_readers_held). A role that reads less holds the membership as a removal does: a notice
    # made meanwhile about an item they will not read either commits first and is taken away below
    # (registry.rights_narrowed), or leaves them out. Either lock makes a notice that asks who manages
    # the members (member_managers_held) wait, or wait for it: a coordinator made member is not told.
    membership = lock_and_read(
        Membership.objects.for_team(membership.team_id),
        pk=membership.pk,
        related=("team", "user", "organisation"),
        no_key=role in PROFESSIONAL_ROLES,
    )
    if role == membership.role:
        return membership
    if new_organisation is not None and needs_organisation(role, membership):
        organisation = organisation_add(
            actor=actor, team=membership.team, name=new_organisation.name, kind=new_organisation.kind
        )
    given = organisation if needs_organisation(role, membership) else None
    _role_change_check(membership=membership, role=role, organisation=given or membership.organisation)
    old_role = membership.role
    # Read while the role given up is still theirs (the last account of an external party).
    registry.role_given_up(team=membership.team, user=membership.user, actor=actor, role=role)
    membership.role = role
    if given is not None:
        membership.organisation = given
    membership.save(update_fields=["role", "organisation"] if given is not None else ["role"])
    permissions.team_role_grant(membership)
    policy_forget(membership.user)
    if role not in PROFESSIONAL_ROLES or old_role == Membership.Role.COORDINATOR:
        # A role that reads less (no internal items; an external party only its agreements): what
        # told them of an item they may no longer read goes (their notices of it), as when they leave.
        # A coordinator made member reads as much, but what asked a coordinator to act goes too.
        registry.rights_narrowed(user=membership.user, team_ids=[membership.team_id], actor=actor)
    # A role that acts for an organisation (a client representative who becomes a member): what
    # waits on it is asked of them too. Nothing for whoever was asked already.
    registry.membership_started(team=membership.team, user=membership.user)
    audit_record(
        actor=actor,
        action="membership.role_changed",
        team=membership.team,
        target=membership,
        data={
            "user": membership.user_id,
            "from": old_role,
            "to": role,
            **({"organisation": given.pk} if given is not None else {}),
        },
    )
    user_rights_changed_on_commit(membership.user_id)
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: Membership) -> None:
    """Takes effect at once: every page checks the role groups on every request. Someone's own
    membership: they leave the team (anyone may; a coordinator only while another one stays)."""
    if membership.user_id != actor.pk:
        _require_member_management(actor, membership.team)
    membership = (
        Membership.objects.for_team(membership.team_id)
        .select_for_update(of=("self",))
        .select_related("team", "user")
        .get(pk=membership.pk)
    )
    if is_last_coordinator(membership):
        if membership.user_id == actor.pk:
            raise ActionRefused(_("A team needs a coordinator: appoint another one before you leave."))
        raise ActionRefused(_("A team needs a coordinator: appoint another one before removing this one."))
    team, user = membership.team, membership.user
    # What they hold in the team is let go (their open bottlenecks, their notices of it): nothing
    # may wait on someone who can no longer open it.
    registry.membership_release(team=team, user=user, actor=actor)
    # Deleted through the queryset, so the instance keeps its id for the audit row, written last.
    Membership.objects.filter(pk=membership.pk).delete()
    get_user_model().objects.filter(pk=user.pk).update(left_team_at=timezone.now())
    permissions.team_role_revoke(team=team, user=user)
    policy_forget(user)
    user_rights_changed_on_commit(user.pk)
    audit_record(
        actor=actor,
        action="membership.removed",
        team=team,
        target=membership,
        data={"user": user.pk, "role": membership.role},
    )


# --- invitations ---------------------------------------------------------------------------------


def _invitation_mail_put(*, invitation: Invitation, token: str, site_url: str) -> None:
    """Write the invitation's mail into the outbox, in the invitation's transaction: the task worker
    sends it after the commit (no mail server is waited on here; docs/tenancy.md). A mail that
    fails is tried again, the invitation stays valid meanwhile, and the coordinator who invited
    hears when it was refused or has not gone out a while later (work.services.invitations)."""
    from allauth.mfa.models import Authenticator

    accept_url = site_url.rstrip("/") + reverse("invitation_accept", kwargs={"token": token})
    account = get_user_model().objects.filter(email__iexact=invitation.email).first()
    context = {
        "invitation": invitation,
        "team": invitation.team,
        "accept_url": accept_url,
        # Someone with an account signs in as always: no word of setting up an authenticator app
        # when they have one (or a key) already.
        "has_account": account is not None,
        "has_second_factor": account is not None and Authenticator.objects.filter(user=account).exists(),
    }
    # In the language the person chose, if they have an account; else the product's first.
    language = (getattr(account, "language", "") if account is not None else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = render_to_string("tenancy/email/invitation_subject.txt", context).strip()
        body = render_to_string("tenancy/email/invitation_message.txt", context)
    outbox.mail_put(
        key=invitation.mail_key,
        to=invitation.email,
        subject=subject,
        body=body,
        user_id=account.pk if account is not None else None,
    )


def _mail_refused(invitation: Invitation) -> bool:
    """The mail server refused the invitation's address for good: asked again, it is a new one."""
    state = outbox.mail_states(keys=[invitation.mail_key]).get(invitation.mail_key)
    return state is not None and state.refused_at is not None


#: An invitation asked for again this soon, with the same role and organisation, is the same one.
SAME_INVITATION_WITHIN = timedelta(minutes=1)


@transaction.atomic
def invitation_create(
    *,
    actor,
    team: Team,
    email: str,
    role: str,
    organisation: Organisation | None,
    new_organisation: NewOrganisation | None = None,
    site_url: str | None = None,
) -> tuple[Invitation, str | None]:
    """Create an invitation and put the mail with its link into the outbox (the worker sends it a
    moment after the commit). Returns the invitation and the raw token (None: the same invitation
    was made less than a minute ago, and stands; no second mail).

    The link starts with settings.SITE_URL like every other mail's (site_url: for tests only), never
    with the Host of the request that asked for it."""
    site_url = site_url or settings.SITE_URL
    _require_member_management(actor, team)
    if new_organisation is not None:
        organisation = organisation_add(actor=actor, team=team, name=new_organisation.name, kind=new_organisation.kind)
    email = normalise_email(email)
    _validate_role_and_organisation(team=team, role=role, organisation=organisation)
    if Membership.objects.for_team(team).filter(user__email__iexact=email).exists():
        raise ActionRefused(_("%(email)s is already a member of this team.") % {"email": email})
    now = timezone.now()
    # One invitation at a time per team: the same form sent twice (a double tap) waits here for
    # the first, then finds it. The same invitation asked for again within a minute is that one,
    # not a new mail whose first link would say "withdrawn" (token None: no new link was made).
    Team.objects.select_for_update().filter(pk=team.pk).first()
    just_sent = (
        Invitation.objects.for_team(team)
        .filter(
            email__iexact=email,
            role=role,
            organisation=organisation,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            created_at__gte=now - SAME_INVITATION_WITHIN,
            expires_at__gt=now,
        )
        .first()
    )
    if just_sent is not None and not _mail_refused(just_sent):
        return just_sent, None
    # A new invitation replaces any earlier open one for the same address (whose mail, if it still
    # waits on a mail server that was down, is not sent).
    replaced = Invitation.objects.for_team(team).filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    )
    outbox.mail_withdraw(keys=[earlier.mail_key for earlier in replaced.only("pk")])
    replaced.update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        team=team,
        email=email,
        role=role,
        organisation=organisation,
        token_hash=hash_invitation_token(token),
        invited_by=actor,
        created_at=now,
        expires_at=now + timedelta(days=settings.INVITATION_VALID_DAYS),
    )
    audit_record(
        actor=actor, action="invitation.created", team=team, target=invitation, data={"email": email, "role": role}
    )
    _invitation_mail_put(invitation=invitation, token=token, site_url=site_url)
    return invitation, token


@transaction.atomic
def invitation_revoke(*, actor, invitation: Invitation) -> None:
    _require_member_management(actor, invitation.team)
    # Checked on the row locked, as invitation_accept does: the page's copy may be from before an
    # acceptance that committed meanwhile (or waits for us), and was then marked withdrawn, with
    # its invitee in the team all the same.
    invitation = (
        Invitation.objects.for_team(invitation.team_id)
        .select_for_update(of=("self",))
        .select_related("team")
        .get(pk=invitation.pk)
    )
    if not invitation.is_pending:
        raise ActionRefused(_("This invitation is no longer open."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    # Its mail, if it still waits (a mail server that was down), is not sent; the coordinator's
    # "not mailed yet" notice is done.
    outbox.mail_withdraw(keys=[invitation.mail_key])
    audit_record(actor=actor, action="invitation.revoked", team=invitation.team, target=invitation)


def invitation_problem(invitation: Invitation | None, *, user=None) -> str | None:
    """Why this invitation cannot be accepted (by this user), or None when it can."""
    if invitation is None:
        return _("This invitation link is not valid. Check that you copied the whole link.")
    # Who may invite in the team (its coordinators, the region's administrators) has nobody to ask:
    # they opened a link forwarded to them, or their own test. They are told where to invite.
    inviter = user is not None and team_rights(user=user, team=invitation.team).can_manage_members
    if invitation.revoked_at is not None:
        if inviter:
            return _("This invitation has been withdrawn. Send a new one from the team's Members page.")
        return _("This invitation has been withdrawn. Ask the team's coordinator for a new one.")
    if invitation.accepted_at is not None:
        if inviter:
            return _(
                "This invitation has already been used, by its invitee. To add someone else, invite them "
                "from the team's Members page."
            )
        if user is not None and user.is_authenticated:
            # Someone signed in (their own used link goes to the team: tenancy.views): not theirs.
            return _("This invitation has already been used, by its invitee. Ask the team's coordinator for your own.")
        return _("This invitation has already been used. Sign in to reach the team.")
    if invitation.expires_at <= timezone.now():
        if inviter:
            return _("This invitation has expired. Send a new one from the team's Members page.")
        return _("This invitation has expired. Ask the team's coordinator to send a new one.")
    if user is not None and user.is_authenticated and normalise_email(user.email) != invitation.email:
        return _(
            "This invitation is for %(email)s, but you are signed in as %(current)s. Sign out and open the link again."
        ) % {"email": invitation.email, "current": user.email}
    return None


def _lock_invitation(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.for_team(invitation.team_id)
        .select_for_update(of=("self",))
        .select_related("team", "organisation")
        .get(pk=invitation.pk)
    )


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    invitation = _lock_invitation(invitation)
    problem = invitation_problem(invitation, user=user)
    if problem:
        raise ActionRefused(problem)
    # Marked first: membership_create ends with its audit row, and audit rows come last (docs/audit.md).
    # A refusal below rolls this back with everything else.
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    try:
        membership = membership_create(
            actor=user,
            team=invitation.team,
            user=user,
            role=invitation.role,
            organisation=invitation.organisation,
        )
    except IntegrityError as error:  # a concurrent accept of another invitation for this team
        raise ActionRefused(_("You are already a member of this team.")) from error
    audit_record(actor=user, action="invitation.accepted", team=invitation.team, target=invitation)
    return membership


@transaction.atomic
def invitation_accept_with_new_account(*, invitation: Invitation, name: str, password: str) -> tuple:
    """First-time invitee: create the account for the invited address and join the team."""
    # Locked before anything is read: the same form sent twice at once (a double tap) waits here for
    # the first send and finds the invitation used. Both made the account, and the second failed
    # on the address's uniqueness (a server error). tenancy.views takes such a second send with the
    # account's password for the first's sign-in.
    invitation = _lock_invitation(invitation)
    problem = invitation_problem(invitation)
    if problem:
        raise ActionRefused(problem)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ActionRefused(_("An account for this address already exists: sign in to accept the invitation."))
    user = User.objects.create_user(email=invitation.email, password=password, name=name.strip())
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    membership = invitation_accept(invitation=invitation, user=user)
    audit_record(actor=user, action="account.created", team=invitation.team, target=user)
    return user, membership


# --- the guardian role groups, rebuilt from the rows (admin edits, manage.py sync_permissions) ----


def permissions_rebuild() -> None:
    """Bring every role group in line with the rows (repair tool; the services keep them in sync)."""
    for region in Region.objects.all():
        region_permissions_rebuild(region)
    for team in Team.objects.all():
        team_permissions_rebuild(team)


def team_permissions_rebuild(team: Team) -> None:
    groups = permissions.team_groups_ensure(team)
    for group in groups.values():
        group.user_set.clear()
    for membership in Membership.objects.for_team(team).select_related("user"):
        groups[membership.role].user_set.add(membership.user)


def region_permissions_rebuild(region: Region) -> None:
    groups = permissions.region_groups_ensure(region)
    for group in groups.values():
        group.user_set.clear()
    for region_role in RegionRole.objects.filter(region=region).select_related("user"):
        groups[region_role.role].user_set.add(region_role.user)
