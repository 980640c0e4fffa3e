"""The people every test talks about (healthchecks/Zulip style personas).

Region "Utrecht" has teams A (Oost) and B (Zuid); region "Eemland" has team C.
- carla: coordinator of A (GP)          - maarten: member of A (district nursing)
- bram: member of B only                - pieter: pharmacist in A and B
- olga: overseer of Utrecht             - ada: region administrator of Utrecht
- otto: overseer of Eemland only        - rosa: client representative of A
- rik: client representative of region Utrecht
- chris: coordinator of C (another region)  - sofie: social-domain member of A
- ines: an external party in A: her account acts for the insurer (organisation `insurer`), sees
  only the agreements the insurer is party to and endorses them itself (tests add the insurer as
  a party where they need one; the world has no agreements)
Professionals and overseers have a TOTP authenticator (secret TOTP_SECRET).
"""

import time
from dataclasses import dataclass

import pyotp
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth import get_user_model

from wijkverband.tenancy import permissions, services
from wijkverband.tenancy.models import Membership, Organisation, OrganisationKind, RegionRole

PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The current TOTP code (the personas' by default), from a period with time left to type and
    send it (allauth accepts only the current period): near a period's end it waits for the next."""
    totp = pyotp.TOTP(secret)
    left = totp.interval - time.time() % totp.interval
    if left < 3:
        time.sleep(left + 0.05)
    return totp.now()


@dataclass
class World:
    region: object
    other_region: object
    team_a: object
    team_b: object
    team_c: object
    gp_a: object
    pharmacy: object
    nursing_a: object
    social_a: object
    nursing_b: object
    carla: object
    maarten: object
    bram: object
    pieter: object
    olga: object
    ada: object
    otto: object
    rosa: object
    rik: object
    chris: object
    sofie: object
    insurer: object
    ines: object

    def persona(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


def make_user(local: str, name: str, *, second_factor: bool = True):
    user = get_user_model().objects.create_user(email=f"{local}@example.nl", password=PASSWORD, name=name)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if second_factor:
        TOTP.activate(user, TOTP_SECRET)
    return user


def build_world() -> World:
    """The world's objects. In a test run the world is already in the database, built once
    (tests/snapshot.py): this hands out a copy of it, like the `world` fixture."""
    from tests import snapshot

    if snapshot.has_world():
        return snapshot.world_copy()
    return create_world()


def create_world() -> World:
    """Write the world into the (empty) database."""
    region = services.region_create(name="ROSE Utrecht", slug="utrecht")
    other_region = services.region_create(name="ROSE Eemland", slug="eemland")
    team_a = services.team_create(
        actor=None, region=region, name="Utrecht Oost", slug="oost", municipality="Utrecht", postcode_areas="3581"
    )
    team_b = services.team_create(
        actor=None, region=region, name="Utrecht Zuid", slug="zuid", municipality="Utrecht", postcode_areas="3521"
    )
    team_c = services.team_create(
        actor=None, region=other_region, name="Vathorst", slug="vathorst", municipality="Amersfoort"
    )
    gp_a = services.organisation_add(actor=None, team=team_a, name="Huisarts Oost", kind=OrganisationKind.GP)
    pharmacy = services.organisation_add(actor=None, team=team_a, name="Apotheek Linde", kind=OrganisationKind.PHARMACY)
    services.organisation_add(actor=None, team=team_b, name="Apotheek Linde", kind=OrganisationKind.PHARMACY)
    nursing_a = services.organisation_add(
        actor=None, team=team_a, name="Buurtzorg Oost", kind=OrganisationKind.DISTRICT_NURSING
    )
    social_a = services.organisation_add(
        actor=None, team=team_a, name="Welzijn Oost", kind=OrganisationKind.SOCIAL_DOMAIN
    )
    nursing_b = services.organisation_add(
        actor=None, team=team_b, name="Wijkzorg Zuid", kind=OrganisationKind.DISTRICT_NURSING
    )
    gp_c = services.organisation_add(actor=None, team=team_c, name="Huisarts Vathorst", kind=OrganisationKind.GP)

    carla = make_user("carla", "Carla Coördinator")
    maarten = make_user("maarten", "Maarten Lid")
    bram = make_user("bram", "Bram Zuid")
    pieter = make_user("pieter", "Pieter Apotheker")
    olga = make_user("olga", "Olga Overseer")
    ada = make_user("ada", "Ada Regiobeheer")
    otto = make_user("otto", "Otto Eemland")
    rosa = make_user("rosa", "Rosa Vertegenwoordiger", second_factor=False)
    rik = make_user("rik", "Rik Regiovertegenwoordiger", second_factor=False)
    chris = make_user("chris", "Chris Vathorst")
    sofie = make_user("sofie", "Sofie Welzijn")
    ines = make_user("ines", "Ines Verzekeraar")

    role = Membership.Role
    services.membership_create(actor=None, team=team_a, user=carla, role=role.COORDINATOR, organisation=gp_a)
    services.membership_create(actor=None, team=team_a, user=maarten, role=role.MEMBER, organisation=nursing_a)
    services.membership_create(actor=None, team=team_a, user=pieter, role=role.MEMBER, organisation=pharmacy)
    services.membership_create(actor=None, team=team_a, user=sofie, role=role.MEMBER, organisation=social_a)
    services.membership_create(actor=None, team=team_a, user=rosa, role=role.CLIENT_REPRESENTATIVE, organisation=None)
    services.membership_create(actor=None, team=team_b, user=bram, role=role.MEMBER, organisation=nursing_b)
    services.membership_create(actor=None, team=team_b, user=pieter, role=role.MEMBER, organisation=pharmacy)
    services.membership_create(actor=None, team=team_c, user=chris, role=role.COORDINATOR, organisation=gp_c)
    services.region_role_assign(actor=None, region=region, user=olga, role=RegionRole.Role.OVERSEER)
    services.region_role_assign(actor=None, region=region, user=ada, role=RegionRole.Role.ADMIN)
    services.region_role_assign(actor=None, region=region, user=rik, role=RegionRole.Role.CLIENT_REPRESENTATIVE)
    services.region_role_assign(actor=None, region=other_region, user=otto, role=RegionRole.Role.OVERSEER)
    # The insurer's account: written like an import, because the service asks for the insurer to
    # be party to one of A's agreements, and the world has none (tests add them).
    insurer = Organisation.objects.create(name="Zorgverzekeraar Domstad", kind=OrganisationKind.INSURER)
    permissions.team_role_grant(
        Membership.objects.create(team=team_a, user=ines, role=role.EXTERNAL_PARTY, organisation=insurer)
    )

    return World(
        region=region,
        other_region=other_region,
        team_a=team_a,
        team_b=team_b,
        team_c=team_c,
        gp_a=gp_a,
        pharmacy=pharmacy,
        nursing_a=nursing_a,
        social_a=social_a,
        nursing_b=nursing_b,
        carla=carla,
        maarten=maarten,
        bram=bram,
        pieter=pieter,
        olga=olga,
        ada=ada,
        otto=otto,
        rosa=rosa,
        rik=rik,
        chris=chris,
        sofie=sofie,
        insurer=insurer,
        ines=ines,
    )
