from django.apps import AppConfig
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.utils import translation
from django.utils.translation import gettext_lazy as _


def _keep_language_chosen_before_signing_in(sender, request, user, **kwargs) -> None:
    """The language chosen on the sign-in page (its cookie) is kept on the account, as a choice
    made while signed in is: mails and digests follow it (it stayed Dutch)."""
    from wijkverband.accounts.services import user_language_set

    chosen = getattr(request, "COOKIES", {}).get(settings.LANGUAGE_COOKIE_NAME) if request is not None else None
    if chosen:
        user_language_set(user=user, language=chosen)
        return
    # No choice in this browser: the rest of this request speaks the account's language, so the
    # word that they are signed in (allauth's, made after this signal) is in it too. It was Dutch
    # above an English page. The response takes the account's choice into a cookie
    # (core.middleware.LanguageMiddleware).
    kept = getattr(user, "language", "")
    if request is not None and kept in {code for code, _name in settings.LANGUAGES}:
        translation.activate(kept)
        request.LANGUAGE_CODE = kept


def _say_a_recovery_code_was_used(sender, request, user, authenticator, reauthenticated=False, **kwargs) -> None:
    """Someone who signed in with a recovery code (a phone lost, or left at home) was told nothing:
    not that a code was used, nor how many were left. Now they are, with what to do next."""
    from allauth.mfa.models import Authenticator
    from django.contrib import messages
    from django.utils.translation import ngettext

    if request is None or authenticator.type != Authenticator.Type.RECOVERY_CODES:
        return
    fresh = Authenticator.objects.filter(pk=authenticator.pk).first()  # (the code used is marked there)
    left = len(fresh.wrap().get_unused_codes()) if fresh is not None else 0
    messages.warning(
        request,
        ngettext(
            "You signed in with a recovery code; you have %(count)s left.",
            "You signed in with a recovery code; you have %(count)s left.",
            left,
        )
        % {"count": left}
        + " "
        + str(_("Make new codes, or set up your authenticator app again, under Two-factor authentication.")),
    )


#: The unconfirmed addresses removed in this request (a pending change cancelled): no mail of it.
REMOVED_UNCONFIRMED = "_wv_removed_unconfirmed"


def _note_a_pending_change_cancelled(sender, request, user, email_address, **kwargs) -> None:
    """ "Cancel the change" removes the address the account was changing to, which never counted:
    allauth then mailed the current address "An e-mail address was removed … Did you not do this
    yourself?" (AccountAdapter.send_notification_mail leaves that mail out for these)."""
    if request is not None and not email_address.verified:
        removed = getattr(request, REMOVED_UNCONFIRMED, set())
        removed.add(email_address.email.lower())
        setattr(request, REMOVED_UNCONFIRMED, removed)


class AccountsConfig(AppConfig):
    name = "wijkverband.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from wijkverband.accounts import rate_limits

        rate_limits.install()
        from wijkverband.accounts.sessions import session_ended_why
        from wijkverband.realtime.hooks import register_session_ended_why

        register_session_ended_why(session_ended_why)  # a socket refused on its way back says why
        user_logged_in.connect(_keep_language_chosen_before_signing_in, dispatch_uid="wijkverband.accounts.language")
        from allauth.account.signals import email_removed
        from allauth.mfa.signals import authenticator_used

        email_removed.connect(_note_a_pending_change_cancelled, dispatch_uid="wijkverband.accounts.pending_cancelled")
        authenticator_used.connect(_say_a_recovery_code_was_used, dispatch_uid="wijkverband.accounts.recovery_code")
