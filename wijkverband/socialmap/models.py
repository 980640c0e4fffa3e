"""The sociale kaart: meeting places, activities, Welzijn op Recept offers, voorzorgcirkels and
resident initiatives in and around the wijk (docs/socialmap.md).

An entry belongs to one team (its wijk), or to the region as a whole (`team` is empty): a
region-wide entry is on the kaart of every team of the region. Both carry the region, so "the
entries a team sees" is one condition on indexed columns, kept in one place: `EntryManager`.
"""

from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wijkverband.core.freshness import DEFAULT_RECONFIRM_MONTHS, Confirmable
from wijkverband.core.phones import dial_phone
from wijkverband.core.sorting import name_sort_key, without_accents
from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.scoping import TeamScopedManager, TeamScopedQuerySet

#: Region-wide entries have no team setting: they are confirmed again every so many months (the
#: teams' default; regional offers change as often as local ones).
REGION_RECONFIRM_MONTHS = DEFAULT_RECONFIRM_MONTHS

OSM_SEARCH = "https://www.openstreetmap.org/search?query="


class Kind(models.TextChoices):
    MEETING_PLACE = "meeting_place", _("Meeting place")
    ACTIVITY = "activity", _("Activity")
    WELZIJN_OP_RECEPT = "welzijn_op_recept", _("Welzijn op Recept offer")
    VOORZORGCIRKEL = "voorzorgcirkel", _("Precaution circle")
    RESIDENT_INITIATIVE = "resident_initiative", _("Resident initiative")


class Cost(models.TextChoices):
    FREE = "free", _("Free")
    CONTRIBUTION = "contribution", _("Contribution")
    PRICE = "price", _("Price")


def search_fold(text: str) -> str:
    """Lower case without accents ("Café" → "cafe"): how the CSV import compares names and headers,
    so either spelling finds the other."""
    return without_accents(text).lower()


def _team_ids(teams) -> list[int]:
    return [team if isinstance(team, int) else team.pk for team in teams]


class EntryQuerySet(TeamScopedQuerySet):
    def for_team(self, team):
        return self.filter(available_to(team))


def available_to(team) -> Q:
    """The entries a team sees: its own and its region's region-wide ones."""
    if isinstance(team, Team):
        return Q(team_id=team.pk) | Q(team__isnull=True, region_id=team.region_id)
    return Q(team_id=team) | Q(team__isnull=True, region__teams=team)


class EntryManager(TeamScopedManager.from_queryset(EntryQuerySet)):
    """A team's scope (and for_team) holds the team's entries and its region's region-wide ones."""

    def _filtered(self, queryset, team_ids: list[int]):
        # The scope names team ids only; their regions come from the team table in the same query
        # (the ids are parameters; only our table name and the placeholders are in the text).
        placeholders = ", ".join(["%s"] * len(team_ids))
        sql = f"SELECT region_id FROM {Team._meta.db_table} WHERE id IN ({placeholders})"  # noqa: S608
        regions = RawSQL(sql, team_ids)  # noqa: S611
        return queryset.filter(Q(team_id__in=team_ids) | Q(team__isnull=True, region_id__in=regions))

    def _all(self):
        return models.Manager.get_queryset(self)

    def for_team(self, team):
        """The entries this team sees (a Team, or its id), whatever scope is active."""
        if isinstance(team, Team):
            return self._all().filter(available_to(team))
        return self._filtered(self._all(), _team_ids([team]))

    def for_region(self, region):
        """Every entry of the region: region-wide ones and those of each of its teams."""
        return self._all().filter(region_id=getattr(region, "pk", region))

    def region_wide(self, region):
        return self._all().filter(region_id=getattr(region, "pk", region), team__isnull=True)


class Entry(Confirmable):
    #: Text fields the client-data guard does not check (wijkverband/core/guard.py), and why.
    CLIENT_DATA_EXEMPT = {
        # Ten digits starting with 0 (validation.phone_normal): a phone number, never a BSN; some
        # real numbers would pass the BSN eleven-test as a nine-digit run.
        "phone": "validated as a Dutch phone number",
        "sort_name": "written by code from the guarded name",
    }

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, related_name="social_map_entries", verbose_name=_("region")
    )
    # Empty: region-wide (kept by the region's administrators, on every team's kaart).
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="social_map_entries",
        verbose_name=_("team"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=7, blank=True)
    place = models.CharField(_("place"), max_length=100, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=500, blank=True)
    dementia_friendly = models.BooleanField(_("dementia-friendly"), default=False)
    wheelchair_accessible = models.BooleanField(_("wheelchair-accessible"), default=False)
    cost = models.CharField(_("cost"), max_length=20, choices=Cost.choices, default=Cost.FREE)
    price = models.CharField(_("price or contribution"), max_length=200, blank=True)
    phone = models.CharField(_("phone (organisation)"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail (organisation)"), max_length=200, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    public = models.BooleanField(_("public"), default=False)
    # The name as the telephone book sorts it ("'t Hoekje" under H: core/sorting.py): what the lists
    # sort by, written from the name. (The search reads name, description and place through the
    # site's search, core/textsearch: the column search_text it once had is gone, migration 0005.)
    sort_name = models.CharField(max_length=200, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("last change"), default=timezone.now)
    # Optimistic locking: an edit built from an older version is refused, not overwritten.
    version = models.PositiveIntegerField(default=1)

    objects = EntryManager()

    class Meta:
        verbose_name = _("social map entry")
        verbose_name_plural = _("social map entries")
        ordering = ["sort_name", "name", "pk"]
        indexes = [
            models.Index(fields=["team", "sort_name"], name="socialmap_entry_team_sort"),
            models.Index(fields=["region", "team", "sort_name"], name="socialmap_entry_region_sort"),
            models.Index(fields=["maintainer", "confirmed_on"], name="socialmap_entry_maintainer"),
        ]

    def __str__(self) -> str:
        return self.name

    #: Columns written by code from the others (`derive`): save() and the import's bulk writes.
    DERIVED_FIELDS = ("sort_name",)

    def derive(self) -> None:
        self.sort_name = name_sort_key(self.name)

    def save(self, *args, **kwargs):
        self.derive()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, *self.DERIVED_FIELDS}
        super().save(*args, **kwargs)

    @property
    def is_region_wide(self) -> bool:
        return self.team_id is None

    @property
    def reconfirm_months(self) -> int:
        return REGION_RECONFIRM_MONTHS if self.team_id is None else self.team.reconfirm_months

    @property
    def due_on(self):
        return self.confirm_due_on(self.reconfirm_months)

    @property
    def stale(self) -> bool:
        return self.is_stale(self.reconfirm_months)

    @property
    def address(self) -> str:
        """ "Dorpsstraat 1, 3581 AB Utrecht" (the parts that are there)."""
        town = " ".join(part for part in (self.postcode, self.place) if part)
        return ", ".join(part for part in (self.street, town) if part)

    @property
    def dial(self) -> str:
        """The number for a tel: link, as the wijk card writes it ("030 200 7788" → +31302007788,
        "0800 1205" → 08001205)."""
        return dial_phone(self.phone)

    @property
    def osm_url(self) -> str:
        """The address on OpenStreetMap's search (no map is loaded here: it is a link)."""
        return OSM_SEARCH + quote(self.address, safe="") if self.address else ""


class Suggestion(models.Model):
    """A client representative's suggested correction to an entry, and how it was handled.

    `team` is the team whose kaart it was made on (empty: on the region's pages)."""

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for an answer")
        APPLIED = "applied", _("Applied")
        DECLINED = "declined", _("Declined")

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="suggestions")
    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField(_("suggested correction"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("answer"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = EntryManager()

    class Meta:
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"suggestion {self.pk} on entry {self.entry_id}"
