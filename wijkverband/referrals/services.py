"""Writes of the Welzijn op Recept figures. One transaction each, one audit row each.

A month from one referring organisation is kept either as counts or as records (models.py): the
month's `ReferralMonth` row is locked by every write that touches it, so two people entering the
same month are serialised and the rule holds under concurrency too. Every write that changes a
month's figures also brings the indicators fed from them up to date (agreements' own service, so
the agreement's history and the audit log show it), in the same transaction.

Refusals raise ActionRefused with the field they are about; nothing is changed then.
"""

from datetime import date

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkverband.agreements import services as agreement_services
from wijkverband.audit.services import audit_record
from wijkverband.core.errors import ActionRefused
from wijkverband.referrals import policy
from wijkverband.referrals.models import INTAKE_STATUSES, Kind, Referral, ReferralMonth, Status
from wijkverband.referrals.months import EARLIEST, month_label, month_of, this_month
from wijkverband.tenancy.models import Organisation, Team, TeamOrganisation
from wijkverband.tenancy.policy import team_rights

#: The indicator sources this app feeds (registered in apps.py, values in sources.py).
SOURCE_KEYS = ("referrals.feedback_rate", "referrals.intake_rate", "referrals.referrals")
#: More than this in one month from one organisation is a typing error, not a busy month.
MAX_PER_MONTH = 10_000
MAX_OFFER = 100


def _require_contributor(actor, team: Team) -> None:
    if not policy.may_enter(team_rights(user=actor, team=team)):
        raise PermissionDenied


def _check_referrer(team: Team, referrer) -> Organisation:
    if referrer is None or not TeamOrganisation.objects.for_team(team).filter(organisation=referrer).exists():
        raise ActionRefused(_("Choose a referring organisation of this team."), field="referrer")
    return referrer


def _check_month(month) -> date:
    if not isinstance(month, date):
        raise ActionRefused(_("Choose the month."), field="month")
    month = month_of(month)
    if month > this_month():
        raise ActionRefused(_("A month in the future has no referrals yet."), field="month")
    if month < EARLIEST:
        raise ActionRefused(
            _("Figures go back to %(month)s at most.") % {"month": month_label(EARLIEST)}, field="month"
        )
    return month


def _lock_month(team: Team, month: date, referrer: Organisation) -> ReferralMonth | None:
    return ReferralMonth.objects.for_team(team).select_for_update().filter(month=month, referrer=referrer).first()


def _new_month(team: Team, month: date, referrer: Organisation, kind: str, actor) -> tuple[ReferralMonth, bool]:
    """Create the month's row; when someone created it at the same moment, use theirs (locked).
    Returns (row, created)."""
    try:
        with transaction.atomic():
            row = ReferralMonth.objects.create(team=team, month=month, referrer=referrer, kind=kind, updated_by=actor)
            return row, True
    except IntegrityError:
        return _lock_month(team, month, referrer), False


def _feed(*, actor, team: Team, months) -> None:
    agreement_services.sourced_measurements_refresh(
        actor=actor, team=team, sources=SOURCE_KEYS, months=sorted(set(months))
    )


def _audit(*, actor, team: Team, action: str, target, data: dict) -> None:
    audit_record(actor=actor, action=f"referrals.{action}", team=team, target=target, data=data)


# --- counts -----------------------------------------------------------------------------------------


def _check_counts(referrals, intakes, feedback) -> tuple[int, int, int]:
    values = {"referrals": referrals, "intakes": intakes, "feedback": feedback}
    for field, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool):
            raise ActionRefused(_("Give a whole number (0 or more)."), field=field)
        if value < 0:
            raise ActionRefused(_("A number of referrals cannot be negative."), field=field)
        if value > MAX_PER_MONTH:
            raise ActionRefused(
                _("More than %(max)s in one month from one organisation: check the number.") % {"max": MAX_PER_MONTH},
                field=field,
            )
    if intakes > referrals:
        raise ActionRefused(
            _(
                "There cannot be more intakes (%(intakes)s) than referrals (%(referrals)s) in a month: "
                "count the intakes of that month's referrals."
            )
            % {"intakes": intakes, "referrals": referrals},
            field="intakes",
        )
    if feedback > referrals:
        raise ActionRefused(
            _(
                "Feedback can be returned at most once per referral: "
                "%(feedback)s is more than the %(referrals)s referrals."
            )
            % {"feedback": feedback, "referrals": referrals},
            field="feedback",
        )
    return referrals, intakes, feedback


@transaction.atomic
def counts_set(*, actor, team: Team, month, referrer, referrals, intakes, feedback, version: int = 0) -> ReferralMonth:
    """Set the counts of one month from one referring organisation (create or change them).

    version: the version of the counts the form showed (0: the form showed none). A save over
    counts someone else changed meanwhile is refused, so nobody's figures are lost unseen."""
    _require_contributor(actor, team)
    month = _check_month(month)
    referrer = _check_referrer(team, referrer)
    referrals, intakes, feedback = _check_counts(referrals, intakes, feedback)
    row, created = _lock_month(team, month, referrer), False
    if row is None:
        row, created = _new_month(team, month, referrer, Kind.COUNTS, actor)
    if row.kind == Kind.RECORDS:
        raise ActionRefused(
            _(
                "%(month)s from %(referrer)s is kept as referral records (%(count)s): its figures are counted from "
                "them. Change the records, or delete them first to keep this month as counts."
            )
            % {"month": month_label(month), "referrer": referrer.name, "count": row.referrals},
            field="month",
            code="records",
        )
    if not created and not version:
        raise ActionRefused(
            _(
                "Counts for %(month)s from %(referrer)s were entered already: %(referrals)s referrals, "
                "%(intakes)s intakes, %(feedback)s with feedback. Your numbers are below, not saved: "
                "save again to replace those with yours."
            )
            % {
                "month": month_label(month),
                "referrer": referrer.name,
                "referrals": row.referrals,
                "intakes": row.intakes,
                "feedback": row.feedback,
            },
            code="conflict",
        )
    if not created and version != row.version:
        raise ActionRefused(
            _(
                "Someone else entered counts for %(month)s from %(referrer)s while you were typing: "
                "%(referrals)s referrals, %(intakes)s intakes, %(feedback)s with feedback. Your numbers are below, "
                "not saved: compare them, then save again."
            )
            % {
                "month": month_label(month),
                "referrer": referrer.name,
                "referrals": row.referrals,
                "intakes": row.intakes,
                "feedback": row.feedback,
            },
            code="conflict",
        )
    before = (row.referrals, row.intakes, row.feedback)
    if not created and before == (referrals, intakes, feedback):
        return row
    row.referrals, row.intakes, row.feedback = referrals, intakes, feedback
    row.version = row.version if created else row.version + 1
    row.updated_by, row.updated_at = actor, timezone.now()
    row.save()
    _feed(actor=actor, team=team, months=[month])
    _audit(
        actor=actor,
        team=team,
        action="counts_set",
        target=row,
        data={"month": f"{month:%Y-%m}", "referrer": referrer.pk, "figures": [referrals, intakes, feedback]},
    )
    return row


@transaction.atomic
def counts_delete(*, actor, team: Team, row: ReferralMonth) -> None:
    _require_contributor(actor, team)
    locked = ReferralMonth.objects.for_team(team).select_for_update().filter(pk=row.pk).first()
    if locked is None:
        return  # deleted by someone else already
    if locked.kind != Kind.COUNTS:
        raise ActionRefused(_("This month is kept as referral records: delete the records one by one."))
    data = {"month": f"{locked.month:%Y-%m}", "referrer": locked.referrer_id}
    locked.delete()
    _feed(actor=actor, team=team, months=[locked.month])
    _audit(actor=actor, team=team, action="counts_deleted", target=row, data=data)


# --- records ------------------------------------------------------------------------------------------


def _check_record(*, team, referred_on, referrer, offer, status, feedback_on):
    if not isinstance(referred_on, date):
        raise ActionRefused(_("Give the date of the referral."), field="referred_on")
    today = timezone.localdate()
    if referred_on > today:
        raise ActionRefused(_("A referral cannot be dated in the future."), field="referred_on")
    if referred_on < EARLIEST:
        raise ActionRefused(
            _("Figures go back to %(month)s at most.") % {"month": month_label(EARLIEST)}, field="referred_on"
        )
    referrer = _check_referrer(team, referrer)
    offer = " ".join((offer or "").split())
    if len(offer) > MAX_OFFER:
        raise ActionRefused(
            _("Name the offer in at most %(max)s characters, such as “wandelgroep” or “taalcafé”.")
            % {"max": MAX_OFFER},
            field="offer",
        )
    if status not in Status.values:
        raise ActionRefused(_("Choose the status from the list."), field="status")
    if feedback_on is not None:
        if not isinstance(feedback_on, date):
            raise ActionRefused(_("Give the date the feedback was sent."), field="feedback_on")
        if feedback_on > today:
            raise ActionRefused(_("Feedback cannot be dated in the future."), field="feedback_on")
        if feedback_on < referred_on:
            raise ActionRefused(_("Feedback cannot be sent before the referral."), field="feedback_on")
    return referrer, offer


def _month_for_records(*, actor, team: Team, month: date, referrer: Organisation) -> ReferralMonth:
    """The locked month row for a record; refuses when the month is kept as counts."""
    row = _lock_month(team, month, referrer)
    if row is None:
        row, _created = _new_month(team, month, referrer, Kind.RECORDS, actor)
    if row.kind == Kind.COUNTS:
        raise ActionRefused(
            _(
                "%(month)s from %(referrer)s is kept as counts (%(count)s referrals). A record as well would count "
                "referrals twice: change the counts, or delete them first to keep this month as records."
            )
            % {"month": month_label(month), "referrer": referrer.name, "count": row.referrals},
            field="referred_on",
            code="counts",
        )
    return row


def _recount(*, actor, team: Team, row: ReferralMonth) -> None:
    """The month's figures, counted again from its records; the row goes when no record is left."""
    start = row.month
    end = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
    figures = (
        Referral.objects.for_team(team)
        .filter(referrer_id=row.referrer_id, referred_on__gte=start, referred_on__lt=end)
        .aggregate(
            referrals=Count("id"),
            intakes=Count("id", filter=Q(status__in=INTAKE_STATUSES)),
            feedback=Count("id", filter=Q(feedback_on__isnull=False)),
        )
    )
    if not figures["referrals"]:
        row.delete()
        return
    row.referrals, row.intakes, row.feedback = figures["referrals"], figures["intakes"], figures["feedback"]
    row.version += 1
    row.updated_by, row.updated_at = actor, timezone.now()
    row.save()


def _record_data(record: Referral) -> dict:
    return {
        "referred_on": record.referred_on.isoformat(),
        "referrer": record.referrer_id,
        "status": record.status,
        "feedback_on": record.feedback_on.isoformat() if record.feedback_on else None,
    }


@transaction.atomic
def referral_record(
    *, actor, team: Team, referred_on, referrer, offer: str = "", status: str = Status.REFERRED, feedback_on=None
) -> Referral:
    """Enter one referral, without anything about the client."""
    _require_contributor(actor, team)
    referrer, offer = _check_record(
        team=team, referred_on=referred_on, referrer=referrer, offer=offer, status=status, feedback_on=feedback_on
    )
    row = _month_for_records(actor=actor, team=team, month=month_of(referred_on), referrer=referrer)
    record = Referral.objects.create(
        team=team,
        referred_on=referred_on,
        referrer=referrer,
        offer=offer,
        status=status,
        feedback_on=feedback_on,
        created_by=actor,
        updated_by=actor,
    )
    _recount(actor=actor, team=team, row=row)
    _feed(actor=actor, team=team, months=[row.month])
    _audit(actor=actor, team=team, action="record_added", target=record, data=_record_data(record))
    return record


@transaction.atomic
def referral_edit(
    *, actor, team: Team, record: Referral, version: int, referred_on, referrer, offer: str, status: str, feedback_on
) -> Referral:
    _require_contributor(actor, team)
    referrer, offer = _check_record(
        team=team, referred_on=referred_on, referrer=referrer, offer=offer, status=status, feedback_on=feedback_on
    )
    # Lock the month rows in a fixed order (old and new month), then the record.
    old_key = (month_of(record.referred_on), record.referrer_id)
    new_key = (month_of(referred_on), referrer.pk)
    rows = {}
    for month, referrer_id in sorted({old_key, new_key}):
        organisation = referrer if referrer_id == referrer.pk else record.referrer
        if (month, referrer_id) == new_key:
            rows[(month, referrer_id)] = _month_for_records(actor=actor, team=team, month=month, referrer=organisation)
        else:
            rows[(month, referrer_id)] = _lock_month(team, month, organisation)
    current = Referral.objects.for_team(team).select_for_update().filter(pk=record.pk).first()
    if current is None:
        raise ActionRefused(_("Someone else deleted this referral meanwhile."), code="gone")
    if current.version != version:
        raise ActionRefused(
            _(
                "Someone else changed this referral while you were editing: your changes are below, not saved. "
                "Check them and save again."
            ),
            code="conflict",
        )
    if month_of(current.referred_on) != old_key[0] or current.referrer_id != old_key[1]:
        raise ActionRefused(_("Someone else changed this referral meanwhile: open it again."), code="conflict")
    new = (referred_on, referrer.pk, offer, status, feedback_on)
    if new == (current.referred_on, current.referrer_id, current.offer, current.status, current.feedback_on):
        return current
    current.referred_on, current.referrer, current.offer, current.status, current.feedback_on = (
        referred_on,
        referrer,
        offer,
        status,
        feedback_on,
    )
    current.version += 1
    current.updated_by, current.updated_at = actor, timezone.now()
    current.save()
    for row in rows.values():
        if row is not None:
            _recount(actor=actor, team=team, row=row)
    _feed(actor=actor, team=team, months=[old_key[0], new_key[0]])
    _audit(actor=actor, team=team, action="record_changed", target=current, data=_record_data(current))
    return current


@transaction.atomic
def referral_delete(*, actor, team: Team, record: Referral) -> None:
    _require_contributor(actor, team)
    row = _lock_month(team, month_of(record.referred_on), record.referrer)
    current = Referral.objects.for_team(team).select_for_update().filter(pk=record.pk).first()
    if current is None:
        return  # deleted by someone else already
    if month_of(current.referred_on) != month_of(record.referred_on) or current.referrer_id != record.referrer_id:
        raise ActionRefused(_("Someone else changed this referral meanwhile: open it again."), code="conflict")
    data = _record_data(current)
    current.delete()
    if row is not None:
        _recount(actor=actor, team=team, row=row)
    _feed(actor=actor, team=team, months=[month_of(record.referred_on)])
    _audit(actor=actor, team=team, action="record_deleted", target=record, data=data)
