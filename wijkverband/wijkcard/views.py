"""The wijk card's pages. Thin: resolve ids through the access helpers, parse the form, call a
service or a selector; a service's refusal is shown at its field with the input kept."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wijkverband.core import done_at
from wijkverband.core.conflicts import conflict_context
from wijkverband.core.errors import ActionRefused, add_refusal
from wijkverband.core.ids import parse_id
from wijkverband.core.once import sent_once
from wijkverband.core.paging import list_page
from wijkverband.tenancy.entry import team_view
from wijkverband.tenancy.selectors import team_organisation_choices, team_professional_users
from wijkverband.wijkcard import exports, policy, selectors, services
from wijkverband.wijkcard.access import access_entry, access_suggestion
from wijkverband.wijkcard.forms import ApplyAnswerForm, DeclineForm, EntryForm, SettingsForm, SuggestionForm

STATUS_FOR_CODE = {"stale": 409, "forbidden": 403}


#: Entries on a page of the card on screen. A team's card is a dozen or two; one with hundreds
#: rendered them all. The printed card and the exports stay whole (docs/wijkcard.md, "Pages").
PAGE_SIZE = 30


def _card_url(team, entry=None) -> str:
    """The card, or the page of the card that shows this entry, at the entry."""
    url = reverse("wijkcard", kwargs={"team_slug": team.slug})
    if entry is None:
        return url
    return _entry_url(team, entry.pk)


def _entry_url(team, entry_id) -> str:
    url = reverse("wijkcard", kwargs={"team_slug": team.slug})
    pk = parse_id(entry_id)
    number = selectors.entry_page(team=team, entry_id=pk, per_page=PAGE_SIZE)
    if number is None:  # not on this card (another team's, or gone): the card, the same for both
        return url
    return f"{url}{f'?page={number}' if number > 1 else ''}#{_anchor(pk)}"


def _anchor(entry_id) -> str:
    return f"entry-{entry_id}"


def _done(request, entry, message, level=messages.SUCCESS) -> None:
    """Word of what was done to `entry`, for the card, which comes back at the entry (_card_url):
    shown in the entry, where it takes the focus (core/done_at.py), not at the top of the page."""
    done_at.add(request, level, message, at=_anchor(entry.pk))


def _context(request, **values) -> dict:
    rights = request.rights
    return {
        "team": request.team,
        "rights": rights,
        "can_edit": policy.can_edit(rights),
        "can_suggest": policy.can_suggest(rights),
        "can_set_interval": policy.can_set_interval(rights),
        "professional_lines": policy.can_see_professional_lines(rights),
        **values,
    }


@team_view
def wijkcard(request):
    """The card on screen, a page of entries at a time (`?page=`); `?entry=<id>` (the links of
    notices, the search and the team home) is sent on to the page that shows that entry."""
    team, rights = request.team, request.rights
    if "entry" in request.GET:
        return redirect(_entry_url(team, request.GET["entry"]))
    card = selectors.card(
        team=team,
        user=request.user,
        can_edit=policy.can_edit(rights),
        can_suggest=policy.can_suggest(rights),
        professional_lines=policy.can_see_professional_lines(rights),
    )
    page, elsewhere = list_page(request, card.entries, PAGE_SIZE)
    if elsewhere is not None:
        return redirect(elsewhere)
    card.show_page(page, per_page=PAGE_SIZE, path=request.path)
    # Word of what was just done to an entry stands in that entry, where the page lands (_done).
    placed, rest = done_at.take(request, {_anchor(entry.pk) for entry in card.shown})
    done = {entry.pk: placed[_anchor(entry.pk)] for entry in card.shown if _anchor(entry.pk) in placed}
    # The card has no filters: its pager links name the page only, never the rest of the address
    # (?x=<a BSN> came back in them; core/listfilters.py keeps a list's own filters the same way).
    return render(request, "wijkcard/card.html", _context(request, card=card, page=page, done=done, messages=rest))


@team_view
def wijkcard_print(request):
    card = selectors.card(
        team=request.team,
        user=request.user,
        can_edit=False,
        can_suggest=False,
        professional_lines=policy.can_see_professional_lines(request.rights),
    )
    return render(request, "wijkcard/print.html", _context(request, card=card, printed=timezone.localtime()))


def _stamp(team) -> str:
    return f"wijkkaart-{team.slug}-{timezone.localdate().isoformat()}"


def _export_entries(request) -> list:
    professional_lines = policy.can_see_professional_lines(request.rights)
    return selectors.team_entries(team=request.team, professional_lines=professional_lines)


@team_view
def wijkcard_vcard(request):
    team = request.team
    response = HttpResponse(exports.vcards(_export_entries(request)), content_type="text/vcard; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_stamp(team)}.vcf"'
    return response


@team_view
def wijkcard_csv(request):
    team = request.team
    text = exports.csv_text(
        _export_entries(request), professional_lines=policy.can_see_professional_lines(request.rights)
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_stamp(team)}.csv"'
    return response


# --- entries -----------------------------------------------------------------------------------------


def _entry_form(request, *, data=None, initial=None, entry=None) -> EntryForm:
    team = request.team
    return EntryForm(
        data,
        initial=initial,
        organisations=list(team_organisation_choices(team=team)),
        members=list(team_professional_users(team=team)),
        current_lead=selectors.current_lead(team=team, other_than=entry),
    )


def _saved(request, form: EntryForm, entry, message: str) -> None:
    """The word after a save, and whose lead it took over if it did (that entry keeps its arrangement)."""
    _done(request, entry, message)
    previous = form.current_lead
    if entry.takes_lead and previous is not None:
        _done(
            request,
            entry,
            _("“%(title)s” takes the lead now, instead of “%(previous)s” (its arrangement stays with its entry).")
            % {"title": entry.title, "previous": previous.title},
            messages.INFO,
        )


@team_view(needs="can_contribute")
@sent_once
def wijkcard_entry_create(request):
    team = request.team
    form = _entry_form(request, data=request.POST or None, initial={"maintainer": request.user.pk})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                entry = services.entry_create(
                    actor=request.user, team=team, data=services.EntryData(**form.entry_data())
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
                status = STATUS_FOR_CODE.get(refused.code, 400)
            else:
                _saved(request, form, entry, _("“%(title)s” is on the neighbourhood card.") % {"title": entry.title})
                return redirect(_card_url(team, entry))
    return render(request, "wijkcard/form.html", _context(request, form=form), status=status)


@team_view(needs="can_contribute")
def wijkcard_entry_edit(request, entry_id):
    team = request.team
    entry = access_entry(user=request.user, team=team, entry_id=entry_id)
    form = _entry_form(request, data=request.POST or None, initial=EntryForm.initial_for(entry), entry=entry)
    status, conflict = 200, {}
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                entry = services.entry_edit(
                    actor=request.user,
                    entry=entry,
                    data=services.EntryData(**form.entry_data()),
                    version=form.cleaned_data["version"],
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
                status = STATUS_FOR_CODE.get(refused.code, 400)
                if refused.code == "stale":
                    # Someone else saved it first: the form goes on from the stored version.
                    conflict = conflict_context(
                        form,
                        read_current=lambda: access_entry(user=request.user, team=team, entry_id=entry_id),
                        initial_of=EntryForm.initial_for,
                    )
            else:
                _saved(request, form, entry, _("“%(title)s” is saved and confirmed.") % {"title": entry.title})
                return redirect(_card_url(team, entry))
    return render(request, "wijkcard/form.html", _context(request, form=form, entry=entry, **conflict), status=status)


@team_view(needs="can_contribute")
@require_POST
def wijkcard_entry_confirm(request, entry_id):
    team = request.team
    entry = access_entry(user=request.user, team=team, entry_id=entry_id)
    try:
        entry = services.entry_confirm(actor=request.user, entry=entry)
    except ActionRefused as refused:
        _done(request, entry, refused.message, messages.ERROR)
    else:
        _done(request, entry, _("“%(title)s” is confirmed: still right.") % {"title": entry.title})
    return redirect(_card_url(team, entry))


@team_view(needs="can_contribute")
def wijkcard_entry_delete(request, entry_id):
    team = request.team
    entry = access_entry(user=request.user, team=team, entry_id=entry_id)
    if request.method == "POST":
        try:
            services.entry_delete(actor=request.user, entry=entry)
        except ActionRefused as refused:
            _done(request, entry, refused.message, messages.ERROR)
            return redirect(_card_url(team, entry))
        removed = _("“%(title)s” has been removed from the neighbourhood card.")
        messages.success(request, removed % {"title": entry.title})
        return redirect(_card_url(team))
    return render(request, "wijkcard/delete.html", _context(request, entry=entry))


@team_view(needs="can_coordinate")
def wijkcard_settings(request):
    team = request.team
    form = SettingsForm(request.POST or None, initial={"reconfirm_months": team.reconfirm_months})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.reconfirm_months_set(
                    actor=request.user, team=team, months=form.cleaned_data["reconfirm_months"]
                )
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                messages.success(
                    request,
                    _("Contact details are now confirmed every %(months)d months.") % {"months": team.reconfirm_months},
                )
                return redirect(_card_url(team))
    return render(request, "wijkcard/settings.html", _context(request, form=form), status=status)


# --- suggestions -------------------------------------------------------------------------------------


@team_view
@sent_once
def wijkcard_entry_suggest(request, entry_id):
    team = request.team
    if not policy.can_suggest(request.rights):
        raise PermissionDenied
    entry = access_entry(user=request.user, team=team, entry_id=entry_id)
    selectors.hide_professional_lines([entry])  # shown to a representative: not a professional
    form = SuggestionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.suggestion_create(actor=request.user, entry=entry, text=form.cleaned_data["text"])
            except ActionRefused as refused:
                add_refusal(form, refused)
            else:
                _done(
                    request,
                    entry,
                    _("Thank you. Your suggestion has been sent to the team; you will hear when it is answered."),
                )
                return redirect(_card_url(team, entry))
    return render(request, "wijkcard/suggest.html", _context(request, form=form, entry=entry), status=status)


@team_view(needs="can_contribute")
def wijkcard_suggestion(request, suggestion_id):
    """Answer a suggestion: apply it (edit the entry, which confirms it) or decline it with a reason."""
    team = request.team
    suggestion = access_suggestion(user=request.user, team=team, suggestion_id=suggestion_id)
    entry = suggestion.entry
    entry.team = team
    action = request.POST.get("action") if request.method == "POST" else None
    form = _entry_form(
        request, data=request.POST if action == "apply" else None, initial=EntryForm.initial_for(entry), entry=entry
    )
    apply_form = ApplyAnswerForm(request.POST if action == "apply" else None, prefix="apply")
    decline_form = DeclineForm(request.POST if action == "decline" else None, prefix="decline")
    status = 200
    if request.method == "POST":
        status = 400
        try:
            if action == "apply" and form.is_valid() and apply_form.is_valid():
                applied = services.suggestion_apply(
                    actor=request.user,
                    suggestion=suggestion,
                    data=services.EntryData(**form.entry_data()),
                    version=form.cleaned_data["version"],
                    answer=apply_form.cleaned_data["answer"],
                )
                _saved(request, form, applied.entry, _("The correction is applied and the entry confirmed."))
                return redirect(_card_url(team, entry))
            if action == "decline" and decline_form.is_valid():
                services.suggestion_decline(
                    actor=request.user, suggestion=suggestion, answer=decline_form.cleaned_data["answer"]
                )
                _done(request, entry, _("The suggestion is declined; the representative reads your answer."))
                return redirect(_card_url(team, entry))
        except ActionRefused as refused:
            if action == "apply":
                add_refusal(apply_form if refused.field == "answer" else form, refused)
            else:
                add_refusal(decline_form, refused)
            status = STATUS_FOR_CODE.get(refused.code, 400)
    return render(
        request,
        "wijkcard/suggestion.html",
        _context(
            request,
            suggestion=suggestion,
            entry=entry,
            form=form,
            apply_form=apply_form,
            decline_form=decline_form,
        ),
        status=status,
    )
