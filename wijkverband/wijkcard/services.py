"""Writes to the wijk card. Each service is one transaction: it checks the person's rights, refuses
bad input with ActionRefused at the field it is about (changing nothing), writes, makes its notices
and records an audit row last (docs/audit.md). Free text passes the client-data guard when saved.

Saving an entry also confirms it: the form asks the person to check every line before saving.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkverband.audit.services import audit_record
from wijkverband.core.errors import ActionRefused
from wijkverband.core.locking import lock_and_read
from wijkverband.tenancy.models import Organisation, OrganisationKind, Team, TeamOrganisation
from wijkverband.tenancy.policy import TeamRights, team_rights
from wijkverband.tenancy.selectors import is_professional
from wijkverband.wijkcard import notices, policy
from wijkverband.wijkcard.models import SLOT_KEYS, ContactEntry, Suggestion, SuggestionStatus
from wijkverband.wijkcard.phones import PhoneError, is_mobile, normalise_phone

PHONE_FIELDS = tuple(f"{key}_phone" for key in SLOT_KEYS) + ("direct_phone",)
HOURS_FIELDS = tuple(f"{key}_hours" for key in SLOT_KEYS)
MAX_SUGGESTION = 1000


def _forbidden(message) -> ActionRefused:
    return ActionRefused(message, code="forbidden")


def _rights(actor, team: Team) -> TeamRights:
    rights = team_rights(user=actor, team=team)
    if not rights.can_view:
        raise PermissionDenied
    return rights


def _text(value, *, field: str, max_length: int, required=None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ActionRefused(required, code="required", field=field)
    if len(text) > max_length:
        raise ActionRefused(
            _("Keep it under %(max)d characters (now %(length)d).") % {"max": max_length, "length": len(text)},
            field=field,
        )
    return text


@dataclass
class EntryData:
    """What a person fills in for an entry (the form's cleaned data, or a test's)."""

    organisation: Organisation | None
    contact_point: str
    day_phone: str = ""
    day_hours: str = ""
    evening_phone: str = ""
    evening_hours: str = ""
    night_phone: str = ""
    night_hours: str = ""
    weekend_phone: str = ""
    weekend_hours: str = ""
    direct_phone: str = ""
    mobile_is_service: bool = False
    secure_mail: str = ""
    notes: str = ""
    public: bool = False
    serves_wijk: bool = False
    takes_lead: bool = False
    lead_arrangement: str = ""
    maintainer: object = None


# Refusals the form gives too (forms.EntryForm), in the same words.


def mobile_refusal() -> str:
    return _(
        "This is a mobile number (06). The neighbourhood card names teams and services, never someone's own "
        "phone: enter it only if it is a team or service phone, and tick the box that says so."
    )


def secure_mail_refusal() -> str:
    return _("Enter the secure-mail address as an e-mail address, such as praktijk@zorgmail.nl.")


def no_way_to_reach_refusal() -> str:
    return _("Give at least one way to reach them: a phone number or a secure-mail address.")


def serves_wijk_refusal() -> str:
    return _("Only a district-nursing organisation's entry can be the team that serves the neighbourhood.")


def arrangement_required() -> str:
    return _("Say in a sentence or two what the arrangement is.")


def _clean(team: Team, data: EntryData) -> dict:
    """The values to store, or ActionRefused at the first field that is wrong."""
    organisation = data.organisation
    if (
        organisation is None
        or not TeamOrganisation.objects.for_team(team).filter(organisation_id=organisation.pk).exists()
    ):
        raise ActionRefused(_("Choose one of the team's organisations."), field="organisation")
    values = {
        "organisation": organisation,
        "contact_point": _text(
            data.contact_point,
            field="contact_point",
            max_length=120,
            required=_("Name the contact point: a role or a team, such as “triage line”."),
        ),
    }
    mobiles = []
    for name in PHONE_FIELDS:
        try:
            values[name] = normalise_phone(getattr(data, name))
        except PhoneError as error:
            raise ActionRefused(str(error), field=name) from None
        if is_mobile(values[name]):
            mobiles.append(name)
    if mobiles and not data.mobile_is_service:
        raise ActionRefused(mobile_refusal(), field=mobiles[0])
    values["mobile_is_service"] = bool(mobiles) and bool(data.mobile_is_service)
    for name in HOURS_FIELDS:
        values[name] = _text(getattr(data, name), field=name, max_length=100)
    secure_mail = (data.secure_mail or "").strip()
    if secure_mail:
        try:
            validate_email(secure_mail)
        except ValidationError:
            raise ActionRefused(secure_mail_refusal(), field="secure_mail") from None
    values["secure_mail"] = secure_mail
    if not any(values[name] for name in PHONE_FIELDS) and not secure_mail:
        raise ActionRefused(no_way_to_reach_refusal(), field="day_phone")  # the form shows it at the first phone
    values["notes"] = _text(data.notes, field="notes", max_length=1000)
    values["public"] = bool(data.public)
    values["serves_wijk"] = bool(data.serves_wijk)
    if values["serves_wijk"] and organisation.kind != OrganisationKind.DISTRICT_NURSING:
        raise ActionRefused(serves_wijk_refusal(), field="serves_wijk")
    values["takes_lead"] = bool(data.takes_lead)
    # Kept without the lead too: an entry that handed the lead over keeps its arrangement (the
    # form shows it, and refuses a new one typed without the lead).
    values["lead_arrangement"] = _text(
        data.lead_arrangement,
        field="lead_arrangement",
        max_length=500,
        required=arrangement_required() if data.takes_lead else None,
    )
    maintainer = data.maintainer
    if maintainer is not None and not is_professional(user=maintainer, team=team):
        raise ActionRefused(_("Choose a member of the team as the responsible member."), field="maintainer")
    values["maintainer"] = maintainer
    return values


def _one_lead(actor, entry: ContactEntry) -> None:
    """One entry takes the lead: marking another hands it over. The entry that had it keeps its
    arrangement (no free text is lost; it shows again if it takes the lead back) and gets a new
    version, so a form open on it does not take the lead back unseen; the hand-over is audited."""
    if not entry.takes_lead:
        return
    previous = ContactEntry.objects.for_team(entry.team_id).filter(takes_lead=True).exclude(pk=entry.pk)
    previous_ids = list(previous.values_list("pk", flat=True))
    if not previous_ids:
        return
    ContactEntry.objects.for_team(entry.team_id).filter(pk__in=previous_ids).update(
        takes_lead=False, version=F("version") + 1, updated_at=timezone.now()
    )
    _audit(actor, "lead_handed_over", entry, previous=previous_ids)


def _audit(actor, action: str, entry: ContactEntry, **data) -> None:
    audit_record(actor=actor, action=f"wijkcard.{action}", team=entry.team_id, target=entry, data=data)


def _may_edit(actor, team: Team) -> None:
    if not policy.can_edit(_rights(actor, team)):
        raise _forbidden(_("Only members of the team change the neighbourhood card."))


@transaction.atomic
def entry_create(*, actor, team: Team, data: EntryData, confirmed_on: date | None = None) -> ContactEntry:
    """A new entry, confirmed today by its author. confirmed_on: the day it was last confirmed,
    when it is taken over from an older list (never in the future)."""
    _may_edit(actor, team)
    values = _clean(team, data)
    today = timezone.localdate()
    if confirmed_on is not None and confirmed_on > today:
        raise ActionRefused(_("A confirmation cannot lie in the future."))
    now = timezone.now()
    entry = ContactEntry(
        team=team,
        confirmed_on=confirmed_on or today,
        confirmed_by=actor,
        created_at=now,
        updated_at=now,
        **values,
    )
    entry.save()
    _one_lead(actor, entry)
    _audit(actor, "entry_created", entry, public=entry.public)
    return entry


def _lock(entry: ContactEntry, version: int | None) -> ContactEntry:
    # Locked first, read with its organisation after (core.locking): in one statement, a lock that
    # waited for an edit moving the entry to another organisation found no row at all (the row is
    # read again after the wait, the organisation joined to it is not), and said it was removed.
    try:
        locked = lock_and_read(
            ContactEntry.objects.for_team(entry.team_id), pk=entry.pk, related=("team", "organisation")
        )
    except ContactEntry.DoesNotExist:
        raise ActionRefused(_("This entry has been removed meanwhile."), code="stale") from None
    if version is not None and locked.version != version:
        raise ActionRefused(
            _(
                "Someone else changed this entry while you were working on it, so nothing was saved. "
                "Check the entry as it is now; what you typed is still in the form."
            ),
            code="stale",
        )
    return locked


def _edit(actor, entry: ContactEntry, values: dict) -> ContactEntry:
    for name, value in values.items():
        setattr(entry, name, value)
    entry.confirmed_on = timezone.localdate()
    entry.confirmed_by = actor
    entry.updated_at = timezone.now()
    entry.version += 1
    entry.save()
    _one_lead(actor, entry)
    notices.confirmed(entry)
    return entry


@transaction.atomic
def entry_edit(*, actor, entry: ContactEntry, data: EntryData, version: int | None) -> ContactEntry:
    """Change an entry; saving confirms it (the person checked every line)."""
    _may_edit(actor, entry.team)
    entry = _lock(entry, version)
    entry = _edit(actor, entry, _clean(entry.team, data))
    _audit(actor, "entry_edited", entry, public=entry.public)
    return entry


@transaction.atomic
def entry_confirm(*, actor, entry: ContactEntry) -> ContactEntry:
    """ "Still right": confirmed today by this person."""
    _may_edit(actor, entry.team)
    entry = _lock(entry, None)
    entry.confirmed_on = timezone.localdate()
    entry.confirmed_by = actor
    entry.save(update_fields=["confirmed_on", "confirmed_by"])
    notices.confirmed(entry)
    _audit(actor, "entry_confirmed", entry)
    return entry


@transaction.atomic
def entry_delete(*, actor, entry: ContactEntry) -> None:
    _may_edit(actor, entry.team)
    entry = _lock(entry, None)
    notices.removed(entry)
    pk, team_id = entry.pk, entry.team_id
    entry.delete()
    audit_record(
        actor=actor,
        action="wijkcard.entry_deleted",
        team=team_id,
        data={"entry": pk, "organisation": entry.organisation_id},
    )


@transaction.atomic
def reconfirm_months_set(*, actor, team: Team, months) -> Team:
    """The team's setting "confirm contact details every N months" (coordinators)."""
    if not policy.can_set_interval(_rights(actor, team)):
        raise _forbidden(_("Only a coordinator sets how often the contact details are confirmed."))
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 24:
        raise ActionRefused(_("Choose 1 to 24 months."), field="reconfirm_months")
    Team.objects.filter(pk=team.pk).update(reconfirm_months=months)
    team.reconfirm_months = months
    audit_record(actor=actor, action="wijkcard.reconfirm_months_set", team=team, target=team, data={"months": months})
    return team


# --- suggestions ------------------------------------------------------------------------------------


@transaction.atomic
def suggestion_create(*, actor, entry: ContactEntry, text: str) -> Suggestion:
    """A client representative suggests a correction; it reaches the entry's responsible member."""
    if not policy.can_suggest(_rights(actor, entry.team)):
        raise _forbidden(_("Client representatives suggest corrections; members change the card themselves."))
    text = _text(text, field="text", max_length=MAX_SUGGESTION, required=_("Say what should be corrected."))
    suggestion = Suggestion.objects.create(team_id=entry.team_id, entry=entry, author=actor, text=text)
    notices.suggestion_made(suggestion, actor=actor)
    audit_record(actor=actor, action="wijkcard.suggestion_made", team=entry.team_id, target=suggestion)
    return suggestion


def _open(suggestion: Suggestion) -> Suggestion:
    locked = Suggestion.objects.for_team(suggestion.team_id).select_for_update().get(pk=suggestion.pk)
    if locked.status != SuggestionStatus.OPEN:
        raise ActionRefused(_("This suggestion has been answered already."), code="stale")
    locked.entry = suggestion.entry
    return locked


def _answer(actor, suggestion: Suggestion, status: str, answer: str) -> Suggestion:
    suggestion.status = status
    suggestion.answer = answer
    suggestion.answered_by = actor
    suggestion.answered_at = timezone.now()
    suggestion.save()
    notices.suggestion_answered(suggestion, actor=actor)
    return suggestion


@transaction.atomic
def suggestion_apply(
    *, actor, suggestion: Suggestion, data: EntryData, version: int | None, answer: str = ""
) -> Suggestion:
    """Apply the suggestion: the entry is edited and confirmed, the representative hears of it."""
    _may_edit(actor, suggestion.entry.team)
    suggestion = _open(suggestion)
    answer = _text(answer, field="answer", max_length=MAX_SUGGESTION)
    entry = _lock(suggestion.entry, version)
    suggestion.entry = _edit(actor, entry, _clean(entry.team, data))
    suggestion = _answer(actor, suggestion, SuggestionStatus.APPLIED, answer)
    audit_record(actor=actor, action="wijkcard.suggestion_applied", team=suggestion.team_id, target=suggestion)
    return suggestion


@transaction.atomic
def suggestion_decline(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    """Decline with a short answer, so the representative knows why."""
    _may_edit(actor, suggestion.entry.team)
    suggestion = _open(suggestion)
    answer = _text(answer, field="answer", max_length=MAX_SUGGESTION, required=_("Say briefly why, so they know."))
    suggestion = _answer(actor, suggestion, SuggestionStatus.DECLINED, answer)
    audit_record(actor=actor, action="wijkcard.suggestion_declined", team=suggestion.team_id, target=suggestion)
    return suggestion
