"""The notices agreements make (wijkverband.work): who hears that an endorsement is asked, given,
declined, that an agreement was adopted or ended.

Called by the services inside their transaction, before the audit row (docs/audit.md). Every
notice goes through work.services.notices_create, which leaves out the actor and anyone who may
not read the team's agreements. Time-based notices (review date near or passed, reminders) are
made by the periodic job: `time_check` below, registered in AgreementsConfig.ready() (docs/work.md).
"""

from datetime import date
from urllib.parse import urlencode

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from wijkverband.agreements.models import ORGANISATION_KIND_OF, Agreement, Endorsement
from wijkverband.agreements.selectors import (
    agreements_owned_by,
    agreements_review_due_everywhere,
    bound_organisation_ids,
    consent_to_record,
    endorsement_asker,
    endorsements_asked_of,
    endorsements_waiting,
    endorsing_organisation_ids,
    external_organisation_ids,
    external_party_agreements,
    undecided_organisation_ids,
)
from wijkverband.tenancy.selectors import (
    READS_AGREEMENTS,
    coordinated_team_ids,
    membership_organisation_ids,
    organisation_member_ids,
    team_coordinator_ids,
    team_reaches,
)
from wijkverband.work.models import NoticeKind, SubjectKind
from wijkverband.work.serialise import WAITS_ON_ORGANISATION
from wijkverband.work.services import (
    Subject,
    notices_asked_again,
    notices_asking_withdraw,
    notices_create,
    notices_done,
    notices_of_leaving,
    notices_withdraw,
)
from wijkverband.work.services.reminders import Waiting, reminders_send, time_notice, time_notices_settle

#: The kind of external party an organisation is (an insurer's organisation: an insurer party).
PARTY_KIND_OF = {organisation_kind: party_kind for party_kind, organisation_kind in ORGANISATION_KIND_OF.items()}


def subject(agreement: Agreement) -> Subject:
    return Subject(
        team=agreement.team,
        kind=SubjectKind.AGREEMENT,
        id=agreement.pk,
        title=agreement.current_version.title,
        path=reverse("agreement_detail", kwargs={"team_slug": agreement.team.slug, "agreement_id": agreement.pk}),
        # An insurer's own account reads the agreements its organisation is party to: it hears of them.
        # Of an ended agreement, only those the version in force until the end bound.
        also_readers=frozenset(
            organisation_member_ids(
                team=agreement.team_id, organisation_ids=bound_organisation_ids(agreement=agreement), external=True
            )
        ),
    )


def rights_narrowed(*, user, team_ids, actor=None) -> None:
    """`user` may read or do less in these teams (registry.rights_narrowed). Where they decide for no
    organisation any more (a member made client representative), the requests to decide for theirs
    go, with their reminders: each asked what they cannot do now, and linked to a page where they
    cannot act. Made one that decides again (membership_start), what still waits on it asks them
    again, as it asks a new member of the organisation (endorsement_requested_of_newcomer).
    Where that is an external party's reach (a member made external party), they read the
    agreements their organisation is party to and no others (selectors.external_party_agreements):
    their notices of the others go. One no longer a coordinator (a coordinator made member) keeps
    the review-date notices only of the agreements they own. Those of every item but an agreement,
    and every "still waiting" told to the coordinators, go by work.services.rights_narrowed. Nor do
    they record an external party's consent: the coordinators' notice that it is theirs to goes."""
    organisations = membership_organisation_ids(user=user, team_ids=team_ids)
    not_deciding = [team_id for team_id in team_ids if organisations.get(team_id) is None]
    if not_deciding:
        notices_asking_withdraw(user=user, team_ids=not_deciding, subject_kind=SubjectKind.AGREEMENT, kinds=_ASKS)
    # The review date near or passed is told to the owner and the coordinators (time_check): one who
    # is no longer a coordinator keeps it only of the agreements they own. That an external party's
    # consent is theirs to record (consent_left_to_coordinators) was told to the coordinators alone,
    # and only a coordinator records it: it goes.
    uncoordinated = sorted(set(team_ids) - coordinated_team_ids(user=user, team_ids=team_ids))
    for team_id in uncoordinated:
        notices_asking_withdraw(
            user=user,
            team_ids=[team_id],
            subject_kind=SubjectKind.AGREEMENT,
            kinds=_REVIEWS,
            keep=agreements_owned_by(team=team_id, user=user).values("pk"),
        )
    if uncoordinated:
        notices_asking_withdraw(
            user=user, team_ids=uncoordinated, subject_kind=SubjectKind.TEAM, kinds=_LEAVINGS, phrase=CONSENT_TO_RECORD
        )
    reaches = team_reaches(user=user, team_ids=team_ids)
    external = [team_id for team_id in team_ids if reaches.get(team_id) == READS_AGREEMENTS]
    for team_id in external:
        readable = external_party_agreements(team=team_id, organisation_id=organisations.get(team_id))
        notices_withdraw(user=user, team=team_id, subject_kind=SubjectKind.AGREEMENT, keep=readable.values("pk"))


#: What asks a party organisation's people to decide: the request and its reminders.
_ASKS = (NoticeKind.ENDORSEMENT_REQUESTED, NoticeKind.REMINDER)

#: What asks the owner and the coordinators to review an agreement (time_check).
_REVIEWS = (NoticeKind.REVIEW_SOON, NoticeKind.REVIEW_PASSED)

#: The kinds of a leaving's notice (work.services.notices_of_leaving): someone left, was removed, or
#: was given a role in which they hold none of it.
_LEAVINGS = (NoticeKind.MEMBER_LEFT, NoticeKind.MEMBER_REMOVED, NoticeKind.MEMBER_ROLE_CHANGED)


def owner_passed(*, team, user, actor, owner, agreements: list[Agreement], role_changed: bool = False) -> None:
    """`user` left the team (or `actor` removed them) and `owner` owns their agreements now
    (services.membership_release): one notice to the new owner, linked to the agreement or, for
    several, to the team's list of the agreements they own. Nothing for whoever removed them and
    takes them over: they read it in the question before."""
    count = len(agreements)
    if count == 1:
        path = subject(agreements[0]).path
    else:
        path = reverse("agreement_list", kwargs={"team_slug": team.slug}) + f"?owner={owner.pk}"

    stamp = f"team:{team.pk}:user:{user.pk}:{int(timezone.now().timestamp() * 1000)}"
    told = {owner.pk: ({"phrase": OWNER_NOW, "count": count}, path)}
    notices_of_leaving(
        team=team, user=user, actor=actor, told=told, key=f"agreements:{stamp}", role_changed=role_changed
    )


#: The title of the notice to whoever owns a leaver's agreements now (work.serialise.register_notice_phrase,
#: in AgreementsConfig.ready): written as it is read, in the reader's language.
OWNER_NOW = "agreements.owner_now"


def owner_now_words(params: dict) -> str:
    count = int(params["count"])
    return ngettext(
        "you are the owner of %(count)d agreement now", "you are the owner of %(count)d agreements now", count
    ) % {"count": count}


def consent_left_to_coordinators(
    *, team, user, actor, organisation, agreements: list[Agreement], count: int, role_changed: bool = False
) -> None:
    """`user`, the last account of an external party (`organisation`), left the team (or `actor`
    removed them; role_changed: gave them a role that decides for no organisation, a client
    representative), and `count` agreements wait for its consent, which a coordinator records now
    (services.consent_record): one notice of a leaving to each of the team's coordinators, naming the
    organisation and the count (no agreement's title), linked to the agreement or, for several, to
    the team's agreements with a party of its kind. Nothing for whoever removed them: they read it in
    the question before. Done once none waits for them (consent_waits_settle)."""
    if count == 1:
        path = subject(agreements[0]).path
    else:
        path = reverse("agreement_list", kwargs={"team_slug": team.slug})
        kind = PARTY_KIND_OF.get(organisation.kind)
        if kind is not None:
            path += "?" + urlencode({"party": f"kind:{kind}"})
    stamp = int(timezone.now().timestamp() * 1000)
    # "organisation", not "name": a phrase's "name" is the one who left, as called now (Notice.shown_title).
    params = {"phrase": CONSENT_TO_RECORD, "count": count, "organisation": organisation.name}
    told = dict.fromkeys(team_coordinator_ids(team=team.pk), (params, path))
    notices_of_leaving(
        team=team,
        user=user,
        actor=actor,
        told=told,
        key=f"{_consent_key(team.pk, organisation.pk)}{stamp}",
        role_changed=role_changed,
    )


def _consent_key(team_id: int, organisation_id: int) -> str:
    """What the keys of one organisation's consent notices hold (consent_left_to_coordinators)."""
    return f"consent:team:{team_id}:org:{organisation_id}:"


def consent_waits_settle(*, team, organisation_ids) -> None:
    """The coordinators' notices that these organisations' consent is theirs to record are done once
    nothing waits for them to record it: its consent recorded on each (which may adopt it), the party
    removed, the agreement ended; or an account of the organisation is back, which decides itself."""
    team_id = getattr(team, "pk", team)
    for organisation_id in sorted(set(organisation_ids)):
        if not organisation_member_ids(team=team_id, organisation_ids=[organisation_id], external=True) and (
            consent_to_record(team=team_id, organisation_id=organisation_id).exists()
        ):
            continue
        notices_done(
            team=team_id,
            subject_kind=SubjectKind.TEAM,
            subject_id=team_id,
            kinds=_LEAVINGS,
            key_contains=f":{_consent_key(team_id, organisation_id)}",
        )


#: The title of the notice to the coordinators that an external party's consent is theirs to record
#: (work.serialise.register_notice_phrase, in AgreementsConfig.ready).
CONSENT_TO_RECORD = "agreements.consent_to_record"


def consent_to_record_words(params: dict) -> str:
    count = int(params["count"])
    return ngettext(
        "%(count)d agreement waits for you to record the consent of %(organisation)s",
        "%(count)d agreements wait for you to record the consent of %(organisation)s",
        count,
    ) % {"count": count, "organisation": params["organisation"]}


def _owner_and_parties(agreement: Agreement, *, organisation_ids: set[int] | None = None) -> set[int]:
    """The owner and everyone who endorses for a party (an external party's own accounts too), or
    for the parties of `organisation_ids`."""
    if organisation_ids is None:
        organisation_ids = endorsing_organisation_ids(agreement=agreement)
    members = organisation_member_ids(team=agreement.team_id, organisation_ids=organisation_ids, external=None)
    return {agreement.current_version.owner_id, *members}


def _notify(kind: str, agreement: Agreement, *, actor, recipients, key: str) -> None:
    notices_create(
        kind=kind,
        subject=subject(agreement),
        recipients=recipients,
        actor=actor,
        key=f"{kind}:agreement:{agreement.pk}:v{agreement.version_count}{key}",
    )


def _request_key(agreement: Agreement) -> str:
    """The key of the request to decide on the current version (_notify's, one for every party)."""
    return f"{NoticeKind.ENDORSEMENT_REQUESTED}:agreement:{agreement.pk}:v{agreement.version_count}"


def _reminder_base(agreement: Agreement, organisation_id: int) -> str:
    """The request to one party organisation, as its reminders name it (time_check)."""
    return f"agreement:{agreement.pk}:v{agreement.version_count}:org{organisation_id}"


def party_added(agreement: Agreement, party, *, actor) -> None:
    """A party added to the version that awaits decisions is asked to decide, as every party that has
    not decided yet (endorsement_requested). One removed from this version and added back was asked
    before, and its removal made that request done (party_removed): the request is made again, as a
    new one (unread, pushed, in the digest), and its reminders start over. The request to every other
    party stays as it is: nobody hears it twice."""
    if party.organisation_id is not None:
        base = _reminder_base(agreement, party.organisation_id)
        common = {"team": agreement.team_id, "subject_kind": SubjectKind.AGREEMENT, "subject_id": agreement.pk}
        notices_asked_again(
            **common,
            user_ids=organisation_member_ids(
                team=agreement.team_id, organisation_ids=[party.organisation_id], external=None
            ),
            keys=[_request_key(agreement)],
            key_prefixes=[f"{NoticeKind.REMINDER}:{base}:"],
        )
        # The coordinators hear again if it still waits after two reminders of the new request.
        notices_asked_again(**common, keys=[f"{NoticeKind.STILL_WAITING}:{base}"])
    endorsement_requested(agreement, actor=actor)


def endorsement_requested(agreement: Agreement, *, actor) -> None:
    """The current version awaits endorsement: to the members of each party organisation that has not
    endorsed it. A new version asks again; what an earlier version asked is done."""
    _requests_done(agreement, keep_current=True)
    members = organisation_member_ids(
        team=agreement.team_id, organisation_ids=undecided_organisation_ids(agreement=agreement), external=None
    )
    _notify(NoticeKind.ENDORSEMENT_REQUESTED, agreement, actor=actor, recipients=members, key="")


def endorsement_requested_of_newcomer(*, team, user) -> None:
    """`user` joined the team, or acts for an organisation there now (services.membership_start):
    each request that waits on their organisation's decision asks them too, as it asked its other
    members when it was made: the same notice (kind, key, asker), so an insurer's account made
    after the request hears of it (in its notices, digest, e-mail), and nobody hears it twice."""
    for agreement in endorsements_asked_of(user=user).filter(team=team):
        asker = endorsement_asker(agreement=agreement, organisation_id=agreement.my_organisation)
        _notify(NoticeKind.ENDORSEMENT_REQUESTED, agreement, actor=asker, recipients={user.pk}, key="")
    # An external party's account back in the team: its organisation decides itself again, and the
    # coordinators' notice that its consent was theirs to record is done.
    organisation_id = membership_organisation_ids(user=user, team_ids=[team.pk]).get(team.pk)
    if organisation_id is not None:
        consent_waits_settle(team=team, organisation_ids=[organisation_id])


def decided(agreement: Agreement, endorsement: Endorsement, *, actor) -> None:
    """A party endorsed or declined: to the owner and the parties; that party's request is done."""
    endorsed = endorsement.decision == "endorsed"
    kind = NoticeKind.AGREEMENT_ENDORSED if endorsed else NoticeKind.AGREEMENT_DECLINED
    _notify(kind, agreement, actor=actor, recipients=_owner_and_parties(agreement), key=f":party{endorsement.party_id}")
    if endorsement.party.organisation_id is not None:
        notices_done(
            team=agreement.team_id,
            subject_kind=SubjectKind.AGREEMENT,
            subject_id=agreement.pk,
            kinds=[NoticeKind.ENDORSEMENT_REQUESTED, NoticeKind.REMINDER],  # the request and its reminders
            user_ids=organisation_member_ids(
                team=agreement.team_id, organisation_ids=[endorsement.party.organisation_id], external=None
            ),
        )


def party_removed(agreement: Agreement, party) -> None:
    """A party removed from the pending version is asked nothing any more: its members' requests to
    decide (and their reminders) are done. Its members are told nothing else.

    An external party's own accounts read the agreement only while their organisation is party to it
    (selectors.external_party_agreements): one removed from the only version it was party to may no
    longer read it, and its notices of it go (each named a 404 in their list, count and digest), as a
    role change takes away what someone may no longer read (rights_narrowed)."""
    if party.organisation_id is None:
        return
    accounts = organisation_member_ids(team=agreement.team_id, organisation_ids=[party.organisation_id], external=True)
    if accounts:  # first: those that go are not marked read (and pushed) before
        readable = external_party_agreements(team=agreement.team_id, organisation_id=party.organisation_id)
        for user in get_user_model().objects.filter(pk__in=accounts).order_by("pk"):
            notices_withdraw(
                user=user, team=agreement.team_id, subject_kind=SubjectKind.AGREEMENT, keep=readable.values("pk")
            )
    notices_done(
        team=agreement.team_id,
        subject_kind=SubjectKind.AGREEMENT,
        subject_id=agreement.pk,
        kinds=[NoticeKind.ENDORSEMENT_REQUESTED, NoticeKind.REMINDER],
        user_ids=organisation_member_ids(
            team=agreement.team_id, organisation_ids=[party.organisation_id], external=None
        ),
    )
    if party.is_external:  # its consent no longer waits on this one
        consent_waits_settle(team=agreement.team_id, organisation_ids=[party.organisation_id])


def adopted(agreement: Agreement, *, actor) -> None:
    _notify(NoticeKind.AGREEMENT_ADOPTED, agreement, actor=actor, recipients=_owner_and_parties(agreement), key="")
    _requests_done(agreement)


def ended(agreement: Agreement, *, actor) -> None:
    """To the owner and the parties it bound until the end: those of the version in force (a party
    only of a newer version that was never adopted is no party to it), or of its last version when
    it was never adopted (selectors._binding)."""
    recipients = _owner_and_parties(agreement, organisation_ids=bound_organisation_ids(agreement=agreement))
    _notify(NoticeKind.AGREEMENT_ENDED, agreement, actor=actor, recipients=recipients, key="")
    _requests_done(agreement)
    consent_waits_settle(team=agreement.team_id, organisation_ids=external_organisation_ids(agreement=agreement))


def _requests_done(agreement: Agreement, *, keep_current: bool = False) -> None:
    """Endorsement requests that no longer ask anything (adopted, ended, or of an older version)."""
    keep = _request_key(agreement)
    notices_done(
        team=agreement.team_id,
        subject_kind=SubjectKind.AGREEMENT,
        subject_id=agreement.pk,
        kinds=[NoticeKind.ENDORSEMENT_REQUESTED],
        keep_key=keep if keep_current else None,
    )


# --- time checks: the hourly job (work.services.reminders) ----------------------------------------

#: An unanswered endorsement request is recalled every so many working days.
ENDORSEMENT_REMINDER_DAYS = 5


def time_check(today: date) -> int:
    """Reminders of endorsements that wait; the review date near (30 days) or passed, to the owner
    and the coordinators. What is done (endorsed, adopted, ended, rescheduled) is settled."""
    coordinators = _Coordinators()
    live: set[str] = set()
    made = 0
    for wait in endorsements_waiting():
        agreement = wait.agreement
        base = _reminder_base(agreement, wait.organisation_id)
        live.add(base)
        made += reminders_send(
            Waiting(
                subject=subject(agreement),
                base=base,
                since=timezone.localdate(wait.since),
                interval=ENDORSEMENT_REMINDER_DAYS,
                waiting_on=wait.member_ids,
                coordinators=coordinators.of(agreement.team_id),
                waits_on={"waits_on": WAITS_ON_ORGANISATION, "name": wait.organisation_name},
            ),
            today=today,
        )
    for agreement in agreements_review_due_everywhere():
        review = agreement.current_version.review_date
        passed = review < today
        kind = NoticeKind.REVIEW_PASSED if passed else NoticeKind.REVIEW_SOON
        base = f"agreement:{agreement.pk}:{kind}:{review.isoformat()}"
        live.add(base)
        made += time_notice(
            kind=kind,
            subject=subject(agreement),
            recipients=[agreement.current_version.owner_id],
            coordinators=coordinators.of(agreement.team_id),
            base=base,
        )
    time_notices_settle(subject_kind=SubjectKind.AGREEMENT, live=live)
    return made


class _Coordinators:
    """The coordinators of each team, read once per team per run."""

    def __init__(self):
        self._known: dict[int, set[int]] = {}

    def of(self, team_id: int) -> set[int]:
        if team_id not in self._known:
            self._known[team_id] = team_coordinator_ids(team=team_id)
        return self._known[team_id]
