"""Who may do what to bottlenecks, on top of the team and region rights of the tenancy policy.

- Members and coordinators (contributors) report, own, signal, link and escalate.
- Coordinators also close, resolve or hand over any item, set targets and add categories.
- Overseers of the team's region read everything and answer escalations.
- Client representatives read, except internal items; they never write.
Everything is read from the person's TeamRights (wijkverband.tenancy.policy).
"""

from wijkverband.bottlenecks.models import DONE_STATUSES, OPEN_STATUSES, Bottleneck, Status
from wijkverband.tenancy.policy import TeamRights

# Actions on one item. Each says whether the person may: the view offers only allowed actions,
# the services check again and refuse with a message.


def _is(rights: TeamRights, user_id) -> bool:
    return user_id is not None and rights.user_id == user_id


def may_edit(rights: TeamRights, b: Bottleneck) -> bool:
    return rights.can_contribute and (rights.can_coordinate or _is(rights, b.reporter_id) or _is(rights, b.owner_id))


def may_ask_owner(rights: TeamRights, b: Bottleneck) -> bool:
    if not rights.can_contribute or b.status not in OPEN_STATUSES:
        return False
    # Anyone may ask for an owner while there is none; once owned, the owner hands over.
    return b.owner_id is None or _is(rights, b.owner_id) or rights.can_coordinate


def may_answer_request(rights: TeamRights, b: Bottleneck) -> bool:
    return rights.can_contribute and _is(rights, b.owner_candidate_id) and b.status in OPEN_STATUSES


def may_manage(rights: TeamRights, b: Bottleneck) -> bool:
    """Start, resolve and close: the owner or a coordinator."""
    return rights.can_contribute and (rights.can_coordinate or _is(rights, b.owner_id))


def may_start(rights: TeamRights, b: Bottleneck) -> bool:
    return may_manage(rights, b) and b.status == Status.PICKED_UP


def may_finish(rights: TeamRights, b: Bottleneck) -> bool:
    return may_manage(rights, b) and b.status in OPEN_STATUSES


def may_reopen(rights: TeamRights, b: Bottleneck) -> bool:
    return rights.can_contribute and b.status in DONE_STATUSES


def may_escalate(rights: TeamRights, b: Bottleneck) -> bool:
    return rights.can_contribute and b.status in OPEN_STATUSES and b.status != Status.ESCALATED


def may_signal(rights: TeamRights, b: Bottleneck) -> bool:
    return (
        rights.can_contribute
        and b.status in OPEN_STATUSES
        and rights.organisation_id is not None
        and rights.organisation_id != b.reporter_organisation_id
    )


def may_mark_internal(rights: TeamRights, b: Bottleneck) -> bool:
    return rights.can_contribute and (rights.can_coordinate or _is(rights, b.reporter_id))


def may_link(rights: TeamRights, b: Bottleneck) -> bool:
    return rights.can_contribute


def may_mark_duplicate(rights: TeamRights, b: Bottleneck) -> bool:
    return (
        rights.can_contribute
        and b.status in OPEN_STATUSES
        and (rights.can_coordinate or _is(rights, b.owner_id) or _is(rights, b.reporter_id))
    )


def may_answer_escalation(rights: TeamRights, b: Bottleneck) -> bool:
    return rights.can_oversee and b.status == Status.ESCALATED


def available_actions(rights: TeamRights, b: Bottleneck) -> set[str]:
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
        "take-up": lambda r, b: may_answer_escalation(r, b) and not b.taken_up_regionally,
        "hand-back": may_answer_escalation,
    }
    return {name for name, check in checks.items() if check(rights, b)}
