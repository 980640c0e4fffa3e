"""The wijk card (wijkkaart): whom to call in this wijk, per organisation and time of day.

Each entry is a contact point of one of the team's organisations, named by its role ("triage line
of the practice", "district nursing team Oost-2"), never by a person, with how to reach it by day,
in the evening, at night and at the weekend and on holidays. Entries are kept current (core/freshness.Confirmable):
a responsible member confirms them every `Team.reconfirm_months`, and past that date they are
stale. Two facts of the card are flags on entries, so they share the same freshness: which
district-nursing team serves the wijk, and who takes the lead when a client falls between two
chairs (with the arrangement in a sentence or two).

Client representatives may suggest a correction to an entry (`Suggestion`); they never change it.
What a team marks public (`public`) shows on the public postcode lookup: the organisation, its
general numbers and hours, never the notes, the direct line or the secure-mail address.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wijkverband.core.freshness import Confirmable
from wijkverband.tenancy.models import Organisation, Team
from wijkverband.tenancy.scoping import TeamScopedManager
from wijkverband.wijkcard.phones import display_phone

#: The four times of day a card answers, in the order it shows them: (key, label). The weekend's
#: day is a holiday's too, and its label says so: on Christmas Day "at the weekend" would be untrue.
SLOTS = (
    ("day", _("By day")),
    ("evening", _("In the evening")),
    ("night", _("At night")),
    ("weekend", _("At the weekend and on holidays")),
)
SLOT_KEYS = tuple(key for key, _label in SLOTS)


class ContactEntry(Confirmable):
    # Every text field passes the client-data guard, the phone numbers too: stored as the digits
    # of one Dutch number (8 to 11 digits, or 14 + area code), they never hold a nine-digit BSN.
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    contact_point = models.CharField(
        _("contact point"),
        max_length=120,
        help_text=_(
            "A role or a team, never a person: such as “triage line”, “district nursing team Oost-2”, "
            "“pharmacist on duty”."
        ),
    )
    day_phone = models.CharField(_("phone by day"), max_length=20, blank=True)
    day_hours = models.CharField(_("hours by day"), max_length=100, blank=True)
    evening_phone = models.CharField(_("phone in the evening"), max_length=20, blank=True)
    evening_hours = models.CharField(_("hours in the evening"), max_length=100, blank=True)
    night_phone = models.CharField(_("phone at night"), max_length=20, blank=True)
    night_hours = models.CharField(_("hours at night"), max_length=100, blank=True)
    weekend_phone = models.CharField(_("phone at the weekend"), max_length=20, blank=True)
    weekend_hours = models.CharField(_("hours at the weekend"), max_length=100, blank=True)
    # A line for professionals only (a back line, a direct number of the team): never public.
    direct_phone = models.CharField(_("direct line for professionals"), max_length=20, blank=True)
    # A mobile (06) number is accepted only when the team says it is a service or team phone.
    mobile_is_service = models.BooleanField(_("the mobile numbers here are team or service phones"), default=False)
    secure_mail = models.EmailField(_("secure-mail address"), max_length=200, blank=True)
    notes = models.TextField(_("notes for the team"), max_length=1000, blank=True)
    public = models.BooleanField(_("show on the public postcode lookup"), default=False)
    serves_wijk = models.BooleanField(_("the district-nursing team that serves this neighbourhood"), default=False)
    takes_lead = models.BooleanField(_("takes the lead when a client falls through the gaps"), default=False)
    lead_arrangement = models.CharField(_("the arrangement"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), default=timezone.now)
    # Edits carry the version they were made on: a change made meanwhile is not overwritten.
    version = models.PositiveIntegerField(default=1)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("neighbourhood card entry")
        verbose_name_plural = _("neighbourhood card entries")
        ordering = ["organisation__name", "contact_point", "pk"]
        indexes = [
            models.Index(fields=["team", "confirmed_on"], name="wijkcard_entry_team_confirmed"),
            models.Index(fields=["maintainer", "confirmed_on"], name="wijkcard_entry_maintainer"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name}: {self.contact_point}"

    # The card's selectors set both for a whole list from the team they read; alone, an entry
    # asks its team.
    @cached_property
    def stale(self) -> bool:
        return self.is_stale(self.team.reconfirm_months)

    @cached_property
    def due_on(self):
        return self.confirm_due_on(self.team.reconfirm_months)

    @property
    def title(self) -> str:
        """How notices and lists name the entry (organisation and contact point, no person)."""
        return f"{self.organisation.name} – {self.contact_point}"

    def slot(self, key: str) -> tuple[str, str]:
        """(phone for display, hours) of one time of day."""
        return display_phone(getattr(self, f"{key}_phone")), getattr(self, f"{key}_hours")

    @property
    def slots(self) -> list[tuple[str, object, str, str]]:
        """[(key, label, phone for display, hours)] for the four times of day."""
        return [(key, label, *self.slot(key)) for key, label in SLOTS]

    @property
    def direct_phone_display(self) -> str:
        return display_phone(self.direct_phone)


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    APPLIED = "applied", _("Applied")
    DECLINED = "declined", _("Declined")


class Suggestion(models.Model):
    """A client representative's suggested correction to an entry, and the team's answer."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+", verbose_name=_("team"))
    entry = models.ForeignKey(
        ContactEntry, on_delete=models.CASCADE, related_name="suggestions", verbose_name=_("entry")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("suggested by")
    )
    text = models.TextField(_("suggested correction"), max_length=1000)
    status = models.CharField(_("status"), max_length=10, choices=SuggestionStatus.choices, default="open")
    answer = models.TextField(_("answer"), max_length=1000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("suggested on"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)

    objects = TeamScopedManager()

    class Meta:
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["entry", "status"], name="wijkcard_suggestion_open")]

    def __str__(self) -> str:
        return f"suggestion {self.pk} on entry {self.entry_id}"

    @property
    def is_open(self) -> bool:
        return self.status == SuggestionStatus.OPEN
