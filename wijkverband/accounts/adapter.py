import time
import uuid
from datetime import timedelta

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.internal.flows.login import get_authentication_records
from allauth.account.models import EmailAddress
from allauth.core import context as allauth_context
from django import forms
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from wijkverband.accounts import rate_limits
from wijkverband.accounts.apps import REMOVED_UNCONFIRMED
from wijkverband.core import outbox
from wijkverband.core.links import absolute


class AccountAdapter(DefaultAccountAdapter):
    """No open sign-up: people join through an invitation (wijkverband.tenancy.services)."""

    #: allauth's, in our words. A wrong current password on "Wachtwoord wijzigen" was told "Please
    #: type your current password." ("Geef je huidige wachtwoord op."): it was typed; it is wrong.
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "enter_current_password": _("This is not your current password."),
    }

    def is_open_for_signup(self, request) -> bool:
        return False

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # allauth counts only a reauthentication as recent: someone who had just signed in (the
        # password, and their code) and opened their recovery codes or removed an app was asked
        # for the password again, and someone sent to set up their first factor straight after
        # signing in would have been asked for it twice. A sign-in is at least as fresh as a
        # reauthentication (which takes the password alone), so within the same time
        # (ACCOUNT_REAUTHENTICATION_TIMEOUT, 5 minutes) of the last of either, the second factors'
        # pages ask nothing again. Changing the e-mail address still always asks (docs/accounts.md).
        request = allauth_context.request
        if app == "allauth.mfa" and request is not None and request.user.is_authenticated:
            records = get_authentication_records(request, request.user)
            latest = max((record["at"] for record in records), default=None)
            if latest is not None and time.time() - latest < account_settings.REAUTHENTICATION_TIMEOUT:
                return False
        return super().is_reauthentication_required(app=app, **kwargs)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every account mail (a password reset, a new address's link, a change notice) is written in
        the language the account chose with the switch, as the invitation and the notices are: a
        reset asked from a browser without the language cookie was Dutch to someone who reads
        English. An account that never chose (and a mail to an address without an account) gets
        the language of the page it was asked from. A mail with a link says until when it works."""
        context = dict(context)
        now = timezone.now()
        if template_prefix == "account/email/password_reset_key":
            # Django's token (PASSWORD_RESET_TIMEOUT), made a moment ago; shown to the minute, down.
            context["valid_until"] = now + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
        elif template_prefix == "account/email/email_confirmation":
            # allauth's signed key (ACCOUNT_EMAIL_CONFIRMATION_HMAC), signed a moment ago.
            context["valid_until"] = now + timedelta(days=account_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS)
        language = getattr(context.get("user"), "language", "")
        if language and language in dict(settings.LANGUAGES):
            with translation.override(language):
                message = self._render(template_prefix, email, context)
        else:
            message = self._render(template_prefix, email, context)
        # Into the outbox, in the transaction of what asked for it: the task worker sends it, and
        # empties its body (a reset's link is a secret) once it went out (docs/accounts.md).
        user = context.get("user")
        outbox.mail_put(
            key=f"account:{uuid.uuid4()}",
            to=email,
            subject=message.subject,
            body=message.body,
            user_id=user.pk if getattr(user, "pk", None) else None,
        )

    def _render(self, template_prefix: str, email: str, context: dict):
        """allauth's message, rendered here, in the request, in the language of the moment (allauth's
        send_mail without its send)."""
        request = allauth_context.request
        # Outside a request (the administrator's command) there is no site to ask a request for;
        # our mails do not name it (the subject's prefix is ACCOUNT_EMAIL_SUBJECT_PREFIX).
        site = get_current_site(request) if request is not None else None
        message = self.render_mail(
            template_prefix, email, {"request": request, "email": email, "current_site": site, **context}
        )
        if getattr(message, "alternatives", None):
            raise ValueError(f"{template_prefix}: the outbox sends plain text only")
        return message

    def pre_authenticate(self, request, **credentials) -> None:
        """allauth's refusal after too many failed sign-ins said "try again later": ours says when."""
        try:
            super().pre_authenticate(request, **credentials)
        except forms.ValidationError as refused:
            if refused.code != "too_many_login_attempts":
                raise
            wait = rate_limits.wait_seconds(
                request,
                app="allauth.account",
                action="login_failed",
                key=self._get_login_attempts_cache_key(request, **credentials),
            )
            raise forms.ValidationError(rate_limits.sign_in_refused(wait), code=refused.code) from None

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        """After a password reset allauth forgot every failed sign-in, the address's too: only the
        account's now (rate_limits.clear_failed_sign_ins_of)."""
        rate_limits.clear_failed_sign_ins_of(request, key=self._get_login_attempts_cache_key(request, **credentials))

    def get_password_change_redirect_url(self, request) -> str:
        """A changed password signs the person out everywhere (ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE):
        allauth sent them back to "Wachtwoord wijzigen", which asked them to sign in and then showed
        the form again, as if the change had failed. Now to the sign-in page, with one message."""
        return reverse("account_login") if not request.user.is_authenticated else reverse("home")

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        # Signing out after a password change said "Je bent afgemeld." before "Wachtwoord wijziging
        # geslaagd.": the change's own message (account/messages/password_changed.txt) says both.
        if message_template == "account/messages/logged_out.txt" and _is_password_change(request):
            return
        # After a reset by the mailed link the next page says the password changed, and how to sign
        # in (account/password_reset_from_key_done.html): the message said it a second time above it.
        if message_template == "account/messages/password_changed.txt" and _is_page(request, _RESET_BY_LINK_PAGES):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def send_notification_mail(self, template_prefix: str, user, context=None, email=None) -> None:
        """A change to how someone signs in (password, e-mail address, second factor) is mailed to
        them (ACCOUNT_EMAIL_NOTIFICATIONS), so that a change they did not make does not go unseen.
        The mail says what changed and when, and links, absolutely, to where they can take their
        account back: a new password, and their second factors. A pending change of address that
        is cancelled removed an address that never counted: no mail of it (accounts.apps)."""
        request = allauth_context.request
        if template_prefix == "account/email/email_deleted" and (context or {}).get("deleted_email", "").lower() in (
            getattr(request, REMOVED_UNCONFIRMED, set())
        ):
            return
        context = {
            **(context or {}),
            "user": user,  # whose language the mail is in (send_mail)
            "password_reset_url": absolute(reverse("account_reset_password")),
            "second_factor_url": absolute(reverse("mfa_index")),
        }
        super().send_notification_mail(template_prefix, user, context, email)

    def send_second_factor_reset_mail(self, *, user) -> None:
        """The administrator's reset of someone's second factor (accounts.services.second_factor_reset)
        is mailed to them as the changes they make themselves are: what was done and when, that they
        set up a new one at their next sign-in, and what to do if they did not ask for it. Made
        outside a request, so without allauth's send_notification_mail (which reads the client's
        address and browser from the request); through the outbox, in the reset's transaction."""
        email = EmailAddress.objects.get_primary_email(user) or user.email
        self.send_mail(
            "mfa/email/second_factor_reset",
            email,
            {
                "user": user,  # whose language the mail is in (send_mail)
                "timestamp": timezone.now(),
                "sign_in_url": absolute(reverse("account_login")),
                "password_reset_url": absolute(reverse("account_reset_password")),
            },
        )


#: allauth's page that changes the password while signed in (and then signs out).
_PASSWORD_CHANGE_PAGES = {"account_change_password"}


#: allauth's page of the mailed reset link, where the new password is set.
_RESET_BY_LINK_PAGES = {"account_reset_password_from_key"}


def _is_page(request, names: set[str]) -> bool:
    match = getattr(request, "resolver_match", None)
    return request.method == "POST" and match is not None and match.url_name in names


def _is_password_change(request) -> bool:
    return _is_page(request, _PASSWORD_CHANGE_PAGES)
