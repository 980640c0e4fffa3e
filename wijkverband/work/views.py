"""Notices (meldingen): the list, marking read, e-mail preferences and one-click unsubscribe."""

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from wijkverband.core.days import by_day
from wijkverband.core.done_at import at_the_word
from wijkverband.core.ids import parse_id
from wijkverband.work import selectors, services
from wijkverband.work.forms import PreferencesForm
from wijkverband.work.services import PREFERENCE_FIELDS, mail


def _preferences_form(user, data=None) -> PreferencesForm:
    preference = selectors.notice_preference(user=user)
    form = PreferencesForm(data, initial={name: getattr(preference, name) for name in PREFERENCE_FIELDS})
    # Only the choices that can ever reach them; the others stay as they are (a form without a
    # field leaves its value alone: services.notice_preferences_set).
    applies = selectors.preferences_that_apply(user=user)
    for name in [name for name in form.fields if name not in applies]:
        del form.fields[name]
    return form


def _back_to_the_word(request):
    """Back to the page they were on (an older one: ?before=), not to the newest, at the word that
    it is done (base.html's #done, which takes the focus). The fragment is needed: a redirect
    without one keeps the fragment of the page the form was on (the pager's links end in #notices),
    and the browser's move there, after the load, took the focus from the word to the page's body
    (a screen reader heard nothing, and the keyboard started below the list)."""
    before = request.GET.get("before", "")
    back = f"?before={before}" if before.isdigit() and len(before) < 19 else ""
    return redirect(at_the_word(reverse("notification_list") + back))


def _marked_in_place(request, notice_id: int | None):
    """htmx: the notice's card comes back read (without its button), with the page's new count and
    the word that it is done in the page's messages (work/_notice_read.html). Someone else's notice,
    or no notice: 404, and nothing changes (htmx swaps nothing on an error)."""
    notice = selectors.user_notice(user=request.user, notice_id=notice_id) if notice_id is not None else None
    if notice is None:
        raise Http404
    response = render(
        request,
        "work/_notice_read.html",
        {
            "notice": notice,
            "unread_count": selectors.unread_notice_count(user=request.user),
            "done": _("The notification is marked as read."),
        },
    )
    response["HX-Trigger"] = "wv-work-changed"  # the header's count (app.js)
    return response


@login_required
@require_http_methods(["GET", "POST"])
def notification_list(request):
    if request.method == "POST":
        # One notice ("Gelezen" beside it), or all of them. Only the person's own: another's id
        # marks nothing.
        one = request.POST.get("notice", "")
        if one:
            notice_id = parse_id(one)
            marked = notice_id is not None and services.notices_mark_read(actor=request.user, notice_ids=[notice_id])
            if request.htmx:
                return _marked_in_place(request, notice_id)
            if marked:
                flash.success(request, _("The notification is marked as read."))
            return _back_to_the_word(request)
        services.notices_mark_read(actor=request.user)
        flash.success(request, _("All notifications are marked as read."))
        return _back_to_the_word(request)
    before = request.GET.get("before", "")
    before = int(before) if before.isdigit() and len(before) < 19 else None
    notices, older_before = selectors.user_notices(user=request.user, before=before)
    newer_before = (
        selectors.newer_page_before(user=request.user, first=notices[0]) if before is not None and notices else None
    )
    context = {
        "days": by_day(notices),
        "older_before": older_before,
        "newer_before": newer_before,
        "before": before,
        "unread_count": selectors.unread_notice_count(user=request.user),
    }
    if request.GET.get("part") == "list":
        # The newest page following the notices (htmx, after a notice frame): its count and list.
        return render(request, "work/_notices_list.html", context)
    return render(
        request, "work/notification_list.html", {**context, "preferences_form": _preferences_form(request.user)}
    )


@login_required
@require_POST
def notification_preferences(request):
    form = _preferences_form(request.user, request.POST)
    if not form.is_valid():
        notices, older_before = selectors.user_notices(user=request.user)
        return render(
            request,
            "work/notification_list.html",
            {
                "days": by_day(notices),
                "older_before": older_before,
                "unread_count": selectors.unread_notice_count(user=request.user),
                "preferences_form": form,
            },
            status=400,
        )
    services.notice_preferences_set(actor=request.user, **form.cleaned_data)
    flash.success(request, _("Your notification settings have been saved."))
    return redirect("notification_list")


# Mail clients post the one-click unsubscribe without a session or a CSRF token (RFC 8058): the
# signed token in the link is the credential, and all it can do is turn e-mails off.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def notice_unsubscribe(request, token):
    """GET shows what the link turns off and a button; POST (the button, or the mail client's
    one-click) turns it off. A link that was not signed by us, or was changed, does nothing."""
    found = mail.unsubscribe_read(token)
    user = get_user_model().objects.filter(pk=found[0], is_active=True).first() if found else None
    if user is None:
        return render(request, "work/unsubscribe.html", {"invalid": True}, status=404)
    category = found[1]
    off = "off" if category == "digest" else False
    done = False
    if request.method == "POST":
        services.notice_preferences_set(actor=user, **{category: off})
        done = True
    # A link followed again (or after turning them off on the notices page) does not ask again.
    already = not done and getattr(selectors.notice_preference(user=user), category) == off
    # In the language of the mail the link came in (usually opened signed out, in a mail client's
    # browser, with no choice of this browser's: an English account got a Dutch page). A choice
    # made in this browser, with the switch on this very page, still wins.
    chosen_here = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
    language = request.LANGUAGE_CODE if chosen_here else mail.mail_language(user)
    with translation.override(language):
        response = render(
            request, "work/unsubscribe.html", {"category": category, "done": done, "already": already, "token": token}
        )
    response.headers["Content-Language"] = language
    return response
