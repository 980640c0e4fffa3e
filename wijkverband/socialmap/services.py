"""Writes of the sociale kaart: one function per change, one transaction, the audit row last.

Every text an entry or a suggestion holds passes the client-data guard when it is saved
(wijkverband/core/guard.py); the import, which writes in bulk, runs the guard on every row itself.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkverband.audit.services import audit_record
from wijkverband.core.errors import ActionRefused
from wijkverband.socialmap import notices
from wijkverband.socialmap.models import Entry, Suggestion
from wijkverband.socialmap.policy import is_representative, may_add, may_edit, rights_on_page
from wijkverband.socialmap.selectors import maintainer_choices
from wijkverband.socialmap.validation import entry_clean, guard_entry
from wijkverband.tenancy.models import Region, Team
from wijkverband.tenancy.policy import region_rights, team_rights

#: The fields a person fills in (the form's and the import's).
ENTRY_FIELDS = (
    "kind",
    "name",
    "description",
    "street",
    "postcode",
    "place",
    "opening_hours",
    "dementia_friendly",
    "wheelchair_accessible",
    "cost",
    "price",
    "phone",
    "email",
    "website",
    "public",
)
MAX_SUGGESTION = 2000


def _forbidden(message=None) -> ActionRefused:
    return ActionRefused(message or _("Your role does not allow this on the sociale kaart."), code="forbidden")


def _stale_message() -> str:
    return _("Someone changed this entry while you were editing it. Check the entry as it is now and try again.")


def _checked(data: dict) -> dict:
    cleaned, errors = entry_clean(data)
    if errors:
        field, message = next(iter(errors.items()))
        raise ActionRefused(message, field=field)
    return cleaned


def _maintainer(*, actor, chosen, team: Team | None, region: Region):
    """The responsible member: the one chosen, else the actor when they may be, else nobody."""
    choices = maintainer_choices(team=team, region=region)
    if chosen is not None:
        if not choices.filter(pk=chosen.pk).exists():
            raise ActionRefused(
                _("The responsible member must be a member of the team (or, region-wide, an administrator)."),
                field="maintainer",
            )
        return chosen
    return actor if choices.filter(pk=actor.pk).exists() else None


def _audit(actor, action: str, entry: Entry, **data) -> None:
    audit_record(
        actor=actor,
        action=f"socialmap.{action}",
        team=entry.team_id,
        region=entry.region_id,
        target=entry,
        data={"region": entry.region_id, "name": entry.name, **data},
    )


def _add_rights(actor, *, team: Team | None, region: Region):
    rights = team_rights(user=actor, team=team) if team is not None else region_rights(user=actor, region=region)
    if not may_add(rights):
        raise _forbidden()


@transaction.atomic
def entry_create(*, actor, team: Team | None = None, region: Region | None = None, data: dict) -> Entry:
    """A team's entry (team given) or a region-wide one (region given, no team)."""
    region = team.region if team is not None else region
    _add_rights(actor, team=team, region=region)
    cleaned = _checked(data)
    today = timezone.localdate()
    entry = Entry(
        region=region,
        team=team,
        created_by=actor,
        confirmed_by=actor,
        confirmed_on=today,
        maintainer=_maintainer(actor=actor, chosen=data.get("maintainer"), team=team, region=region),
        **{name: cleaned[name] for name in ENTRY_FIELDS},
    )
    entry.save()
    _audit(actor, "entry_created", entry)
    return entry


def _lock(entry: Entry, version: int | None) -> Entry:
    locked = Entry.objects.for_region(entry.region_id).select_for_update().get(pk=entry.pk)
    if version is not None and locked.version != version:
        raise ActionRefused(_stale_message(), code="stale")
    locked.team, locked.region = entry.team, entry.region
    return locked


@transaction.atomic
def entry_edit(*, actor, entry: Entry, data: dict, version: int | None) -> Entry:
    """Saving an edit confirms the entry too: whoever edits it has just checked it."""
    if not may_edit(user=actor, entry=entry):
        raise _forbidden()
    locked = _lock(entry, version)
    cleaned = _checked(data)
    changed = [name for name in ENTRY_FIELDS if getattr(locked, name) != cleaned[name]]
    for name in ENTRY_FIELDS:
        setattr(locked, name, cleaned[name])
    maintainer = (
        _maintainer(actor=actor, chosen=data.get("maintainer"), team=locked.team, region=locked.region)
        if data.get("maintainer") is not None
        else locked.maintainer
    )
    if maintainer != locked.maintainer:
        changed.append("maintainer")
    locked.maintainer = maintainer
    locked.confirmed_on, locked.confirmed_by = timezone.localdate(), actor
    locked.version += 1
    locked.updated_at = timezone.now()
    locked.save()
    notices.confirmed(locked)
    _audit(actor, "entry_edited", locked, fields=changed)
    return locked


@transaction.atomic
def entry_confirm(*, actor, entry: Entry) -> Entry:
    """ "Still right": confirmed today by the actor."""
    if not may_edit(user=actor, entry=entry):
        raise _forbidden()
    locked = _lock(entry, None)
    locked.confirmed_on, locked.confirmed_by = timezone.localdate(), actor
    locked.version += 1
    locked.save(update_fields=["confirmed_on", "confirmed_by", "version"])
    notices.confirmed(locked)
    _audit(actor, "entry_confirmed", locked)
    return locked


@transaction.atomic
def entry_remove(*, actor, entry: Entry) -> None:
    if not may_edit(user=actor, entry=entry):
        raise _forbidden()
    locked = _lock(entry, None)
    notices.confirmed(locked)  # nothing left to confirm
    _audit(actor, "entry_removed", locked)
    locked.delete()


# --- suggestions ----------------------------------------------------------------------------------


@transaction.atomic
def suggestion_create(*, actor, entry: Entry, team: Team | None, body: str) -> Suggestion:
    """A client representative suggests a correction (on a team's kaart, or the region's: team None)."""
    if not is_representative(rights_on_page(user=actor, team=team, region=entry.region)):
        raise _forbidden(_("Client representatives suggest corrections; the team keeps the kaart itself."))
    text = (body or "").strip()
    if not text:
        raise ActionRefused(_("Say what should be corrected."), field="body")
    if len(text) > MAX_SUGGESTION:
        raise ActionRefused(
            _("Keep it under %(max)d characters (now %(length)d).") % {"max": MAX_SUGGESTION, "length": len(text)},
            field="body",
        )
    suggestion = Suggestion.objects.create(entry=entry, region_id=entry.region_id, team=team, author=actor, body=text)
    notices.correction_suggested(suggestion, actor=actor)
    _audit(actor, "suggestion_made", entry, suggestion=suggestion.pk)
    return suggestion


@transaction.atomic
def suggestion_handle(*, actor, suggestion: Suggestion, applied: bool, answer: str) -> Suggestion:
    """Applied (the entry is confirmed too: it was just checked) or declined, with an answer."""
    entry = suggestion.entry
    if not may_edit(user=actor, entry=entry):
        raise _forbidden()
    locked = Suggestion.objects.for_region(entry.region_id).select_for_update().get(pk=suggestion.pk)
    if locked.status != Suggestion.Status.OPEN:
        raise ActionRefused(_("This suggestion has been answered already."), code="stale")
    text = (answer or "").strip()
    if not applied and not text:
        raise ActionRefused(_("Say why you decline it: the representative reads your answer."), field="answer")
    if len(text) > MAX_SUGGESTION:
        raise ActionRefused(
            _("Keep it under %(max)d characters (now %(length)d).") % {"max": MAX_SUGGESTION, "length": len(text)},
            field="answer",
        )
    locked.status = Suggestion.Status.APPLIED if applied else Suggestion.Status.DECLINED
    locked.answer, locked.handled_by, locked.handled_at = text, actor, timezone.now()
    locked.save()
    locked.entry, locked.team = entry, suggestion.team
    if applied:
        fresh = _lock(entry, None)
        fresh.confirmed_on, fresh.confirmed_by = timezone.localdate(), actor
        fresh.save(update_fields=["confirmed_on", "confirmed_by"])
        notices.confirmed(fresh)
    notices.correction_handled(locked, actor=actor)
    _audit(actor, "suggestion_handled", entry, suggestion=locked.pk, status=locked.status)
    return locked


# --- import ---------------------------------------------------------------------------------------


class ImportRefused(ActionRefused):
    """Rows that cannot be saved: nothing was saved. `errors` lists (row number, message)."""

    def __init__(self, errors: list[tuple[int, str]]):
        super().__init__(_("Nothing was imported: correct the rows below and upload the file again."))
        self.errors = errors


@transaction.atomic
def _same_place_key(kind: str, name: str, street: str, postcode: str) -> tuple:
    """What makes two entries the same one: kind, name and address, whatever the case and spaces."""
    return (kind, " ".join(name.casefold().split()), " ".join(street.casefold().split()), postcode.replace(" ", ""))


def entries_import(*, actor, team: Team | None = None, region: Region | None = None, rows: list) -> dict:
    """Save every row of an import, or none. `rows`: (row number, cleaned values, entry id or None);
    an id updates that entry (when it is one the page keeps: the team's own, or region-wide on the
    region's page). A row without one updates the entry of this kaart with the same kind, name and
    address, if there is one (the same file imported again made every entry twice), and is a new
    entry otherwise; the same entry twice in one file is a bad row. Each row passes the client-data
    guard here (bulk writes skip the save signal); a refusal names the row and the field.

    Returns {"created": n, "updated": n, "skipped": [(row, message)]}."""
    region = team.region if team is not None else region
    _add_rights(actor, team=team, region=region)
    today = timezone.localdate()
    now = timezone.now()
    wanted = {entry_id for _row, _data, entry_id in rows if entry_id}
    # Only entries on this page's kaart: a number of another team's entry is "not an entry of
    # this kaart", and its name is never shown.
    scope = (Entry.objects.for_team(team) if team is not None else Entry.objects.for_region(region)).select_for_update()
    # The kaart's own entries by kind, name and address, for rows without a number.
    own = scope.filter(team=team) if team is not None else scope.filter(team__isnull=True)
    by_place = {
        _same_place_key(kind, name, street, postcode): pk
        for pk, kind, name, street, postcode in own.values_list("pk", "kind", "name", "street", "postcode")
    }
    matched = {
        by_place[key]
        for _row, data, entry_id in rows
        if not entry_id
        and (key := _same_place_key(data["kind"], data["name"], data["street"], data["postcode"])) in by_place
    }
    existing = {e.pk: e for e in scope.filter(pk__in=wanted | matched)} if wanted or matched else {}
    in_file: dict[tuple, int] = {}
    maintainer = _maintainer(actor=actor, chosen=None, team=team, region=region)
    errors: list[tuple[int, str]] = []
    skipped: list[tuple[int, str]] = []
    new: list[Entry] = []
    changed: list[Entry] = []
    for number, data, entry_id in rows:
        if not entry_id:
            key = _same_place_key(data["kind"], data["name"], data["street"], data["postcode"])
            if key in in_file:
                errors.append(
                    (
                        number,
                        _("the same entry as row %(row)s of this file (kind, name and address)")
                        % {"row": in_file[key]},
                    )
                )
                continue
            in_file[key] = number
            entry_id = by_place.get(key)
        if entry_id:
            entry = existing.get(entry_id)
            if entry is None:
                errors.append((number, _("number %(id)s is not an entry of this kaart") % {"id": entry_id}))
                continue
            if entry.team_id != (team.pk if team is not None else None):
                skipped.append(
                    (
                        number,
                        _("“%(name)s” is kept by the region: left as it is") % {"name": entry.name}
                        if entry.team_id is None
                        else _("“%(name)s” belongs to another team: left as it is") % {"name": entry.name},
                    )
                )
                continue
            for name in ENTRY_FIELDS:
                setattr(entry, name, data[name])
            entry.confirmed_on, entry.confirmed_by, entry.updated_at = today, actor, now
            entry.version += 1
        else:
            entry = Entry(
                region=region,
                team=team,
                created_by=actor,
                confirmed_by=actor,
                confirmed_on=today,
                maintainer=maintainer,
                created_at=now,
                updated_at=now,
                **{name: data[name] for name in ENTRY_FIELDS},
            )
        entry.search_text = Entry.search_text_of(entry)
        try:
            guard_entry(entry)
        except ActionRefused as refused:
            errors.append((number, str(refused.message)))
            continue
        (changed if entry.pk else new).append(entry)
    if errors:
        raise ImportRefused(errors)
    Entry.objects.bulk_create(new, batch_size=1000)
    if changed:
        Entry.objects.bulk_update(
            changed,
            [*ENTRY_FIELDS, "search_text", "confirmed_on", "confirmed_by", "updated_at", "version"],
            batch_size=1000,
        )
    audit_record(
        actor=actor,
        action="socialmap.imported",
        team=team.pk if team is not None else None,
        region=region,
        data={"region": region.pk, "created": len(new), "updated": len(changed), "skipped": len(skipped)},
    )
    return {"created": len(new), "updated": len(changed), "skipped": skipped}
