"""Reads for agreements. Every function uses a constant number of queries, whatever the row count."""

import difflib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkverband.agreements.models import (
    EXTERNAL_KINDS,
    TRIANGLE_KINDS,
    Action,
    Agreement,
    AgreementEvent,
    AgreementVersion,
    Decision,
    Dimension,
    Endorsement,
    Indicator,
    Measurement,
    Party,
    PartyKind,
    Status,
)
from wijkverband.core.textsearch import text_matching
from wijkverband.tenancy.models import Membership, Organisation, Team, TeamOrganisation
from wijkverband.tenancy.selectors import organisation_member_ids, team_organisation_choices

#: An agreement is "due for review" from this many days before its review date.
REVIEW_NOTICE_DAYS = 30
#: The detail page and the chart show this many of an indicator's latest measurements.
CHART_MEASUREMENTS = 24
PAGE_SIZE = 25


def review_due_cutoff():
    return timezone.localdate() + timedelta(days=REVIEW_NOTICE_DAYS)


def is_review_due(agreement: Agreement) -> bool:
    version = agreement.current_version
    return (
        agreement.status in (Status.PROPOSED, Status.ADOPTED)
        and version is not None
        and version.review_date is not None
        and version.review_date <= review_due_cutoff()
    )


def _review_due_q() -> Q:
    return Q(status__in=[Status.PROPOSED, Status.ADOPTED], current_version__review_date__lte=review_due_cutoff())


def _count_subquery(queryset, outer: str) -> Coalesce:
    counted = queryset.filter(**{outer: OuterRef("pk")}).order_by().values(outer).annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@dataclass
class ListFilters:
    status: str = ""
    party: str = ""  # "org:<id>" or "kind:<external kind>"
    owner: str = ""  # user id
    review_due: bool = False
    q: str = ""


def _binding(parties: QuerySet[Party]) -> QuerySet[Party]:
    """Of party rows (Party.on_record) correlated to an agreement (OuterRef), those of its current
    version or of its version in force: the parties it binds or that decide on it. Not one that left
    a version since adopted, nor one of an older version only.

    Once ended nobody decides on it any more: an agreement that was adopted binds the parties of the
    version in force until the end (`adopted_version`) and no others, so a party only of a newer
    version that was never adopted is no party to it. One ended before it was ever adopted bound
    nobody; it keeps the parties of its last version, the one its pages show and on which they
    decided (or were asked to): otherwise nobody outside the team could read it at all."""
    in_force = Party.of_version(OuterRef("adopted_version__number"))
    ended_in_force = Q(agreement__status=Status.ENDED, agreement__adopted_version__isnull=False)
    return parties.filter(in_force | (Q(left_version__isnull=True) & ~ended_in_force))


def external_party_agreements(*, team, organisation_id: int | None) -> QuerySet[Agreement]:
    """What an external party's account sees of the team: the agreements its organisation is party
    to (of the current version or of the version in force), once proposed (a concept is the team's
    draft). Of those it reads the versions it is party to (party_version_numbers)."""
    parties = _binding(Party.on_record.for_team(team).filter(agreement=OuterRef("pk"), organisation_id=organisation_id))
    return Agreement.objects.for_team(team).filter(Exists(parties)).exclude(status=Status.CONCEPT)


def agreements_owned_by(*, team, user) -> QuerySet[Agreement]:
    """The team's agreements whose current version `user` owns."""
    return Agreement.objects.for_team(team).filter(current_version__owner=user)


def party_version_numbers(*, agreement: Agreement, organisation_id: int | None) -> set[int]:
    """The numbers of the versions this organisation is party to (one query)."""
    stretches = (
        Party.on_record.for_team(agreement.team_id)
        .filter(agreement=agreement, organisation_id=organisation_id)
        .values_list("joined_version", "left_version")
    )
    return {
        number for joined, left in stretches for number in range(joined or 1, (left or agreement.version_count + 1))
    }


def external_party_organisation_ids(*, team) -> set[int]:
    """The organisations of the external parties to the team's agreements (an invitation with the
    role "external party" names one of them; registered in AgreementsConfig.ready())."""
    return set(Party.objects.for_team(team).exclude(kind=PartyKind.PROVIDER).values_list("organisation_id", flat=True))


def _shows_version_in_force(*, team, organisation_id: int | None) -> Q:
    """The condition for an agreement (in a list) whose pages show its version in force rather than
    its newest version, as the detail page chooses (views._shown_version): an ended agreement whose
    newest version was never adopted; for an external party's organisation also an agreement whose
    newest version it is no party to while it is party to the version in force (removed from the
    pending version; it reads no text it does not decide on)."""
    ended_pending = Q(status=Status.ENDED, adopted_version__isnull=False) & ~Q(adopted_version=F("current_version"))
    if organisation_id is None:
        return ended_pending
    mine = Party.on_record.for_team(team).filter(agreement=OuterRef("pk"), organisation_id=organisation_id)
    reads_newest = Exists(mine.filter(Party.of_version(OuterRef("current_version__number"))))
    reads_in_force = Exists(mine.filter(Party.of_version(OuterRef("adopted_version__number"))))
    return (ended_pending & (reads_in_force | ~reads_newest)) | (
        Q(adopted_version__isnull=False) & ~reads_newest & reads_in_force
    )


def agreement_list(*, team, filters: ListFilters, organisation_id: int | None = None) -> QuerySet[Agreement]:
    """Agreements of the team with what the list shows, filtered; one query per page.

    Each row shows the version its page shows (`shown_version`: the newest, or the version in force
    of an ended agreement whose newest was never adopted), its parties and their endorsements of it;
    the search words are looked for in that version's text.

    organisation_id: only those this (external party's) organisation is party to, each with the
    version it reads."""
    in_force = _shows_version_in_force(team=team, organisation_id=organisation_id)
    queryset = (
        (
            external_party_agreements(team=team, organisation_id=organisation_id)
            if organisation_id is not None
            else Agreement.objects.for_team(team)
        )
        .select_related("current_version", "current_version__owner", "adopted_version", "adopted_version__owner")
        .annotate(
            shown_version_id=Case(When(in_force, then=F("adopted_version")), default=F("current_version")),
            shown_number=Case(When(in_force, then=F("adopted_version__number")), default=F("current_version__number")),
        )
        .annotate(
            # By the parties of the version shown: a party removed from a newer version may have
            # endorsed an older one, and one added to it has no say in the older one.
            party_count=_count_subquery(
                Party.on_record.for_team(team).filter(Party.of_version(OuterRef("shown_number"))), "agreement"
            ),
            endorsed_count=_count_subquery(
                Endorsement.objects.for_team(team).filter(
                    Party.of_version(OuterRef("shown_number"), via="party__"),
                    version=OuterRef("shown_version_id"),
                    decision=Decision.ENDORSED,
                ),
                "agreement",
            ),
        )
        .order_by("-updated_at", "-id")
    )
    if filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    # The agreements that bind the party (it is party to the version in force) or that it decides
    # on (it is party to the current version): not one it left in a version since adopted.
    parties = Party.on_record.for_team(team).filter(agreement=OuterRef("pk"))
    if filters.party.startswith("org:") and filters.party[4:].isdigit():
        queryset = queryset.filter(Exists(_binding(parties.filter(organisation_id=int(filters.party[4:])))))
    elif filters.party.startswith("kind:") and filters.party[5:] in PartyKind.values:
        queryset = queryset.filter(Exists(_binding(parties.filter(kind=filters.party[5:]))))
    if filters.owner.isdigit():
        queryset = queryset.filter(current_version__owner_id=int(filters.owner))
    if filters.review_due:
        queryset = queryset.filter(_review_due_q())
    if filters.q.strip():
        # The words as the site's search reads them, on the version the row shows (core/textsearch):
        # the same agreements for the same words. The team's matching versions first (the search
        # names its table, so it is the outer query), then the rows that show one of them.
        versions = text_matching(AgreementVersion.objects.for_team(team), kind="agreement", text=filters.q)
        queryset = queryset.filter(shown_version_id__in=list(versions.values_list("pk", flat=True)))
    return queryset


def shown_version(agreement: Agreement) -> AgreementVersion:
    """Of an agreement from agreement_list: the version its row shows (no query)."""
    if agreement.adopted_version_id is not None and agreement.shown_version_id == agreement.adopted_version_id:
        return agreement.adopted_version
    return agreement.current_version


def party_filter_choices(*, team) -> list[tuple[str, str]]:
    organisations = (
        TeamOrganisation.objects.for_team(team)
        .select_related("organisation")
        .order_by("organisation__sort_name", "organisation__name")
    )
    choices = [(f"org:{link.organisation_id}", link.organisation.name) for link in organisations]
    choices += [(f"kind:{kind.value}", kind.label) for kind in PartyKind if kind != PartyKind.PROVIDER]
    return choices


def in_team_ids(*, team, user_ids) -> set[int]:
    """Of these people, those who are the team's professionals now (who may own an agreement)."""
    return set(
        Membership.objects.for_team(team)
        .filter(user_id__in=[pk for pk in user_ids if pk is not None])
        .filter(role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR])
        .values_list("user_id", flat=True)
    )


def owner_choices(*, team) -> list[tuple[int, str]]:
    """The team's professionals, and whoever owns one of its agreements without being one any more
    (an ended agreement keeps the owner who left the team; the others pass to a coordinator),
    marked as such: the list's owner filter finds every agreement by its owner (two queries)."""
    members = (
        Membership.objects.for_team(team)
        .filter(role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR])
        .select_related("user")
    )
    choices = {m.user_id: m.user.name or m.user.email for m in members}
    owners = (
        Agreement.objects.for_team(team)
        .exclude(current_version__owner_id__in=list(choices))
        .values_list("current_version__owner_id", "current_version__owner__name", "current_version__owner__email")
        .distinct()
    )
    gone = {}
    for pk, name, email in owners:
        if pk is not None:
            gone[pk] = _("%(name)s (no longer in the team)") % {"name": name or email}
    # The team's people first, by name; then those who left, by name.
    return sorted(choices.items(), key=lambda choice: (choice[1].lower(), choice[0])) + sorted(
        gone.items(), key=lambda choice: (choice[1].lower(), choice[0])
    )


# --- the team home panel -------------------------------------------------------------------------


def agreements_awaiting_my_endorsement(*, team, organisation_id: int | None, limit: int = 10) -> list[Agreement]:
    """Agreements whose current version awaits an endorsement from this person's organisation."""
    if organisation_id is None:
        return []
    mine = Party.objects.for_team(team).filter(agreement=OuterRef("pk"), organisation_id=organisation_id)
    endorsed = Endorsement.objects.for_team(team).filter(
        version=OuterRef("current_version"), party__organisation_id=organisation_id, decision=Decision.ENDORSED
    )
    awaiting = Q(status=Status.PROPOSED) | (Q(status=Status.ADOPTED) & ~Q(adopted_version=F("current_version")))
    return list(
        Agreement.objects.for_team(team)
        .filter(awaiting)
        .filter(Exists(mine))
        .exclude(Exists(endorsed))
        .select_related("current_version")
        .order_by("-updated_at")[:limit]
    )


def agreements_due_for_review(*, team, limit: int = 10) -> list[Agreement]:
    return list(
        Agreement.objects.for_team(team)
        .filter(_review_due_q())
        .select_related("current_version")
        .order_by("current_version__review_date", "id")[:limit]
    )


def party_organisation_ids(*, agreement: Agreement) -> set[int]:
    """The organisations of the team that are parties (not the external parties' organisations)."""
    return set(
        Party.objects.for_team(agreement.team_id)
        .filter(agreement=agreement, kind=PartyKind.PROVIDER)
        .values_list("organisation_id", flat=True)
    )


def endorsing_organisation_ids(*, agreement: Agreement) -> set[int]:
    """Every party that endorses through people of its own: the team's organisations, and external
    parties with an organisation (an insurer whose account endorses for it)."""
    return set(
        Party.objects.for_team(agreement.team_id)
        .filter(agreement=agreement, organisation_id__isnull=False)
        .values_list("organisation_id", flat=True)
    )


def bound_organisation_ids(*, agreement: Agreement) -> set[int]:
    """The organisations of the parties the agreement binds or that decide on it (the rule of
    _binding, for one agreement): the external parties among them read it (external_party_agreements)
    and hear of it. Two queries at most."""
    condition = Q(left_version__isnull=True)
    if agreement.adopted_version_id is not None:
        in_force = Party.of_version(agreement.adopted_version.number)
        condition = in_force if agreement.status == Status.ENDED else condition | in_force
    return set(
        Party.on_record.for_team(agreement.team_id)
        .filter(condition, agreement=agreement, organisation_id__isnull=False)
        .values_list("organisation_id", flat=True)
    )


def undecided_organisation_ids(*, agreement: Agreement) -> set[int]:
    """The endorsing parties that have not decided on the current version (either way)."""
    decided = set(
        Endorsement.objects.for_team(agreement.team_id)
        .filter(version_id=agreement.current_version_id)
        .values_list("party__organisation_id", flat=True)
    )
    return endorsing_organisation_ids(agreement=agreement) - decided


def unendorsed_organisation_ids(*, agreement: Agreement) -> set[int]:
    """The party organisations that have not endorsed the current version."""
    endorsed = set(
        Endorsement.objects.for_team(agreement.team_id)
        .filter(version_id=agreement.current_version_id, decision=Decision.ENDORSED)
        .values_list("party__organisation_id", flat=True)
    )
    return party_organisation_ids(agreement=agreement) - endorsed


# --- time checks: endorsements that wait, review dates (wijkverband.agreements.notices) ------------


@dataclass
class EndorsementWait:
    """One party organisation's endorsement of an agreement's current version, asked and not given."""

    agreement: Agreement
    organisation_id: int
    #: when it was asked: the version's proposal or creation, or the party's joining, the latest
    since: datetime
    member_ids: set[int]  # the organisation's professionals in the team: the request waits on them
    organisation_name: str = ""


def endorsements_waiting() -> list[EndorsementWait]:
    """Every team's endorsements that wait (the hourly job), in three queries whatever the numbers."""
    proposed_at = (
        AgreementEvent.objects.across_teams()
        .filter(agreement=OuterRef("pk"), action=Action.PROPOSED)
        .order_by("-at")
        .values("at")[:1]
    )
    awaiting = Q(status=Status.PROPOSED) | (Q(status=Status.ADOPTED) & ~Q(adopted_version=F("current_version")))
    agreements = {
        a.pk: a
        for a in Agreement.objects.across_teams()  # the job reads every team's agreements
        .filter(awaiting, current_version__isnull=False)
        .annotate(proposed_at=Subquery(proposed_at))
        .select_related("current_version", "team")
    }
    if not agreements:
        return []
    # A decision either way ends the wait (a declined party was reminded until the next version).
    decided = Endorsement.objects.across_teams().filter(
        version=OuterRef("agreement__current_version"), party=OuterRef("pk")
    )
    # The team's organisations, and external parties with an organisation: those with an account of
    # their own endorse, and are asked and reminded like the team's people (an insurer was never).
    parties = list(
        Party.objects.across_teams()
        .filter(agreement_id__in=list(agreements), organisation_id__isnull=False)
        .exclude(Exists(decided))
        .values_list("agreement_id", "organisation_id", "added_at", "kind", "organisation__name")
    )
    members: dict[tuple[int, int], set[int]] = {}
    for team_id, organisation_id, user_id in (
        Membership.objects.across_teams()
        .filter(
            team_id__in={a.team_id for a in agreements.values()},
            organisation_id__in={row[1] for row in parties},
            role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR, Membership.Role.EXTERNAL_PARTY],
            user__is_active=True,
        )
        .values_list("team_id", "organisation_id", "user_id")
    ):
        members.setdefault((team_id, organisation_id), set()).add(user_id)
    waits = []
    for agreement_id, organisation_id, added_at, kind, organisation_name in parties:
        agreement = agreements[agreement_id]
        if kind != PartyKind.PROVIDER and (agreement.team_id, organisation_id) not in members:
            continue  # an external party without an account: a coordinator records its consent
        asked = [agreement.current_version.created_at, added_at]
        if agreement.status == Status.PROPOSED and agreement.proposed_at is not None:
            asked.append(agreement.proposed_at)
        waits.append(
            EndorsementWait(
                agreement,
                organisation_id,
                max(asked),
                members.get((agreement.team_id, organisation_id), set()),
                organisation_name,
            )
        )
    return waits


def agreements_review_due_everywhere() -> list[Agreement]:
    """Every team's open agreements whose review date is within REVIEW_NOTICE_DAYS or passed."""
    return list(
        Agreement.objects.across_teams()  # the job reads every team's agreements
        .filter(_review_due_q())
        .select_related("current_version", "team")
        .order_by("pk")
    )


# --- the detail page ------------------------------------------------------------------------------


@dataclass
class PartyRow:
    party: Party
    endorsement: Endorsement | None
    #: an external party whose organisation has its own account in the team: it decides itself,
    #: nobody records its consent
    has_account: bool = False

    @property
    def endorsed(self) -> bool:
        return self.endorsement is not None and self.endorsement.decision == Decision.ENDORSED


def agreement_export_rows(*, team, filters: ListFilters) -> list[list]:
    """The filtered list for a spreadsheet: one row per agreement with its dates and its
    indicators' targets (three queries, whatever the number of agreements).

    Written in the reader's language now, not while the file streams: a target inside the text
    has the reader's decimal separator, as on the agreement's page ("80,5" in Dutch, "80.5" in English);
    the dates and counts stay values, which core/exports.py writes (ISO dates in a CSV, dates and
    numbers in an XLSX)."""
    agreements = list(
        agreement_list(team=team, filters=filters).prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.for_team(team).order_by("dimension", "name", "id"))
        )
    )
    statuses = dict(Status.choices)
    rows = []
    for a in agreements:
        version = shown_version(a)
        rows.append(
            [
                a.pk,
                version.title,
                str(statuses.get(a.status, a.status)),
                version.owner.name if version.owner else "",
                version.number,
                a.adopted_version.number if a.adopted_version_id else None,
                version.start_date,
                version.review_date,
                a.party_count,
                a.endorsed_count,
                "; ".join(
                    f"{i.name}: {number_format(i.target.normalize())} {i.unit}".strip()
                    if i.target is not None
                    else i.name
                    for i in a.indicators.all()
                ),
            ]
        )
    return rows


def party_organisation_choices(*, agreement: Agreement) -> QuerySet:
    """The team's organisations that are not a party to the agreement yet (for the party form)."""
    parties = Party.objects.for_team(agreement.team_id).filter(agreement=agreement, organisation__isnull=False)
    return team_organisation_choices(team=agreement.team).exclude(pk__in=parties.values("organisation_id"))


def party_rows(*, agreement: Agreement, version: AgreementVersion | None = None) -> list[PartyRow]:
    """Each party with its decision on the current version, or on `version`, and whether an external
    party has its own account (two queries, three with external parties)."""
    if version is None or version.pk == agreement.current_version_id:
        parties = Party.objects.for_team(agreement.team_id).filter(agreement=agreement)
    else:  # an older version: its parties then, those removed since too
        parties = Party.on_record.for_team(agreement.team_id).filter(
            Party.of_version(version.number), agreement=agreement
        )
    parties = list(parties.select_related("organisation"))
    endorsements = {
        e.party_id: e
        for e in Endorsement.objects.for_team(agreement.team_id)
        .filter(version_id=version.pk if version is not None else agreement.current_version_id)
        .select_related("recorded_by")
    }
    external = {party.organisation_id for party in parties if party.is_external}
    accounts = (
        set(
            Membership.objects.for_team(agreement.team_id)
            .filter(role=Membership.Role.EXTERNAL_PARTY, organisation_id__in=external, user__is_active=True)
            .values_list("organisation_id", flat=True)
        )
        if external
        else set()
    )
    return [
        PartyRow(party, endorsements.get(party.pk), party.is_external and party.organisation_id in accounts)
        for party in parties
    ]


def indicators_with_measurements(*, agreement: Agreement, limit: int | None = CHART_MEASUREMENTS) -> list[Indicator]:
    """Indicators, each with `.recent` = its latest measurements in date order (two queries)."""
    measurements = (
        Measurement.objects.for_team(agreement.team_id).order_by("-measured_on", "-id").select_related("recorded_by")
    )
    if limit is not None:
        measurements = measurements[:limit]
    indicators = list(
        Indicator.objects.for_team(agreement.team_id)
        .filter(agreement=agreement)
        .annotate(measurement_count=Count("measurements"))
        .prefetch_related(Prefetch("measurements", queryset=measurements, to_attr="latest"))
    )
    for indicator in indicators:
        indicator.recent = list(reversed(indicator.latest))
    return indicators


def indicator_measurements(*, indicator: Indicator, limit: int = CHART_MEASUREMENTS) -> list[Measurement]:
    latest = Measurement.objects.for_team(indicator.team_id).filter(indicator=indicator).order_by("-measured_on", "-id")
    return list(reversed(latest[:limit]))


def recent_events(*, agreement: Agreement, limit: int = 10) -> list[AgreementEvent]:
    return list(AgreementEvent.objects.for_team(agreement.team_id).filter(agreement=agreement)[:limit])


def agreement_events(*, agreement: Agreement) -> QuerySet[AgreementEvent]:
    return AgreementEvent.objects.for_team(agreement.team_id).filter(agreement=agreement)


def agreement_versions(*, agreement: Agreement, numbers: set[int] | None = None) -> QuerySet[AgreementVersion]:
    """numbers: only these (an external party's account reads the versions it is party to)."""
    versions = AgreementVersion.objects.for_team(agreement.team_id).filter(agreement=agreement)
    if numbers is not None:
        versions = versions.filter(number__in=sorted(numbers))
    return (
        versions.select_related("created_by")
        .annotate(
            # By the parties of that version (one removed from it may have endorsed it before).
            endorsed_count=Count(
                "endorsements",
                filter=Q(endorsements__decision=Decision.ENDORSED)
                & Party.of_version(F("number"), via="endorsements__party__"),
            ),
        )
        .order_by("-number")
    )


def readable_versions(*, rights_by_team: dict) -> QuerySet[AgreementVersion]:
    """Every version of every agreement in the teams (team id → TeamRights) where the person sees
    the team: everyone who sees a team reads all its agreements and their versions (policy.py);
    an external party's account, the versions its organisation is party to of the agreements it
    reads (external_party_agreements, the rule of its agreements list). For the search."""
    team_ids = [team_id for team_id, rights in rights_by_team.items() if rights.can_view]
    as_party = {
        team_id: rights.organisation_id
        for team_id, rights in rights_by_team.items()
        if not rights.can_view and rights.can_endorse_as_party and rights.organisation_id is not None
    }
    visible = Q(team_id__in=team_ids)
    for team_id, organisation_id in as_party.items():
        agreements = external_party_agreements(team=team_id, organisation_id=organisation_id).values("pk")
        party = Party.on_record.for_team(team_id).filter(
            Party.of_version(OuterRef("number")), agreement=OuterRef("agreement"), organisation_id=organisation_id
        )
        visible |= Q(team_id=team_id, agreement_id__in=agreements) & Q(Exists(party))
    return AgreementVersion.objects.for_teams([*team_ids, *as_party]).filter(visible)


def agreement_version(*, agreement: Agreement, number: int) -> AgreementVersion | None:
    """A version by its number, or None (the compare form turns that into an error)."""
    return (
        AgreementVersion.objects.for_team(agreement.team_id)
        .select_related("owner")
        .filter(agreement=agreement, number=number)
        .first()
    )


def version_endorsements(*, version: AgreementVersion) -> list[Endorsement]:
    return list(
        Endorsement.objects.for_team(version.team_id)
        .filter(version=version)
        .select_related("party", "recorded_by")
        .order_by("party__kind", "party__name")
    )


# --- the accountability check ----------------------------------------------------------------------


@dataclass
class Rule:
    key: str
    label: str
    ok: bool
    missing: list[str] = field(default_factory=list)


@dataclass
class Accountability:
    rules: list[Rule]

    @property
    def ok(self) -> bool:
        return all(rule.ok for rule in self.rules)

    @property
    def failing(self) -> list[Rule]:
        return [rule for rule in self.rules if not rule.ok]


RULE_LABELS = {
    "need": gettext_lazy("The need is analysed, with sources"),
    "triangle": gettext_lazy("All parties of the care triangle take part: providers, insurer, client representation"),
    "indicators": gettext_lazy("Every dimension the agreement claims has a measurable indicator"),
    "review_date": gettext_lazy("A review date is set"),
    "endorsed": gettext_lazy("Every party endorsed the current version"),
}


def accountability_check(
    *, version: AgreementVersion, parties: list[PartyRow], indicators: list[Indicator], current: bool = True
) -> Accountability:
    """Computed from the data, never ticked by hand; each failing rule says what is missing.

    current: `version` is the agreement's newest; otherwise (the print page of the version in
    force, say) the rule on endorsements names the version it checks."""
    need_missing = []
    if not version.need.strip():
        need_missing.append(_("a description of the need"))
    if not version.sources.strip():
        need_missing.append(_("the sources of the analysis"))
    kinds = {row.party.kind for row in parties}
    triangle_missing = [str(PartyKind(kind).label) for kind in TRIANGLE_KINDS if kind not in kinds]
    measured = {i.dimension for i in indicators if i.target is not None and i.unit.strip()}
    indicator_missing = [
        _("an indicator for %(dimension)s") % {"dimension": str(Dimension(d).label).lower()}
        for d in version.claimed_dimensions
        if d not in measured
    ]
    if not version.claimed_dimensions:
        indicator_missing.append(_("what clients gain in quality, accessibility or affordability"))
    endorsed_missing = [row.party.name for row in parties if not row.endorsed]
    if not parties:
        endorsed_missing.append(_("parties"))
    rules = [
        Rule("need", RULE_LABELS["need"], not need_missing, need_missing),
        Rule("triangle", RULE_LABELS["triangle"], not triangle_missing, triangle_missing),
        Rule("indicators", RULE_LABELS["indicators"], not indicator_missing, indicator_missing),
        Rule(
            "review_date",
            RULE_LABELS["review_date"],
            version.review_date is not None,
            [] if version.review_date else [_("a review date")],
        ),
        Rule(
            "endorsed",
            RULE_LABELS["endorsed"]
            if current
            else _("Every party endorsed version %(number)s") % {"number": version.number},
            not endorsed_missing,
            endorsed_missing,
        ),
    ]
    return Accountability(rules)


# --- comparing versions ------------------------------------------------------------------------------


@dataclass
class DiffLine:
    kind: str  # "same", "added", "removed"
    text: str


@dataclass
class FieldComparison:
    name: str
    label: str
    before: str
    after: str
    lines: list[DiffLine]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _display(version: AgreementVersion, name: str) -> str:
    value = getattr(version, name)
    if value is None:
        return ""
    if name == "owner":
        return value.name or value.email
    if hasattr(value, "strftime"):
        return date_format(value)
    return str(value)


def text_diff(before: str, after: str) -> list[DiffLine]:
    lines = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        code, text = line[:2], line[2:]
        if code == "  ":
            lines.append(DiffLine("same", text))
        elif code == "- ":
            lines.append(DiffLine("removed", text))
        elif code == "+ ":
            lines.append(DiffLine("added", text))
    return lines


@dataclass
class PartyChanges:
    """Who is a party of the second version compared and not of the first (joined), and the other
    way round (left)."""

    joined: list[Party]
    left: list[Party]

    @property
    def changed(self) -> bool:
        return bool(self.joined or self.left)


def party_changes(*, before: AgreementVersion, after: AgreementVersion) -> PartyChanges:
    """The parties that differ between two versions of one agreement, by organisation (one query):
    each version's parties are the Party stretches that hold it (Party.of_version)."""
    rows = list(
        Party.on_record.for_team(before.team_id)
        .filter(Party.of_version(before.number) | Party.of_version(after.number), agreement_id=before.agreement_id)
        .order_by("kind", "name", "pk")
    )

    def of(number: int) -> dict[int, Party]:
        return {
            p.organisation_id: p
            for p in rows
            if (p.joined_version or 1) <= number and (p.left_version is None or p.left_version > number)
        }

    first, second = of(before.number), of(after.number)
    return PartyChanges(
        joined=[p for o, p in second.items() if o not in first], left=[p for o, p in first.items() if o not in second]
    )


def versions_compare(*, before: AgreementVersion, after: AgreementVersion) -> list[FieldComparison]:
    from wijkverband.agreements.services import VERSION_FIELDS

    comparisons = []
    for name in VERSION_FIELDS:
        a, b = _display(before, name), _display(after, name)
        label = str(AgreementVersion._meta.get_field(name).verbose_name)
        comparisons.append(FieldComparison(name, label[:1].upper() + label[1:], a, b, text_diff(a, b)))
    return comparisons


# --- "Mijn werk" (wijkverband.mywork): one person's agreements across all their teams ---------------
# Each returns one queryset (one query, whatever the number of teams); the person's own memberships
# scope it, so these read across teams like the header's notice count.

#: The roles in which someone decides for their organisation (endorses or declines for it).
DECIDING_ROLES = (Membership.Role.MEMBER, Membership.Role.COORDINATOR, Membership.Role.EXTERNAL_PARTY)

_AWAITING = Q(status=Status.PROPOSED) | (Q(status=Status.ADOPTED) & ~Q(adopted_version=F("current_version")))


def _asked_at() -> Coalesce:
    """When the current version began to ask for endorsements: proposed, or saved as a new version."""
    latest = (
        AgreementEvent.objects.across_teams()
        .filter(agreement=OuterRef("pk"), action__in=["proposed", "edited"])
        .order_by("-at")
        .values("at")[:1]
    )
    return Coalesce(Subquery(latest), F("current_version__created_at"))


def endorsements_asked_of(*, user) -> QuerySet[Agreement]:
    """Agreements in any of the person's teams whose current version awaits a decision of the
    organisation they act for there (their colleagues have not endorsed or declined it)."""
    # An external party's account decides for its organisation too.
    deciding = list(DECIDING_ROLES)
    my_organisation = (
        Membership.objects.across_teams()
        .filter(team=OuterRef("team"), user=user, role__in=deciding)
        .values("organisation_id")[:1]
    )
    # Only the person's own teams can ask anything of them: said first, so that the header's count
    # for an overseer without teams of their own does not walk the region's agreements (docs/dashboard.md).
    my_teams = Membership.objects.across_teams().filter(user=user, role__in=deciding).values("team_id")
    party = Party.objects.across_teams().filter(agreement=OuterRef("pk"), organisation_id=OuterRef("my_organisation"))
    decided = Endorsement.objects.across_teams().filter(
        version=OuterRef("current_version"), party__organisation_id=OuterRef("my_organisation")
    )
    return (
        Agreement.objects.across_teams()
        .filter(_AWAITING, team_id__in=my_teams)
        .annotate(my_organisation=Subquery(my_organisation))
        .filter(Exists(party))
        .exclude(Exists(decided))
        .annotate(asked_at=_asked_at())
        .select_related("team", "current_version")
    )


def endorsement_asker(*, agreement: Agreement, organisation_id: int):
    """Who asked this party organisation to decide on the current version, as its request notice
    names them (notices.endorsement_requested): whoever added it as a party, when that came after
    the version was put to the parties; else whoever proposed it or saved the version. None when
    the history no longer knows (their account is gone)."""
    asked = (
        AgreementEvent.objects.for_team(agreement.team_id)
        .filter(agreement=agreement, action__in=[Action.PROPOSED, Action.EDITED])
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    party = (
        Party.objects.for_team(agreement.team_id)
        .filter(agreement=agreement, organisation_id=organisation_id)
        .select_related("added_by")
        .first()
    )
    if party is not None and (asked is None or party.added_at > asked.at):
        return party.added_by
    return asked.actor if asked is not None else agreement.current_version.created_by


def stranded_by_leaving(*, team, user) -> tuple[str, QuerySet[Agreement]]:
    """If the person is the last of their organisation in the team who decides for it (a member, a
    coordinator, or an external party's own account: each endorses for it): (its name, the
    agreements that wait for its decision, oldest first); after they leave nobody can give it.
    ("", no agreements) else. Not the decisions of the organisation as an external party (an
    insurer, a municipality): a coordinator records its consent once it has no account here
    (services.consent_record)."""
    membership = (
        Membership.objects.for_team(team)
        .filter(user=user, role__in=DECIDING_ROLES)
        .select_related("organisation")
        .first()
    )
    if membership is None or membership.organisation_id is None:
        return "", Agreement.objects.for_team(team).none()
    colleagues = (
        Membership.objects.for_team(team)
        .filter(organisation_id=membership.organisation_id, role__in=DECIDING_ROLES, user__is_active=True)
        .exclude(user=user)
    )
    if colleagues.exists():
        return "", Agreement.objects.for_team(team).none()
    party = Party.objects.for_team(team).filter(
        agreement=OuterRef("pk"), organisation_id=membership.organisation_id, kind=PartyKind.PROVIDER
    )
    decided = Endorsement.objects.for_team(team).filter(
        version=OuterRef("current_version"), party__organisation_id=membership.organisation_id
    )
    waiting = (
        Agreement.objects.for_team(team)
        .filter(_AWAITING)
        .filter(Exists(party))
        .exclude(Exists(decided))
        .select_related("current_version")
        .order_by("pk")
    )
    return membership.organisation.name, waiting


def consent_to_record(*, team, organisation_id: int) -> QuerySet[Agreement]:
    """The agreements whose current version waits for the consent of this organisation as an external
    party (an insurer, a municipality, a client council), oldest first: its account gives it, or a
    coordinator records it once it has no account here (services.consent_record)."""
    party = Party.objects.for_team(team).filter(
        agreement=OuterRef("pk"), organisation_id=organisation_id, kind__in=EXTERNAL_KINDS
    )
    decided = Endorsement.objects.for_team(team).filter(
        version=OuterRef("current_version"), party__organisation_id=organisation_id
    )
    return (
        Agreement.objects.for_team(team)
        .filter(_AWAITING)
        .filter(Exists(party))
        .exclude(Exists(decided))
        .select_related("current_version")
        .order_by("pk")
    )


def external_organisation_ids(*, agreement: Agreement) -> set[int]:
    """The organisations of the agreement's external parties now (one query)."""
    return set(
        Party.objects.for_team(agreement.team_id)
        .filter(agreement=agreement, kind__in=EXTERNAL_KINDS)
        .values_list("organisation_id", flat=True)
    )


def consent_left_to_coordinators(*, team, user) -> tuple[Organisation | None, QuerySet[Agreement]]:
    """If the person is the last account of an external party in the team (its role "external
    party"; services.consent_record refuses while one is left): (its organisation, the agreements
    that wait for its consent, consent_to_record), which a coordinator records after them. (None, no
    agreements) else."""
    none = Agreement.objects.for_team(team).none()
    membership = (
        Membership.objects.for_team(team)
        .filter(user=user, role=Membership.Role.EXTERNAL_PARTY, organisation__isnull=False)
        .select_related("organisation")
        .first()
    )
    if membership is None:
        return None, none
    others = organisation_member_ids(team=team, organisation_ids=[membership.organisation_id], external=True)
    if others - {user.pk}:
        return None, none
    return membership.organisation, consent_to_record(team=team, organisation_id=membership.organisation_id)


def endorsements_awaited_by(*, user) -> QuerySet[Agreement]:
    """Agreements the person owns that still wait for endorsements, with how many parties have not endorsed."""
    parties = Party.objects.across_teams().filter(agreement=OuterRef("pk")).order_by().values("agreement")
    endorsed = (
        Endorsement.objects.across_teams()
        .filter(
            agreement=OuterRef("pk"),
            version=OuterRef("current_version"),
            decision=Decision.ENDORSED,
            party__left_version__isnull=True,  # by the parties of the current version only
        )
        .order_by()
        .values("agreement")
    )
    count = Count("pk")
    return (
        Agreement.objects.across_teams()
        .filter(_AWAITING, current_version__owner=user)
        .annotate(
            party_count=Coalesce(Subquery(parties.annotate(n=count).values("n")), Value(0)),
            endorsed_count=Coalesce(Subquery(endorsed.annotate(n=count).values("n")), Value(0)),
            asked_at=_asked_at(),
        )
        .select_related("team", "current_version")
    )


def reviews_due_for(*, user) -> QuerySet[Agreement]:
    """Agreements the person owns whose review date is near (REVIEW_NOTICE_DAYS) or passed."""
    return (
        Agreement.objects.across_teams()
        .filter(_review_due_q(), current_version__owner=user)
        .select_related("team", "current_version")
    )


# --- the region dashboard (wijkverband.dashboard): figures per team --------------------------------
# The accountability rules of accountability_check, written as SQL so a region's teams are counted
# in one query whatever the number of agreements (bench/region_dashboard.py). Written out rather
# than through the ORM: each rule is read once per agreement from three grouped tables (parties,
# indicators, endorsements of the current version) that are joined in, where the ORM would repeat a
# correlated subquery per rule and per count (seconds instead of milliseconds on 10,000 agreements).
# tests/dashboard/test_figures.py checks that both give the same answer.


@dataclass
class TeamAgreementFigures:
    adopted: int = 0
    proposed: int = 0
    review_due: int = 0
    #: adopted agreements that fail at least one accountability rule
    failing: int = 0
    #: {rule key: adopted agreements failing that rule}
    failing_rules: dict = field(default_factory=dict)
    #: adopted in the period
    adopted_in_period: int = 0


def _filled_sql(column: str, white: list[str]) -> str:
    """SQL that is true when the text column holds more than white space (as str.strip() sees it
    for spaces, tabs and line breaks), on PostgreSQL and SQLite alike. white: the placeholders of
    a line feed, a carriage return and a tab."""
    lf, cr, tab = white
    return f"TRIM(REPLACE(REPLACE(REPLACE(COALESCE({column}, ''), {lf}, ''), {cr}, ''), {tab}, '')) <> ''"


def region_team_agreement_figures(*, team_ids, start: datetime, end: datetime) -> dict[int, TeamAgreementFigures]:
    """{team id: figures}: adopted, proposed, due for review, adopted ones failing an accountability
    rule (and which), and how many agreements were adopted in [start, end) (by their history, so a
    past period keeps its figure). One query."""
    team_ids = list(team_ids)
    found = {team_id: TeamAgreementFigures(failing_rules=dict.fromkeys(RULE_LABELS, 0)) for team_id in team_ids}
    if not team_ids:
        return found
    ops = connection.ops
    agreement, version = Agreement._meta.db_table, AgreementVersion._meta.db_table
    party, indicator, endorsement = Party._meta.db_table, Indicator._meta.db_table, Endorsement._meta.db_table
    # Named placeholders (PostgreSQL and SQLite both take them), so the pieces can be written in
    # any order.
    params: dict = {}

    def value(*values) -> str:
        names = []
        for item in values:
            name = f"p{len(params)}"
            params[name] = item
            names.append(f"%({name})s")
        return ", ".join(names)

    white = value("\n", "\r", "\t").split(", ")

    def filled(column: str) -> str:
        return _filled_sql(column, white)

    claimed = {d: filled(f"v.gain_{d}") for d in Dimension.values}
    need_ok = f"{filled('v.need')} AND {filled('v.sources')}"
    indicators_ok = " AND ".join(
        [f"({' OR '.join(claimed.values())})"]
        + [f"(NOT ({claimed[d]}) OR COALESCE(i.n_{d}, 0) > 0)" for d in Dimension.values]
    )
    triangle_ok = " AND ".join(f"COALESCE(p.n_{kind}, 0) > 0" for kind in TRIANGLE_KINDS)
    party_counts = ", ".join(
        f"SUM(CASE WHEN kind = {value(kind)} THEN 1 ELSE 0 END) AS n_{kind}" for kind in TRIANGLE_KINDS
    )
    party_teams = value(*team_ids)
    indicator_counts = ", ".join(
        f"SUM(CASE WHEN dimension = {value(d)} THEN 1 ELSE 0 END) AS n_{d}" for d in Dimension.values
    )
    indicator_unit = filled("unit")
    indicator_teams = value(*team_ids)
    endorsed = value(Decision.ENDORSED)
    endorsement_teams = value(*team_ids)
    agreement_teams = value(*team_ids)
    counted = value(Status.PROPOSED, Status.ADOPTED)  # concepts and ended agreements count nowhere
    # Only table names, column names of ours and placeholders are put into the text: no input.
    flags = f"""
        SELECT a.team_id AS team_id, a.status AS status, a.adopted_at AS adopted_at, v.review_date AS review_date,
            CASE WHEN {need_ok} THEN 1 ELSE 0 END AS ok_need,
            CASE WHEN {triangle_ok} THEN 1 ELSE 0 END AS ok_triangle,
            CASE WHEN {indicators_ok} THEN 1 ELSE 0 END AS ok_indicators,
            CASE WHEN v.review_date IS NOT NULL THEN 1 ELSE 0 END AS ok_review_date,
            CASE WHEN COALESCE(p.n_parties, 0) > 0 AND COALESCE(e.n_endorsed, 0) >= p.n_parties
                THEN 1 ELSE 0 END AS ok_endorsed
        FROM {agreement} a
        JOIN {version} v ON v.id = a.current_version_id
        LEFT JOIN (
            SELECT agreement_id, COUNT(*) AS n_parties, {party_counts}
            FROM {party} WHERE team_id IN ({party_teams}) AND left_version IS NULL GROUP BY agreement_id
        ) p ON p.agreement_id = a.id
        LEFT JOIN (
            SELECT agreement_id, {indicator_counts}
            FROM {indicator} WHERE {indicator_unit} AND team_id IN ({indicator_teams}) GROUP BY agreement_id
        ) i ON i.agreement_id = a.id
        LEFT JOIN (
            SELECT e.agreement_id AS agreement_id, COUNT(*) AS n_endorsed
            FROM {endorsement} e JOIN {agreement} ea ON ea.id = e.agreement_id AND ea.current_version_id = e.version_id
            JOIN {party} ep ON ep.id = e.party_id AND ep.left_version IS NULL
            WHERE e.decision = {endorsed} AND e.team_id IN ({endorsement_teams}) GROUP BY e.agreement_id
        ) e ON e.agreement_id = a.id
        WHERE a.team_id IN ({agreement_teams}) AND a.status IN ({counted})
    """  # noqa: S608
    rule_keys = list(RULE_LABELS)
    adopted = value(Status.ADOPTED)
    per_rule = []
    for key in rule_keys:
        per_rule.append(
            f"SUM(CASE WHEN f.status = {value(Status.ADOPTED)} AND f.ok_{key} = 0 THEN 1 ELSE 0 END) AS n_{key}"
        )
    any_failing = " OR ".join(f"f.ok_{key} = 0" for key in rule_keys)
    failing = value(Status.ADOPTED)
    proposed = value(Status.PROPOSED)
    review_statuses = value(Status.PROPOSED, Status.ADOPTED)
    cutoff = value(ops.adapt_datefield_value(review_due_cutoff()))
    # Adopted in the period: the adoptions that happened in it (the history's rows), whatever the
    # agreement's status now and however often it was adopted since, so a past period's figure
    # stays what it was when an agreement ends or a new version is adopted (which moves adopted_at).
    # Written into the text, not a placeholder: the partial index agreement_event_adoption holds
    # the rows of this action only, and PostgreSQL uses it when the query says the action itself
    # (a prepared statement's generic plan could not prove `action = $1` implies it).
    adoption = f"'{Action.ADOPTED.value}'"
    period_start = value(ops.adapt_datetimefield_value(start))
    period_end = value(ops.adapt_datetimefield_value(end))
    event_teams = value(*team_ids)
    all_teams = value(*team_ids)
    team, event = Team._meta.db_table, AgreementEvent._meta.db_table
    sql = f"""
        SELECT t.id, s.n_adopted, {", ".join(f"s.n_{key}" for key in rule_keys)},
            s.n_failing, s.n_proposed, s.n_review_due, ad.n_in_period
        FROM {team} t
        LEFT JOIN (
            SELECT f.team_id AS team_id,
                SUM(CASE WHEN f.status = {adopted} THEN 1 ELSE 0 END) AS n_adopted,
                {", ".join(per_rule)},
                SUM(CASE WHEN f.status = {failing} AND ({any_failing}) THEN 1 ELSE 0 END) AS n_failing,
                SUM(CASE WHEN f.status = {proposed} THEN 1 ELSE 0 END) AS n_proposed,
                SUM(CASE WHEN f.status IN ({review_statuses}) AND f.review_date <= {cutoff} THEN 1 ELSE 0 END)
                    AS n_review_due
            FROM ({flags}) f
            GROUP BY f.team_id
        ) s ON s.team_id = t.id
        LEFT JOIN (
            SELECT team_id, COUNT(DISTINCT agreement_id) AS n_in_period
            FROM {event}
            WHERE team_id IN ({event_teams}) AND action = {adoption} AND at >= {period_start} AND at < {period_end}
            GROUP BY team_id
        ) ad ON ad.team_id = t.id
        WHERE t.id IN ({all_teams})
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        team_id, n_adopted, *rest = row
        n_rules, (n_failing, n_proposed, n_review_due, n_in_period) = rest[: len(rule_keys)], rest[len(rule_keys) :]
        found[team_id] = TeamAgreementFigures(
            adopted=n_adopted or 0,
            proposed=n_proposed or 0,
            review_due=n_review_due or 0,
            failing=n_failing or 0,
            failing_rules={key: n or 0 for key, n in zip(rule_keys, n_rules, strict=True)},
            adopted_in_period=n_in_period or 0,
        )
    return found


@dataclass
class TeamIndicatorFigures:
    #: indicators of adopted agreements
    indicators: int = 0
    #: of those, measured in the period
    measured: int = 0
    #: whose latest measurement up to the end of the period reaches the target
    at_target: int = 0
    #: the same at the end of the period before
    at_target_before: int = 0


def _latest_value_before(day) -> Subquery:
    return Subquery(
        Measurement.objects.across_teams()
        .filter(indicator=OuterRef("pk"), measured_on__lt=day)
        .order_by("-measured_on", "-id")
        .values("value")[:1]
    )


def _reaches_target(value: str) -> Q:
    """An indicator reaches its target when its value is on the target's side of the baseline: at
    or above the target when the target lies above the baseline (or there is no baseline), at or
    below it when the target lies below the baseline (fewer days waiting, say)."""
    higher_is_better = Q(baseline__isnull=True) | Q(target__gte=F("baseline"))
    return (higher_is_better & Q(**{f"{value}__gte": F("target")})) | (
        ~higher_is_better & Q(**{f"{value}__lte": F("target")})
    )


def region_team_indicator_figures(*, team_ids, start_day, end_day) -> dict[int, TeamIndicatorFigures]:
    """{team id: figures} of the indicators of adopted agreements: how many, how many measured in
    [start_day, end_day), how many reached the target by end_day and by start_day (the trend). One query."""
    in_period = Measurement.objects.across_teams().filter(
        indicator=OuterRef("pk"), measured_on__gte=start_day, measured_on__lt=end_day
    )
    rows = (
        Indicator.objects.for_teams(list(team_ids))
        .filter(agreement__status=Status.ADOPTED)
        .alias(
            latest_now=_latest_value_before(end_day),
            latest_before=_latest_value_before(start_day),
            measured_now=Exists(in_period),
        )
        .order_by()
        .values("team_id")
        .annotate(
            n_indicators=Count("pk"),
            n_measured=Count("pk", filter=Q(measured_now=True)),
            n_at_target=Count("pk", filter=_reaches_target("latest_now")),
            n_at_target_before=Count("pk", filter=_reaches_target("latest_before")),
        )
    )
    found = {team_id: TeamIndicatorFigures() for team_id in team_ids}
    for row in rows:
        found[row["team_id"]] = TeamIndicatorFigures(
            indicators=row["n_indicators"],
            measured=row["n_measured"],
            at_target=row["n_at_target"],
            at_target_before=row["n_at_target_before"],
        )
    return found
