"""Writes to the bottleneck log. Each service is one transaction with a timeline event and an
audit row, written last (docs/audit.md: the chain lock is held from it to the commit); it locks
the item (select_for_update), refuses a stale version, checks the policy on the locked state and
refuses bad input with ActionRefused, changing nothing."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wijkverband.audit.services import audit_record
from wijkverband.bottlenecks import notices, policy, selectors
from wijkverband.bottlenecks.models import (
    BUILTIN_CATEGORIES,
    OPEN_STATUSES,
    AgreementLink,
    Bottleneck,
    BottleneckEvent,
    BottleneckLink,
    Category,
    EventKind,
    Impact,
    LinkKind,
    ResponseTarget,
    Signal,
    Status,
    encode_kinds,
)
from wijkverband.core.errors import ActionRefused
from wijkverband.tenancy.models import Organisation, OrganisationKind, Team
from wijkverband.tenancy.policy import TeamRights, team_rights
from wijkverband.tenancy.selectors import is_professional
from wijkverband.tenancy.services import professional_held
from wijkverband.threads import services as thread_services
from wijkverband.threads.models import SubjectKind, Thread
from wijkverband.work.models import NoticeKind

MAX_TITLE = 200
MAX_TEXT = 5000
MAX_TARGET_DAYS = 250


def stale_message() -> str:
    return _(
        "Someone else changed this bottleneck while you were working on it, so nothing was saved. "
        "Check the current state; what you typed is still in the form."
    )


def _forbidden(message=None):
    return ActionRefused(message or _("Your role does not allow this action on this bottleneck."), code="forbidden")


def _text(value: str | None, *, required: str | None = None, max_length: int = MAX_TEXT, field=None) -> str:
    """`field`: the input the text came from, where a page shows the refusal (core.errors)."""
    text = (value or "").strip()
    if required and not text:
        raise ActionRefused(required, code="required", field=field)
    if len(text) > max_length:
        raise ActionRefused(
            _("Keep it under %(max)d characters (now %(length)d).") % {"max": max_length, "length": len(text)},
            field=field,
        )
    # Client data is refused when the text is saved (wijkverband/core/guard.py), naming its field.
    return text


def _rights(actor, team: Team) -> TeamRights:
    rights = team_rights(user=actor, team=team)
    if not rights.can_view:
        raise PermissionDenied
    return rights


def _lock(bottleneck: Bottleneck, version: int | None, *, already=None) -> Bottleneck:
    """The item, locked. `already(locked)`: a message when what the action asks for is already so
    (a form sent twice, back and resend): that is said, not a change by someone else."""
    locked = Bottleneck.objects.for_team(bottleneck.team_id).select_for_update().get(pk=bottleneck.pk)
    if already is not None and (done := already(locked)):
        raise ActionRefused(done, code="already")
    if version is not None and locked.version != version:
        raise ActionRefused(stale_message(), code="stale")
    return locked


def _last_change_was(b: Bottleneck, actor, kind: str) -> bool:
    """Whether the item's latest event is `kind` by `actor`: what a form sent twice (a double tap
    without JavaScript, Back and send again) finds done, by the person themselves. Told as done, not
    as "someone else changed this bottleneck" (the version moved, but by their own first send)."""
    last = BottleneckEvent.objects.for_team(b.team_id).filter(bottleneck=b).order_by("-at", "-pk").first()
    return last is not None and last.kind == kind and last.actor_id == actor.pk


#: What a person who sent the same action twice is told (_already_by).
_DONE_ALREADY = {
    Status.RESOLVED: lambda: _("You have resolved this bottleneck."),
    Status.CLOSED: lambda: _("You have closed this bottleneck."),
    Status.ESCALATED: lambda: _("You have escalated this bottleneck to the region."),
}


def _already_by(actor, status: str, kind: str):
    """_lock's `already` for an action that moves the item to `status`: done, when the item is in
    that status by the actor's own latest change."""
    return lambda b: _DONE_ALREADY[status]() if b.status == status and _last_change_was(b, actor, kind) else None


def _lock_together(team_id: int, *pks) -> None:
    """Lock these items of the team in the order of their ids, before an action on a pair (a link,
    a duplicate, a duplicate reopened) locks them one by one. Two actions on the same pair from
    either side (X a duplicate of Y while Y is marked a duplicate of X; X linked to Y and Y to X)
    each locked their own item first, then the other: they deadlocked (a server error for one), or
    both passed their checks and the pair was linked twice. Now the second waits for the first and
    checks what it left."""
    wanted = sorted({pk for pk in pks if pk is not None})
    list(Bottleneck.objects.for_team(team_id).select_for_update().filter(pk__in=wanted).order_by("pk").values("pk"))


def _save(b: Bottleneck, *fields: str) -> None:
    b.version += 1
    b.updated_at = timezone.now()
    b.save(update_fields=[*fields, "version", "updated_at"])
    # Someone owns it now, is asked to, or it is closed: it may be the last of the items someone
    # who left let go of, whose notice to the coordinators is then done.
    if {"owner", "owner_candidate", "status"} & set(fields) and (
        b.owner_id or b.owner_candidate_id or b.status not in OPEN_STATUSES
    ):
        notices.owner_found(b)


def _event(b: Bottleneck, actor, kind: str, *, from_status: str = "", note: str = "", data=None) -> None:
    """The timeline row; the service records the audit row (_audit) as its last write."""
    BottleneckEvent.objects.create(
        team_id=b.team_id,
        bottleneck=b,
        actor=actor,
        actor_label=getattr(actor, "name", "") or getattr(actor, "email", ""),
        kind=kind,
        from_status=from_status,
        to_status=b.status if from_status and from_status != b.status else "",
        note=note,
        data=data or {},
    )


def _audit(b: Bottleneck, actor, kind: str) -> None:
    """Last in every service: the audit chain stays locked for every team from here until the commit
    (docs/audit.md), so everything else, the discussion thread's changes too, is written before."""
    audit_record(actor=actor, action=f"bottleneck.{kind}", team=b.team_id, target=b, data={"status": b.status})


# --- targets ---------------------------------------------------------------------------------------


def _set_due_dates(b: Bottleneck, targets=None) -> None:
    targets = targets or selectors.team_targets(team=b.team)
    b.accept_due, b.resolve_due = selectors.due_dates(
        targets=targets, impact=b.impact, reported=b.created_at, clock=b.clock_started_at
    )


def target_problems(targets: dict[int, tuple[int, int]]) -> list[tuple[str, str]]:
    """What is wrong with the targets given, highest impact first, as (field, message) for the input
    it is about: `accept-<impact>` or `resolve-<impact>`, as the settings page names its inputs.
    The settings form shows every one at its field; team_targets_set refuses the first."""
    problems = []
    for impact, (accept_days, resolve_days) in sorted(targets.items(), reverse=True):
        if not 0 <= accept_days <= MAX_TARGET_DAYS:
            problems.append((f"accept-{impact}", _days_range(0)))
        if not 1 <= resolve_days <= MAX_TARGET_DAYS:
            problems.append((f"resolve-{impact}", _days_range(1)))
        elif resolve_days < accept_days <= MAX_TARGET_DAYS:
            problems.append(
                (
                    f"accept-{impact}",
                    _("Acceptance cannot take longer than resolution: at most %(days)d working days.")
                    % {"days": resolve_days},
                )
            )
    return problems


def _days_range(low: int) -> str:
    return _("Use %(low)d to %(high)d working days.") % {"low": low, "high": MAX_TARGET_DAYS}


@transaction.atomic
def team_targets_set(*, actor, team: Team, targets: dict[int, tuple[int, int]]) -> None:
    if not _rights(actor, team).can_coordinate:
        raise _forbidden(_("Only a coordinator sets the response targets."))
    if any(impact not in targets for impact in Impact.values):
        raise ActionRefused(_("Give targets for every impact level."))
    if problems := target_problems(targets):
        field, message = problems[0]
        raise ActionRefused(message, field=field)
    for impact in Impact.values:
        ResponseTarget.objects.for_team(team).update_or_create(
            team=team,
            impact=impact,
            defaults={"accept_days": targets[impact][0], "resolve_days": targets[impact][1]},
        )
    # Open items follow the new targets; closed ones keep the dates they were measured against.
    open_items = list(
        Bottleneck.objects.for_team(team)
        .filter(status__in=OPEN_STATUSES)
        .select_for_update()
        .only("pk", "team", "impact", "created_at", "clock_started_at", "accept_due", "resolve_due")
    )
    for b in open_items:
        _set_due_dates(b, targets)
    Bottleneck.objects.for_team(team).bulk_update(open_items, ["accept_due", "resolve_due"], batch_size=1000)
    audit_record(
        actor=actor,
        action="bottleneck.targets_set",
        team=team,
        target=team,
        data={str(k): list(v) for k, v in targets.items()},
    )


def builtin_categories_ensure(*, using: str = "default") -> None:
    """Create the built-in categories that are missing (after every migrate and flush)."""
    from django.db import connections

    if Category._meta.db_table not in connections[using].introspection.table_names():
        return  # migrated back to before this app's tables
    # The built-in categories belong to no team: read across teams, of them only.
    existing = set(Category.objects.across_teams().using(using).filter(team__isnull=True).values_list("key", flat=True))
    Category.objects.across_teams().using(using).bulk_create(
        [
            # "Other" goes last, after a team's own categories (position 100).
            Category(team=None, key=key, position=999 if key == "overig" else position * 10)
            for position, key in enumerate(BUILTIN_CATEGORIES, start=1)
            if key not in existing
        ]
    )


@transaction.atomic
def category_add(*, actor, team: Team, name: str) -> Category:
    if not _rights(actor, team).can_coordinate:
        raise _forbidden(_("Only a coordinator adds categories."))
    name = _text(name, required=_("Give the category a name."), max_length=80, field="name")
    taken = {str(label).casefold() for label in BUILTIN_CATEGORIES.values()}
    taken |= {n.casefold() for n in Category.objects.for_team(team).filter(team=team).values_list("name", flat=True)}
    if name.casefold() in taken:
        raise ActionRefused(_("There already is a category “%(name)s”.") % {"name": name}, field="name")
    category = Category.objects.create(team=team, name=name)
    audit_record(actor=actor, action="bottleneck.category_added", team=team, target=category, data={"name": name})
    return category


# --- reporting and editing --------------------------------------------------------------------


def _clean_fields(*, team, title, description, category, impact, affected_kinds):
    title = _text(title, required=_("Give the bottleneck a title."), max_length=MAX_TITLE)
    description = _text(description)
    if category is None or not Category.objects.for_team(team).filter(pk=category.pk).exists():
        raise ActionRefused(_("Choose a category of this team."))
    if impact not in Impact.values:
        raise ActionRefused(_("Choose the impact."))
    unknown = set(affected_kinds) - set(OrganisationKind.values)
    if unknown:
        raise ActionRefused(_("Choose the affected core players from the list."))
    return title, description


@transaction.atomic
def bottleneck_report(
    *,
    actor,
    team: Team,
    title: str,
    description: str,
    category: Category,
    impact: int,
    affected_kinds: list[str],
    internal: bool = False,
    internal_reason: str = "",
) -> Bottleneck:
    rights = _rights(actor, team)
    if not rights.can_contribute:
        raise _forbidden(_("Only members of the team report bottlenecks."))
    title, description = _clean_fields(
        team=team,
        title=title,
        description=description,
        category=category,
        impact=impact,
        affected_kinds=affected_kinds,
    )
    internal_reason = _text(internal_reason, required=_("Say why it is internal.") if internal else None)
    now = timezone.now()
    b = Bottleneck(
        team=team,
        title=title,
        description=description,
        category=category,
        impact=impact,
        affected_kinds=encode_kinds(affected_kinds),
        reporter=actor,
        reporter_organisation_id=rights.organisation_id,
        created_at=now,
        updated_at=now,
        clock_started_at=now,
        internal=internal,
        internal_reason=internal_reason if internal else "",
    )
    _set_due_dates(b)
    b.save()
    _event(b, actor, EventKind.REPORTED, note=internal_reason if internal else "")
    # Its discussion exists from the start, so showing the bottleneck's page never writes.
    thread_services.thread_for_subject(
        team=team, kind=SubjectKind.BOTTLENECK, subject_id=b.pk, title=title, actor=actor, internal=internal
    )
    _audit(b, actor, EventKind.REPORTED)
    return b


@transaction.atomic
def bottleneck_edit(
    *,
    actor,
    bottleneck: Bottleneck,
    version: int,
    title: str,
    description: str,
    category: Category,
    impact: int,
    affected_kinds: list[str],
) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    b = _lock(bottleneck, version)
    if not policy.may_edit(rights, b):
        raise _forbidden(_("Only the reporter, the owner or a coordinator edits a bottleneck."))
    title, description = _clean_fields(
        team=b.team,
        title=title,
        description=description,
        category=category,
        impact=impact,
        affected_kinds=affected_kinds,
    )
    changed = [
        name
        for name, new in [
            ("title", title),
            ("description", description),
            ("category_id", category.pk),
            ("impact", impact),
            ("affected_kinds", encode_kinds(affected_kinds)),
        ]
        if getattr(b, name) != new
    ]
    if not changed:
        return b
    b.title, b.description, b.category = title, description, category
    b.affected_kinds = encode_kinds(affected_kinds)
    fields = ["title", "description", "category", "affected_kinds"]
    if b.impact != impact:
        b.impact = impact
        if b.is_open:
            _set_due_dates(b)
        fields += ["impact", "accept_due", "resolve_due"]
    _save(b, *fields)
    _event(b, actor, EventKind.EDITED, data={"fields": [name.removesuffix("_id") for name in changed]})
    if "title" in changed:
        thread_services.thread_subject_update(team=b.team, kind=SubjectKind.BOTTLENECK, subject_id=b.pk, title=title)
    _audit(b, actor, EventKind.EDITED)
    return b


@transaction.atomic
def bottleneck_set_internal(*, actor, bottleneck: Bottleneck, version: int, internal: bool, reason: str) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    b = _lock(bottleneck, version)
    if not policy.may_mark_internal(rights, b):
        raise _forbidden(_("Only the reporter or a coordinator marks a bottleneck internal."))
    if internal == b.internal:
        raise ActionRefused(
            _("This bottleneck is already internal.") if internal else _("This bottleneck is already visible.")
        )
    reason = _text(reason, required=_("Say why it is internal.") if internal else None)
    b.internal = internal
    b.internal_reason = reason if internal else ""
    _save(b, "internal", "internal_reason")
    notices.internal_changed(b)
    kind = EventKind.MARKED_INTERNAL if internal else EventKind.MARKED_PUBLIC
    _event(b, actor, kind, note=reason)
    # Representatives never read an internal item's discussion (Thread.internal), whatever the
    # thread's own setting; closing it as well ends their live subscriptions at once.
    thread_services.thread_subject_update(team=b.team, kind=SubjectKind.BOTTLENECK, subject_id=b.pk, internal=internal)
    if internal:
        _thread_close_to_representatives(b, actor)
    _audit(b, actor, kind)
    return b


def _thread_close_to_representatives(b: Bottleneck, actor) -> None:
    """Representatives do not see internal bottlenecks, so neither their discussion thread (threads
    app): closing it also ends the subscriptions of representatives following it. Marking the
    bottleneck visible again does not reopen the thread; a coordinator may."""
    thread = Thread.objects.for_team(b.team_id).filter(subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk).first()
    if thread is not None and thread.open_to_representatives:
        thread_services.thread_set_open_to_representatives(
            actor=actor, thread=thread, open_to_representatives=False, by_service=True
        )


# --- ownership ------------------------------------------------------------------------------------


def _take_ownership(b: Bottleneck, user, now) -> None:
    b.owner = user
    b.owner_since = now
    b.owner_candidate = None
    b.owner_requested_by = None
    b.owner_requested_at = None
    if b.first_accepted_at is None:
        b.first_accepted_at = now
    if b.status == Status.REPORTED:
        b.status = Status.PICKED_UP


_OWNER_FIELDS = (
    "owner",
    "owner_since",
    "owner_candidate",
    "owner_requested_by",
    "owner_requested_at",
    "first_accepted_at",
    "status",
)


@transaction.atomic
def bottleneck_ask_owner(*, actor, bottleneck: Bottleneck, version: int, candidate) -> Bottleneck:
    """Ask someone to own the item; asking yourself while it is unowned takes it at once."""
    rights = _rights(actor, bottleneck.team)
    # The candidate's membership is held before the item is locked: a removal takes the same two
    # locks in that order (tenancy.services.membership_remove, then membership_release).
    candidate_held = candidate is not None and professional_held(user=candidate, team=bottleneck.team_id)
    b = _lock(
        bottleneck,
        version,
        already=lambda b: (
            _("%(name)s has been asked to own this bottleneck.") % {"name": candidate}
            if candidate is not None
            and b.owner_candidate_id == candidate.pk
            and _last_change_was(b, actor, EventKind.OWNER_REQUESTED)
            else None
        ),
    )
    if not policy.may_ask_owner(rights, b):
        if b.status not in OPEN_STATUSES:
            raise ActionRefused(_("This bottleneck is no longer open: reopen it first."))
        raise _forbidden(_("Only the owner or a coordinator hands over an owned bottleneck."))
    if not candidate_held:
        raise ActionRefused(_("Only a member of this team can own a bottleneck: choose one from the list."))
    if candidate.pk == b.owner_id:
        raise ActionRefused(_("%(name)s already owns this bottleneck.") % {"name": candidate})
    now = timezone.now()
    before = b.status
    if candidate.pk == actor.pk:
        _take_ownership(b, actor, now)
        _save(b, *_OWNER_FIELDS)
        _event(b, actor, EventKind.OWNER_ACCEPTED, from_status=before)
        _audit(b, actor, EventKind.OWNER_ACCEPTED)
        return b
    b.owner_candidate = candidate
    b.owner_requested_by = actor
    b.owner_requested_at = now
    _save(b, "owner_candidate", "owner_requested_by", "owner_requested_at")
    _event(b, actor, EventKind.OWNER_REQUESTED, data={"candidate": str(candidate)})
    notices.ownership_asked(b, actor=actor)
    _audit(b, actor, EventKind.OWNER_REQUESTED)
    return b


@transaction.atomic
def bottleneck_accept(*, actor, bottleneck: Bottleneck, version: int) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    b = _lock(
        bottleneck,
        version,
        already=lambda b: (
            _("You already own this bottleneck.")
            if b.owner_id == actor.pk and b.owner_candidate_id is None and b.status in OPEN_STATUSES
            else None
        ),
    )
    if not rights.can_contribute or not is_professional(user=actor, team=b.team_id):
        raise _forbidden(_("Only a member of this team can own a bottleneck."))
    if b.owner_candidate_id != actor.pk:
        raise ActionRefused(_("You have not been asked to own this bottleneck (or the request was withdrawn)."))
    if b.status not in OPEN_STATUSES:
        raise ActionRefused(_("This bottleneck is no longer open."))
    before = b.status
    previous_owner = str(b.owner) if b.owner_id else ""
    requested_by = b.owner_requested_by_id
    _take_ownership(b, actor, timezone.now())
    _save(b, *_OWNER_FIELDS)
    _event(b, actor, EventKind.OWNER_ACCEPTED, from_status=before, data={"previous_owner": previous_owner})
    notices.ownership_answered(b, actor=actor, accepted=True, requested_by=requested_by)
    _audit(b, actor, EventKind.OWNER_ACCEPTED)
    return b


@transaction.atomic
def bottleneck_decline(*, actor, bottleneck: Bottleneck, version: int, reason: str) -> Bottleneck:
    _rights(actor, bottleneck.team)
    b = _lock(bottleneck, version)
    if b.owner_candidate_id != actor.pk:
        raise ActionRefused(_("You have not been asked to own this bottleneck (or the request was withdrawn)."))
    reason = _text(reason, required=_("Say why you decline, so someone else can be asked."))
    requested_by = b.owner_requested_by_id
    b.owner_candidate = None
    b.owner_requested_by = None
    b.owner_requested_at = None
    _save(b, "owner_candidate", "owner_requested_by", "owner_requested_at")
    _event(b, actor, EventKind.OWNER_DECLINED, note=reason)
    notices.ownership_answered(b, actor=actor, accepted=False, requested_by=requested_by)
    _audit(b, actor, EventKind.OWNER_DECLINED)
    return b


# --- someone leaves the team ----------------------------------------------------------------------


def _held_by(team, user):
    return (
        Bottleneck.objects.for_team(team)
        .filter(status__in=OPEN_STATUSES)
        .filter(Q(owner=user) | Q(owner_candidate=user))
    )


def membership_holdings(*, team, user, actor=None, role=None) -> list[str]:
    """What the question before someone leaves (or is removed) says they hold here; also the
    question before they are given a role that owns nothing (`role`), which lets it go the same way
    (rights_narrowed)."""
    owned = asked = 0
    for owner_id, candidate_id in _held_by(team, user).values_list("owner_id", "owner_candidate_id"):
        owned += owner_id == user.pk
        asked += candidate_id == user.pk
    lines = []
    if owned:
        lines.append(
            ngettext(
                "Owner of %(count)d open bottleneck: it will have no owner, and the coordinators find a new one.",
                "Owner of %(count)d open bottlenecks: they will have no owner, and the coordinators find new ones.",
                owned,
            )
            % {"count": owned}
        )
    if asked:
        lines.append(
            ngettext(
                "Asked to own %(count)d bottleneck: that request is withdrawn.",
                "Asked to own %(count)d bottlenecks: those requests are withdrawn.",
                asked,
            )
            % {"count": asked}
        )
    return lines


#: Why someone let go of what they held: the timeline's word for its owner, and for the one asked.
_LET_GO = {
    "left": (EventKind.OWNER_LEFT, EventKind.CANDIDATE_LEFT),
    "removed": (EventKind.OWNER_REMOVED, EventKind.CANDIDATE_REMOVED),
    "role_changed": (EventKind.OWNER_ROLE_CHANGED, EventKind.CANDIDATE_ROLE_CHANGED),
}


def membership_release(*, team, user, actor) -> None:
    """Someone leaves the team or is removed from it (tenancy.services.membership_remove, inside its
    transaction): the open items they own have no owner from now, and requests that they own one
    are withdrawn. An item must not wait on someone who can no longer open it: the team's
    coordinators are told at once, in one notice, how many need an owner now, and see them in Mijn
    werk under "Nog zonder eigenaar" from now on (not only once past the acceptance target); whoever
    asked them to own an item hears that the request is withdrawn (notices.owners_lost)."""
    removed = actor is not None and actor.pk != user.pk
    _let_go(team=team, user=user, actor=actor, why="removed" if removed else "left")


def rights_narrowed(*, user, team_ids, actor=None) -> None:
    """`user`'s rights in these teams narrowed (core.registry.rights_narrowed). Where they are no
    longer a member or coordinator (made client representative or external party), they may own
    nothing and answer no request to own (bottleneck_ask_owner asks only members): what they held is
    let go as when they leave (membership_release), by the same path: the items have no owner, the
    requests are withdrawn, the coordinators and whoever asked are told, the timeline and the audit
    say so; and their own requests to act on those items (asked to own, its reminders, past its
    target) are done. A region role that ends leaves what they hold as a member: overseers own
    nothing but as members. One no longer a coordinator no longer hears, as one, that an unowned
    item is past its acceptance target (notices.coordinators_left)."""
    notices.coordinators_left(user=user, team_ids=team_ids)
    held = set(
        Bottleneck.objects.for_teams(list(team_ids))
        .filter(Q(owner=user) | Q(owner_candidate=user), status__in=OPEN_STATUSES)
        .values_list("team_id", flat=True)
    )
    for team in Team.objects.filter(pk__in=sorted(held)).order_by("pk"):
        if not is_professional(user=user, team=team):
            _let_go(team=team, user=user, actor=actor, why="role_changed")


def _let_go(*, team, user, actor, why: str) -> None:
    """What `user` held in the team is let go (membership_release, rights_narrowed): the one path."""
    owner_kind, candidate_kind = _LET_GO[why]
    # Removed (or given another role) by someone else: the timeline says so, and by whom ("left" of
    # someone removed was untrue).
    data = {"removed_by": actor.name or actor.email} if actor is not None and actor.pk != user.pk else None
    released, withdrawn = [], {}
    for b in _held_by(team, user).select_for_update().order_by("pk"):
        # One or the other: nobody is asked to own what they own already (bottleneck_ask_owner).
        if b.owner_id == user.pk:
            b.owner, b.owner_since = None, None
            fields = ["owner", "owner_since"]
            kind = owner_kind
        else:
            withdrawn.setdefault(b.owner_requested_by_id, []).append(b)
            b.owner_candidate, b.owner_requested_by, b.owner_requested_at = None, None, None
            fields = ["owner_candidate", "owner_requested_by", "owner_requested_at"]
            kind = candidate_kind
        _save(b, *fields)
        # The timeline names the person who let go (and who removed them); the audit row, who acted.
        _event(b, user, kind, data=data)
        released.append((b, kind))
    # Told before the audit rows, which come last (docs/audit.md).
    notices.owners_lost(
        team=team,
        user=user,
        actor=actor,
        released=[b for b, _kind in released],
        withdrawn=withdrawn,
        role_changed=why == "role_changed",
    )
    for b, kind in released:
        _audit(b, actor, kind)


# --- status ----------------------------------------------------------------------------------------


@transaction.atomic
def bottleneck_start(*, actor, bottleneck: Bottleneck, version: int) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    b = _lock(
        bottleneck,
        version,
        already=lambda b: _("Work is already in progress.") if b.status == Status.IN_PROGRESS else None,
    )
    if not policy.may_manage(rights, b):
        raise _forbidden(_("Only the owner or a coordinator changes the status."))
    if b.status != Status.PICKED_UP:
        raise ActionRefused(_("Work can only start on a bottleneck that has been picked up."))
    b.status = Status.IN_PROGRESS
    _save(b, "status")
    _event(b, actor, EventKind.STARTED, from_status=Status.PICKED_UP)
    _audit(b, actor, EventKind.STARTED)
    return b


@transaction.atomic
def bottleneck_resolve(*, actor, bottleneck: Bottleneck, version: int, summary: str) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    b = _lock(bottleneck, version, already=_already_by(actor, Status.RESOLVED, EventKind.RESOLVED))
    if not policy.may_manage(rights, b):
        raise _forbidden(_("Only the owner or a coordinator resolves a bottleneck."))
    if b.status not in OPEN_STATUSES:
        raise ActionRefused(_("This bottleneck is not open."))
    summary = _text(summary, required=_("Write a resolution summary: what was decided or changed?"))
    before = b.status
    b.status = Status.RESOLVED
    b.resolution_summary = summary
    b.resolved_at = timezone.now()
    b.taken_up_regionally = False
    _save(b, "status", "resolution_summary", "resolved_at", "taken_up_regionally")
    _event(b, actor, EventKind.RESOLVED, from_status=before, note=summary)
    if before == Status.ESCALATED:
        _thread_escalation(b, False, actor)
    notices.resolved(b, actor=actor)
    _audit(b, actor, EventKind.RESOLVED)
    return b


@transaction.atomic
def bottleneck_close(*, actor, bottleneck: Bottleneck, version: int, reason: str) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    b = _lock(bottleneck, version, already=_already_by(actor, Status.CLOSED, EventKind.CLOSED))
    if not policy.may_manage(rights, b):
        raise _forbidden(_("Only the owner or a coordinator closes a bottleneck."))
    if b.status not in OPEN_STATUSES:
        raise ActionRefused(_("This bottleneck is not open."))
    reason = _text(reason, required=_("Say why it is closed without a resolution."))
    before = b.status
    b.status = Status.CLOSED
    b.close_reason = reason
    b.closed_at = timezone.now()
    b.taken_up_regionally = False
    _save(b, "status", "close_reason", "closed_at", "taken_up_regionally")
    _event(b, actor, EventKind.CLOSED, from_status=before, note=reason)
    if before == Status.ESCALATED:
        _thread_escalation(b, False, actor)
    _audit(b, actor, EventKind.CLOSED)
    return b


@transaction.atomic
def bottleneck_reopen(*, actor, bottleneck: Bottleneck, version: int, reason: str) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    _lock_together(bottleneck.team_id, bottleneck.pk, bottleneck.duplicate_of_id)  # its original too
    b = _lock(bottleneck, version)
    if not rights.can_contribute:
        raise _forbidden(_("Only members of the team reopen a bottleneck."))
    if b.status not in (Status.RESOLVED, Status.CLOSED):
        raise ActionRefused(_("Only a resolved or closed bottleneck can be reopened."))
    reason = _text(reason, required=_("Say why it is back."))
    before = b.status
    original_id = b.duplicate_of_id
    b.status = Status.IN_PROGRESS if b.owner_id else Status.REPORTED
    b.duplicate_of = None
    # The earlier resolution summary stays on the item (and in the timeline) as history.
    b.clock_started_at = timezone.now()
    _set_due_dates(b)
    _save(b, "status", "duplicate_of", "clock_started_at", "accept_due", "resolve_due")
    _event(b, actor, EventKind.REOPENED, from_status=before, note=reason)
    original = _duplicate_end(b, actor, original_id) if original_id is not None else None
    _audit(b, actor, EventKind.REOPENED)
    if original is not None:
        _audit(original, actor, EventKind.DUPLICATE_REOPENED)
    return b


def _duplicate_end(b: Bottleneck, actor, original_id: int) -> Bottleneck:
    """A reopened duplicate stands on its own again: its "duplicate of" link goes (a link made as
    "related" before stays), and the organisations it carried over to the original no longer count
    there. Both timelines keep what happened: "marked as duplicate" on this one, and on the original
    that its duplicate was reopened."""
    original = Bottleneck.objects.for_team(b.team_id).select_for_update().get(pk=original_id)
    BottleneckLink.objects.for_team(b.team_id).filter(source=b, target=original, kind=LinkKind.DUPLICATE).delete()
    marked = (
        BottleneckEvent.objects.for_team(b.team_id)
        .filter(bottleneck=b, kind=EventKind.DUPLICATE, data__target=original.pk)
        .order_by("-at", "-pk")
        .first()
    )
    carried = set(marked.data.get("carried", ())) if marked is not None else set()
    if marked is not None and "carried" not in marked.data:
        # Marked before the carried organisations were written down: those added to the original
        # by whoever marked it, at that moment, for an organisation that felt this one.
        felt = set(Signal.objects.for_team(b.team_id).filter(bottleneck=b).values_list("organisation_id", flat=True))
        felt.add(b.reporter_organisation_id)
        carried = set(
            Signal.objects.for_team(b.team_id)
            .filter(
                bottleneck=original,
                organisation_id__in=felt - {None},
                user_id=marked.actor_id,
                created_at__range=(marked.at - timedelta(minutes=1), marked.at + timedelta(minutes=1)),
            )
            .values_list("organisation_id", flat=True)
        )
    if carried:
        removed, _detail = (
            Signal.objects.for_team(b.team_id).filter(bottleneck=original, organisation_id__in=carried).delete()
        )
        if removed:
            Bottleneck.objects.for_team(b.team_id).filter(pk=original.pk).update(
                signal_count=Greatest(F("signal_count") - removed, 0)
            )
    _event(original, actor, EventKind.DUPLICATE_REOPENED, data={"target": b.pk, "title": b.title})
    return original


@transaction.atomic
def bottleneck_escalate(*, actor, bottleneck: Bottleneck, version: int, reason: str) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    b = _lock(bottleneck, version, already=_already_by(actor, Status.ESCALATED, EventKind.ESCALATED))
    if not rights.can_contribute:
        raise _forbidden(_("Only members of the team escalate a bottleneck."))
    if b.status == Status.ESCALATED:
        raise ActionRefused(_("This bottleneck is already escalated to the region."))
    if b.status not in OPEN_STATUSES:
        raise ActionRefused(_("Only an open bottleneck can be escalated."))
    reason = _text(reason, required=_("Say why the region should take this up."))
    before = b.status
    b.status_before_escalation = before
    b.status = Status.ESCALATED
    b.escalated_at = timezone.now()
    b.escalation_reason = reason
    b.taken_up_regionally = False
    _save(b, "status", "status_before_escalation", "escalated_at", "escalation_reason", "taken_up_regionally")
    _event(b, actor, EventKind.ESCALATED, from_status=before, note=reason)
    _thread_escalation(b, True, actor)
    notices.escalated(b, actor=actor)
    _audit(b, actor, EventKind.ESCALATED)
    return b


def _thread_escalation(b: Bottleneck, escalated: bool, actor) -> None:
    """The bottleneck's discussion thread (threads app) lets the region's overseers post while
    the bottleneck is escalated. The thread was made with the bottleneck; thread_for_subject
    finds it (and would still make it for an item from before that). The thread's audit row names
    the person who escalated, resolved or (an overseer) handed the bottleneck back."""
    if escalated:
        thread = thread_services.thread_for_subject(
            team=b.team, kind=SubjectKind.BOTTLENECK, subject_id=b.pk, title=b.title[:200], internal=b.internal
        )
    else:
        thread = Thread.objects.for_team(b.team_id).filter(subject_kind=SubjectKind.BOTTLENECK, subject_id=b.pk).first()
    if thread is not None and thread.escalated != escalated:
        thread_services.thread_set_escalated(actor=actor, thread=thread, escalated=escalated)


# --- the region answers --------------------------------------------------------------------------


def _escalated_for_overseer(actor, bottleneck: Bottleneck, version: int, *, already=None) -> Bottleneck:
    rights = _rights(actor, bottleneck.team)
    if not rights.can_oversee:
        raise _forbidden(_("Only an overseer of the region answers escalations."))
    b = _lock(bottleneck, version, already=already)
    if b.status != Status.ESCALATED:
        raise ActionRefused(_("This bottleneck is not escalated (any more)."))
    return b


@transaction.atomic
def bottleneck_region_respond(*, actor, bottleneck: Bottleneck, version: int, note: str) -> Bottleneck:
    b = _escalated_for_overseer(actor, bottleneck, version)
    note = _text(note, required=_("Write your response."))
    _save(b)
    _event(b, actor, EventKind.REGION_RESPONDED, note=note)
    notices.region_answered(b, actor=actor, kind=NoticeKind.REGION_RESPONDED)
    _audit(b, actor, EventKind.REGION_RESPONDED)
    return b


@transaction.atomic
def bottleneck_region_take_up(*, actor, bottleneck: Bottleneck, version: int, note: str) -> Bottleneck:
    b = _escalated_for_overseer(
        actor,
        bottleneck,
        version,
        already=lambda b: (
            _("The region has already taken this up.")
            if b.status == Status.ESCALATED and b.taken_up_regionally
            else None
        ),
    )
    note = _text(note)
    b.taken_up_regionally = True
    _save(b, "taken_up_regionally")
    _event(b, actor, EventKind.REGION_TOOK_UP, note=note)
    notices.region_answered(b, actor=actor, kind=NoticeKind.REGION_TOOK_UP)
    _audit(b, actor, EventKind.REGION_TOOK_UP)
    return b


@transaction.atomic
def bottleneck_region_hand_back(*, actor, bottleneck: Bottleneck, version: int, advice: str) -> Bottleneck:
    b = _escalated_for_overseer(actor, bottleneck, version)
    advice = _text(advice, required=_("Give the team your advice when handing it back."))
    before = b.status
    # Back where it was, as far as its owner allows: someone took it on while it was escalated
    # (picked up), or its owner left meanwhile (reported again: it needs an owner before work starts).
    b.status = b.status_before_escalation or Status.IN_PROGRESS
    if not b.owner_id:
        b.status = Status.REPORTED
    elif b.status == Status.REPORTED:
        b.status = Status.PICKED_UP
    b.taken_up_regionally = False
    _save(b, "status", "taken_up_regionally")
    _event(b, actor, EventKind.REGION_HANDED_BACK, from_status=before, note=advice)
    _thread_escalation(b, False, actor)
    notices.region_answered(b, actor=actor, kind=NoticeKind.REGION_HANDED_BACK)
    _audit(b, actor, EventKind.REGION_HANDED_BACK)
    return b


# --- signals and links ---------------------------------------------------------------------------


@transaction.atomic
def bottleneck_signal(*, actor, bottleneck: Bottleneck) -> Signal:
    """ "This affects us too", once per organisation. No version: it conflicts with nothing."""
    rights = _rights(actor, bottleneck.team)
    b = Bottleneck.objects.for_team(bottleneck.team_id).select_for_update().get(pk=bottleneck.pk)
    if not rights.can_contribute or rights.organisation_id is None:
        raise _forbidden(_("Only members on behalf of an organisation add “this affects us too”."))
    if b.status not in OPEN_STATUSES:
        raise ActionRefused(_("This bottleneck is no longer open."))
    if rights.organisation_id == b.reporter_organisation_id:
        raise ActionRefused(_("Your organisation reported this bottleneck: it already counts."))
    organisation = Organisation.objects.get(pk=rights.organisation_id)
    if Signal.objects.for_team(b.team_id).filter(bottleneck=b, organisation=organisation).exists():
        raise ActionRefused(
            _("%(organisation)s has already said this affects them too.") % {"organisation": organisation}
        )
    signal = Signal.objects.create(team_id=b.team_id, bottleneck=b, organisation=organisation, user=actor)
    Bottleneck.objects.for_team(b.team_id).filter(pk=b.pk).update(signal_count=F("signal_count") + 1)
    _event(b, actor, EventKind.SIGNALLED, data={"organisation": str(organisation)})
    _audit(b, actor, EventKind.SIGNALLED)
    return signal


def _link_exists(a: Bottleneck, b: Bottleneck) -> bool:
    return BottleneckLink.objects.for_team(a.team_id).filter(source__in=[a, b], target__in=[a, b]).exists()


@transaction.atomic
def bottleneck_link(*, actor, bottleneck: Bottleneck, other: Bottleneck) -> BottleneckLink:
    rights = _rights(actor, bottleneck.team)
    if not rights.can_contribute:
        raise _forbidden(_("Only members of the team link bottlenecks."))
    if other.team_id != bottleneck.team_id or other.pk == bottleneck.pk:
        raise ActionRefused(_("Choose another bottleneck of this team."))
    _lock_together(bottleneck.team_id, bottleneck.pk, other.pk)
    b = Bottleneck.objects.for_team(bottleneck.team_id).get(pk=bottleneck.pk)
    if _link_exists(b, other):
        raise ActionRefused(_("These bottlenecks are already linked."))
    link = BottleneckLink.objects.create(
        team_id=b.team_id, source=b, target=other, kind=LinkKind.RELATED, created_by=actor
    )
    _event(b, actor, EventKind.LINKED, data={"target": other.pk, "title": other.title})
    _audit(b, actor, EventKind.LINKED)
    return link


@transaction.atomic
def bottleneck_mark_duplicate(*, actor, bottleneck: Bottleneck, version: int, original: Bottleneck) -> Bottleneck:
    """Close this item into its original: it keeps its own history, its signals count there."""
    rights = _rights(actor, bottleneck.team)
    _lock_together(bottleneck.team_id, bottleneck.pk, original.pk)
    b = _lock(bottleneck, version)
    if not policy.may_mark_duplicate(rights, b):
        if b.status not in OPEN_STATUSES:
            raise ActionRefused(_("This bottleneck is not open."))
        raise _forbidden(_("Only the reporter, the owner or a coordinator marks a duplicate."))
    if original.team_id != b.team_id or original.pk == b.pk:
        raise ActionRefused(_("Choose another bottleneck of this team as the original."))
    root = Bottleneck.objects.for_team(b.team_id).select_for_update().get(pk=original.pk)
    seen = {b.pk}
    while root.duplicate_of_id is not None:
        if root.pk in seen or len(seen) > 50:
            break
        seen.add(root.pk)
        root = Bottleneck.objects.for_team(b.team_id).select_for_update().get(pk=root.duplicate_of_id)
    if root.pk in seen:
        raise ActionRefused(_("That bottleneck is itself a duplicate of this one."))
    before = b.status
    b.status = Status.CLOSED
    b.duplicate_of = root
    b.closed_at = timezone.now()
    b.close_reason = _("Duplicate of #%(number)d %(title)s") % {"number": root.pk, "title": root.title}
    b.taken_up_regionally = False
    _save(b, "status", "duplicate_of", "closed_at", "close_reason", "taken_up_regionally")
    if not _link_exists(b, root):
        BottleneckLink.objects.create(
            team_id=b.team_id, source=b, target=root, kind=LinkKind.DUPLICATE, created_by=actor
        )
    # Whoever felt the duplicate feels the original: carry the organisations over, once each.
    organisations = set(
        Signal.objects.for_team(b.team_id).filter(bottleneck=b).values_list("organisation_id", flat=True)
    )
    if b.reporter_organisation_id:
        organisations.add(b.reporter_organisation_id)
    organisations.discard(root.reporter_organisation_id)
    organisations -= set(
        Signal.objects.for_team(b.team_id).filter(bottleneck=root).values_list("organisation_id", flat=True)
    )
    Signal.objects.bulk_create(
        [Signal(team_id=b.team_id, bottleneck=root, organisation_id=org, user=actor) for org in sorted(organisations)]
    )
    if organisations:
        Bottleneck.objects.for_team(b.team_id).filter(pk=root.pk).update(
            signal_count=F("signal_count") + len(organisations)
        )
    # What it carried over is written down, so reopening it takes exactly that back.
    _event(
        b,
        actor,
        EventKind.DUPLICATE,
        from_status=before,
        data={"target": root.pk, "title": root.title, "carried": sorted(organisations)},
    )
    _event(root, actor, EventKind.LINKED, data={"duplicate": b.pk, "title": b.title})
    if before == Status.ESCALATED:
        _thread_escalation(b, False, actor)
    _audit(b, actor, EventKind.DUPLICATE)
    _audit(root, actor, EventKind.LINKED)
    return b


@transaction.atomic
def bottleneck_link_agreement(*, actor, bottleneck: Bottleneck, agreement, kind: str) -> AgreementLink:
    """Tie a bottleneck to an agreement of its team: "resolved by" or "related to"."""
    rights = _rights(actor, bottleneck.team)
    if not rights.can_contribute:
        raise _forbidden(_("Only members of the team link agreements."))
    if kind not in AgreementLink.Kind.values:
        raise ActionRefused(_("Choose how the agreement relates to the bottleneck."))
    if agreement is None or agreement.team_id != bottleneck.team_id:
        raise ActionRefused(_("Choose an agreement of this team."))
    b = Bottleneck.objects.for_team(bottleneck.team_id).select_for_update().get(pk=bottleneck.pk)
    if AgreementLink.objects.for_team(b.team_id).filter(bottleneck=b, agreement=agreement).exists():
        raise ActionRefused(_("This agreement is already linked."))
    link = AgreementLink.objects.create(
        team_id=b.team_id, bottleneck=b, agreement=agreement, kind=kind, created_by=actor
    )
    _event(b, actor, EventKind.AGREEMENT_LINKED, data={"agreement": agreement.pk, "kind": kind})
    _audit(b, actor, EventKind.AGREEMENT_LINKED)
    return link
