"""The "Mijn werk" page, its count, and the safe actions it offers in place.

The actions are plain POST forms (they work without JavaScript and come back to the page they were
sent from); with htmx the item leaves the list and the answer goes into the page's messages. Each calls the
feature's own service, which checks the person's rights; ids go through the features' access helpers.
"""

from urllib.parse import parse_qs, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from wijkverband.agreements import services as agreement_services
from wijkverband.agreements.access import access_agreement
from wijkverband.bottlenecks import services as bottleneck_services
from wijkverband.bottlenecks.access import access_bottleneck
from wijkverband.core.done_at import at_the_word
from wijkverband.core.errors import ActionRefused
from wijkverband.core.guard import ClientDataRefused
from wijkverband.core.listfilters import address_to_return_to
from wijkverband.mywork import selectors
from wijkverband.mywork.forms import DeclineOwnershipForm
from wijkverband.tenancy.entry import team_view
from wijkverband.threads import services as thread_services
from wijkverband.threads.access import access_message, access_thread
from wijkverband.work import selectors as notice_selectors


def _page_context(request, *, team_slug: str, next_url: str) -> dict:
    teams = selectors.filter_teams(user=request.user)
    # Only one of the person's own teams filters; anything else shows everything (and leaks nothing).
    chosen = next((team for team in teams if team.slug == team_slug), None)
    return {
        "work": selectors.my_work(user=request.user, team=chosen),
        "teams": [(team.slug, team.name) for team in teams],
        "team_choice": selectors.offers_team_choice(teams),
        "chosen": chosen.slug if chosen else "",
        "next": next_url,
    }


@login_required
@require_GET
def my_work(request):
    context = _page_context(request, team_slug=request.GET.get("team", ""), next_url=address_to_return_to(request))
    if request.GET.get("part") == "list":
        return render(request, "mywork/_list.html", context)
    return render(request, "mywork/page.html", context)


@login_required
@require_GET
def my_work_count(request):
    # Asked after a notice frame (something changed for this person) and after a socket came back
    # (what was pushed while it was down never came): counted now, and kept for the header of the
    # next pages. With the unread notices, in the query that stamps the kept count.
    tally = notice_selectors.notice_tally(user=request.user)
    return JsonResponse(
        {
            "count": selectors.asked_count_kept(user=request.user, fresh=True, stamp=tally.newest_id),
            "unread": tally.unread,
        }
    )


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("my_work")


def _answer(request, *, done: str | None = None, refused: ActionRefused | None = None):
    """htmx: the item leaves the list (its form swaps with "delete") and the answer goes into the
    page's messages, out of band, where a refresh of the list cannot wipe it; without JavaScript:
    back to the page, with the answer as a message in the same place, which takes the focus (#done,
    core/done_at.py), also without JavaScript."""
    if refused is not None and refused.code == "forbidden":
        raise PermissionDenied
    if refused is not None and refused.code == "already":  # sent twice: done, as asked
        done, refused = str(refused.message), None
    message = str(refused.message) if refused is not None else done
    if request.htmx:
        response = render(request, "mywork/_answer.html", {"message": message, "refused": refused is not None})
        response["HX-Trigger"] = "wv-work-changed"
        return response
    (messages.error if refused is not None else messages.success)(request, message)
    return redirect(at_the_word(_back(request)))


def _version(request) -> int | None:
    value = request.POST.get("version", "")
    return int(value) if value.isdigit() else None


@team_view(needs="can_endorse")  # a member for their organisation, or an external party's account
@require_POST
def my_work_endorse(request, agreement_id):
    agreement = access_agreement(user=request.user, team=request.team, agreement_id=agreement_id)
    try:
        endorsement = agreement_services.endorsement_record(
            actor=request.user, agreement=agreement, version_number=_version(request), decision="endorsed"
        )
    except ActionRefused as refused:
        return _answer(request, refused=refused)
    return _answer(request, done=_("Endorsed on behalf of %(party)s.") % {"party": endorsement.party.name})


@team_view(needs="can_contribute")
@require_POST
def my_work_ownership(request, bottleneck_id, answer):
    if answer not in ("accept", "decline"):
        raise Http404
    b = access_bottleneck(user=request.user, team=request.team, bottleneck_id=bottleneck_id)
    try:
        if answer == "accept":
            bottleneck_services.bottleneck_accept(actor=request.user, bottleneck=b, version=_version(request))
            done = _("You own “%(title)s” now.") % {"title": b.title}
        else:
            form = DeclineOwnershipForm(request.POST)
            if not form.is_valid():
                return _decline_refused(request, b, form)
            try:
                bottleneck_services.bottleneck_decline(
                    actor=request.user, bottleneck=b, version=_version(request), reason=form.cleaned_data["reason"]
                )
            except ClientDataRefused as refused:  # the form's check missed nothing the guard finds; if it did
                form.add_error("reason", refused.message)
                return _decline_refused(request, b, form)
            done = _("You declined to own “%(title)s”.") % {"title": b.title}
    except ActionRefused as refused:
        return _answer(request, refused=refused)
    return _answer(request, done=done)


def _decline_refused(request, b, form):
    """The reason refused (left empty, too long, client data): the item comes back with its
    "Decline" open, what was typed kept and the error at the field (as on the item's own page),
    in place with htmx, else the page it was sent from (status 400)."""
    failed = {
        "key": f"own-{b.team_id}-{b.pk}",
        "value": request.POST.get("reason", ""),
        "error": form.errors["reason"][0],
    }
    back = urlsplit(_back(request))
    team_slug = parse_qs(back.query).get("team", [""])[0]
    context = {**_page_context(request, team_slug=team_slug, next_url=_back(request)), "failed": failed}
    if request.htmx:
        item = next((i for i in context["work"].asked if i.key == failed["key"]), None)
        if item is not None:
            response = render(request, "mywork/_item.html", {**context, "item": item})
            response["HX-Reswap"] = "outerHTML"  # the item stays, with the error, instead of leaving
            return response
        return _answer(request, refused=ActionRefused(failed["error"]))
    return render(request, "mywork/page.html", context, status=400)


@team_view(needs="can_contribute")
@require_POST
def my_work_confirm(request, thread_id, message_id):
    thread = access_thread(user=request.user, team=request.team, thread_id=thread_id)
    message = access_message(user=request.user, team=request.team, thread=thread, message_id=message_id)
    try:
        thread_services.message_acknowledge(actor=request.user, message=message)
    except ActionRefused as refused:
        return _answer(request, refused=refused)
    return _answer(request, done=_("Confirmed: %(title)s") % {"title": thread.title})
