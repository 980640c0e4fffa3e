"""The language switch, which also remembers the choice for what is written to the person outside a
page (notice mails and digests: wijkverband.work.services.mail and digests), the page for
one's own name (the other account pages are allauth's), the page of a rate limit and the page
of the link that confirms a new e-mail address, and the e-mail address page's "Send the link again"."""

from allauth.account.forms import UserTokenForm
from allauth.account.models import EmailAddress
from allauth.account.views import INTERNAL_RESET_SESSION_KEY, ConfirmEmailView, PasswordResetFromKeyView
from allauth.account.views import EmailView as BaseEmailView
from allauth.mfa.totp.views import ActivateTOTPView as BaseActivateTOTPView
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from wijkverband.accounts import rate_limits
from wijkverband.accounts.forms import NameForm
from wijkverband.accounts.second_factor import has_authenticator_app
from wijkverband.accounts.services import sessions_end, user_language_set, user_name_set
from wijkverband.accounts.sessions import ENDED_ELSEWHERE
from wijkverband.core.errors import ActionRefused, add_refusal

#: allauth's pages that answer 429 when their rate limit refuses (ACCOUNT_RATE_LIMITS), by URL name,
#: with the action each counts.
_ACTION_OF_PAGE = {
    "account_login": "login",
    "account_reset_password": "reset_password",
    "account_reset_password_from_key": "reset_password_from_key",
    "account_change_password": "change_password",
    "account_set_password": "change_password",
    "account_email": "manage_email",
    "account_reauthenticate": "reauthenticate",
    "mfa_reauthenticate": "reauthenticate",
}


def language_set(request):
    """Django's set_language (the cookie, and back to the page), and for someone signed in, their
    choice on their account."""
    response = set_language(request)
    user = getattr(request, "user", None)
    if request.method == "POST" and user is not None and user.is_authenticated:
        user_language_set(user=user, language=request.POST.get("language", ""))
    return response


@login_required
def account_name(request):
    """Your name, as your colleagues see it: a typo made at the invitation is put right here."""
    form = NameForm(request.POST or None, initial={"name": request.user.name})
    if request.method == "POST" and form.is_valid():
        try:
            changed = user_name_set(actor=request.user, name=form.cleaned_data["name"])
        except ActionRefused as refused:
            add_refusal(form, refused)
        else:
            if changed:
                flash.success(request, _("Your name is now %(name)s.") % {"name": request.user.name})
            return redirect("account_name")
    return render(request, "account/name.html", {"form": form}, status=400 if request.method == "POST" else 200)


@require_POST
@login_required
def sign_out_elsewhere(request):
    """ "Sign out everywhere else" (tweestapsverificatie's page): a phone lost, or a shared computer
    left signed in. Every other session of the person ends; this one stays."""
    sessions_end(user=request.user, reason=ENDED_ELSEWHERE, keep_session_key=request.session.session_key)
    flash.success(request, _("You are signed out on your other devices."))
    return redirect("mfa_index")


def too_many_requests(request):
    """allauth's 429 (config.urls.handler429), which said "Too Many Requests … try again later" in
    English: in our words, with how long to wait. The rates per address or person are read exactly;
    one per key (an e-mail address) is not known here, and then its window is the wait."""
    match = request.resolver_match
    action = _ACTION_OF_PAGE.get(match.url_name if match else "")
    if action is None:
        wait = max(rate_limits.longest_window(app="allauth.account", action=a) for a in set(_ACTION_OF_PAGE.values()))
    else:
        wait = rate_limits.wait_seconds(request, app="allauth.account", action=action) or rate_limits.longest_window(
            app="allauth.account", action=action
        )
    return render(request, "429.html", {"minutes": rate_limits.minutes(wait)}, status=429)


class EmailConfirmView(ConfirmEmailView):
    """The page of the link mailed to a new address (account/email_confirm.html).

    allauth signed out whoever was signed in with another account as soon as the link was opened
    ("Je bent afgemeld.": a colleague's session on a shared computer, or a mail scanner's visit in
    a browser with a session), and then offered to confirm the address for someone else's account.
    Opening the link changes nothing; with another account signed in here the page says the link
    is for another account and offers to sign out first, and its button confirms nothing."""

    def get(self, *args, **kwargs):
        try:
            self.object = self.get_object()
        except Http404:
            self.object = None
        return self.render_to_response(self.get_context_data())

    def post(self, *args, **kwargs):
        self.object = self.get_object()
        if self._for_another_account():
            return self.render_to_response(self.get_context_data(), status=409)
        return super().post(*args, **kwargs)

    def _for_another_account(self) -> bool:
        user = self.request.user
        return bool(self.object) and user.is_authenticated and user.pk != self.object.email_address.user_id

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "for_another_account": self._for_another_account()}


email_confirm = EmailConfirmView.as_view()


class EmailView(BaseEmailView):
    """allauth's page for the account's one address (account/email_change.html).

    Its "Send the link again" mailed nothing within allauth's cooldown (one link per address per 3
    minutes) and said nothing, so the page's "We mailed a link" read as if it had gone again. As a
    change chosen anew (forms.AddEmailForm), the link of the pending change goes past the cooldown a
    few times per address (rate_limits.new_email_link_wait); past those the page says it did not go,
    that the link already sent still works, and when it can go again. An address that is not the
    pending change's is left to allauth, which mails nothing to it and counts nothing of it."""

    def post(self, request, *args, **kwargs):
        pending = EmailAddress.objects.get_new(request.user) if "action_send" in request.POST else None
        if pending is not None and request.POST.get("email", "").lower() == pending.email.lower():
            wait = rate_limits.new_email_link_wait(request, email=pending.email)
            if wait:
                flash.info(request, rate_limits.link_again_refused(email=pending.email, seconds=wait))
                return redirect("account_email")
            rate_limits.new_email_link_allow(request, email=pending.email)
        return super().post(request, *args, **kwargs)


email = EmailView.as_view()


class ActivateTOTPView(BaseActivateTOTPView):
    """allauth's page that sets up the authenticator app. With an app set up it sent on to the page
    that removes it ("Weet je het zeker?"): someone who went Back twice after setting it up (the
    recovery codes, "Continue", their team) landed there and could remove what they had just set
    up. With an app set up it goes to the overview of the second factors and says it is set up."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and has_authenticator_app(user):
            flash.info(request, _("Your authenticator app is already set up."))
            return redirect(reverse("mfa_index"))
        return super().dispatch(request, *args, **kwargs)


activate_totp = ActivateTOTPView.as_view()


class PasswordResetByLinkView(PasswordResetFromKeyView):
    """The page of the reset mail's link (account/password_reset_from_key.html).

    allauth signed out whoever was signed in with another account ("Je bent afgemeld.": a colleague
    on a shared computer) and showed a form for a new password that did not say for which account.
    As the new address's link (EmailConfirmView) and the invitation's do: with another account
    signed in here the page says the link is for another account and offers to sign out, then to
    open the link again; opening it changes nothing. The form names the account."""

    def dispatch(self, request, uidb36, key, **kwargs):
        self.kwargs = {"uidb36": uidb36, "key": key, **kwargs}
        if request.user.is_authenticated:
            link_key = request.session.get(INTERNAL_RESET_SESSION_KEY, "") if key == self.reset_url_key else key
            token = UserTokenForm(data={"uidb36": uidb36, "key": link_key})
            if token.is_valid() and token.reset_user.pk != request.user.pk:
                # Signed out, the link again: the mail's own (its key), here or one step on.
                again = reverse("account_reset_password_from_key", kwargs={"uidb36": uidb36, "key": link_key})
                return render(
                    request,
                    "account/password_reset_from_key.html",
                    {"for_another_account": True, "link_again": again},
                    status=409 if request.method == "POST" else 200,
                )
        return super().dispatch(request, uidb36, key, **kwargs)

    def get_context_data(self, **kwargs) -> dict:
        return {**super().get_context_data(**kwargs), "reset_account": getattr(self, "reset_user", None)}


password_reset_from_key = PasswordResetByLinkView.as_view()
