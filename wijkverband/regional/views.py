"""Regional work pages. Thin: resolve access, parse the form, call a service or selector.

Region pages (/r/<region>/regional/…): everyone with a role in the region reads; overseers and
administrators act (region_view(needs="can_oversee"), services check again). Team pages
(/t/<team>/regional-offers/…): the team's readers see the region's offers; its coordinators adopt.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkverband.agreements.models import ORGANISATION_KIND_OF
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.once import sent_once
from wijkverband.core.paging import list_page
from wijkverband.regional import forms, policy, selectors, services
from wijkverband.regional.access import (
    access_offer,
    access_regional_agreement,
    access_regional_item,
    access_regional_link,
)
from wijkverband.tenancy.entry import region_view, team_view
from wijkverband.tenancy.selectors import team_organisation_choices

STATUS_FOR_CODE = {"stale": 409, "forbidden": 403}
#: Regional items per page of the overview (open first), and the offers it shows (offered first).
PAGE_SIZE = 25
OFFERS_SHOWN = 25


def _status_of(refused: ActionRefused) -> int:
    return STATUS_FOR_CODE.get(refused.code, 400)


def _with_version(data, item, *, prefix: str = ""):
    """The posted form's data with the item's current version in its hidden field."""
    data = data.copy()
    data[f"{prefix}-version" if prefix else "version"] = str(item.version)
    return data


def _category_id(value) -> int | None:
    try:
        return int(value) if value else None
    except (TypeError, ValueError):
        return None


# --- the region's pages ----------------------------------------------------------------------------


@region_view
def regional_overview(request):
    region, rights = request.region, request.rights
    sees_internal = policy.sees_internal(rights)
    items, elsewhere = list_page(
        request, selectors.regional_items(region=region, sees_internal=sees_internal), PAGE_SIZE
    )
    if elsewhere is not None:
        return redirect(elsewhere)
    return render(
        request,
        "regional/overview.html",
        {
            "region": region,
            "rights": rights,
            "may_manage": policy.may_manage(rights),
            "patterns": selectors.pattern_rows(region=region, sees_internal=sees_internal),
            "items": items,
            "offers": list(selectors.regional_agreements(region=region)[:OFFERS_SHOWN]),
        },
    )


@region_view(needs="can_oversee")
@sent_once
def regional_item_create(request):
    region, rights = request.region, request.rights
    source = request.POST if request.method == "POST" else request.GET
    category = selectors.region_category(region=region, category_id=_category_id(source.get("category")))
    candidates = selectors.candidate_bottlenecks(region=region, category=category, sees_internal=True)
    managers = selectors.region_managers(region=region)
    initial = {
        "owner": request.user.pk,
        "category": category.pk if category else None,
        "title": str(category.label) if category else "",
        "bottlenecks": [b.pk for b in candidates] if category else [],
    }
    form = forms.TakeUpForm(request.POST or None, initial=initial, managers=managers, candidates=candidates)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            chosen = selectors.region_bottlenecks(region=region, ids=data["bottlenecks"])
            owner = next((user for user in managers if user.pk == data["owner"]), None)
            try:
                item = services.regional_item_create(
                    actor=request.user,
                    region=region,
                    title=data["title"],
                    description=data["description"],
                    owner=owner,
                    category=category,
                    bottlenecks=chosen,
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("The region has taken it up as a regional item."))
                return redirect("regional_item_detail", region_slug=region.slug, item_id=item.pk)
        status = 400
    return render(
        request,
        "regional/item_form.html",
        {"region": region, "rights": rights, "form": form, "category": category, "candidates": candidates},
        status=status,
    )


def _render_item(request, item, *, update_form=None, link_form=None, status=200):
    region, rights = request.region, request.rights
    sees_internal = policy.sees_internal(rights)
    may_manage = policy.may_manage(rights)
    candidates = (
        selectors.candidate_bottlenecks(region=region, category=item.category, sees_internal=True)
        if may_manage and item.is_open
        else []
    )
    return render(
        request,
        "regional/item_detail.html",
        {
            "region": region,
            "rights": rights,
            "item": item,
            "may_manage": may_manage,
            "links": selectors.item_links(item=item, sees_internal=sees_internal),
            "updates": selectors.item_updates(item=item),
            "update_form": update_form or forms.UpdateForm(initial={"version": item.version}, prefix="update"),
            "link_form": link_form or (forms.LinkForm(candidates=candidates, prefix="link") if candidates else None),
        },
        status=status,
    )


@region_view
def regional_item_detail(request, item_id):
    item = access_regional_item(user=request.user, region=request.region, item_id=item_id)
    return _render_item(request, item)


@region_view(needs="can_oversee")
def regional_item_edit(request, item_id):
    region, rights = request.region, request.rights
    item = access_regional_item(user=request.user, region=region, item_id=item_id)
    managers = selectors.region_managers(region=region)
    initial = {"title": item.title, "description": item.description, "owner": item.owner_id, "version": item.version}
    form = forms.ItemForm(request.POST or None, initial=initial, managers=managers)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            owner = next((user for user in managers if user.pk == data["owner"]), None)
            try:
                services.regional_item_edit(
                    actor=request.user,
                    item=item,
                    version=data.get("version") or 0,
                    title=data["title"],
                    description=data["description"],
                    owner=owner,
                )
            except ActionRefused as refused:
                status = _status_of(refused)
                if refused.code == "stale":
                    # Keep the person's text but carry the item's version as it is now, so that a
                    # second save, after reading the page, goes on top of the other change.
                    item = access_regional_item(user=request.user, region=region, item_id=item.pk)
                    form = forms.ItemForm(_with_version(request.POST, item), initial=initial, managers=managers)
                    form.is_valid()
                add_refusal(form, refused)
            else:
                messages.success(request, _("The regional item has been saved."))
                return redirect("regional_item_detail", region_slug=region.slug, item_id=item.pk)
        else:
            status = 400
    return render(
        request,
        "regional/item_edit.html",
        {"region": region, "rights": rights, "item": item, "form": form},
        status=status,
    )


@region_view(needs="can_oversee")
@require_POST
def regional_item_update(request, item_id):
    region = request.region
    item = access_regional_item(user=request.user, region=region, item_id=item_id)
    form = forms.UpdateForm(request.POST, prefix="update")
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.regional_update_post(
                actor=request.user, item=item, version=data["version"], body=data["body"], status=data["status"]
            )
        except ActionRefused as refused:
            item = access_regional_item(user=request.user, region=region, item_id=item.pk)
            if refused.code == "stale":
                # The text stays; the form now carries the current version, so sending it again
                # (after reading the other update above it) posts it.
                form = forms.UpdateForm(_with_version(request.POST, item, prefix="update"), prefix="update")
                form.is_valid()
            add_refusal(form, refused)
            return _render_item(request, item, update_form=form, status=_status_of(refused))
        messages.success(request, _("Your progress update has been posted; the teams see it on their bottlenecks."))
        return redirect("regional_item_detail", region_slug=region.slug, item_id=item.pk)
    return _render_item(request, item, update_form=form, status=400)


@region_view(needs="can_oversee")
@require_POST
def regional_item_link(request, item_id):
    region = request.region
    item = access_regional_item(user=request.user, region=region, item_id=item_id)
    candidates = selectors.candidate_bottlenecks(region=region, category=item.category, sees_internal=True)
    form = forms.LinkForm(request.POST, candidates=candidates, prefix="link")
    if form.is_valid():
        chosen = selectors.region_bottlenecks(region=region, ids=form.cleaned_data["bottlenecks"])
        try:
            services.regional_item_link(actor=request.user, item=item, bottlenecks=chosen)
        except ActionRefused as refused:
            add_refusal(form, refused)
            return _render_item(request, item, link_form=form, status=_status_of(refused))
        messages.success(request, _("The bottlenecks have been linked."))
        return redirect("regional_item_detail", region_slug=region.slug, item_id=item.pk)
    return _render_item(request, item, link_form=form, status=400)


@region_view(needs="can_oversee")
@require_POST
def regional_item_unlink(request, item_id, link_id):
    region = request.region
    item = access_regional_item(user=request.user, region=region, item_id=item_id)
    link = access_regional_link(user=request.user, item=item, link_id=link_id)
    services.regional_item_unlink(actor=request.user, item=item, link=link)
    messages.success(request, _("The link has been removed."))
    return redirect("regional_item_detail", region_slug=region.slug, item_id=item.pk)


@region_view(needs="can_oversee")
@sent_once
def regional_agreement_create(request):
    region, rights = request.region, request.rights
    form = forms.OfferForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                offer = services.regional_agreement_offer(
                    actor=request.user,
                    region=region,
                    data=form.cleaned_data,
                    parties=form.parties(),
                    indicators=form.indicators(),
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("The agreement is offered to the region's teams."))
                return redirect("regional_agreement_detail", region_slug=region.slug, offer_id=offer.pk)
        status = 400
    return render(
        request, "regional/offer_form.html", {"region": region, "rights": rights, "form": form}, status=status
    )


@region_view
def regional_agreement_detail(request, offer_id):
    region, rights = request.region, request.rights
    offer = access_regional_agreement(user=request.user, region=region, offer_id=offer_id)
    parties, indicators = selectors.offer_detail(offer=offer)
    return render(
        request,
        "regional/offer_detail.html",
        {
            "region": region,
            "rights": rights,
            "offer": offer,
            "parties": parties,
            "indicators": indicators,
            "may_manage": policy.may_manage(rights),
            "adoptions": selectors.offer_adoptions(offer=offer),
        },
    )


@region_view(needs="can_oversee")
@require_POST
def regional_agreement_withdraw(request, offer_id):
    region = request.region
    offer = access_regional_agreement(user=request.user, region=region, offer_id=offer_id)
    try:
        services.regional_agreement_withdraw(actor=request.user, offer=offer)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The offer has been withdrawn. Teams that adopted it keep their agreement."))
    return redirect("regional_agreement_detail", region_slug=region.slug, offer_id=offer.pk)


# --- a team's pages: the region's offers -------------------------------------------------------------


@team_view
def team_offers(request):
    team, rights = request.team, request.rights
    return render(
        request,
        "regional/team_offers.html",
        {
            "team": team,
            "rights": rights,
            "offers": selectors.team_offers(team=team),
            "may_adopt": policy.may_adopt(rights),
        },
    )


@team_view
def team_offer_detail(request, offer_id):
    team, rights = request.team, request.rights
    offer = access_offer(user=request.user, team=team, offer_id=offer_id)
    parties, indicators = selectors.offer_detail(offer=offer)
    return render(
        request,
        "regional/team_offer_detail.html",
        {
            "team": team,
            "rights": rights,
            "offer": offer,
            "parties": parties,
            "indicators": indicators,
            "adoption": selectors.team_adoption(team=team, offer=offer),
            "may_adopt": policy.may_adopt(rights),
        },
    )


@team_view(needs="can_coordinate")
def team_offer_adopt(request, offer_id):
    team, rights = request.team, request.rights
    offer = access_offer(user=request.user, team=team, offer_id=offer_id)
    adoption = selectors.team_adoption(team=team, offer=offer)
    if adoption is not None:
        messages.info(request, _("Your team has already adopted this offer."))
        return redirect("agreement_detail", team_slug=team.slug, agreement_id=adoption.agreement_id)
    parties, indicators = selectors.offer_detail(offer=offer)
    organisations = list(team_organisation_choices(team=team))
    suggested_kinds = {p.organisation_kind for p in parties if p.organisation_kind}
    # A suggested external party that takes part in the team (the same insurer, by kind and name)
    # is ticked as the team's organisation: as free text, its people could not endorse it.
    own = {(o.kind, o.name.strip().casefold()): o for o in organisations}
    taking_part = {
        p.pk: own.get((ORGANISATION_KIND_OF.get(p.kind), p.name.strip().casefold()))
        for p in parties
        if not p.organisation_kind
    }
    externals = [p for p in parties if not p.organisation_kind and taking_part[p.pk] is None][: forms.EXTERNAL_ROWS]
    initial = {
        "title": offer.title,
        "organisations": [o.pk for o in organisations if o.kind in suggested_kinds]
        + [o.pk for o in taking_part.values() if o is not None],
        **{f"external_kind_{n}": p.kind for n, p in enumerate(externals)},
        **{f"external_name_{n}": p.name for n, p in enumerate(externals)},
    }
    form = forms.AdoptForm(request.POST or None, initial=initial, organisations=organisations)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            chosen = [o for o in organisations if o.pk in set(form.cleaned_data["organisations"])]
            try:
                agreement = services.regional_agreement_adopt(
                    actor=request.user,
                    team=team,
                    offer=offer,
                    title=form.cleaned_data["title"],
                    organisations=chosen,
                    externals=form.externals(),
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
                status = _status_of(refused)
            else:
                messages.success(
                    request,
                    _("Your team has adopted the offer as its own agreement (a concept). Propose it when it is ready."),
                )
                return redirect("agreement_detail", team_slug=team.slug, agreement_id=agreement.pk)
        else:
            status = 400
    return render(
        request,
        "regional/team_offer_adopt.html",
        {"team": team, "rights": rights, "offer": offer, "parties": parties, "indicators": indicators, "form": form},
        status=status,
    )
