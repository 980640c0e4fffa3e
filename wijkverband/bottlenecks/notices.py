"""The notices the bottleneck log makes (wijkverband.work): who hears of what happens to an item.

Called by the services inside their transaction, before the audit row (docs/audit.md). Notices go
through work.services.notices_create, which leaves out the actor and anyone who may not read the
item: an internal item never reaches a client representative. Time-based notices (past its
target, reminders) are made by the periodic job: `time_check` below, registered in
BottlenecksConfig.ready() (docs/work.md).
"""

from datetime import date

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from wijkverband.bottlenecks.models import Bottleneck, Status
from wijkverband.bottlenecks.selectors import (
    bottlenecks_answered_to,
    bottlenecks_waiting,
    escalated_by,
    let_go_by,
    let_go_needing_owner,
    signalling_professional_ids,
    teams_targets,
)
from wijkverband.core.workdays import past_due
from wijkverband.tenancy.selectors import (
    coordinated_team_ids,
    region_overseer_ids,
    team_coordinator_ids,
    team_professional_ids,
)
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.serialise import WAITS_ON_REGION
from wijkverband.work.services import (
    Subject,
    notices_asking_withdraw,
    notices_create,
    notices_done,
    notices_internal_set,
    notices_of_leaving,
)
from wijkverband.work.services.reminders import Waiting, reminders_send, time_notice, time_notices_settle


def subject(b: Bottleneck) -> Subject:
    return Subject(
        team=b.team,
        kind=SubjectKind.BOTTLENECK,
        id=b.pk,
        title=b.title,
        path=reverse("bottleneck_detail", kwargs={"team_slug": b.team.slug, "bottleneck_id": b.pk}),
        internal=b.internal,
    )


def internal_changed(b: Bottleneck) -> None:
    """The item was marked internal or visible: its notices follow (work.services.notices_internal_set:
    a client representative's go; a member's are marked, so they go should the member come to read
    no internal items)."""
    notices_internal_set(team=b.team_id, subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk, internal=b.internal)


def _notify(kind: str, b: Bottleneck, *, actor, recipients, key: str) -> None:
    notices_create(
        kind=kind, subject=subject(b), recipients=recipients, actor=actor, key=f"{kind}:bottleneck:{b.pk}:{key}"
    )


def ownership_asked(b: Bottleneck, *, actor) -> None:
    """To the person asked to own it; `version` makes a new request a new notice. Whoever was asked
    before is asked no more: their request is done (it stayed unread for good)."""
    notices_done(
        team=b.team_id, subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk, kinds=[NoticeKind.OWNERSHIP_ASKED]
    )
    _notify(NoticeKind.OWNERSHIP_ASKED, b, actor=actor, recipients=[b.owner_candidate_id], key=f"v{b.version}")


def ownership_answered(b: Bottleneck, *, actor, accepted: bool, requested_by: int | None) -> None:
    """To the reporter and whoever asked; the request itself is done."""
    kind = NoticeKind.OWNERSHIP_ACCEPTED if accepted else NoticeKind.OWNERSHIP_DECLINED
    _notify(kind, b, actor=actor, recipients=[b.reporter_id, requested_by], key=f"v{b.version}")
    notices_done(
        team=b.team_id,
        subject_kind=SubjectKind.BOTTLENECK,
        subject_id=b.pk,
        kinds=[NoticeKind.OWNERSHIP_ASKED, NoticeKind.REMINDER],  # the request and its reminders
        user_ids=[actor.pk],
    )


def escalated(b: Bottleneck, *, actor) -> None:
    """To the overseers of the team's region (who answer escalations)."""
    overseers = region_overseer_ids(region_id=b.team.region_id)
    _notify(NoticeKind.ESCALATED, b, actor=actor, recipients=overseers, key=f"v{b.version}")


def region_answered(b: Bottleneck, *, actor, kind: str) -> None:
    """The region responded, took it up or handed it back: to the owner, the reporter and whoever
    escalated it (they waited for this answer in Mijn werk); when neither the owner nor the reporter
    is still a member of the team, to its coordinators too, so the answer reaches someone who acts
    on it. The escalation notices of the other overseers are done (one of them answered)."""
    recipients = {b.owner_id, b.reporter_id, escalated_by(bottleneck=b)} - {None}
    if not team_professional_ids(team=b.team_id, among=[b.owner_id, b.reporter_id]):
        recipients |= team_coordinator_ids(team=b.team_id)
    _notify(kind, b, actor=actor, recipients=recipients, key=f"v{b.version}")
    notices_done(team=b.team_id, subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk, kinds=[NoticeKind.ESCALATED])


#: The notices of the region's answer (region_answered).
_REGION_ANSWERS = (NoticeKind.REGION_RESPONDED, NoticeKind.REGION_TOOK_UP, NoticeKind.REGION_HANDED_BACK)


def resolved(b: Bottleneck, *, actor) -> None:
    """To the reporter and the members of every organisation that said "this affects us too"."""
    recipients = [b.reporter_id, *signalling_professional_ids(bottleneck=b)]
    _notify(NoticeKind.RESOLVED, b, actor=actor, recipients=recipients, key=f"v{b.version}")


#: The titles of the notices of a leaving (work.serialise.register_notice_phrase, in
#: BottlenecksConfig.ready): written as they are read, in the reader's language.
NEED_OWNER = "bottlenecks.need_owner"
REQUEST_LAPSES = "bottlenecks.request_lapses"

#: The notices of someone leaving (owners_lost): left, removed, given a role that owns nothing.
_LEAVINGS = (NoticeKind.MEMBER_LEFT, NoticeKind.MEMBER_REMOVED, NoticeKind.MEMBER_ROLE_CHANGED)


def need_owner_words(params: dict) -> str:
    count = int(params["count"])
    return ngettext(
        "%(count)d open bottleneck needs a new owner", "%(count)d open bottlenecks need a new owner", count
    ) % {"count": count}


def request_lapses_words(params: dict) -> str:
    count = int(params["count"])
    return ngettext(
        "your request that %(name)s own %(count)d bottleneck lapses",
        "your request that %(name)s own %(count)d bottlenecks lapses",
        count,
    ) % {"name": params["name"], "count": count}


LEAVING_PHRASES = {NEED_OWNER: need_owner_words, REQUEST_LAPSES: request_lapses_words}


def owners_lost(
    *,
    team,
    user,
    actor,
    released: list[Bottleneck],
    withdrawn: dict[int, list[Bottleneck]],
    role_changed: bool = False,
) -> None:
    """`user` left the team (or `actor` removed them) and was let go of these open items
    (services.membership_release). The team's other coordinators get one notice of how many now
    need an owner (owned by nobody, asked of nobody), linked to that item or, for several, to their
    Mijn werk, where those items are listed from now on; it is a new notice whatever the hourly
    check told them before (its "past the acceptance target" notice comes once per item). Whoever
    asked the person to own an item, and is not told as a coordinator, hears that the request
    lapses (the leave question's word), linked to the item or to a list that holds them.

    role_changed: they stay in the team with a role that owns nothing (services.rights_narrowed); the
    notices say so, and their own requests to act on these items (to own one, its reminders, past
    its target) are done: they may still read a visible item, but nothing about it waits on them."""
    needs_owner = [b for b in released if b.owner_id is None and b.owner_candidate_id is None]
    stamp = f"team:{team.pk}:user:{user.pk}:{int(timezone.now().timestamp() * 1000)}"
    told = {}
    if needs_owner:
        count = len(needs_owner)
        path = subject(needs_owner[0]).path if count == 1 else reverse("my_work") + f"?team={team.slug}"
        told = dict.fromkeys(team_coordinator_ids(team=team.pk), ({"phrase": NEED_OWNER, "count": count}, path))
    name = user.name or user.email
    for asker_id, items in withdrawn.items():
        if asker_id is None or asker_id in told:
            continue
        count = len(items)
        path = subject(items[0]).path if count == 1 else _list_holding(team, items, asker_id)
        # The name of who left (the notice's actor, named as they are called when it is read).
        told[asker_id] = ({"phrase": REQUEST_LAPSES, "count": count, "name": name}, path)
    notices_of_leaving(
        team=team, user=user, actor=actor, told=told, key=f"bottlenecks:{stamp}", role_changed=role_changed
    )
    if role_changed:
        for b in released:
            notices_done(
                team=team.pk,
                subject_kind=SubjectKind.BOTTLENECK,
                subject_id=b.pk,
                kinds=[NoticeKind.OWNERSHIP_ASKED, NoticeKind.REMINDER, NoticeKind.OVERDUE],
                user_ids=[user.pk],
            )


def _list_holding(team, items: list[Bottleneck], asker_id: int) -> str:
    """The team's list filtered so it holds these items: unowned ones, or the asker's own (a request
    to take one over); both kinds: the open items."""
    url = reverse("bottleneck_list", kwargs={"team_slug": team.slug})
    if all(b.owner_id is None for b in items):
        return url + "?owner=none"
    if all(b.owner_id == asker_id for b in items):
        return url + "?mine=on"
    return url


def owner_found(b: Bottleneck) -> None:
    """Someone owns `b` now, or is asked to, or it is no longer open. The notices of a leaving
    (owners_lost) whose items all have someone now are done: read for everyone who got them, as
    Mijn werk's "Nog zonder eigenaar" no longer lists those items (the count in the header said
    there was still something to do)."""
    for user_id in sorted(let_go_by(bottleneck=b)):
        if not let_go_needing_owner(team=b.team_id, user_id=user_id):
            notices_done(
                team=b.team_id,
                subject_kind=SubjectKind.TEAM,
                subject_id=b.team_id,
                kinds=_LEAVINGS,
                key_contains=f":bottlenecks:team:{b.team_id}:user:{user_id}:",
            )


# --- time checks: the hourly job (work.services.reminders) ----------------------------------------

#: Past its resolution target, the owner is reminded every so many working days.
OVERDUE_REMINDER_DAYS = 5


def time_check(today: date) -> int:
    """Reminders of what waits: being asked to own (every accept_days of the team's target), an
    escalation the region has not answered (every escalation_response_days of the region), and past
    the resolution target (to the owner, every OVERDUE_REMINDER_DAYS); after the second reminder the
    team's coordinators are told. Unowned past the acceptance target: to the coordinators.
    What is done (accepted, declined, answered, resolved, closed) is settled.

    While the region has taken an item up it is in the region's hands: its owner is not told it is
    past its target, nor the coordinators that it is unowned or still waits (a request to own still
    reminds the person asked: it waits on them, not on the region); what were unread is settled.
    Handed back, it is the team's again: the notices go on in their cycle, the first at the next run."""
    items = bottlenecks_waiting(today=today)
    targets = teams_targets(team_ids={b.team_id for b in items})
    coordinators: dict[int, set[int]] = {}
    overseers: dict[int, set[int]] = {}
    live: set[str] = set()
    quiet: set[str] = set()  # requests that still wait, but the coordinators are not told now
    made = 0
    for b in items:
        if b.team_id not in coordinators:
            coordinators[b.team_id] = team_coordinator_ids(team=b.team_id)
        team_coordinators = coordinators[b.team_id]
        in_region = b.status == Status.ESCALATED and b.taken_up_regionally
        about = subject(b)
        if b.owner_candidate_id and b.owner_requested_at:
            base = f"bottleneck:{b.pk}:ownership:{int(b.owner_requested_at.timestamp())}"
            live.add(base)
            if in_region:
                quiet.add(base)
            made += reminders_send(
                Waiting(
                    subject=about,
                    base=base,
                    since=timezone.localdate(b.owner_requested_at),
                    interval=targets[b.team_id][b.impact][0],
                    waiting_on=[b.owner_candidate_id],
                    coordinators=() if in_region else team_coordinators,
                ),
                today=today,
            )
        if b.status == Status.ESCALATED and b.escalated_at and not b.answered:
            region_id = b.team.region_id
            if region_id not in overseers:
                overseers[region_id] = region_overseer_ids(region_id=region_id)
            base = f"bottleneck:{b.pk}:escalation:{int(b.escalated_at.timestamp())}"
            live.add(base)
            made += reminders_send(
                Waiting(
                    subject=about,
                    base=base,
                    since=timezone.localdate(b.escalated_at),
                    interval=b.team.region.escalation_response_days,
                    waiting_on=overseers[region_id],
                    coordinators=team_coordinators,
                    waits_on={"waits_on": WAITS_ON_REGION},
                ),
                today=today,
            )
        if in_region:
            continue
        if b.owner_id and past_due(b.resolve_due, today):
            # Per owner: a bottleneck handed over is the new owner's to hear of (from when they took
            # it, not reminder #12 within the hour), and the earlier owner's reminders are done.
            base = f"bottleneck:{b.pk}:resolve:{b.resolve_due.isoformat()}:owner{b.owner_id}"
            owned_since = timezone.localdate(b.owner_since) if b.owner_since else b.resolve_due
            late_since = max(b.resolve_due, owned_since)
            notice_base = _after_region(b, base, late_since)
            live.update((base, notice_base))
            made += time_notice(kind=NoticeKind.OVERDUE, subject=about, recipients=[b.owner_id], base=notice_base)
            made += reminders_send(
                Waiting(
                    subject=about,
                    base=base,
                    since=late_since,
                    interval=OVERDUE_REMINDER_DAYS,
                    waiting_on=[b.owner_id],
                    coordinators=team_coordinators,
                ),
                today=today,
            )
        elif not b.owner_id and b.first_accepted_at is None and past_due(b.accept_due, today):
            # Never accepted. One whose owner left was: the leaving told the coordinators, and
            # their Mijn werk lists it until someone owns it (owners_lost).
            base = _after_region(b, f"bottleneck:{b.pk}:accept:{b.accept_due.isoformat()}", b.accept_due)
            live.add(base)
            made += time_notice(kind=NoticeKind.OVERDUE, subject=about, coordinators=team_coordinators, base=base)
    time_notices_settle(subject_kind=SubjectKind.BOTTLENECK, live=live, quiet=quiet)
    return made


def coordinators_left(*, user, team_ids) -> None:
    """`user` is no longer a coordinator of some of these teams (services.rights_narrowed): what
    told them as a coordinator goes. That an unowned bottleneck is past its acceptance target
    (time_check, key `overdue:bottleneck:<id>:accept:<date>`); that someone who left owned items that
    need a new owner now (owners_lost: the coordinators find one); the region's answer to an item
    whose owner and reporter are no longer in the team (region_answered), but for the items they own,
    reported or escalated. What they hear as an owner, reporter or as whoever asked stays."""
    teams = sorted(set(team_ids) - coordinated_team_ids(user=user, team_ids=team_ids))
    if not teams:
        return
    notices_asking_withdraw(
        user=user,
        team_ids=teams,
        subject_kind=SubjectKind.BOTTLENECK,
        kinds=[NoticeKind.OVERDUE],
        key_contains=":accept:",
    )
    notices_asking_withdraw(
        user=user, team_ids=teams, subject_kind=SubjectKind.TEAM, kinds=_LEAVINGS, phrase=NEED_OWNER
    )
    notices_asking_withdraw(
        user=user,
        team_ids=teams,
        subject_kind=SubjectKind.BOTTLENECK,
        kinds=_REGION_ANSWERS,
        keep=bottlenecks_answered_to(user=user, team_ids=teams),
    )


def _after_region(b: Bottleneck, base: str, late_since: date) -> str:
    """The request a "past its target" notice names. Taken up by the region after it was late, its
    notice was read then (the region had it); handed back, it needs a new one at the next run, not
    only the next reminder 5 working days on: its key names the take-up (`taken_up_at`, the latest)."""
    if b.taken_up_at and timezone.localdate(b.taken_up_at) >= late_since:
        return f"{base}:region{int(b.taken_up_at.timestamp())}"
    return base
