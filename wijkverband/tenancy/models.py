"""Regions, teams (the tenant), organisations, memberships, region roles and invitations.

Membership and RegionRole rows are the record of who holds which role. The guardian groups and
object permissions below mirror them (kept in sync by wijkverband.tenancy.services) so the
policy module can answer "may this user do X to this object" with guardian.
"""

import hashlib

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from wijkverband.core.sorting import name_sort_key
from wijkverband.tenancy import postcodes
from wijkverband.tenancy.scoping import TeamScopedManager


def validate_postcode_areas(value: str) -> None:
    """A form's list of areas ("3581, 3582, 3584 AB"): ValidationError naming the first bad one."""
    postcodes.parse_area_list(value)


class Region(models.Model):
    """A regional primary-care collaboration (ROSE) that supports and oversees several teams."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name in web addresses"), max_length=60, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The region's promise to its teams: an escalation is answered within this many working days.
    # The escalation queue and "Mijn werk" show the wait against it; reminders follow it.
    escalation_response_days = models.PositiveSmallIntegerField(
        _("working days to answer an escalation"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    # Whether two teams of the region may serve the same postcode area (the lookup then shows
    # both). Teams of different regions never may (tenancy.services, docs/lookup.md).
    allow_overlapping_areas = models.BooleanField(postcodes.lazy(postcodes.ALLOW_OVERLAP), default=False)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]
        permissions = [
            ("view_region_teams", _("Read every team of the region")),
            ("oversee_region", _("Oversee the region's teams and answer escalations")),
            ("administer_region", _("Create teams and appoint coordinators")),
        ]

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    """A hecht wijkverband: the tenant. One per wijk."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="teams", verbose_name=_("region"))
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name in web addresses"), max_length=60, unique=True)
    municipality = models.CharField(_("municipality"), max_length=120)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # How often the wijk card and the social map entries are confirmed again (core/freshness.py).
    reconfirm_months = models.PositiveSmallIntegerField(
        _("confirm contact details every (months)"),
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
    )

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="team_name_unique_in_region")]
        permissions = [
            ("contribute_team", _("Propose agreements, report bottlenecks and post in threads")),
            ("manage_team_members", _("Invite members, change roles and remove members")),
            # The external party's one right: nothing of the team but its own agreements.
            ("endorse_team_agreements", _("Read and endorse the agreements its organisation is party to")),
        ]

    def __str__(self) -> str:
        return self.name

    @cached_property
    def postcode_area_list(self) -> list[str]:
        """The areas the team serves as people write them ("3581", "3584 AB"); one query (per
        object) unless prefetched (prefetch_related("postcode_areas"))."""
        codes = [area.code for area in self.postcode_areas.all()]
        return [postcodes.display_code(code) for code in sorted(codes, key=postcodes.sort_key)]


class PostcodeArea(models.Model):
    """A postcode area a team serves, kept by the region: four digits ("3581") or, where a wijk
    border splits a four-digit area, a full postcode ("3581AB"; the lookup prefers it)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="postcode_areas", verbose_name=_("team"))
    # db_index: on PostgreSQL also a pattern index, for the lookup's code__startswith.
    code = models.CharField(postcodes.lazy(postcodes.AREA_CODE), max_length=6, db_index=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = postcodes.lazy(postcodes.POSTCODE_AREA)
        verbose_name_plural = postcodes.lazy(postcodes.POSTCODE_AREAS)
        constraints = [
            models.UniqueConstraint(fields=["team", "code"], name="postcode_area_once_per_team"),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[1-9][0-9]{3}([A-Z]{2})?$"), name="postcode_area_compact_form"
            ),
        ]

    def __str__(self) -> str:
        return postcodes.display_code(self.code)


class OrganisationKind(models.TextChoices):
    GP = "huisarts", _("GP practice")
    PHARMACY = "apotheek", _("Pharmacy")
    DISTRICT_NURSING = "wijkverpleging", _("District nursing")
    SOCIAL_DOMAIN = "sociaal_domein", _("Social domain")
    OTHER = "other", _("Other care or support provider")
    # External parties to agreements (an account of theirs has the role "external party").
    INSURER = "zorgverzekeraar", _("Health insurer")
    MUNICIPALITY = "gemeente", _("Municipality")
    CLIENT_COUNCIL = "clientenraad", _("Client representation")


#: The four core players a hecht wijkverband needs, in the order the interface lists them.
CORE_KINDS = (
    OrganisationKind.GP,
    OrganisationKind.PHARMACY,
    OrganisationKind.DISTRICT_NURSING,
    OrganisationKind.SOCIAL_DOMAIN,
)


#: The kinds of an external party: an insurer, a municipality, a client council. They take part in
#: agreements, not in the team: their accounts see only the agreements their organisation is party to.
EXTERNAL_KINDS = (OrganisationKind.INSURER, OrganisationKind.MUNICIPALITY, OrganisationKind.CLIENT_COUNCIL)


class Organisation(models.Model):
    """A care or support provider. One organisation (say, a pharmacy) can serve several teams."""

    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {"sort_name": "written by code from the guarded name"}

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The name as the telephone book sorts it ("'t Hoekje" under H: core/sorting.py), kept by save().
    sort_name = models.CharField(max_length=200, blank=True, editable=False, db_index=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["sort_name", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "kind"], name="organisation_unique_name_kind")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.sort_name = name_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        super().save(*args, **kwargs)


class TeamOrganisation(models.Model):
    """An organisation taking part in a team."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="team_organisations")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="team_links")
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("organisation in a team")
        verbose_name_plural = _("organisations in teams")
        constraints = [models.UniqueConstraint(fields=["team", "organisation"], name="team_organisation_unique")]

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.team}"


class Membership(models.Model):
    """A person in a team, on behalf of an organisation, with a role."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        COORDINATOR = "coordinator", _("Coordinator")
        CLIENT_REPRESENTATIVE = "client_representative", _("Client representative")
        # An insurer, municipality or client council that endorses agreements itself: sees only
        # the agreements its organisation is party to (docs/tenancy.md).
        EXTERNAL_PARTY = "external_party", _("External party")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        null=True,
        blank=True,
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("joined"), default=timezone.now)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_one_per_team"),
            # Professionals act on behalf of an organisation; only representatives may lack one.
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | models.Q(role="client_representative"),
                name="membership_professional_has_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.team} ({self.get_role_display()})"

    @property
    def home_url_name(self) -> str:
        return self.home_url_name_for(self.role)

    @classmethod
    def home_url_name_for(cls, role: str) -> str:
        """Where the team switcher and the start page take this person: an external party sees
        only the team's agreements (its organisation's), everyone else the team home."""
        return "agreement_list" if role == cls.Role.EXTERNAL_PARTY else "team_home"


#: A role as said after "as" ("invited as a member"; Dutch "als lid"): the lower-cased role name
#: lacked the article English needs ("You have been invited as member.").
ROLE_AFTER_AS = {
    Membership.Role.MEMBER: pgettext_lazy("role after as", "a member"),
    Membership.Role.COORDINATOR: pgettext_lazy("role after as", "a coordinator"),
    Membership.Role.CLIENT_REPRESENTATIVE: pgettext_lazy("role after as", "a client representative"),
    Membership.Role.EXTERNAL_PARTY: pgettext_lazy("role after as", "an external party"),
}


class RegionRole(models.Model):
    """A person's role in a region (ROSE)."""

    class Role(models.TextChoices):
        OVERSEER = "overseer", _("Overseer")
        ADMIN = "admin", _("Region administrator")
        CLIENT_REPRESENTATIVE = "client_representative", _("Client representative")

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="roles", verbose_name=_("region"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="region_roles", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("region role")
        verbose_name_plural = _("region roles")
        constraints = [models.UniqueConstraint(fields=["region", "user"], name="region_role_one_per_region")]

    def __str__(self) -> str:
        return f"{self.user} – {self.region} ({self.get_role_display()})"


def hash_invitation_token(token: str) -> str:
    """Only a hash is stored: a copy of the database does not hold working invitation links."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {
        "email": "the invitee's address, not free text",
        "token_hash": "a hash, written by code",
    }

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("team"))
    email = models.EmailField(_("e-mail address"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=30, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("invited by")
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.team}"

    def role_after_as(self) -> str:
        """The role as said after "as" ("You have been invited as a member")."""
        return str(ROLE_AFTER_AS.get(self.role, self.get_role_display().lower()))

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()

    @property
    def mail_key(self) -> str:
        """The key of its mail in the outbox (core.outbox; work.services.mail reads it back)."""
        return f"invitation:{self.pk}"


# --- guardian: direct-foreign-key object permission models ---------------------------------------


class TeamUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)


class TeamGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Team, on_delete=models.CASCADE)


class RegionUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)


class RegionGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Region, on_delete=models.CASCADE)
