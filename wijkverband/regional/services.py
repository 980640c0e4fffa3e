"""Writes for regional work. Each service is one transaction that writes its audit row last
(the audit chain's lock is global until the commit, docs/audit.md).

Refusals raise ActionRefused (a user-facing message; nothing changed); a person without the right
gets PermissionDenied. Every text passes the client-data guard when it is saved (core/guard.py).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.models import (
    EXTERNAL_KINDS,
    TEXT_LIMITS,
    Agreement,
    Dimension,
    Frequency,
    PartyKind,
    is_percentage,
)
from wijkverband.audit.services import audit_record
from wijkverband.bottlenecks.models import OPEN_STATUSES, Bottleneck, Category
from wijkverband.core.errors import ActionRefused
from wijkverband.core.textlimits import text_length, too_long_message
from wijkverband.regional import notices, policy
from wijkverband.regional.models import (
    Adoption,
    ItemStatus,
    OfferStatus,
    RegionalAgreement,
    RegionalItem,
    RegionalLink,
    RegionalUpdate,
    SuggestedIndicator,
    SuggestedParty,
)
from wijkverband.regional.selectors import linked_bottleneck_people, region_managers
from wijkverband.tenancy.models import Organisation, OrganisationKind, Region, Team, TeamOrganisation
from wijkverband.tenancy.policy import region_rights, team_rights

TITLE_LIMIT = 200
TEXT_LIMIT = 100_000


def _require_manager(actor, region: Region) -> None:
    if not policy.may_manage(region_rights(user=actor, region=region)):
        raise PermissionDenied


def _title(value) -> str:
    title = (value or "").strip()
    if not title:
        raise ActionRefused(_("Give it a title."), field="title")
    if len(title) > TITLE_LIMIT:
        raise ActionRefused(_("Keep the title under 200 characters."), field="title")
    return title


def _text(value, field: str, *, required: bool = False, message: str = "", limit: int = TEXT_LIMIT) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ActionRefused(message or _("This field is required."), field=field)
    if (length := text_length(text)) > limit:
        raise ActionRefused(too_long_message(limit=limit, length=length), field=field)
    return text


def _offer_text(data: dict, field: str, **kwargs) -> str:
    """An offer's text, within the limit of the team's agreement it becomes (TEXT_LIMITS)."""
    return _text(data.get(field), field, limit=TEXT_LIMITS[field], **kwargs)


def _owner(region: Region, owner):
    if owner is None or owner.pk not in {user.pk for user in region_managers(region=region)}:
        raise ActionRefused(_("The owner must be an overseer or administrator of this region."), field="owner")
    return owner


def _lock_item(item: RegionalItem, version: int | None) -> RegionalItem:
    locked = RegionalItem.objects.select_for_update(of=("self",)).select_related("region").get(pk=item.pk)
    if version is not None and locked.version != version:
        raise ActionRefused(
            _("Someone else changed this regional item in the meantime. Check the page as it is now."), code="stale"
        )
    return locked


def _touch(item: RegionalItem, *fields: str) -> None:
    item.updated_at = timezone.now()
    item.version = F("version") + 1
    item.save(update_fields=["updated_at", "version", *fields])
    item.refresh_from_db(fields=["version"])


def _audit(*, actor, action: str, target, data: dict | None = None, team=None) -> None:
    audit_record(actor=actor, action=f"regional.{action}", team=team, target=target, data=data or {})


def _link_all(*, actor, item: RegionalItem, bottlenecks) -> list[RegionalLink]:
    """Link these bottlenecks (already checked to be of the region's teams) to the item."""
    # Their status is checked on the rows locked (in the order of their ids), not as the page read
    # them: a link that raced the team resolving or closing the bottleneck was added after that had
    # committed, and the region took up a bottleneck that was done. It now waits and is refused.
    status = dict(
        Bottleneck.objects.for_teams({b.team_id for b in bottlenecks})
        .select_for_update(no_key=True)
        .filter(pk__in=sorted(b.pk for b in bottlenecks))
        .order_by("pk")
        .values_list("pk", "status")
    )
    links = []
    for bottleneck in bottlenecks:
        if bottleneck.team.region_id != item.region_id:
            raise ActionRefused(_("Only bottlenecks of this region's teams can be linked."), field="bottlenecks")
        if status.get(bottleneck.pk) not in OPEN_STATUSES:
            raise ActionRefused(
                _("#%(id)s is no longer open: only open bottlenecks can be linked.") % {"id": bottleneck.pk},
                field="bottlenecks",
            )
        try:
            with transaction.atomic():
                links.append(
                    RegionalLink.objects.create(
                        region_id=item.region_id,
                        item=item,
                        team=bottleneck.team,
                        bottleneck=bottleneck,
                        linked_by=actor,
                    )
                )
        except IntegrityError as error:
            raise ActionRefused(
                _("#%(id)s already belongs to a regional item.") % {"id": bottleneck.pk}, field="bottlenecks"
            ) from error
        notices.linked(bottleneck, actor=actor, item_id=item.pk)
    return links


# --- regional items ----------------------------------------------------------------------------


@transaction.atomic
def regional_item_create(
    *,
    actor,
    region: Region,
    title: str,
    description: str = "",
    owner,
    category: Category | None = None,
    bottlenecks=(),
) -> RegionalItem:
    """Take a pattern up at the region: one item with one owner, linked to the teams' bottlenecks."""
    _require_manager(actor, region)
    item = RegionalItem.objects.create(
        region=region,
        title=_title(title),
        description=_text(description, "description"),
        category=category,
        owner=_owner(region, owner),
        created_by=actor,
    )
    links = _link_all(actor=actor, item=item, bottlenecks=bottlenecks)
    _audit(
        actor=actor,
        action="item_created",
        target=item,
        data={"owner": item.owner_id, "bottlenecks": [link.bottleneck_id for link in links]},
    )
    return item


@transaction.atomic
def regional_item_edit(*, actor, item: RegionalItem, version: int, title: str, description: str, owner) -> RegionalItem:
    _require_manager(actor, item.region)
    item = _lock_item(item, version)
    before_owner = item.owner_id
    item.title = _title(title)
    item.description = _text(description, "description")
    item.owner = _owner(item.region, owner)
    _touch(item, "title", "description", "owner")
    _audit(actor=actor, action="item_edited", target=item, data={"owner": [before_owner, item.owner_id]})
    return item


@transaction.atomic
def regional_item_link(*, actor, item: RegionalItem, bottlenecks) -> list[RegionalLink]:
    _require_manager(actor, item.region)
    item = _lock_item(item, None)
    if not item.is_open:
        raise ActionRefused(_("This regional item is finished: reopen it with a progress update first."))
    if not bottlenecks:
        raise ActionRefused(_("Choose at least one bottleneck."), field="bottlenecks")
    links = _link_all(actor=actor, item=item, bottlenecks=bottlenecks)
    _touch(item)
    _audit(actor=actor, action="item_linked", target=item, data={"bottlenecks": [b.bottleneck_id for b in links]})
    return links


@transaction.atomic
def regional_item_unlink(*, actor, item: RegionalItem, link: RegionalLink) -> None:
    _require_manager(actor, item.region)
    item = _lock_item(item, None)
    bottleneck_id = link.bottleneck_id
    RegionalLink.objects.filter(region_id=item.region_id, item=item, pk=link.pk).delete()
    _touch(item)
    _audit(actor=actor, action="item_unlinked", target=item, data={"bottleneck": bottleneck_id})


@transaction.atomic
def regional_update_post(*, actor, item: RegionalItem, version: int, body: str, status: str = "") -> RegionalUpdate:
    """A progress update for the teams, optionally moving the item to another status. Every linked
    bottleneck's owner and reporter hear of it (a notice about their own item, without the text)."""
    _require_manager(actor, item.region)
    item = _lock_item(item, version)
    body = _text(body, "body", required=True, message=_("Write what has happened: the teams read it."))
    if status and status not in ItemStatus.values:
        raise ActionRefused(_("Choose a status from the list."), field="status")
    before = item.status
    update = RegionalUpdate.objects.create(
        region_id=item.region_id,
        item=item,
        author=actor,
        body=body,
        from_status=before if status and status != before else "",
        to_status=status if status and status != before else "",
    )
    if status and status != before:
        item.status = status
        _touch(item, "status")
    else:
        _touch(item)
    for bottleneck, _people in linked_bottleneck_people(item=item):
        notices.progress(bottleneck, actor=actor, update_id=update.pk)
    _audit(actor=actor, action="update_posted", target=item, data={"status": [before, item.status]})
    return update


# --- regional agreements offered to teams -------------------------------------------------------


def _decimal(value, *, unit: str) -> Decimal:
    try:
        number = Decimal(str(value).replace(",", "."))
    except (InvalidOperation, ValueError) as error:
        raise ActionRefused(_("Give the target as a number."), field="indicators") from error
    if not number.is_finite() or abs(number) >= Decimal("1e12"):
        raise ActionRefused(_("Give the target as a number."), field="indicators")
    if number < 0 and is_percentage(unit):
        # A team adopting it could not add the indicator (agreements.services.indicator_create).
        raise ActionRefused(_("A percentage cannot be negative: give the target as 0 or more."), field="indicators")
    return number


@transaction.atomic
def regional_agreement_offer(*, actor, region: Region, data: dict, parties=(), indicators=()) -> RegionalAgreement:
    """Offer an agreement to the region's teams.

    parties: (kind, organisation kind, name) each: a provider by its kind of organisation, or an
    external party (insurer, municipality, client representation) by name.
    indicators: dicts with name, dimension, unit, target, frequency."""
    _require_manager(actor, region)
    offer = RegionalAgreement.objects.create(
        region=region,
        title=_title(data.get("title")),
        need=_offer_text(data, "need"),
        body=_offer_text(
            data, "body", required=True, message=_("Write the agreement itself: the teams adopt that text.")
        ),
        gain_quality=_offer_text(data, "gain_quality"),
        gain_accessibility=_offer_text(data, "gain_accessibility"),
        gain_affordability=_offer_text(data, "gain_affordability"),
        created_by=actor,
    )
    for kind, organisation_kind, name in parties:
        name = (name or "").strip()
        if kind == PartyKind.PROVIDER:
            if organisation_kind not in OrganisationKind.values:
                raise ActionRefused(_("Choose the kind of care provider."), field="parties")
            name = ""
        elif kind in EXTERNAL_KINDS:
            if not name or len(name) > 200:
                raise ActionRefused(_("Give the external party's name (at most 200 characters)."), field="parties")
            organisation_kind = ""
        else:
            raise ActionRefused(_("Choose the kind of party."), field="parties")
        SuggestedParty.objects.create(
            region=region, offer=offer, kind=kind, organisation_kind=organisation_kind, name=name
        )
    for row in indicators:
        name, unit = (row.get("name") or "").strip(), (row.get("unit") or "").strip()
        if not name or len(name) > 200 or not unit or len(unit) > 40:
            raise ActionRefused(_("Give each indicator a name and a unit."), field="indicators")
        if row.get("dimension") not in Dimension.values or row.get("frequency") not in Frequency.values:
            raise ActionRefused(_("Choose each indicator's dimension and frequency."), field="indicators")
        SuggestedIndicator.objects.create(
            region=region,
            offer=offer,
            name=name,
            dimension=row["dimension"],
            unit=unit,
            target=_decimal(row.get("target"), unit=unit),
            frequency=row["frequency"],
        )
    _audit(actor=actor, action="agreement_offered", target=offer, data={"title": offer.title[:200]})
    return offer


@transaction.atomic
def regional_agreement_withdraw(*, actor, offer: RegionalAgreement) -> RegionalAgreement:
    """No longer offered to teams that have not adopted it; the teams' own agreements stay theirs."""
    _require_manager(actor, offer.region)
    offer = RegionalAgreement.objects.select_for_update().get(pk=offer.pk)
    if offer.status == OfferStatus.WITHDRAWN:
        raise ActionRefused(_("This offer was already withdrawn."))
    offer.status = OfferStatus.WITHDRAWN
    offer.withdrawn_at = timezone.now()
    offer.save(update_fields=["status", "withdrawn_at"])
    _audit(actor=actor, action="agreement_withdrawn", target=offer)
    return offer


@transaction.atomic
def regional_agreement_adopt(
    *,
    actor,
    team: Team,
    offer: RegionalAgreement,
    title: str,
    organisations: list[Organisation],
    externals: list[tuple[str, str]],
) -> Agreement:
    """The team takes the region's offer up as its own agreement: a concept with the offer's text,
    the team's own parties (its organisations, and external parties by name) and the suggested
    indicators, made by the agreements app's own services. From here it follows the team's normal
    flow: propose, endorsements, the accountability check."""
    if not policy.may_adopt(team_rights(user=actor, team=team)):
        raise PermissionDenied
    if offer.region_id != team.region_id:
        raise PermissionDenied
    offer = RegionalAgreement.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.OFFERED:
        raise ActionRefused(_("The region has withdrawn this offer."), code="invalid_transition")
    if Adoption.objects.filter(offer=offer, team=team).exists():
        raise ActionRefused(_("Your team has already adopted this offer."), code="invalid_transition")
    if not organisations and not externals:
        raise ActionRefused(_("Choose at least one party."), field="organisations")
    team_organisation_ids = set(TeamOrganisation.objects.for_team(team).values_list("organisation_id", flat=True))
    if any(organisation.pk not in team_organisation_ids for organisation in organisations):
        raise ActionRefused(_("That organisation does not take part in this team."), field="organisations")
    agreement = agreement_services.agreement_create(
        actor=actor,
        team=team,
        data={
            "title": title or offer.title,
            "need": offer.need,
            # The offer has no sources of its own: its origin is no source of the need analysis
            # (it would pass the accountability rule "analysed, with sources"); the change note and
            # the page's link back to the offer say where it comes from.
            "sources": "",
            "body": offer.body,
            "gain_quality": offer.gain_quality,
            "gain_accessibility": offer.gain_accessibility,
            "gain_affordability": offer.gain_affordability,
            "owner": actor,
            "change_note": _("Adopted from the region's offer"),
        },
    )
    for organisation in organisations:
        agreement_services.party_add_organisation(actor=actor, agreement=agreement, organisation=organisation)
    for kind, name in externals:
        agreement_services.party_add_external(actor=actor, agreement=agreement, kind=kind, name=name)
    for indicator in offer.suggested_indicators.filter(region_id=offer.region_id):
        agreement_services.indicator_create(
            actor=actor,
            agreement=agreement,
            name=indicator.name,
            dimension=indicator.dimension,
            unit=indicator.unit,
            baseline=None,
            target=indicator.target,
            frequency=indicator.frequency,
        )
    adoption = Adoption.objects.create(
        region_id=offer.region_id, offer=offer, team=team, agreement=agreement, adopted_by=actor
    )
    _audit(actor=actor, action="agreement_adopted", target=adoption, team=team, data={"agreement": agreement.pk})
    return agreement
