"""Demo data: two regions, four teams, an account for every role. Safe to run again.

Every demo account has the password DEMO_PASSWORD and, where a second factor applies, a TOTP
authenticator with the secret printed below (and listed in the README), so the real sign-in flow
can be used with any authenticator app or `python -c "import pyotp; print(pyotp.TOTP(S).now())"`.
"""

import base64
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management.base import BaseCommand
from django.db import transaction

from wijkverband.demo import content as demo_content
from wijkverband.demo import dashboard as demo_dashboard
from wijkverband.demo import referrals as demo_referrals
from wijkverband.demo import regional as demo_regional
from wijkverband.demo import signals as demo_signals
from wijkverband.demo import socialmap as demo_socialmap
from wijkverband.demo import wijkcard as demo_wijkcard
from wijkverband.tenancy import services
from wijkverband.tenancy.models import (
    Membership,
    OrganisationKind,
    Region,
    RegionRole,
    Team,
)
from wijkverband.work.services.mail import mail_withheld

DEMO_PASSWORD = "wijkverband-demo"
DEMO_DOMAIN = "demo.wijkverband.nl"

REGIONS = [
    ("utrecht", "ROSE Utrecht Stad"),
    ("amersfoort", "ROSE Eemland"),
]

TEAMS = [
    # slug, region, name, municipality, postcode areas
    ("utrecht-oost", "utrecht", "Wijkverband Utrecht Oost", "Utrecht", "3581, 3582, 3584"),
    ("utrecht-zuid", "utrecht", "Wijkverband Utrecht Zuid", "Utrecht", "3521, 3522, 3523"),
    ("overvecht", "utrecht", "Wijkverband Overvecht", "Utrecht", "3561, 3562, 3563"),
    ("vathorst", "amersfoort", "Wijkverband Vathorst", "Amersfoort", "3825"),
]

ORGANISATIONS = [
    # name, kind, team slugs it serves
    ("Huisartsenpraktijk Oosterspoor", OrganisationKind.GP, ["utrecht-oost"]),
    ("Apotheek De Linde", OrganisationKind.PHARMACY, ["utrecht-oost", "utrecht-zuid"]),
    ("Buurtzorg Utrecht Oost", OrganisationKind.DISTRICT_NURSING, ["utrecht-oost"]),
    ("Welzijn Oost", OrganisationKind.SOCIAL_DOMAIN, ["utrecht-oost"]),
    ("Fysiotherapie Wittevrouwen", OrganisationKind.OTHER, ["utrecht-oost"]),
    ("Huisartsen Hoograven", OrganisationKind.GP, ["utrecht-zuid"]),
    ("Wijkverpleging Zuid", OrganisationKind.DISTRICT_NURSING, ["utrecht-zuid"]),
    ("Buurtteam Zuid", OrganisationKind.SOCIAL_DOMAIN, ["utrecht-zuid"]),
    # Overvecht misses a social-domain professional on purpose.
    ("Gezondheidscentrum Overvecht", OrganisationKind.GP, ["overvecht"]),
    ("Apotheek Overvecht", OrganisationKind.PHARMACY, ["overvecht"]),
    ("Wijkzorg Overvecht", OrganisationKind.DISTRICT_NURSING, ["overvecht"]),
    ("Huisartsenpraktijk Vathorst", OrganisationKind.GP, ["vathorst"]),
    ("Apotheek Vathorst", OrganisationKind.PHARMACY, ["vathorst"]),
    ("Thuiszorg Eemland", OrganisationKind.DISTRICT_NURSING, ["vathorst"]),
    ("Welzijn Eemland", OrganisationKind.SOCIAL_DOMAIN, ["vathorst"]),
]

# local part, name, team memberships [(team, role, organisation)], region roles [(region, role)]
ACCOUNTS = [
    ("coordinator", "Carla de Wit", [("utrecht-oost", "coordinator", "Huisartsenpraktijk Oosterspoor")], []),
    ("member", "Maarten Jansen", [("utrecht-oost", "member", "Buurtzorg Utrecht Oost")], []),
    ("social", "Sanne Bakker", [("utrecht-oost", "member", "Welzijn Oost")], []),
    ("physio", "Fatima El Amrani", [("utrecht-oost", "member", "Fysiotherapie Wittevrouwen")], []),
    (
        "pharmacist",
        "Pieter Visser",
        [("utrecht-oost", "member", "Apotheek De Linde"), ("utrecht-zuid", "member", "Apotheek De Linde")],
        [],
    ),
    ("coordinator-zuid", "Zoë de Graaf", [("utrecht-zuid", "coordinator", "Huisartsen Hoograven")], []),
    ("member-zuid", "Bram Mulder", [("utrecht-zuid", "member", "Wijkverpleging Zuid")], []),
    ("social-zuid", "Lotte Smit", [("utrecht-zuid", "member", "Buurtteam Zuid")], []),
    ("coordinator-overvecht", "Yusuf Kaya", [("overvecht", "coordinator", "Gezondheidscentrum Overvecht")], []),
    ("member-overvecht", "Iris Bos", [("overvecht", "member", "Wijkzorg Overvecht")], []),
    ("pharmacist-overvecht", "Daan Peters", [("overvecht", "member", "Apotheek Overvecht")], []),
    ("coordinator-vathorst", "Eva Hendriks", [("vathorst", "coordinator", "Huisartsenpraktijk Vathorst")], []),
    ("member-vathorst", "Noah Dekker", [("vathorst", "member", "Thuiszorg Eemland")], []),
    ("representative", "Rosa Vermeulen", [("utrecht-oost", "client_representative", None)], []),
    ("overseer", "Olga van Dijk", [], [("utrecht", "overseer")]),
    ("region-admin", "Ada Willems", [], [("utrecht", "admin")]),
    ("region-representative", "Rik de Boer", [], [("utrecht", "client_representative")]),
    ("overseer-eemland", "Otto Brouwer", [], [("amersfoort", "overseer")]),
]

# Client representatives may use a second factor but need not; the demo ones have none.
ACCOUNTS_WITHOUT_SECOND_FACTOR = {"representative", "region-representative"}


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


def demo_totp_secret(local: str) -> str:
    """Deterministic, so the README can list it; demo accounts only."""
    return base64.b32encode(hashlib.sha256(f"wijkverband-demo:{local}".encode()).digest()[:20]).decode()


def _move_back(*, teams, ages) -> None:
    """Date the demo's bottlenecks back as if reported (and escalated) weeks ago, with their due
    dates and timeline, so the dashboard shows ages, overdue items and escalations past the region's
    answer target. Demo data only: real items get their dates from the services."""
    from datetime import timedelta

    from django.utils import timezone

    from wijkverband.bottlenecks.models import Bottleneck, BottleneckEvent, EventKind
    from wijkverband.bottlenecks.selectors import due_dates, teams_targets

    now = timezone.now()
    targets = teams_targets(team_ids=[team.pk for team in teams])
    for title, reported_days, escalated_days in ages:
        b = Bottleneck.objects.for_teams(teams).get(title=title)
        reported = now - timedelta(days=reported_days)
        accept_due, resolve_due = due_dates(
            targets=targets[b.team_id], impact=b.impact, reported=reported, clock=reported
        )
        changes = {"created_at": reported, "clock_started_at": reported, "accept_due": accept_due}
        changes["resolve_due"] = resolve_due
        if escalated_days is not None:
            changes["escalated_at"] = now - timedelta(days=escalated_days)
        Bottleneck.objects.for_teams(teams).filter(pk=b.pk).update(**changes)
        events = BottleneckEvent.objects.for_teams(teams).filter(bottleneck_id=b.pk)
        events.exclude(kind=EventKind.ESCALATED).update(at=reported)
        if escalated_days is not None:
            events.filter(kind=EventKind.ESCALATED).update(at=changes["escalated_at"])
        if b.owner_since:
            Bottleneck.objects.for_teams(teams).filter(pk=b.pk).update(owner_since=reported, first_accepted_at=reported)


class Command(BaseCommand):
    help = "Load demo regions, teams, organisations and one account for every role (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        # The demo's notices (escalations, requests to own, mentions) stay in the app: never mailed,
        # at once or in a digest, whatever mail server is configured (work.services.mail.mail_withheld).
        with mail_withheld():
            self._load()

    def _load(self):
        User = get_user_model()
        regions = {}
        for slug, name in REGIONS:
            region = Region.objects.filter(slug=slug).first() or services.region_create(name=name, slug=slug)
            regions[slug] = region
        teams = {}
        for slug, region_slug, name, municipality, areas in TEAMS:
            team = Team.objects.filter(slug=slug).first() or services.team_create(
                actor=None,
                region=regions[region_slug],
                name=name,
                slug=slug,
                municipality=municipality,
                postcode_areas=areas,
            )
            teams[slug] = team
        organisations = {}
        for name, kind, team_slugs in ORGANISATIONS:
            for team_slug in team_slugs:
                organisations[name] = services.organisation_add(actor=None, team=teams[team_slug], name=name, kind=kind)

        rows = []
        for local, name, memberships, region_roles in ACCOUNTS:
            email = demo_email(local)
            user = User.objects.filter(email=email).first()
            if user is None:
                user = User.objects.create_user(email=email, password=DEMO_PASSWORD, name=name)
            EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
            for team_slug, role, organisation_name in memberships:
                team = teams[team_slug]
                if not Membership.objects.for_team(team).filter(user=user).exists():
                    services.membership_create(
                        actor=None,
                        team=team,
                        user=user,
                        role=role,
                        organisation=organisations.get(organisation_name) if organisation_name else None,
                    )
            for region_slug, role in region_roles:
                if not RegionRole.objects.filter(region=regions[region_slug], user=user).exists():
                    services.region_role_assign(actor=None, region=regions[region_slug], user=user, role=role)
            secret = ""
            if local not in ACCOUNTS_WITHOUT_SECOND_FACTOR:
                secret = demo_totp_secret(local)
                if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                    TOTP.activate(user, secret)
            rows.append((email, secret))

        # Agreements, bottlenecks and discussions in Utrecht Oost, as after a few weeks of use.
        people = {local: User.objects.get(email=demo_email(local)) for local, *_rest in ACCOUNTS}
        if demo_content.load(team=teams["utrecht-oost"], people=people):
            self.stdout.write("Demo content loaded for Utrecht Oost (agreements, bottlenecks, threads).")
        # The wijk cards, the sociale kaart and the Welzijn op Recept figures (each loads once).
        for part in (demo_wijkcard, demo_socialmap, demo_referrals, demo_regional):
            if part.load(teams=teams, regions=regions, people=people):
                self.stdout.write(f"Demo content loaded: {part.DESCRIPTION}")

        # Bottlenecks, escalations and agreements in the region's other teams, for its dashboard.
        if demo_dashboard.load(teams=teams, regions=regions, people=people):
            _move_back(teams=[teams["utrecht-zuid"], teams["overvecht"]], ages=demo_dashboard.AGES)
            self.stdout.write(f"Demo content loaded: {demo_dashboard.DESCRIPTION}")
        # Signals of the representatives, and the insurer's own account (an external party).
        if demo_signals.load(
            teams=teams,
            regions=regions,
            people=people,
            email=demo_email,
            password=DEMO_PASSWORD,
            totp_secret=demo_totp_secret,
        ):
            self.stdout.write(f"Demo content loaded: {demo_signals.DESCRIPTION}")
        local = demo_signals.INSURER_ACCOUNT[0]
        rows.append((demo_email(local), demo_totp_secret(local)))

        # The privacy officer: reads the audit log in the admin, nothing else.
        email = demo_email("privacy")
        officer = User.objects.filter(email=email).first()
        if officer is None:
            officer = User.objects.create_user(
                email=email, password=DEMO_PASSWORD, name="Priya Privacyfunctionaris", is_staff=True
            )
        EmailAddress.objects.get_or_create(user=officer, email=email, defaults={"verified": True, "primary": True})
        officer.user_permissions.add(Permission.objects.get(codename="view_auditevent"))
        if not Authenticator.objects.filter(user=officer, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(officer, demo_totp_secret("privacy"))
        rows.append((email, demo_totp_secret("privacy")))

        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Password for every account: {DEMO_PASSWORD}"))
        for email, secret in rows:
            self.stdout.write(f"  {email:45} TOTP secret: {secret or '(no second factor)'}")
