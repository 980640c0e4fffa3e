"""Reads for agreements. Every function uses a constant number of queries, whatever the row count."""

import difflib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wijkverband.agreements.models import (
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
from wijkverband.tenancy.models import Membership, TeamOrganisation
from wijkverband.tenancy.selectors import team_organisation_choices

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


def agreement_list(*, team, filters: ListFilters) -> QuerySet[Agreement]:
    """Agreements of the team with what the list shows, filtered; one query per page."""
    queryset = (
        Agreement.objects.for_team(team)
        .select_related("current_version", "current_version__owner")
        .annotate(
            party_count=_count_subquery(Party.objects.for_team(team), "agreement"),
            endorsed_count=_count_subquery(
                Endorsement.objects.for_team(team).filter(
                    version=OuterRef("current_version"), decision=Decision.ENDORSED
                ),
                "agreement",
            ),
        )
        .order_by("-updated_at", "-id")
    )
    if filters.status in Status.values:
        queryset = queryset.filter(status=filters.status)
    if filters.party.startswith("org:") and filters.party[4:].isdigit():
        queryset = queryset.filter(parties__organisation_id=int(filters.party[4:]))
    elif filters.party.startswith("kind:") and filters.party[5:] in PartyKind.values:
        queryset = queryset.filter(parties__kind=filters.party[5:])
    if filters.owner.isdigit():
        queryset = queryset.filter(current_version__owner_id=int(filters.owner))
    if filters.review_due:
        queryset = queryset.filter(_review_due_q())
    text = filters.q.strip()[:200]
    if text:
        queryset = queryset.filter(
            Q(current_version__title__icontains=text)
            | Q(current_version__body__icontains=text)
            | Q(current_version__need__icontains=text)
        )
    if filters.party:
        queryset = queryset.distinct()
    return queryset


def party_filter_choices(*, team) -> list[tuple[str, str]]:
    organisations = (
        TeamOrganisation.objects.for_team(team).select_related("organisation").order_by("organisation__name")
    )
    choices = [(f"org:{link.organisation_id}", link.organisation.name) for link in organisations]
    choices += [(f"kind:{kind.value}", kind.label) for kind in PartyKind if kind != PartyKind.PROVIDER]
    return choices


def owner_choices(*, team) -> list[tuple[int, str]]:
    members = (
        Membership.objects.for_team(team)
        .filter(role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR])
        .select_related("user")
        .order_by("user__name")
    )
    return [(m.user_id, m.user.name or m.user.email) for m in members]


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
    """The organisations of the team that are parties (external parties have none)."""
    return set(
        Party.objects.for_team(agreement.team_id)
        .filter(agreement=agreement, organisation__isnull=False)
        .values_list("organisation_id", flat=True)
    )


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
    endorsed = Endorsement.objects.across_teams().filter(
        version=OuterRef("agreement__current_version"), party=OuterRef("pk"), decision=Decision.ENDORSED
    )
    parties = list(
        Party.objects.across_teams()
        .filter(agreement_id__in=list(agreements), organisation__isnull=False)
        .exclude(Exists(endorsed))
        .values_list("agreement_id", "organisation_id", "added_at")
    )
    members: dict[tuple[int, int], set[int]] = {}
    for team_id, organisation_id, user_id in (
        Membership.objects.across_teams()
        .filter(
            team_id__in={a.team_id for a in agreements.values()},
            organisation_id__in={row[1] for row in parties},
            role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR],
            user__is_active=True,
        )
        .values_list("team_id", "organisation_id", "user_id")
    ):
        members.setdefault((team_id, organisation_id), set()).add(user_id)
    waits = []
    for agreement_id, organisation_id, added_at in parties:
        agreement = agreements[agreement_id]
        asked = [agreement.current_version.created_at, added_at]
        if agreement.status == Status.PROPOSED and agreement.proposed_at is not None:
            asked.append(agreement.proposed_at)
        waits.append(
            EndorsementWait(
                agreement, organisation_id, max(asked), members.get((agreement.team_id, organisation_id), set())
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

    @property
    def endorsed(self) -> bool:
        return self.endorsement is not None and self.endorsement.decision == Decision.ENDORSED


def agreement_export_rows(*, team, filters: ListFilters):
    """The filtered list for a spreadsheet: one row per agreement with its dates and its
    indicators' targets (three queries, whatever the number of agreements)."""
    agreements = list(
        agreement_list(team=team, filters=filters)
        .select_related("adopted_version")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.for_team(team).order_by("dimension", "name", "id"))
        )
    )
    statuses = dict(Status.choices)
    for a in agreements:
        version = a.current_version
        yield [
            a.pk,
            version.title,
            statuses.get(a.status, a.status),
            version.owner.name if version.owner else "",
            version.number,
            a.adopted_version.number if a.adopted_version_id else None,
            version.start_date,
            version.review_date,
            a.party_count,
            a.endorsed_count,
            "; ".join(
                f"{i.name}: {i.target.normalize():f} {i.unit}".strip() if i.target is not None else i.name
                for i in a.indicators.all()
            ),
        ]


def party_organisation_choices(*, agreement: Agreement) -> QuerySet:
    """The team's organisations that are not a party to the agreement yet (for the party form)."""
    parties = Party.objects.for_team(agreement.team_id).filter(agreement=agreement, organisation__isnull=False)
    return team_organisation_choices(team=agreement.team).exclude(pk__in=parties.values("organisation_id"))


def party_rows(*, agreement: Agreement, version: AgreementVersion | None = None) -> list[PartyRow]:
    """Each party with its decision on the current version, or on `version` (two queries)."""
    parties = list(Party.objects.for_team(agreement.team_id).filter(agreement=agreement).select_related("organisation"))
    endorsements = {
        e.party_id: e
        for e in Endorsement.objects.for_team(agreement.team_id)
        .filter(version_id=version.pk if version is not None else agreement.current_version_id)
        .select_related("recorded_by")
    }
    return [PartyRow(party, endorsements.get(party.pk)) for party in parties]


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


def agreement_versions(*, agreement: Agreement) -> QuerySet[AgreementVersion]:
    return (
        AgreementVersion.objects.for_team(agreement.team_id)
        .filter(agreement=agreement)
        .select_related("created_by")
        .annotate(
            endorsed_count=Count("endorsements", filter=Q(endorsements__decision=Decision.ENDORSED)),
        )
        .order_by("-number")
    )


def readable_versions(*, rights_by_team: dict) -> QuerySet[AgreementVersion]:
    """Every version of every agreement in the teams (team id → TeamRights) where the person sees
    the team: everyone who sees a team reads all its agreements and their versions (policy.py).
    For the search."""
    team_ids = [team_id for team_id, rights in rights_by_team.items() if rights.can_view]
    return AgreementVersion.objects.for_teams(team_ids)


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
    "triangle": gettext_lazy("All parties of the zorgdriehoek take part: providers, insurer, client representation"),
    "indicators": gettext_lazy("Every dimension the agreement claims has a measurable indicator"),
    "review_date": gettext_lazy("A review date is set"),
    "endorsed": gettext_lazy("Every party endorsed the current version"),
}


def accountability_check(
    *, version: AgreementVersion, parties: list[PartyRow], indicators: list[Indicator]
) -> Accountability:
    """Computed from the data, never ticked by hand; each failing rule says what is missing."""
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
        Rule("endorsed", RULE_LABELS["endorsed"], not endorsed_missing, endorsed_missing),
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
    my_organisation = (
        Membership.objects.across_teams()
        .filter(team=OuterRef("team"), user=user, role__in=[Membership.Role.MEMBER, Membership.Role.COORDINATOR])
        .values("organisation_id")[:1]
    )
    party = Party.objects.across_teams().filter(agreement=OuterRef("pk"), organisation_id=OuterRef("my_organisation"))
    decided = Endorsement.objects.across_teams().filter(
        version=OuterRef("current_version"), party__organisation_id=OuterRef("my_organisation")
    )
    return (
        Agreement.objects.across_teams()
        .filter(_AWAITING)
        .annotate(my_organisation=Subquery(my_organisation))
        .filter(Exists(party))
        .exclude(Exists(decided))
        .annotate(asked_at=_asked_at())
        .select_related("team", "current_version")
    )


def endorsements_awaited_by(*, user) -> QuerySet[Agreement]:
    """Agreements the person owns that still wait for endorsements, with how many parties have not endorsed."""
    parties = Party.objects.across_teams().filter(agreement=OuterRef("pk")).order_by().values("agreement")
    endorsed = (
        Endorsement.objects.across_teams()
        .filter(agreement=OuterRef("pk"), version=OuterRef("current_version"), decision=Decision.ENDORSED)
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
