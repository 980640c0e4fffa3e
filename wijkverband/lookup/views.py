"""The public postcode lookup, and the region's pages that keep the postcode areas. Thin views."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.listfilters import address_findings, address_refusal
from wijkverband.lookup.access import access_region_team
from wijkverband.lookup.forms import AreaSharingForm, TeamAreasForm
from wijkverband.lookup.ratelimit import lookup_allowed
from wijkverband.lookup.selectors import postcode_answer
from wijkverband.tenancy import postcodes, services
from wijkverband.tenancy.entry import region_view
from wijkverband.tenancy.selectors import region_area_overlaps, region_postcode_areas, team_postcode_codes


@require_safe
def postcode_lookup(request):
    """Open to everyone, signed in or not; a GET form, so it works without JavaScript and the
    answer has its own address. Never shows a person (wijkverband/lookup/selectors.py)."""
    entered = request.GET.get("postcode")
    context = {"entered": (entered or "")[: postcodes.MAX_INPUT_LENGTH * 2], "error": "", "answer": None}
    if entered is None:
        return render(request, "lookup/lookup.html", context)
    allowed, retry_after = lookup_allowed(request)
    if not allowed:
        response = render(request, "lookup/too_many.html", {"retry_after": retry_after}, status=429)
        response["Retry-After"] = str(retry_after)
        return response
    findings = address_findings([entered])
    if findings:
        # Client data typed as a postcode is neither searched nor shown back, and every kind found
        # is named (core/listfilters.py).
        context.update(entered="", error=address_refusal(findings), language_next=request.path)
        return render(request, "lookup/lookup.html", context, status=400)
    code = postcodes.normalise_postcode(entered)
    if not entered.strip():
        context["error"] = _("Enter a postcode, such as 3581 AB or 3581.")
    elif code is None:
        context["error"] = _(
            "“%(entered)s” is not a Dutch postcode. A postcode has four digits and two letters, such as 3581 AB; "
            "the four digits alone (3581) work too."
        ) % {"entered": context["entered"]}
    if context["error"]:
        return render(request, "lookup/lookup.html", context, status=400)
    context["answer"] = postcode_answer(code=code)
    context["entered"] = postcodes.display_code(code)
    return render(request, "lookup/lookup.html", context)


@region_view
def region_areas(request):
    return _render_areas(request)


def _render_areas(request, *, sharing_form=None, status=200):
    """The region's postcode areas; `sharing_form`: the sharing choice as sent, its refusal at it."""
    region, rights = request.region, request.rights
    areas = region_postcode_areas(region=region)
    if sharing_form is None:
        sharing_form = AreaSharingForm(initial={"allow": region.allow_overlapping_areas})
    return render(
        request,
        "lookup/region_areas.html",
        {
            "region": region,
            "rights": rights,
            "areas": areas,
            "overlaps": [
                (postcodes.display_code(code), teams)
                for code, teams in region_area_overlaps(region=region, areas=areas)
            ],
            "sharing_form": sharing_form,
        },
        status=status,
    )


@region_view(needs="can_administer")
def team_areas_edit(request, team_id):
    region, rights = request.region, request.rights
    team = access_region_team(user=request.user, region=region, team_id=team_id)
    form = TeamAreasForm(
        request.POST or None,
        initial={"postcode_areas": postcodes.format_area_list(team_postcode_codes(team=team))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.team_postcode_areas_set(
                actor=request.user, team=team, postcode_areas=form.cleaned_data["postcode_areas"]
            )
        except ActionRefused as refused:
            add_refusal(form, refused, default="postcode_areas")
        else:
            messages.success(request, _("The postcode areas of %(team)s have been saved.") % {"team": team.name})
            return redirect("region_postcode_areas", region_slug=region.slug)
    return render(
        request,
        "lookup/team_areas.html",
        {"region": region, "rights": rights, "team": team, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@region_view(needs="can_administer")
@require_POST
def region_area_sharing(request):
    region = request.region
    form = AreaSharingForm(request.POST)
    form.is_valid()  # a checkbox: always valid
    allow = bool(form.cleaned_data.get("allow"))
    try:
        services.region_area_sharing_set(actor=request.user, region=region, allow=allow)
    except ActionRefused as refused:
        # At the box, as every form's refusal, with the summary that takes the focus (it stood at
        # the top of the page, above the table, with nothing at the box).
        add_refusal(form, refused, default="allow")
        return _render_areas(request, sharing_form=form, status=400)
    if allow:
        messages.success(request, _("Teams of this region may now share postcode areas."))
    else:
        messages.success(request, _("Each postcode area of this region now has one team."))
    return redirect("region_postcode_areas", region_slug=region.slug)
