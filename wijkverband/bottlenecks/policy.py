"""Who may do what to bottlenecks, on top of the team and region rights of the tenancy policy.

- Members and coordinators (contributors) report, own, signal, link and escalate.
- Coordinators also close, resolve or hand over any item, set targets and add categories.
- Overseers of the team's region read everything and answer escalations.
- Client representatives read, except internal items; they never write.
"""

from dataclasses import dataclass

from wijkverband.bottlenecks.models import DONE_STATUSES, OPEN_STATUSES, Bottleneck, Status
from wijkverband.tenancy.models import Membership, Team
from wijkverband.tenancy.policy import TeamRights, region_rights, team_rights


@dataclass(frozen=True)
class LogRights:
    can_view: bool = False
    can_see_internal: bool = False
    can_contribute: bool = False
    can_coordinate: bool = False
    can_oversee: bool = False
    membership: Membership | None = None

    @property
    def read_only(self) -> bool:
        return self.can_view and not self.can_contribute and not self.can_oversee


def log_rights(user, team: Team, rights: TeamRights | None = None) -> LogRights:
    rights = rights or team_rights(user, team)
    if not rights.can_view:
        return LogRights()
    oversee = region_rights(user, team.region).can_oversee
    membership = None
    if rights.can_contribute:
        membership = Membership.objects.for_team(team).filter(user=user).select_related("organisation").first()
    coordinate = membership is not None and membership.role == Membership.Role.COORDINATOR
    return LogRights(
        can_view=True,
        can_see_internal=rights.can_contribute or oversee,
        can_contribute=rights.can_contribute,
        can_coordinate=coordinate,
        can_oversee=oversee,
        membership=membership,
    )


# Actions on one item. Each answers with None (allowed) or nothing to show: the view offers only
# allowed actions, the services check again and refuse with a message.


def _is(user, user_id) -> bool:
    return user_id is not None and user.pk == user_id


def may_edit(user, rights: LogRights, b: Bottleneck) -> bool:
    return rights.can_contribute and (rights.can_coordinate or _is(user, b.reporter_id) or _is(user, b.owner_id))


def may_ask_owner(user, rights: LogRights, b: Bottleneck) -> bool:
    if not rights.can_contribute or b.status not in OPEN_STATUSES:
        return False
    # Anyone may ask for an owner while there is none; once owned, the owner hands over.
    return b.owner_id is None or _is(user, b.owner_id) or rights.can_coordinate


def may_answer_request(user, rights: LogRights, b: Bottleneck) -> bool:
    return rights.can_contribute and _is(user, b.owner_candidate_id) and b.status in OPEN_STATUSES


def may_manage(user, rights: LogRights, b: Bottleneck) -> bool:
    """Start, resolve and close: the owner or a coordinator."""
    return rights.can_contribute and (rights.can_coordinate or _is(user, b.owner_id))


def may_start(user, rights, b) -> bool:
    return may_manage(user, rights, b) and b.status == Status.PICKED_UP


def may_finish(user, rights, b) -> bool:
    return may_manage(user, rights, b) and b.status in OPEN_STATUSES


def may_reopen(user, rights, b) -> bool:
    return rights.can_contribute and b.status in DONE_STATUSES


def may_escalate(user, rights, b) -> bool:
    return rights.can_contribute and b.status in OPEN_STATUSES and b.status != Status.ESCALATED


def may_signal(user, rights, b) -> bool:
    membership = rights.membership
    return (
        rights.can_contribute
        and b.status in OPEN_STATUSES
        and membership is not None
        and membership.organisation_id is not None
        and membership.organisation_id != b.reporter_organisation_id
    )


def may_mark_internal(user, rights, b) -> bool:
    return rights.can_contribute and (rights.can_coordinate or _is(user, b.reporter_id))


def may_link(user, rights, b) -> bool:
    return rights.can_contribute


def may_mark_duplicate(user, rights, b) -> bool:
    return (
        rights.can_contribute
        and b.status in OPEN_STATUSES
        and (rights.can_coordinate or _is(user, b.owner_id) or _is(user, b.reporter_id))
    )


def may_answer_escalation(user, rights, b) -> bool:
    return rights.can_oversee and b.status == Status.ESCALATED


def available_actions(user, rights: LogRights, b: Bottleneck) -> set[str]:
    checks = {
        "edit": may_edit,
        "ask-owner": may_ask_owner,
        "accept": may_answer_request,
        "decline": may_answer_request,
        "start": may_start,
        "resolve": may_finish,
        "close": may_finish,
        "reopen": may_reopen,
        "escalate": may_escalate,
        "signal": may_signal,
        "internal": may_mark_internal,
        "link": may_link,
        "link-agreement": may_link,
        "duplicate": may_mark_duplicate,
        "respond": may_answer_escalation,
        "take-up": lambda u, r, b: may_answer_escalation(u, r, b) and not b.taken_up_regionally,
        "hand-back": may_answer_escalation,
    }
    return {name for name, check in checks.items() if check(user, rights, b)}
