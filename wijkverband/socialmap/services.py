"""Writes of the sociale kaart: one function per change, one transaction, the audit row last.

Every text an entry or a suggestion holds passes the client-data guard when it is saved
(wijkverband/core/guard.py); the import, which writes in bulk, runs the guard on every row itself.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkverband.audit.services import audit_record
from wijkverband.core.errors import ActionRefused
from wijkverband.core.guard import ClientDataRefused, refusal_message
from wijkverband.socialmap import notices
from wijkverband.socialmap.models import Cost, Entry, Suggestion
from wijkverband.socialmap.policy import may_add, may_edit, may_suggest, rights_on_page
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
    return ActionRefused(message or _("Your role does not allow this on the social map."), code="forbidden")


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


def _removed_message() -> str:
    return _("This entry has been removed from the social map meanwhile.")


def _lock(entry: Entry, version: int | None) -> Entry:
    # A lock that waited for the entry's removal finds no row once it committed: said, not a
    # server error (DoesNotExist).
    locked = Entry.objects.for_region(entry.region_id).select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise ActionRefused(_removed_message(), code="stale")
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
    try:
        locked = _lock(entry, None)
    except ActionRefused:
        return  # removed by someone else meanwhile (or a second click): what was asked is done
    notices.removed(locked)  # nothing left to confirm or to answer
    _audit(actor, "entry_removed", locked)
    locked.delete()


# --- suggestions ----------------------------------------------------------------------------------


@transaction.atomic
def suggestion_create(*, actor, entry: Entry, team: Team | None, body: str) -> Suggestion:
    """A client representative suggests a correction (on a team's kaart, or the region's: team None),
    or a team's professional on a region-wide entry of the team's kaart (policy.may_suggest)."""
    if not may_suggest(user=actor, rights=rights_on_page(user=actor, team=team, region=entry.region), entry=entry):
        raise _forbidden(_("Client representatives suggest corrections; the team keeps the map itself."))
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
    # The entry first, then its suggestion: the order of a removal, which deletes its suggestions
    # (the other order could deadlock with it). One that waited for a removal is refused.
    fresh = _lock(entry, None)
    locked = Suggestion.objects.for_region(entry.region_id).select_for_update().filter(pk=suggestion.pk).first()
    if locked is None:
        raise ActionRefused(_removed_message(), code="stale")
    if locked.status != Suggestion.Status.OPEN:
        raise ActionRefused(_("This suggestion has been answered already."), code="stale")
    text = (answer or "").strip()
    if not applied and not text:
        raise ActionRefused(_("Say why you decline it: whoever suggested it reads your answer."), field="answer")
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
        fresh.confirmed_on, fresh.confirmed_by = timezone.localdate(), actor
        fresh.save(update_fields=["confirmed_on", "confirmed_by"])
        notices.confirmed(fresh)
    notices.correction_handled(locked, actor=actor)
    _audit(actor, "suggestion_handled", entry, suggestion=locked.pk, status=locked.status)
    return locked


# --- import ---------------------------------------------------------------------------------------


class ImportRefused(ActionRefused):
    """Rows that cannot be saved: nothing was saved. `errors` lists (row number, field, message)."""

    def __init__(self, errors: list[tuple[int | None, str, str]]):
        super().__init__(_("Nothing was imported: correct the rows below and upload the file again."))
        self.errors = errors


#: A new entry's values for the columns a file does not have (cost "": a price when one is given).
NEW_ENTRY = {
    name: False if name in ("dementia_friendly", "wheelchair_accessible", "public") else "" for name in ENTRY_FIELDS
}
#: What tells two entries apart when a row has no number (and the file has the column).
PLACE_FIELDS = ("street", "postcode")


def _place_key(values: dict, fields: tuple) -> tuple:
    """Kind, name and the address fields given, whatever the case and spaces."""
    folded = {name: " ".join(str(values.get(name) or "").casefold().split()) for name in ("name", *fields)}
    if "postcode" in folded:
        folded["postcode"] = folded["postcode"].replace(" ", "")
    return (values.get("kind") or "", *folded.values())


def _row_values(entry: Entry | None, row) -> dict:
    """The entry's values with the row's over them: a column the file does not have leaves the
    field as it is (a new entry: empty, no, free). An empty Kosten: a price when there is one."""
    data = {name: getattr(entry, name) for name in ENTRY_FIELDS} if entry is not None else dict(NEW_ENTRY)
    data.update(row.values)
    if not data["cost"]:
        data["cost"] = Cost.PRICE if str(data["price"] or "").strip() else Cost.FREE
    return data


@transaction.atomic
def entries_import(
    *, actor, team: Team | None = None, region: Region | None = None, rows: list, fields, file_errors=()
) -> dict:
    """Save every row of an import, or none. `rows`: csvio.Row (its values hold only the columns
    the file has, `fields`); `file_errors`: what is wrong with the file itself (nothing is saved,
    but every row is still checked, so one report says it all).

    A row's number updates that entry (when it is one the page keeps: the team's own, or
    region-wide on the region's page). A row without one updates the entry of this kaart with the
    same kind, name and address (the address columns the file has), if there is one (the same file
    imported again made every entry twice), and is a new entry otherwise; the same entry twice in
    one file is a bad row. Each row is checked with the entry it changes (the form's rules) and
    passes the client-data guard (bulk writes skip the save signal); a problem names the row and
    the field. A row that changes nothing is left alone: not saved, not confirmed. A row that
    changes its entry confirms it, as saving the form does.

    Returns {"created": n, "updated": n, "unchanged": n, "skipped": [(row, message)]}."""
    region = team.region if team is not None else region
    _add_rights(actor, team=team, region=region)
    today = timezone.localdate()
    now = timezone.now()
    place_fields = tuple(name for name in PLACE_FIELDS if name in fields)
    # Only entries on this page's kaart: a number of another team's entry is "not an entry of
    # this kaart", and its name is never shown.
    scope = (
        (Entry.objects.for_team(team) if team is not None else Entry.objects.for_region(region))
        .select_related("team")
        .select_for_update(of=("self",))
    )
    # The kaart's own entries by kind, name and address, for rows without a number.
    own = scope.filter(team=team) if team is not None else scope.filter(team__isnull=True)
    by_place: dict[tuple, list[int]] = {}
    for values in own.values("pk", "kind", "name", *place_fields):
        by_place.setdefault(_place_key(values, place_fields), []).append(values["pk"])
    keys = {row.number: _place_key(row.values, place_fields) for row in rows if not row.entry_id}
    wanted = {row.entry_id for row in rows if row.entry_id}
    wanted |= {pk for key in keys.values() for pk in by_place.get(key, ())[:1]}
    existing = {e.pk: e for e in scope.filter(pk__in=wanted)} if wanted else {}
    in_file: dict[tuple, int] = {}
    rows_of: dict[int, int] = {}
    maintainer = _maintainer(actor=actor, chosen=None, team=team, region=region)
    errors: list[tuple[int | None, str, str]] = list(file_errors)
    skipped: list[tuple[int, str]] = []
    new: list[Entry] = []
    changed: list[Entry] = []
    were_due: list[Entry] = []
    unchanged = 0
    for row in rows:
        problems = list(row.problems)
        entry = None
        unknown = False
        entry_id = row.entry_id
        twice = False
        if not entry_id:
            key = keys[row.number]
            if key in in_file:
                twice = True
                problems.append(
                    (
                        "",
                        _(
                            "The same entry as row %(row)s of this file (kind, name and address): keep one of "
                            "the two rows."
                        )
                        % {"row": in_file[key]},
                    )
                )
            in_file.setdefault(key, row.number)
            found = by_place.get(key, [])
            if len(found) > 1:
                problems.append(
                    (
                        "",
                        _(
                            "More than one entry of this map has this kind, name and address: give the row the "
                            "number of the one it is about (an export has the numbers)."
                        ),
                    )
                )
            elif found:
                entry_id = found[0]
        if entry_id:
            entry = existing.get(entry_id)
            if entry is None:
                unknown = True
                problems.append(
                    (
                        "id",
                        _(
                            "“%(id)s” is not the number of an entry of this map: leave it empty to add the row "
                            "as a new entry."
                        )
                        % {"id": entry_id},
                    )
                )
            elif entry.pk in rows_of:
                if not twice:
                    problems.append(
                        (
                            "",
                            _("The same entry as row %(row)s of this file: keep one of the two rows.")
                            % {"row": rows_of[entry.pk]},
                        )
                    )
            else:
                rows_of[entry.pk] = row.number
        data = _row_values(entry, row)
        cleaned, invalid = entry_clean(data)
        try:
            # Every field the guard checks on a save (E-mail and Website too), as they are saved.
            guard_entry(cleaned)
        except ClientDataRefused as refused:
            # At its column, as the file names it ("Rij 2, Omschrijving: Deze cel lijkt …"), in
            # place of what else is wrong there: the guard's message masks a BSN, a message that
            # names the value ("“…” is geen e-mailadres") would repeat it.
            if refused.findings and refused.field:
                problems.append((refused.field, refusal_message(_("This cell"), refused.findings)))
                invalid.pop(refused.field, None)
            else:
                problems.append(("", str(refused.message)))
        reported = {name for name, _message in problems}
        for name, message in invalid.items():
            # One problem per field; a row whose number is not on this kaart is checked as a new
            # entry, for the columns it has only.
            if name not in reported and (not unknown or name in fields):
                problems.append((name, message))
        differs = entry is not None and any(getattr(entry, name) != cleaned[name] for name in ENTRY_FIELDS)
        if entry is not None and entry.team_id != (team.pk if team is not None else None):
            # Not this page's to change: said when the row would change it, else simply unchanged.
            if problems or differs:
                skipped.append(
                    (
                        row.number,
                        _("“%(name)s” is kept by the region: left as it is") % {"name": entry.name}
                        if entry.team_id is None
                        else _("“%(name)s” belongs to another team: left as it is") % {"name": entry.name},
                    )
                )
            else:
                unchanged += 1
            continue
        if problems:
            errors += [(row.number, name, message) for name, message in problems]
            continue
        if entry is None:
            entry = Entry(
                region=region,
                team=team,
                created_by=actor,
                confirmed_by=actor,
                confirmed_on=today,
                maintainer=maintainer,
                created_at=now,
                updated_at=now,
                **{name: cleaned[name] for name in ENTRY_FIELDS},
            )
            entry.derive()
            new.append(entry)
        elif not differs:
            unchanged += 1
        else:
            if entry.due_on <= today:
                were_due.append(entry)
            for name in ENTRY_FIELDS:
                setattr(entry, name, cleaned[name])
            # Changing an entry confirms it, as saving the form does: whoever changed it checked it.
            entry.confirmed_on, entry.confirmed_by, entry.updated_at = today, actor, now
            entry.version += 1
            entry.derive()
            changed.append(entry)
    if errors:
        raise ImportRefused(errors)
    Entry.objects.bulk_create(new, batch_size=1000)
    if changed:
        Entry.objects.bulk_update(
            changed,
            [*ENTRY_FIELDS, *Entry.DERIVED_FIELDS, "confirmed_on", "confirmed_by", "updated_at", "version"],
            batch_size=1000,
        )
    for entry in were_due:
        notices.confirmed(entry)
    audit_record(
        actor=actor,
        action="socialmap.imported",
        team=team.pk if team is not None else None,
        region=region,
        data={
            "region": region.pk,
            "created": len(new),
            "updated": len(changed),
            "unchanged": unchanged,
            "skipped": len(skipped),
        },
    )
    return {"created": len(new), "updated": len(changed), "unchanged": unchanged, "skipped": skipped}
