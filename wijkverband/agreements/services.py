"""Writes for agreements. Each service is one transaction with one audit row and one history row.

Refusals raise ActionRefused (a user-facing message; nothing changed). Every service that
depends on the agreement's state first locks the agreement row and re-reads it, so two people
acting at once are serialised: the second one sees the first one's result.
"""

import calendar
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from wijkverband.agreements import notices, policy, selectors
from wijkverband.agreements.dates import measurement_date_error, version_date_errors
from wijkverband.agreements.models import (
    EXTERNAL_KINDS,
    ORGANISATION_KIND_OF,
    REASON_LIMIT,
    TEXT_LIMITS,
    Action,
    Agreement,
    AgreementEvent,
    AgreementVersion,
    Decision,
    Dimension,
    Endorsement,
    Frequency,
    Indicator,
    Measurement,
    Party,
    PartyKind,
    Status,
    is_percentage,
)
from wijkverband.audit.services import audit_record
from wijkverband.core.errors import ActionRefused
from wijkverband.core.locking import lock_and_read
from wijkverband.core.registry import indicator_source
from wijkverband.core.textlimits import text_length, too_long_message
from wijkverband.tenancy.models import Membership, Organisation, Team, TeamOrganisation
from wijkverband.tenancy.policy import TeamRights, team_rights
from wijkverband.tenancy.selectors import is_professional, longest_serving_coordinator, organisation_member_ids
from wijkverband.tenancy.services import professional_held
from wijkverband.threads.models import SubjectKind
from wijkverband.threads.services import thread_for_subject, thread_subject_update

#: The fields of a version, in the order forms and comparisons show them.
VERSION_FIELDS = (
    "title",
    "need",
    "sources",
    "body",
    "gain_quality",
    "gain_accessibility",
    "gain_affordability",
    "owner",
    "start_date",
    "review_date",
)


def _require_reason_length(reason: str) -> None:
    if (length := text_length(reason)) > REASON_LIMIT:
        raise ActionRefused(too_long_message(limit=REASON_LIMIT, length=length), field="reason")


def _require_contributor(actor, team) -> TeamRights:
    rights = team_rights(user=actor, team=team)
    if not policy.may_change(rights):
        raise PermissionDenied
    return rights


def _parties(agreement: Agreement):
    return Party.objects.for_team(agreement.team_id).filter(agreement=agreement)


def _lock(agreement: Agreement) -> Agreement:
    """The agreement's row, locked; its versions read once the lock is ours (core.locking)."""
    return lock_and_read(
        Agreement.objects.for_team(agreement.team_id),
        pk=agreement.pk,
        related=("team", "current_version", "adopted_version"),
    )


def _history(
    *, actor, agreement: Agreement, action: str, version_number=None, detail: str = "", facts: dict | None = None
) -> AgreementEvent:
    """The history row; the service passes it to _audit as its last write. `detail`: what a person
    wrote; `facts`: what the line says around it, put into words when it is read
    (agreements/history.py), so each reader reads it in their own language."""
    return AgreementEvent.objects.create(
        team=agreement.team,
        agreement=agreement,
        actor=actor,
        actor_label=(getattr(actor, "name", "") or getattr(actor, "email", "")) if actor is not None else "",
        action=action,
        version_number=version_number,
        detail=detail[:500],
        data=facts or {},
    )


def _audit(*events: AgreementEvent | None) -> None:
    """Last in every service: the audit chain stays locked for every team from here until the commit
    (docs/audit.md), so everything else, an adoption or the discussion thread too, is written before."""
    for event in events:
        if event is not None:
            audit_record(
                actor=event.actor,
                action=f"agreement.{event.action}",
                team=event.team,
                target=event.agreement,
                data={"version": event.version_number, "detail": event.detail[:200], **_audited_facts(event)},
            )


def _audited_facts(event: AgreementEvent) -> dict:
    """The history line's facts for its audit row; a source's list of months stays in the history."""
    return {key: value for key, value in event.data.items() if key != "changes"}


def _touch(agreement: Agreement, *fields: str) -> None:
    agreement.updated_at = timezone.now()
    agreement.save(update_fields=["updated_at", *fields])


def require_open(agreement: Agreement) -> None:
    """Refuse every change of an ended agreement (views ask it too, before showing a form)."""
    if agreement.status == Status.ENDED:
        raise ActionRefused(_("This agreement has ended: it can no longer be changed."), code="ended")


def _clean_version_data(*, team, data: dict) -> dict:
    cleaned = {}
    title = (data.get("title") or "").strip()
    if not title:
        raise ActionRefused(_("Give the agreement a title."))
    if len(title) > 200:
        raise ActionRefused(_("Keep the title under 200 characters."))
    cleaned["title"] = title
    for name, limit in TEXT_LIMITS.items():
        value = (data.get(name) or "").strip()
        if (length := text_length(value)) > limit:
            raise ActionRefused(too_long_message(limit=limit, length=length), field=name)
        cleaned[name] = value
    owner = data.get("owner")
    if owner is None or not professional_held(user=owner, team=team):
        raise ActionRefused(_("The owner must be a member or coordinator of this team."))
    cleaned["owner"] = owner
    start, review = data.get("start_date"), data.get("review_date")
    for name, value in (("start_date", start), ("review_date", review)):
        if value is not None and not isinstance(value, date):
            raise ActionRefused(_("Enter dates as day-month-year."), field=name)
    for name, message in version_date_errors(start=start, review=review, today=timezone.localdate()).items():
        raise ActionRefused(message, field=name)
    cleaned["start_date"], cleaned["review_date"] = start, review
    cleaned["change_note"] = (data.get("change_note") or "").strip()[:300]
    return cleaned


def _version_values(version: AgreementVersion) -> dict:
    return {name: getattr(version, name) for name in VERSION_FIELDS}


# --- the agreement and its versions -------------------------------------------------------------


@transaction.atomic
def agreement_create(*, actor, team, data: dict) -> Agreement:
    _require_contributor(actor, team)
    cleaned = _clean_version_data(team=team, data=data)
    agreement = Agreement.objects.create(team=team, created_by=actor, version_count=1)
    version = AgreementVersion.objects.create(team=team, agreement=agreement, number=1, created_by=actor, **cleaned)
    agreement.current_version = version
    agreement.save(update_fields=["current_version"])
    event = _history(actor=actor, agreement=agreement, action=Action.CREATED, version_number=1, detail=cleaned["title"])
    # Its discussion exists from the start, so showing the agreement's page never writes.
    thread_for_subject(
        team=team, kind=SubjectKind.AGREEMENT, subject_id=agreement.pk, title=cleaned["title"], actor=actor
    )
    _audit(event)
    return agreement


#: Parties endorse the text of the agreement: once proposed, it cannot be empty.
BODY_REQUIRED = gettext_lazy("Write the agreement itself (who does what for whom): the parties endorse that text.")


@transaction.atomic
def agreement_edit(*, actor, agreement: Agreement, base_version: int, data: dict) -> AgreementVersion:
    """Save the form as a new version, if nobody saved another version since `base_version`.

    The compare-and-swap on version_count is the optimistic lock: of two people who opened the
    same version, the first save wins and the second is refused with code "conflict".
    """
    _require_contributor(actor, agreement.team)
    # Cleaning holds the owner's membership (professional_held) before the agreement is locked: a
    # removal takes the same two locks in that order.
    cleaned = _clean_version_data(team=agreement.team, data=data)
    agreement = _lock(agreement)
    require_open(agreement)
    if base_version != agreement.version_count:
        raise ActionRefused(
            _(
                "Someone else saved version %(number)s of this agreement while you were editing. "
                "Your text is below, not saved: compare it with theirs, then save again."
            )
            % {"number": agreement.version_count},
            code="conflict",
        )
    current = agreement.current_version
    if agreement.status != Status.CONCEPT and not cleaned["body"].strip():
        raise ActionRefused(BODY_REQUIRED, field="body")
    change_note = cleaned.pop("change_note")
    if cleaned == _version_values(current):
        raise ActionRefused(_("Nothing changed, so no new version was saved."), code="unchanged")
    swapped = (
        Agreement.objects.for_team(agreement.team_id)
        .filter(pk=agreement.pk, version_count=base_version)
        .update(version_count=F("version_count") + 1)
    )
    if swapped != 1:  # only reachable without row locks; kept so the rule never depends on them
        raise ActionRefused(_("Someone else saved this agreement at the same moment: save again."), code="conflict")
    number = base_version + 1
    version = AgreementVersion.objects.create(
        team=agreement.team,
        agreement=agreement,
        number=number,
        created_by=actor,
        change_note=change_note,
        **cleaned,
    )
    renamed = version.title != current.title
    agreement.version_count = number
    agreement.current_version = version
    _touch(agreement, "current_version")
    if renamed:
        thread_subject_update(
            team=agreement.team, kind=SubjectKind.AGREEMENT, subject_id=agreement.pk, title=version.title
        )
    facts = {}
    if agreement.status != Status.CONCEPT:
        facts["fresh_endorsements"] = True
        notices.endorsement_requested(agreement, actor=actor)
    _audit(
        _history(
            actor=actor,
            agreement=agreement,
            action=Action.EDITED,
            version_number=number,
            detail=change_note,
            facts=facts,
        )
    )
    return version


@transaction.atomic
def agreement_propose(*, actor, agreement: Agreement) -> Agreement:
    _require_contributor(actor, agreement.team)
    agreement = _lock(agreement)
    if agreement.status != Status.CONCEPT:
        raise ActionRefused(
            _("Only a concept can be proposed; this agreement is %(status)s.")
            % {"status": agreement.get_status_display().lower()},
            code="invalid_transition",
        )
    if not _parties(agreement).exists():
        raise ActionRefused(_("Add the parties before proposing: they are the ones who endorse."))
    if not agreement.current_version.body.strip():
        raise ActionRefused(BODY_REQUIRED, field="body")
    agreement.status = Status.PROPOSED
    _touch(agreement, "status")
    notices.endorsement_requested(agreement, actor=actor)
    _audit(_history(actor=actor, agreement=agreement, action=Action.PROPOSED, version_number=agreement.version_count))
    return agreement


def _missing_endorsements(agreement: Agreement) -> list[Party]:
    endorsed = set(
        Endorsement.objects.for_team(agreement.team_id)
        .filter(version_id=agreement.current_version_id, decision=Decision.ENDORSED)
        .values_list("party_id", flat=True)
    )
    return [party for party in _parties(agreement) if party.pk not in endorsed]


def _adopt_if_complete(*, actor, agreement: Agreement) -> AgreementEvent | None:
    """Adoption is never a choice: it happens when the last party endorses the current version.

    Returns the adoption's history row (for _audit), or None when it is not adopted yet."""
    if not agreement.awaits_endorsement or not _parties(agreement).exists() or _missing_endorsements(agreement):
        return None
    agreement.status = Status.ADOPTED
    agreement.adopted_version = agreement.current_version
    agreement.adopted_at = timezone.now()
    _touch(agreement, "status", "adopted_version", "adopted_at")
    notices.adopted(agreement, actor=actor)
    return _history(actor=actor, agreement=agreement, action=Action.ADOPTED, version_number=agreement.version_count)


@transaction.atomic
def agreement_adopt(*, actor, agreement: Agreement) -> Agreement:
    """Adopt when every party endorsed the current version; refuse, naming who is missing, otherwise."""
    _require_contributor(actor, agreement.team)
    agreement = _lock(agreement)
    if not agreement.awaits_endorsement:
        if agreement.status == Status.CONCEPT:
            message = _("A concept cannot be adopted: propose it first, then every party endorses it.")
        elif agreement.status == Status.ENDED:
            message = _("This agreement has ended: it can no longer be adopted.")
        else:
            message = _("This version is already adopted.")
        raise ActionRefused(message, code="invalid_transition")
    if not _parties(agreement).exists():
        raise ActionRefused(_("An agreement without parties cannot be adopted."), code="invalid_transition")
    missing = _missing_endorsements(agreement)
    if missing:
        raise ActionRefused(
            _("Adoption needs the endorsement of every party. Still missing: %(parties)s.")
            % {"parties": ", ".join(party.name for party in missing)},
            code="invalid_transition",
        )
    _audit(_adopt_if_complete(actor=actor, agreement=agreement))
    return agreement


@transaction.atomic
def agreement_end(*, actor, agreement: Agreement, reason: str) -> Agreement:
    rights = _require_contributor(actor, agreement.team)
    agreement = _lock(agreement)
    require_open(agreement)
    if not policy.may_end(rights, agreement):
        raise ActionRefused(_("Only the owner or a coordinator can end an agreement."), code="forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Say why the agreement ends."), field="reason")
    _require_reason_length(reason)
    agreement.status = Status.ENDED
    agreement.ended_at = timezone.now()
    agreement.ended_reason = reason
    _touch(agreement, "status", "ended_at", "ended_reason")
    notices.ended(agreement, actor=actor)
    _audit(
        _history(
            actor=actor, agreement=agreement, action=Action.ENDED, version_number=agreement.version_count, detail=reason
        )
    )
    return agreement


# --- parties ------------------------------------------------------------------------------------


def _require_parties_changeable(agreement: Agreement) -> None:
    require_open(agreement)
    if agreement.status == Status.ADOPTED and not agreement.has_pending_version:
        raise ActionRefused(
            _(
                "The parties of an adopted agreement change with a new version: edit the agreement first, "
                "then every party endorses the new version."
            ),
            code="invalid_transition",
        )


def _joined_version(agreement: Agreement, organisation: Organisation) -> int | None:
    """A party added while an older version is in force is a party from the pending version on; so
    is one that comes back after an earlier stretch (party_remove kept it on record for the versions
    it was a party of), or its two stretches would both hold the earlier versions."""
    if agreement.has_pending_version:
        return agreement.version_count
    earlier = Party.on_record.for_team(agreement.team_id).filter(
        agreement=agreement, organisation=organisation, left_version__isnull=False
    )
    return agreement.version_count if earlier.exists() else None


def _void_decision(agreement: Agreement, party: Party) -> str | None:
    """The party's decision on the pending (current) version, deleted: a party removed from that
    version decided on a version it is no party to. Returns the decision, for the history."""
    rows = Endorsement.objects.for_team(agreement.team_id).filter(version_id=agreement.current_version_id, party=party)
    decision = rows.values_list("decision", flat=True).first()
    if decision is not None:
        rows.delete()
    return decision


def _rejoin(*, actor, agreement: Agreement, organisation: Organisation) -> tuple[Party | None, str | None]:
    """A party removed from the pending version and added back to it: the removal is taken back
    (its row again, joined when it was), without a decision on that version: it decides again.
    (None, None) otherwise: a party that left an earlier version and comes back gets a new row from
    the pending version on (the caller makes it), so the versions in between keep their parties
    without it and the versions before keep it.

    The second value is a decision voided here: one kept by a removal from before the removal
    voided it (party_remove), so the history and the audit row say so."""
    party = (
        Party.on_record.for_team(agreement.team_id)
        .filter(agreement=agreement, organisation=organisation, left_version=agreement.version_count)
        .first()
    )
    if party is None:
        return None, None
    voided = _void_decision(agreement, party)
    party.left_version = None
    party.added_by, party.added_at = actor, timezone.now()
    party.save(update_fields=["left_version", "added_by", "added_at"])
    return party, voided


@transaction.atomic
def party_add_organisation(*, actor, agreement: Agreement, organisation: Organisation) -> Party:
    _require_contributor(actor, agreement.team)
    agreement = _lock(agreement)
    _require_parties_changeable(agreement)
    if not TeamOrganisation.objects.for_team(agreement.team_id).filter(organisation=organisation).exists():
        raise ActionRefused(_("That organisation does not take part in this team."))
    if _parties(agreement).filter(organisation=organisation).exists():
        raise ActionRefused(_("%(name)s is already a party.") % {"name": organisation.name})
    party, voided = _rejoin(actor=actor, agreement=agreement, organisation=organisation)
    party = party or Party.objects.create(
        team=agreement.team,
        agreement=agreement,
        kind=PartyKind.PROVIDER,
        organisation=organisation,
        name=organisation.name,
        added_by=actor,
        joined_version=_joined_version(agreement, organisation),
    )
    _touch(agreement)
    if agreement.awaits_endorsement:
        notices.party_added(agreement, party, actor=actor)  # the new party is asked too
    # The version whose parties changed: the pending one while an older version is in force.
    _audit(
        _history(
            actor=actor,
            agreement=agreement,
            action=Action.PARTY_ADDED,
            version_number=agreement.version_count,
            detail=party.name,
            facts={"voided": voided} if voided else None,
        )
    )
    return party


@transaction.atomic
def party_add_external(*, actor, agreement: Agreement, kind: str, name: str) -> Party:
    _require_contributor(actor, agreement.team)
    name = (name or "").strip()
    if kind not in EXTERNAL_KINDS:
        raise ActionRefused(_("Choose the kind of external party: insurer, municipality or client representation."))
    if not name or len(name) > 200:
        raise ActionRefused(_("Give the external party's name (at most 200 characters)."))
    agreement = _lock(agreement)
    _require_parties_changeable(agreement)
    if _parties(agreement).filter(kind=kind, name__iexact=name).exists():
        raise ActionRefused(_("%(name)s is already a party.") % {"name": name})
    # The party names an organisation (found by name and kind, or created): an account of it
    # (tenancy's role "external party") then endorses for itself.
    organisation = Organisation.objects.filter(kind=ORGANISATION_KIND_OF[kind], name__iexact=name).first()
    if organisation is None:
        organisation = Organisation.objects.create(kind=ORGANISATION_KIND_OF[kind], name=name)
    try:
        with transaction.atomic():
            party, voided = _rejoin(actor=actor, agreement=agreement, organisation=organisation)
            party = party or Party.objects.create(
                team=agreement.team,
                agreement=agreement,
                kind=kind,
                organisation=organisation,
                name=organisation.name,
                added_by=actor,
                joined_version=_joined_version(agreement, organisation),
            )
    except IntegrityError as error:
        raise ActionRefused(_("%(name)s is already a party.") % {"name": name}) from error
    _touch(agreement)
    if agreement.awaits_endorsement:
        notices.party_added(agreement, party, actor=actor)  # its own accounts are asked, as a provider's members
    _audit(
        _history(
            actor=actor,
            agreement=agreement,
            action=Action.PARTY_ADDED,
            version_number=agreement.version_count,
            detail=name,
            facts={"kind": party.kind, **({"voided": voided} if voided else {})},
        )
    )
    return party


@transaction.atomic
def party_remove(*, actor, agreement: Agreement, party: Party) -> Party:
    """The party removed: a party of an earlier version is no party from the current version on
    (`left_version` set): it stays on record for the versions it was a party of, with its decisions
    on them (and bound by the version in force, if any). One only of the current version is gone.
    Either way its decision on the current version is void: added back, it is asked again."""
    _require_contributor(actor, agreement.team)
    agreement = _lock(agreement)
    _require_parties_changeable(agreement)
    if agreement.status == Status.PROPOSED and _parties(agreement).count() == 1:
        raise ActionRefused(_("A proposed agreement needs at least one party."))
    name = party.name
    party = _parties(agreement).filter(pk=party.pk).first()
    if party is None:
        raise ActionRefused(_("%(name)s is no longer a party.") % {"name": name})
    # Its decision on the pending version (the current one) was a party's decision: removed, it is
    # void, whoever the party is, so added back it decides again (docs/agreements.md, "Versioning").
    voided = _void_decision(agreement, party)
    if (party.joined_version or 1) < agreement.version_count:
        # A party of an earlier version (the one in force, or one never adopted): it stays on record
        # for those versions, with its decisions on them, so their parties never change afterwards;
        # it is no party of the current version on. Deleting it took those decisions with it.
        party.left_version = agreement.version_count
        party.save(update_fields=["left_version"])
    else:
        party.delete()
    _touch(agreement)
    notices.party_removed(agreement, party)
    facts = {"kind": party.kind} if party.is_external else {}  # an external party by its kind, as when added
    if voided is not None:
        facts["voided"] = voided  # the history and the audit row say which decision lapsed
    removed = _history(
        actor=actor,
        agreement=agreement,
        action=Action.PARTY_REMOVED,
        version_number=agreement.version_count,
        detail=name,
        facts=facts,
    )
    # The remaining parties may all have endorsed already.
    _audit(removed, _adopt_if_complete(actor=actor, agreement=agreement))
    return party


# --- endorsements -------------------------------------------------------------------------------


def require_endorsable_version(agreement: Agreement, version_number) -> None:
    require_open(agreement)
    if agreement.status == Status.CONCEPT:
        raise ActionRefused(_("This agreement is still a concept: it can be endorsed once it is proposed."))
    if not agreement.awaits_endorsement:
        raise ActionRefused(_("This version is already adopted: there is nothing to endorse."), code="adopted")
    if version_number != agreement.version_count:
        raise ActionRefused(
            _(
                "You were looking at version %(yours)s, but the agreement has changed: version %(current)s "
                "is current. Read it, then endorse that version."
            )
            % {"yours": version_number, "current": agreement.version_count},
            code="outdated",
        )


def _sent_again(*, agreement: Agreement, actor, version_number, **same) -> Endorsement | None:
    """This person's own record of the current version (their organisation's endorsement or decline,
    an external party's consent) exactly as asked again: the same form sent twice, a double tap
    without JavaScript, whose browser shows the second answer. The second is told what the first
    was, not that the party decided already or (the last decision) that the version is adopted.
    Another person's record, or a different reason, date or place, is not this one: the caller
    refuses it, as before."""
    if version_number != agreement.version_count:
        return None
    return (
        Endorsement.objects.for_team(agreement.team_id)
        .filter(version=agreement.current_version, recorded_by=actor, **same)
        .select_related("party")
        .first()
    )


@transaction.atomic
def endorsement_record(
    *, actor, agreement: Agreement, version_number: int, decision: str, reason: str = ""
) -> Endorsement:
    """A member endorses or declines the current version on behalf of their own organisation; an
    external party's account does the same for its organisation."""
    rights = team_rights(user=actor, team=agreement.team)
    if not policy.may_endorse(rights):
        raise PermissionDenied
    agreement = _lock(agreement)
    reason = (reason or "").strip()
    _require_reason_length(reason)
    again = rights.organisation_id is not None and _sent_again(
        agreement=agreement,
        actor=actor,
        version_number=version_number,
        party__organisation_id=rights.organisation_id,
        decision=decision,
        reason=reason,
    )
    if again:
        return again  # nothing new: no history line, no notice, no audit row
    require_endorsable_version(agreement, version_number)
    if decision not in Decision.values:
        raise ActionRefused(_("Choose to endorse or to decline."))
    if decision == Decision.DECLINED and not reason:
        raise ActionRefused(_("Say why your organisation declines, so the others can respond."), field="reason")
    party = (
        _parties(agreement).filter(organisation_id=rights.organisation_id).first()
        if policy.may_endorse(rights)
        else None
    )
    if party is None:
        raise ActionRefused(
            _("Your organisation is not a party to this agreement, so you cannot endorse it."), code="forbidden"
        )
    existing = (
        Endorsement.objects.for_team(agreement.team_id).filter(version=agreement.current_version, party=party).first()
    )
    if existing is not None and existing.decision == Decision.ENDORSED:
        raise ActionRefused(_("%(party)s has already endorsed this version.") % {"party": party.name})
    if existing is not None and existing.decision == decision:
        raise ActionRefused(_("%(party)s has already declined this version.") % {"party": party.name})
    if existing is not None:
        existing.delete()
    endorsement = Endorsement.objects.create(
        team=agreement.team,
        agreement=agreement,
        version=agreement.current_version,
        party=party,
        decision=decision,
        reason=reason,
        recorded_by=actor,
    )
    action = Action.ENDORSED if decision == Decision.ENDORSED else Action.DECLINED
    event = _history(
        actor=actor,
        agreement=agreement,
        action=action,
        version_number=version_number,
        detail=reason,
        facts={"party": party.name},
    )
    notices.decided(agreement, endorsement, actor=actor)
    _audit(event, _adopt_if_complete(actor=actor, agreement=agreement))
    return endorsement


def _asked_on(agreement: Agreement) -> date:
    """The day the current version was put to the parties: its proposal, or its saving when it was
    saved after that (a new version of a proposed or adopted agreement)."""
    proposed = (
        AgreementEvent.objects.for_team(agreement.team_id)
        .filter(agreement=agreement, action=Action.PROPOSED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    saved = agreement.current_version.created_at
    return timezone.localdate(max(saved, proposed) if proposed is not None else saved)


@transaction.atomic
def consent_record(
    *, actor, agreement: Agreement, party: Party, version_number: int, given_on, where_given: str
) -> Endorsement:
    """A coordinator records that an external party consented to the current version."""
    rights = _require_contributor(actor, agreement.team)
    if not policy.may_record_consent(rights):
        raise ActionRefused(_("Only a coordinator records the consent of an external party."), code="forbidden")
    agreement = _lock(agreement)
    recorded = isinstance(given_on, date) and _sent_again(
        agreement=agreement,
        actor=actor,
        version_number=version_number,
        party_id=party.pk,
        decision=Decision.ENDORSED,
        given_on=given_on,
        where_given=(where_given or "").strip()[:300],
    )
    if recorded:
        return recorded  # nothing new: no history line, no audit row
    require_endorsable_version(agreement, version_number)
    party = _parties(agreement).filter(pk=party.pk).first()
    if party is None or not party.is_external:
        raise ActionRefused(
            _("Consent is recorded for external parties only; members endorse for their own organisation.")
        )
    if organisation_member_ids(team=agreement.team, organisation_ids=[party.organisation_id], external=True):
        raise ActionRefused(
            _("%(party)s has an account here and endorses for itself: its decision is not recorded for it.")
            % {"party": party.name},
            code="forbidden",
        )
    if not isinstance(given_on, date):
        raise ActionRefused(_("Give the date the consent was given."), field="given_on")
    if given_on > timezone.localdate():
        raise ActionRefused(_("The consent date cannot be in the future."), field="given_on")
    asked_on = _asked_on(agreement)
    if given_on < asked_on:
        raise ActionRefused(
            _(
                "The consent date cannot be before version %(number)s was put to the parties "
                "(%(date)s): consent is given to a text that exists."
            )
            % {"number": agreement.version_count, "date": date_format(asked_on)},
            field="given_on",
        )
    where_given = (where_given or "").strip()
    if not where_given:
        raise ActionRefused(
            _("Note where the consent was given (a letter, an e-mail, a meeting)."), field="where_given"
        )
    if Endorsement.objects.for_team(agreement.team_id).filter(version=agreement.current_version, party=party).exists():
        raise ActionRefused(_("%(party)s has already endorsed this version.") % {"party": party.name})
    endorsement = Endorsement.objects.create(
        team=agreement.team,
        agreement=agreement,
        version=agreement.current_version,
        party=party,
        decision=Decision.ENDORSED,
        given_on=given_on,
        where_given=where_given[:300],
        recorded_by=actor,
    )
    event = _history(
        actor=actor,
        agreement=agreement,
        action=Action.CONSENT_RECORDED,
        version_number=version_number,
        detail=where_given,
        facts={"party": party.name, "given_on": given_on.isoformat()},
    )
    # The coordinators' notice that its consent was theirs to record (its last account left) is done
    # once nothing more waits for it.
    notices.consent_waits_settle(team=agreement.team_id, organisation_ids=[party.organisation_id])
    _audit(event, _adopt_if_complete(actor=actor, agreement=agreement))
    return endorsement


# --- indicators and measurements ----------------------------------------------------------------


def _decimal(value, label: str, *, required: bool, field: str | None = None, unit: str = "") -> Decimal | None:
    """unit: the indicator's; a percentage is never negative (models.is_percentage)."""
    if value is None or value == "":
        if required:
            raise ActionRefused(_("Give the %(field)s as a number.") % {"field": label}, field=field)
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite() or abs(value) >= Decimal("1e12"):
        raise ActionRefused(_("The %(field)s must be a number below a trillion.") % {"field": label}, field=field)
    if value < 0 and is_percentage(unit):
        raise ActionRefused(
            _("A percentage cannot be negative: give the %(field)s as 0 or more.") % {"field": label}, field=field
        )
    return value


@transaction.atomic
def indicator_create(
    *,
    actor,
    agreement: Agreement,
    name: str,
    dimension: str,
    unit: str,
    baseline,
    target,
    frequency: str,
    source: str = "",
) -> Indicator:
    """source: the key of a registered indicator source (core/registry.py), or "" for an indicator
    measured by hand. A sourced indicator gets its measurements from the source at once."""
    _require_contributor(actor, agreement.team)
    name, unit = (name or "").strip(), (unit or "").strip()
    if not name or len(name) > 200:
        raise ActionRefused(_("Give the indicator a name (at most 200 characters)."), field="name")
    if dimension not in Dimension.values:
        raise ActionRefused(_("Choose the dimension: quality, accessibility or affordability."), field="dimension")
    if not unit or len(unit) > 40:
        raise ActionRefused(_("Give the unit, such as %, days or clients (at most 40 characters)."), field="unit")
    if frequency not in Frequency.values:
        raise ActionRefused(_("Choose how often the indicator is measured."), field="frequency")
    source = source or ""
    if source and indicator_source(source) is None:
        raise ActionRefused(_("Choose where the measurements come from, from the list."), field="source")
    if source and frequency != Frequency.MONTHLY:
        raise ActionRefused(
            _("An indicator fed from its source is measured every month: choose “Monthly”."), field="frequency"
        )
    baseline = _decimal(baseline, _("baseline"), required=False, field="baseline", unit=unit)
    target = _decimal(target, _("target"), required=True, field="target", unit=unit)
    agreement = _lock(agreement)
    require_open(agreement)
    indicator = Indicator.objects.create(
        team=agreement.team,
        agreement=agreement,
        name=name,
        dimension=dimension,
        unit=unit,
        baseline=baseline,
        target=target,
        frequency=frequency,
        source=source,
        created_by=actor,
    )
    _touch(agreement)
    added = _history(actor=actor, agreement=agreement, action=Action.INDICATOR_ADDED, detail=name)
    fed = _feed(actor=actor, agreement=agreement, indicator=indicator, months=None) if source else None
    _audit(added, fed)
    return indicator


@transaction.atomic
def measurement_record(*, actor, indicator: Indicator, value, measured_on, note: str = "") -> Measurement:
    _require_contributor(actor, indicator.team)
    if indicator.source:
        raise ActionRefused(
            _(
                "This indicator is fed automatically from %(source)s: its measurements cannot be entered by hand. "
                "Change the figures there and the measurements follow."
            )
            % {"source": indicator.source_label or indicator.source},
            code="sourced",
        )
    value = _decimal(value, _("value"), required=True, field="value", unit=indicator.unit)
    if not isinstance(measured_on, date):
        raise ActionRefused(_("Give the date of the measurement."), field="measured_on")
    if message := measurement_date_error(measured_on=measured_on, today=timezone.localdate()):
        raise ActionRefused(message, field="measured_on")
    agreement = _lock(indicator.agreement)
    require_open(agreement)
    measurement = Measurement.objects.create(
        team=indicator.team,
        indicator=indicator,
        value=value,
        measured_on=measured_on,
        note=(note or "").strip()[:300],
        recorded_by=actor,
    )
    _touch(agreement)
    event = _history(
        actor=actor,
        agreement=agreement,
        action=Action.MEASUREMENT_RECORDED,
        facts={
            "indicator": indicator.name,
            "value": f"{value}",
            "unit": indicator.unit,
            "measured_on": measured_on.isoformat(),
        },
    )
    _audit(event)
    return measurement


# --- measurements fed from a source ---------------------------------------------------------------


def _month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def _feed(*, actor, agreement: Agreement, indicator: Indicator, months) -> AgreementEvent | None:
    """Bring one sourced indicator's measurements in line with its source: one per month, dated the
    month's last day; written when new, changed when the value changed, removed when the source
    has no value for the month any more. months None: every month (then measurements of months
    the source no longer has go too). Returns the history row, or None when nothing changed."""
    source = indicator_source(indicator.source)
    if source is None:  # the app that registered it is gone: keep what was measured
        return None
    values = source.values(team=agreement.team, months=months)
    wanted = {_month_end(month): value for month, value in values.items()}
    if months is not None:
        wanted.update({_month_end(month): None for month in months if _month_end(month) not in wanted})
    existing = Measurement.objects.for_team(agreement.team_id).filter(indicator=indicator)
    if months is not None:
        existing = existing.filter(measured_on__in=list(wanted))
    existing = {m.measured_on: m for m in existing}
    if months is None:
        wanted.update({day: None for day in existing if day not in wanted})
    changes = []
    for day in sorted(wanted):
        value, measurement = wanted[day], existing.get(day)
        if value is not None:
            value = _decimal(Decimal(value).quantize(Decimal("0.01")), _("value"), required=True)
        if value is None:
            if measurement is not None:
                measurement.delete()
                changes.append((day.isoformat(), None))
            continue
        if measurement is not None and measurement.value == value:
            continue
        if measurement is None:
            Measurement.objects.create(
                team=agreement.team,
                indicator=indicator,
                value=value,
                measured_on=day,
                note=str(source.label)[:300],
                recorded_by=actor,
            )
        else:
            measurement.value = value
            measurement.recorded_by = actor
            measurement.recorded_at = timezone.now()
            measurement.save(update_fields=["value", "recorded_by", "recorded_at"])
        changes.append((day.isoformat(), f"{value.normalize():f}"))
    if not changes:
        return None
    _touch(agreement)
    return _history(
        actor=actor,
        agreement=agreement,
        action=Action.MEASUREMENT_FED,
        facts={"indicator": indicator.name, "unit": indicator.unit, "changes": changes},
    )


@transaction.atomic
def sourced_measurements_refresh(*, actor, team, sources, months=None) -> int:
    """The figures behind these sources changed (for these months, first days; None: any month):
    bring the measurements of the team's indicators fed from them up to date. Called by the app
    that keeps the figures, inside its own transaction, so figures and measurements change
    together. Indicators of ended agreements keep their measurements as they were. Returns the
    number of indicators whose measurements changed."""
    indicators = list(
        Indicator.objects.for_team(team)
        .filter(source__in=list(sources))
        .exclude(agreement__status=Status.ENDED)
        .order_by("agreement_id", "id")
    )
    events = []
    for agreement_id in sorted({indicator.agreement_id for indicator in indicators}):
        agreement = _lock(Agreement(pk=agreement_id, team_id=team.pk if hasattr(team, "pk") else team))
        if agreement.status == Status.ENDED:
            continue
        for indicator in indicators:
            if indicator.agreement_id == agreement_id:
                events.append(_feed(actor=actor, agreement=agreement, indicator=indicator, months=months))
    _audit(*events)
    return sum(event is not None for event in events)


# --- someone leaves the team ----------------------------------------------------------------------


def _owned_by(team, user):
    """The team's agreements, not ended, whose current version the person owns."""
    return Agreement.objects.for_team(team).exclude(status=Status.ENDED).filter(current_version__owner=user)


def _successor(*, team, user, actor):
    """Who owns the agreements of someone who leaves the team: whoever removed them, when that is a
    professional of the team (a coordinator, who chose to and read it in the question); else the
    coordinator who joined first (someone who leaves has no say over the others; a team always keeps
    a coordinator). An agreement needs an owner: it waits for endorsements, review dates and
    answers are told to its owner, and Mijn werk lists it by its owner ("Wacht op instemming")."""
    if actor is not None and actor.pk != user.pk and is_professional(user=actor, team=team):
        return actor
    membership = longest_serving_coordinator(team=team, excluding=user.pk)
    return membership.user if membership is not None else None


def membership_holdings(*, team, user, actor=None, role=None) -> list[str]:
    """What the question before someone leaves (or is removed) says of their agreements: who owns
    those they own, and the decisions nobody can give after them (the last of their organisation).
    role: they stay, given a role in which they own nothing (rights_narrowed passes them on alike);
    a client representative decides for no organisation either, so its decisions are warned of as for
    a leaving, while an external party still gives those of the organisation it acts for."""
    lines = []
    owned = _owned_by(team, user).count()
    successor = _successor(team=team, user=user, actor=actor) if owned else None
    if successor is not None and actor is not None and successor.pk == actor.pk:
        lines.append(
            ngettext(
                "Owner of %(count)d agreement: you become its owner.",
                "Owner of %(count)d agreements: you become their owner.",
                owned,
            )
            % {"count": owned}
        )
    elif successor is not None:
        lines.append(
            ngettext(
                "Owner of %(count)d agreement: %(name)s (coordinator) becomes its owner.",
                "Owner of %(count)d agreements: %(name)s (coordinator) becomes their owner.",
                owned,
            )
            % {"count": owned, "name": successor.name or successor.email}
        )
    if role is not None and role != Membership.Role.CLIENT_REPRESENTATIVE:
        return lines
    organisation, waiting = selectors.stranded_by_leaving(team=team, user=user)
    count = waiting.count()
    if count:
        names = _agreement_links(team=team, agreements=waiting, count=count)
        if actor is not None and actor.pk != user.pk:
            # The one who removes them reads it: they are asked to act, about someone else.
            sentence = ngettext(
                "%(name)s is the last member of %(organisation)s here: %(count)d agreement (%(agreements)s) "
                "waits for its decision, which nobody can give after this. Invite a colleague from that "
                "organisation, or remove the party.",
                "%(name)s is the last member of %(organisation)s here: %(count)d agreements (%(agreements)s) "
                "wait for its decision, which nobody can give after this. Invite a colleague from that "
                "organisation, or remove the party.",
                count,
            )
        else:
            sentence = ngettext(
                "The last member of %(organisation)s here: %(count)d agreement (%(agreements)s) waits for its "
                "decision, which nobody can give after this. A coordinator can invite a colleague or remove the party.",
                "The last member of %(organisation)s here: %(count)d agreements (%(agreements)s) wait for its "
                "decision, which nobody can give after this. A coordinator can invite a colleague or remove the party.",
                count,
            )
        facts = {
            "organisation": conditional_escape(organisation),
            "name": conditional_escape(user.name or user.email),
            "count": count,
            "agreements": names,
        }
        # Safe HTML (the titles are links): every fact is escaped, the translated sentence is ours.
        lines.append(mark_safe(sentence % facts))  # noqa: S308
    consent = _consent_line(team=team, user=user, actor=actor)
    if consent:
        lines.append(consent)
    return lines


def _consent_line(*, team, user, actor) -> SafeString | None:
    """The last account of an external party (an insurer) leaves: what waits for its consent is a
    coordinator's to record after it (services.consent_record), as the team's coordinators are told
    after (notices.consent_left_to_coordinators); said in the question before, to whoever removes it too."""
    organisation, waiting = selectors.consent_left_to_coordinators(team=team, user=user)
    count = waiting.count()
    if not count:
        return None
    if actor is not None and actor.pk != user.pk:
        sentence = ngettext(
            "%(name)s is the last account of %(organisation)s here: %(count)d agreement (%(agreements)s) waits for "
            "its consent, which a coordinator records after this.",
            "%(name)s is the last account of %(organisation)s here: %(count)d agreements (%(agreements)s) wait for "
            "its consent, which a coordinator records after this.",
            count,
        )
    else:
        sentence = ngettext(
            "The last account of %(organisation)s here: %(count)d agreement (%(agreements)s) waits for its "
            "consent, which a coordinator records after this.",
            "The last account of %(organisation)s here: %(count)d agreements (%(agreements)s) wait for its "
            "consent, which a coordinator records after this.",
            count,
        )
    facts = {
        "organisation": conditional_escape(organisation.name),
        "name": conditional_escape(user.name or user.email),
        "count": count,
        "agreements": _agreement_links(team=team, agreements=waiting, count=count),
    }
    return mark_safe(sentence % facts)  # noqa: S308 (every fact is escaped, the sentence is ours)


_NAMED = 3  # the question names this many agreements, then says how many more


def _agreement_links(*, team, agreements, count: int) -> SafeString:
    """“A”, “B” and “C”, each linked to its page; past a handful, “A”, “B”, “C” and 2 more."""
    shown = list(agreements[: count if count <= _NAMED + 1 else _NAMED])
    parts = [
        format_html(
            '“<a class="utrecht-link" href="{}">{}</a>”',
            reverse("agreement_detail", kwargs={"team_slug": team.slug, "agreement_id": agreement.pk}),
            agreement.current_version.title,
        )
        for agreement in shown
    ]
    if count > len(shown):
        parts.append(
            conditional_escape(
                ngettext("%(count)d more", "%(count)d more", count - len(shown)) % {"count": count - len(shown)}
            )
        )
    if len(parts) == 1:
        return parts[0]
    first = mark_safe(", ".join(parts[:-1]))  # noqa: S308 (each part is escaped above)
    return mark_safe(_("%(first)s and %(last)s") % {"first": first, "last": parts[-1]})  # noqa: S308


def membership_start(*, team, user) -> None:
    """Someone joins the team, or acts for an organisation in it now (tenancy's membership_create and
    membership_change_role, inside their transaction): what waits on that organisation's decision
    asks them too (notices.endorsement_requested_of_newcomer)."""
    notices.endorsement_requested_of_newcomer(team=team, user=user)


def membership_release(*, team, user, actor) -> None:
    """Someone leaves the team or is removed from it (tenancy.services.membership_remove, inside its
    transaction): the agreements they own pass to _successor, who is told (notices.owner_passed).

    The current version's owner changes in place rather than by a new version: a new version of a
    proposed or adopted agreement asks every party to endorse it again, and nothing the parties
    endorsed changes. The history says who left, by whom they were removed, and who owns it now."""
    removed = actor is not None and actor.pk != user.pk
    _pass_ownership(team=team, user=user, actor=actor, action=Action.OWNER_REMOVED if removed else Action.OWNER_LEFT)
    _consent_falls(team=team, user=user, actor=actor)


def role_given_up(*, team, user, actor, role: str) -> None:
    """`user` is given `role` in the team (core.registry.role_given_up, before it is written). The
    last account of an external party made one that decides for no organisation (a client
    representative): its consent is the coordinators' to record from now on, as when it leaves, and
    they are told so in the same notice (the question before said it: membership_holdings). Made a
    member or coordinator of its organisation (one that takes part in the team), it still decides for
    it: nothing falls to the coordinators."""
    if role not in selectors.DECIDING_ROLES:
        _consent_falls(team=team, user=user, actor=actor, role_changed=True)


def _consent_falls(*, team, user, actor, role_changed: bool = False) -> None:
    """If `user` is the last account of an external party and agreements wait for its consent: the
    team's coordinators are told it is theirs to record (notices.consent_left_to_coordinators), the
    one path of membership_release and role_given_up."""
    organisation, waiting = selectors.consent_left_to_coordinators(team=team, user=user)
    agreements = list(waiting[:2])
    if agreements:
        notices.consent_left_to_coordinators(
            team=team,
            user=user,
            actor=actor,
            organisation=organisation,
            agreements=agreements,
            count=waiting.count(),
            role_changed=role_changed,
        )


def rights_narrowed(*, user, team_ids, actor=None) -> None:
    """`user`'s rights in these teams narrowed (core.registry.rights_narrowed). Where they are no
    longer a member or coordinator (made client representative or external party) they may not edit
    an agreement: those they own pass on as when they leave (membership_release, by the same path),
    and an external party's notices of agreements it is no party to go, as a client
    representative's requests to endorse do (notices.rights_narrowed). The notices go after the
    agreements passed on: a review date told to them as owner goes with what they no longer own."""
    owning = set(
        Agreement.objects.for_teams(list(team_ids))
        .exclude(status=Status.ENDED)
        .filter(current_version__owner=user)
        .values_list("team_id", flat=True)
    )
    for team in Team.objects.filter(pk__in=sorted(owning)).order_by("pk"):
        if not is_professional(user=user, team=team):
            _pass_ownership(team=team, user=user, actor=actor, action=Action.OWNER_ROLE_CHANGED)
    notices.rights_narrowed(user=user, team_ids=team_ids, actor=actor)


def _pass_ownership(*, team, user, actor, action: str) -> None:
    """The agreements `user` owns in the team pass to _successor, who is told: the one path of
    membership_release and rights_narrowed."""
    successor = _successor(team=team, user=user, actor=actor)
    if successor is None:
        return
    facts = {"owner": successor.name or successor.email}
    if actor is not None and actor.pk != user.pk:
        facts["by"] = actor.name or actor.email
    passed = []
    for agreement in _owned_by(team, user).select_for_update(of=("self",)).select_related("current_version"):
        AgreementVersion.objects.for_team(team).filter(pk=agreement.current_version_id).update(owner=successor)
        agreement.current_version.owner = successor
        _touch(agreement)
        # The history names the person who left; the audit row, who acted.
        event = _history(
            actor=user,
            agreement=agreement,
            action=action,
            version_number=agreement.version_count,
            facts=facts,
        )
        passed.append((agreement, event))
    if not passed:
        return
    notices.owner_passed(
        team=team,
        user=user,
        actor=actor,
        owner=successor,
        agreements=[a for a, _e in passed],
        role_changed=action == Action.OWNER_ROLE_CHANGED,
    )
    for agreement, event in passed:
        audit_record(
            actor=actor,
            action=f"agreement.{event.action}",
            team=team,
            target=agreement,
            data={"version": event.version_number, "user": user.pk, "owner": successor.pk},
        )
