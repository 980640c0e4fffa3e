"""Writes for notices: creating them for the right people, reading them, and the preferences.

Feature apps (agreements, bottlenecks, threads) call `notices_create` inside the transaction of
the change a notice is about. It keeps out the actor and everyone who may not read the item (a
client representative never hears of an internal item), makes at most one notice per person per
event (`key`), and after the commit pushes each person's open pages the new notice and hands the
ones that are e-mailed at once to the mail outbox (wijkverband.work.services.mail).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from wijkverband.audit.services import audit_record
from wijkverband.core.errors import ActionRefused
from wijkverband.realtime import publish
from wijkverband.tenancy.models import Team
from wijkverband.tenancy.selectors import (
    READS_AGREEMENTS,
    READS_VISIBLE,
    coordinated_team_ids,
    internal_reader_ids,
    member_manager_team_ids,
    team_reaches,
)
from wijkverband.tenancy.services import coordinators_held, team_readers_held
from wijkverband.work import selectors
from wijkverband.work.models import Frequency, Notice, NoticeKind, NoticePreference, SubjectKind
from wijkverband.work.serialise import dumps, frame_in_words_of_ours, notice_frame, phrase_known, shown_title
from wijkverband.work.services import mail


@dataclass(frozen=True)
class Subject:
    """The item a notice is about, as its app describes it."""

    team: Team
    kind: str  # SubjectKind
    id: int
    title: str
    path: str  # where the notice links (a path of ours)
    #: Only the team's professionals and the region's overseers may read it (an internal
    #: bottleneck, a thread not opened to client representatives).
    internal: bool = False
    #: People outside the team's readers who may read this item: an external party's own accounts,
    #: for an agreement their organisation is party to (team_readers_held leaves them out).
    also_readers: frozenset[int] = frozenset()


def notices_create(
    *,
    kind: str,
    subject: Subject,
    recipients: Iterable[int],
    actor=None,
    key: str,
    seq: int | None = None,
    params: dict | None = None,
    read_by: Iterable[int] = (),
    as_coordinators: bool = False,
) -> int:
    """One notice per recipient who may read the subject, except the actor; none twice for one key.

    params: a title that is a phrase of ours (work.serialise.register_notice_phrase), written as it
    is read; subject.title then holds its words as written now, shown only where it cannot be.
    read_by: recipients who have seen what it is about already (a mention in a message that arrived
    on the thread they were reading): theirs is made read, and neither pushed to their pages nor
    mailed, as if they had read it the moment it was made.
    as_coordinators: the recipients are told as the team's coordinators (what rights_narrowed takes
    from one who no longer is): only those who coordinate it when the notice is made get it, their
    memberships held FOR SHARE until the caller's transaction ends (tenancy.services.coordinators_held),
    so a coordinator made member meanwhile is waited for and left out, and one made member later
    waits for the notice and takes it away. Only who has no notice of this key yet is held.
    Returns how many people got it now: a person who has this key's notice already keeps it and is
    not pushed or mailed again (a retried job, a reminder check that runs every hour)."""
    if kind not in NoticeKind.values or subject.kind not in SubjectKind.values:
        raise ValueError(f"Unknown notice {kind!r} about {subject.kind!r}")
    if not phrase_known(params):
        raise ValueError(f"Unknown phrase {params!r}: register it (work.serialise.register_notice_phrase)")
    wanted = {uid for uid in recipients if uid} - {getattr(actor, "pk", None)}
    if not wanted:
        return 0
    # Their memberships held: a removal under way leaves them out, one after waits and takes it away.
    readers = team_readers_held(team=subject.team, user_ids=wanted, internal=subject.internal)
    ids = sorted(wanted & (readers | subject.also_readers))
    if not ids:
        return 0
    key = key[:120]
    have = set(Notice.objects.for_team(subject.team).filter(key=key, user_id__in=ids).values_list("user_id", flat=True))
    ids = [user_id for user_id in ids if user_id not in have]
    if ids and as_coordinators:
        ids = sorted(coordinators_held(team=subject.team, user_ids=ids))
    if not ids:
        return 0
    now = timezone.now()
    seen = set(read_by)
    # ignore_conflicts: the same event at the same moment (two workers) still makes one notice a person.
    Notice.objects.bulk_create(
        [
            Notice(
                team=subject.team,
                user_id=user_id,
                kind=kind,
                actor=actor,
                subject_kind=subject.kind,
                subject_id=subject.id,
                title=subject.title[:200],
                params=params or {},
                path=subject.path,
                internal=subject.internal,
                seq=seq,
                key=key,
                created_at=now,
                read_at=now if user_id in seen else None,
            )
            for user_id in ids
        ],
        ignore_conflicts=True,
    )
    told = [user_id for user_id in ids if user_id not in seen]
    if not told:
        return len(ids)
    frames = _frames(kind=kind, subject=subject, actor=actor, params=params, user_ids=told)
    transaction.on_commit(partial(_deliver, key=key, kind=kind, frames=frames))
    return len(ids)


def _frames(*, kind: str, subject: Subject, actor, params: dict | None, user_ids: list[int]) -> dict[int, str]:
    """Each person's live frame. A title in words of ours (a phrase, a signal's name) and the label a
    notice is read by are written in the person's language, the one their pages are in
    (accounts.User.language), as their notices page writes it: the actor's was said on an English
    page as "Signaal #4", and the hourly job's reminders in the product's first language."""
    if not frame_in_words_of_ours(kind=kind, subject_kind=subject.kind, actor=actor, params=params):
        return dict.fromkeys(user_ids, notice_frame(kind=kind, subject=subject, actor=actor, params=params))
    languages = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "language"))
    frames: dict[int, str] = {}
    by_language: dict[str, str] = {}
    for user_id in user_ids:
        language = languages.get(user_id) or settings.LANGUAGE_CODE
        if language not in by_language:
            with translation.override(language):
                by_language[language] = notice_frame(kind=kind, subject=subject, actor=actor, params=params)
        frames[user_id] = by_language[language]
    return frames


#: What a notice of someone leaving says (registered in WorkConfig.ready): the actor is the person
#: who left or was removed, the title a phrase of ours, written as it is read ("3 open knelpunten
#: hebben een nieuwe eigenaar nodig": the apps register their phrases).
LEAVING_SENTENCES = {
    NoticeKind.MEMBER_LEFT: lambda: _("%(actor)s left the team: %(title)s"),
    NoticeKind.MEMBER_REMOVED: lambda: _("%(actor)s was removed from the team: %(title)s"),
    NoticeKind.MEMBER_ROLE_CHANGED: lambda: _("%(actor)s has a role now in which they cannot own anything: %(title)s"),
}


def notices_of_leaving(
    *, team: Team, user, actor, told: dict[int, tuple[dict, str]], key: str, role_changed: bool = False
) -> int:
    """Someone (`user`) left the team or `actor` removed them, and what they held needs others: one
    notice per person in `told`, which maps each to (the notice's title as a phrase of ours and its
    values, {"phrase": …, "count": …}, registered with work.serialise.register_notice_phrase; the
    path it links to). Called by the apps' MembershipEnd.release.

    The title is a phrase with a count, not an item's title: it is written as it is read, in the
    reader's language of the moment (the words in the person's language now are stored beside it,
    for a phrase that can no longer be written). The notice's actor is the one who left (never
    told), and whoever removed them is not told either: they saw what was let go in the question
    before. Internal: only professionals and overseers hear of it. role_changed: they stay in the team
    with a role that holds none of it (a member made client representative)."""
    removed = actor is not None and actor.pk != user.pk
    kind = NoticeKind.MEMBER_REMOVED if removed else NoticeKind.MEMBER_LEFT
    if role_changed:
        kind = NoticeKind.MEMBER_ROLE_CHANGED
    wanted = set(told) - {user.pk, getattr(actor, "pk", None)}
    made = 0
    languages = get_user_model().objects.filter(pk__in=wanted).values_list("pk", "language")
    for user_id, language in sorted(languages):
        params, path = told[user_id]
        with translation.override(language or settings.LANGUAGE_CODE):
            words = shown_title(subject_kind=SubjectKind.TEAM, subject_id=team.pk, title="", params=params)
        subject = Subject(team=team, kind=SubjectKind.TEAM, id=team.pk, title=words, path=path, internal=True)
        made += notices_create(
            kind=kind, subject=subject, recipients=[user_id], actor=user, key=f"{kind}:{key}", params=params
        )
    return made


def _deliver(*, key: str, kind: str, frames: dict[int, str]) -> None:
    """After the commit: each person's open pages hear of their new notice; e-mail what is urgent
    (in the worker: nothing here waits for a mail server)."""
    for user_id, frame in frames.items():
        publish.user_push(user_id=user_id, frame=frame)
    mail.notices_committed(key=key, kind=kind, user_ids=list(frames))


def notices_settle(
    *,
    user,
    subject_kind: str,
    subject_id: int,
    kinds: Iterable[str],
    seq: int | None = None,
    key: str | None = None,
    keys: Iterable[str] | None = None,
) -> int:
    """The person dealt with these notices (read the thread this far, endorsed, answered): read.

    seq: for discussions, only notices of messages up to this sequence number; key: only that one;
    keys: only those.
    """
    rows = Notice.objects.across_teams().filter(
        user=user, read_at__isnull=True, subject_kind=subject_kind, subject_id=subject_id, kind__in=list(kinds)
    )
    if seq is not None:
        rows = rows.filter(seq__lte=seq)
    if key is not None:
        rows = rows.filter(key=key)
    if keys is not None:
        rows = rows.filter(key__in=list(keys))
    # Usually matches nothing: a probe of the person's few unread rows (index user, read_at).
    settled = rows.update(read_at=timezone.now())
    if settled:
        transaction.on_commit(partial(unread_count_push, user=user))
    return settled


def notices_done(
    *,
    team,
    subject_kind: str,
    subject_id: int,
    kinds: Iterable[str],
    user_ids=None,
    keep_key: str | None = None,
    key_contains: str | None = None,
    key: str | None = None,
) -> int:
    """What these notices asked for is done (endorsed, answered, taken up): they are read for
    everyone who got them (or only for user_ids; all but those with keep_key; only those whose key
    holds key_contains; only those of this one request, key), and their open pages get the new count."""
    rows = Notice.objects.for_team(team).filter(
        read_at__isnull=True, subject_kind=subject_kind, subject_id=subject_id, kind__in=list(kinds)
    )
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    if keep_key is not None:
        rows = rows.exclude(key=keep_key)
    if key_contains is not None:
        rows = rows.filter(key__contains=key_contains)
    if key is not None:
        rows = rows.filter(key=key)
    users = list(rows.values_list("user_id", flat=True).distinct())
    if not users:
        return 0
    done = rows.update(read_at=timezone.now())
    transaction.on_commit(partial(_counts_push, user_ids=users))
    return done


def notices_asked_again(
    *,
    team,
    subject_kind: str,
    subject_id: int,
    user_ids=None,
    keys: Iterable[str] = (),
    key_prefixes: Iterable[str] = (),
) -> int:
    """A request that was done because it was withdrawn (a party removed from the version it decides
    on) is made again: its done notices for these people (or everyone) go, so that its keys are free
    and notices_create makes a fresh one, unread, pushed and mailed or digested like any new request
    (Notice keeps one per person per key). A notice still unread still asks: it stays, so nobody is
    told twice. Only keys equal to `keys` or starting with one of `key_prefixes`."""
    match = Q()
    for key in keys:
        match |= Q(key=key)
    for prefix in key_prefixes:
        match |= Q(key__startswith=prefix)
    if not match:
        return 0
    rows = Notice.objects.for_team(team).filter(
        match, read_at__isnull=False, subject_kind=subject_kind, subject_id=subject_id
    )
    if user_ids is not None:
        rows = rows.filter(user_id__in=list(user_ids))
    return rows.delete()[0]


def _counts_push(*, user_ids: list[int]) -> None:
    from django.contrib.auth import get_user_model

    for user in get_user_model().objects.filter(pk__in=user_ids):
        unread_count_push(user=user)


def membership_holdings(*, team, user, actor=None, role=None) -> list[str]:
    return []  # notices are pointers, not work: nothing to say before someone leaves


def membership_release(*, team, user, actor) -> None:
    """Someone left the team or was removed from it: their notices of it go. Each links to a page
    of the team that is a 404 to them now, and would go into their next digest."""
    _withdraw(Notice.objects.for_team(team).filter(user=user), user=user)


#: The kinds of notice told only to the team's coordinators, because they coordinate (withdrawn from
#: one who no longer does: rights_narrowed): an item still waits after two reminders, a client
#: representative filed a signal (the coordinators triage it: signals.policy.may_triage). An
#: agreement's review date, told to its owner and the coordinators, and an unowned bottleneck past
#: its acceptance target are their apps' to withdraw (agreements.notices, bottlenecks.notices).
COORDINATORS_ONLY = [NoticeKind.STILL_WAITING, NoticeKind.SIGNAL_FILED]


def rights_narrowed(*, user, team_ids, actor=None) -> None:
    """`user` may read or do less in these teams than before (registry.rights_narrowed: a member
    made client representative or external party, a coordinator made member, a region role ended or
    narrowed, a region administrator made overseer): their notices of items they may no longer read
    go, as a leaver's of the team do (membership_release), and those that ask what they may no
    longer do (an invitation's, which asks whoever manages the members). Each named an item that is
    a 404 to them now, or work they cannot act on, in their list, their unread count and their next
    digest. What another role still lets them read stays: a region's overseer who is a client
    representative of one of its teams keeps the notices of its items that are not internal. An
    external party reads the agreements its organisation is party to: the agreements app takes away
    the notices of the others (notices_withdraw)."""
    reaches = team_reaches(user=user, team_ids=team_ids)
    by_reach: dict[str | None, list[int]] = {}
    for team_id in team_ids:
        by_reach.setdefault(reaches.get(team_id), []).append(team_id)
    unreadable = Q()
    if by_reach.get(None):
        unreadable |= Q(team_id__in=by_reach[None])
    if by_reach.get(READS_VISIBLE):
        unreadable |= Q(team_id__in=by_reach[READS_VISIBLE], internal=True)
    if by_reach.get(READS_AGREEMENTS):
        unreadable |= Q(team_id__in=by_reach[READS_AGREEMENTS]) & ~Q(subject_kind=SubjectKind.AGREEMENT)
    # An invitation's notices (its mail did not go out) ask who manages the team's members to act: a
    # coordinator made member (or a region administrator made overseer) may no longer
    # (services.invitations).
    unmanaged = set(team_ids) - member_manager_team_ids(user=user, team_ids=team_ids)
    if unmanaged:
        unreadable |= Q(team_id__in=sorted(unmanaged), subject_kind=SubjectKind.INVITATION)
    # "Still waiting after two reminders" and a signal filed ask the team's coordinators to act, each
    # their own (reminders._still_waiting, signals.notices.filed): a coordinator made member (or
    # client representative, external party) is no longer one of them. What they hear as owner,
    # reporter or the one waited on stays.
    uncoordinated = set(team_ids) - coordinated_team_ids(user=user, team_ids=team_ids)
    if uncoordinated:
        unreadable |= Q(team_id__in=sorted(uncoordinated), kind__in=COORDINATORS_ONLY)
    if unreadable:
        _withdraw(Notice.objects.across_teams().filter(unreadable, user=user), user=user)


def notices_internal_set(*, team, subject_kind: str, subject_id: int, internal: bool) -> int:
    """The item became internal, or is no longer (a bottleneck marked internal or visible, a thread
    closed or opened to client representatives): its notices say so from now on (Notice.internal,
    read when someone's rights narrow), and those of people who may not read internal items go, as
    in rights_narrowed (a client representative mentioned in a thread since closed to them). Their
    open pages get the new count. Returns how many went."""
    rows = Notice.objects.for_team(team).filter(subject_kind=subject_kind, subject_id=subject_id)
    rows.exclude(internal=internal).update(internal=internal)
    if not internal:
        return 0
    people = set(rows.values_list("user_id", flat=True))
    outside = people - internal_reader_ids(team=team, among=people)
    if not outside:
        return 0
    gone = rows.filter(user_id__in=outside).delete()[0]
    transaction.on_commit(partial(_counts_push, user_ids=sorted(outside)))
    return gone


def notices_withdraw(*, user, team, subject_kind: str, keep) -> int:
    """`user` may read no more of the team's items of this kind than `keep` (their ids, or a query of
    them): their notices of the others go, and their open pages get the new count."""
    rows = Notice.objects.for_team(team).filter(user=user, subject_kind=subject_kind).exclude(subject_id__in=keep)
    return _withdraw(rows, user=user)


def notices_asking_withdraw(
    *,
    user,
    team_ids,
    subject_kind: str,
    kinds: Iterable[str],
    keep=None,
    key_contains: str | None = None,
    phrase: str | None = None,
) -> int:
    """`user` may no longer do what these kinds of notices ask of them in these teams (decide for an
    organisation: rights_narrowed): theirs go, read or not, and their open pages get the new count.
    A request made to them again later is a new notice (its key is free). `keep`: the items (ids, or
    a query of them) whose notices they still act on (an agreement they own). `key_contains`: only
    those whose key names this request (a bottleneck's ":accept:"). `phrase`: only those whose title
    is this phrase of ours (a leaving's "need a new owner", told to the coordinators)."""
    rows = Notice.objects.for_teams(list(team_ids)).filter(user=user, subject_kind=subject_kind, kind__in=list(kinds))
    if keep is not None:
        rows = rows.exclude(subject_id__in=keep)
    if key_contains is not None:
        rows = rows.filter(key__contains=key_contains)
    if phrase is not None:
        rows = rows.filter(params__phrase=phrase)
    return _withdraw(rows, user=user)


def _withdraw(rows, *, user) -> int:
    gone = rows.delete()[0]
    if gone:
        transaction.on_commit(partial(_counts_push, user_ids=[user.pk]))
    return gone


@transaction.atomic
def notices_mark_read(*, actor, notice_ids: list[int] | None = None) -> int:
    # The person's own notices, in all their teams.
    rows = Notice.objects.across_teams().filter(user=actor, read_at__isnull=True)
    if notice_ids is not None:
        rows = rows.filter(pk__in=notice_ids)
    marked = rows.update(read_at=timezone.now())
    if marked:
        transaction.on_commit(partial(unread_count_push, user=actor))
    return marked


def unread_count_push(*, user) -> None:
    """Tell the person's open pages their number of unread notices (the header's count)."""
    unread = selectors.unread_notice_count(user=user)
    publish.user_push(user_id=user.pk, frame=dumps({"type": "notifications", "unread": unread}))


PREFERENCE_FIELDS = ("digest", "email_mentions", "email_ownership", "email_escalations")


@transaction.atomic
def notice_preferences_set(*, actor, **values) -> NoticePreference:
    """Change some of the person's e-mail preferences (the others stay as they are)."""
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown preferences: {sorted(unknown)}")
    if "digest" in values and values["digest"] not in Frequency.values:
        raise ActionRefused(_("Choose daily, weekly or off."), field="digest")
    preference, _created = NoticePreference.objects.get_or_create(user=actor)
    for name, value in values.items():
        setattr(preference, name, value if name == "digest" else bool(value))
    # Only these: a save of every field wrote back what another change (a second one-click
    # unsubscribe, the digest's last_digest_at) had committed while this one waited for the row.
    preference.save(update_fields=list(values))
    audit_record(actor=actor, action="notice_preferences.changed", data={k: v for k, v in values.items()})
    return preference
