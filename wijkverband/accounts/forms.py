from allauth.account.forms import AddEmailForm as BaseAddEmailForm
from allauth.account.forms import ChangePasswordForm as BaseChangePasswordForm
from allauth.account.forms import LoginForm as BaseLoginForm
from allauth.account.forms import ReauthenticateForm as BaseReauthenticateForm
from allauth.account.forms import ResetPasswordForm as BaseResetPasswordForm
from allauth.core import context
from allauth.core.internal import ratelimit
from allauth.mfa.base.forms import AuthenticateForm as BaseAuthenticateForm
from allauth.mfa.base.forms import ReauthenticateForm as BaseMFAReauthenticateForm
from allauth.mfa.internal.flows.add import validate_can_add_authenticator
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.forms import ActivateTOTPForm as BaseActivateTOTPForm
from allauth.mfa.totp.forms import DeactivateTOTPForm as BaseDeactivateTOTPForm
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.webauthn.forms import AddWebAuthnForm as BaseAddWebAuthnForm
from allauth.mfa.webauthn.forms import EditWebAuthnForm as BaseEditWebAuthnForm
from django import forms
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from wijkverband.accounts import rate_limits
from wijkverband.accounts.models import normalise_email


def _email_field_in_our_words(field) -> None:
    """allauth labels the address "Email" ("E-mail"), where every other page says "E-mail
    address" ("E-mailadres")."""
    field.label = _("E-mail address")
    field.widget.attrs.pop("placeholder", None)


class LoginForm(BaseLoginForm):
    """allauth puts "Wachtwoord vergeten?" in the password's help text, which comes before the
    box: Tab went from the e-mail address to that link, then to the password. The sign-in page
    links it after the button instead (account/login.html)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = ""
        _email_field_in_our_words(self.fields["login"])


class ForgottenPasswordLinkAfterTheBoxMixin:
    """allauth puts "Wachtwoord vergeten?" in the current password's help text, which comes before
    the box and is the box's description (aria-describedby): Tab reached the link before the box,
    and a screen reader read the link as what the box is about. The link goes after the box
    instead (includes/field.html, `link_after`)."""

    link_after_field = "password"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields[self.link_after_field]
        field.help_text = ""
        field.link_after = {"url": reverse_lazy("account_reset_password"), "text": _("Forgot your password?")}


class ReauthenticateForm(ForgottenPasswordLinkAfterTheBoxMixin, BaseReauthenticateForm):
    """The password again, before an address changes (ACCOUNT_REAUTHENTICATION_REQUIRED)."""


class ChangePasswordForm(ForgottenPasswordLinkAfterTheBoxMixin, BaseChangePasswordForm):
    link_after_field = "oldpassword"


class CodeRefusalSaysWhenMixin:
    """allauth refuses a code after too many wrong ones (its failed sign-ins' rate, per person) with
    "try again later": this says when."""

    def clean_code(self):
        try:
            return super().clean_code()
        except forms.ValidationError as refused:
            if refused.code == "incorrect_code" and _just_used(self.user, self.cleaned_data.get("code", "")):
                # allauth takes an app's code once (its half minute): the same code typed again, on
                # another device or after a page that went back, was "Incorrect code." without a hint.
                raise forms.ValidationError(
                    _("This code was just used. Wait for the next code in your app and type that one."),
                    code="incorrect_code",
                ) from None
            if refused.code != "too_many_login_attempts":
                raise
            # allauth.mfa.base.internal.flows.check_rate_limit's key.
            key = f"mfa-auth-user-{self.user.pk}"
            wait = rate_limits.wait_seconds(context.request, app="allauth.account", action="login_failed", key=key)
            raise forms.ValidationError(rate_limits.code_refused(wait), code=refused.code) from None


def _just_used(user, code: str) -> bool:
    """Whether `code` is a code of the person's app that was taken within its period (allauth's
    TOTP.validate_code marks each code it takes, in the cache, for that long)."""
    app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return bool(code) and app is not None and cache.get(app.wrap()._get_used_cache_key(code)) is not None


class AuthenticateForm(CodeRefusalSaysWhenMixin, BaseAuthenticateForm):
    """The code page asks for one thing, straight after the password: the cursor is in its box."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs["autofocus"] = True

    @cached_property
    def has_security_key(self) -> bool:
        """The code page offered "Use a security key" to everyone, also to accounts without one (and
        its button does nothing without JavaScript): it is offered to those who added a key."""
        return Authenticator.objects.filter(user=self.user, type=Authenticator.Type.WEBAUTHN).exists()


class MFAReauthenticateForm(CodeRefusalSaysWhenMixin, BaseMFAReauthenticateForm):
    pass


class ActivateTOTPForm(BaseActivateTOTPForm):
    """allauth made a new secret on every showing of the page: someone who scanned the code and
    then reloaded (or came back from their app) typed codes of a secret that no longer counted,
    "Onjuiste code" for ever. The secret stays the one of this session until the app is added."""

    def __init__(self, *args, **kwargs):
        self.user = kwargs.pop("user")
        forms.Form.__init__(self, *args, **kwargs)
        self.secret = totp_auth.get_totp_secret(regenerate=False)
        self.fields["code"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "one-time-code"})

    def clean_code(self) -> str:
        """allauth counts wrong codes here as failed sign-ins (3 in 15 minutes locked the person
        out of the setting up, the right code included, "Wees geduldig, je gaat te snel."). Someone
        here is signed in and reads the secret off the page, so a wrong code guesses nothing: it
        is someone learning their app. Its own, looser rate (MFA_RATE_LIMITS), and a refusal that
        says how long to wait."""
        validate_can_add_authenticator(self.user)
        request = context.request
        usage = ratelimit.consume(request, app="allauth.mfa", action=rate_limits.ACTIVATE_TOTP, user=self.user)
        if not usage:
            wait = rate_limits.wait_seconds(
                request, app="allauth.mfa", action=rate_limits.ACTIVATE_TOTP, user=self.user
            )
            raise forms.ValidationError(rate_limits.code_refused(wait), code="rate_limited")
        code = self.cleaned_data["code"]
        if not totp_auth.validate_totp_code(self.secret, code):
            # allauth's "Incorrect code." gave no hint: the two usual causes are named.
            raise forms.ValidationError(
                _(
                    "Incorrect code. Check that your phone sets its clock automatically, and that you typed the code "
                    "of Wijkverband with %(email)s in your app."
                )
                % {"email": self.user.email},
                code="incorrect_code",
            )
        usage.rollback()  # the right code does not count
        return code


class DeactivateTOTPForm(BaseDeactivateTOTPForm):
    """Removing the app also removes the recovery codes when no security key is left (allauth's
    delete_dangling_recovery_codes): the page said nothing of it (mfa/totp/deactivate_form.html)."""

    @cached_property
    def removes_recovery_codes(self) -> bool:
        others = Authenticator.objects.filter(user_id=self.authenticator.user_id).exclude(pk=self.authenticator.pk)
        return (
            others.filter(type=Authenticator.Type.RECOVERY_CODES).exists()
            and not others.exclude(type=Authenticator.Type.RECOVERY_CODES).exists()
        )


class AddWebAuthnForm(BaseAddWebAuthnForm):
    """allauth's form labels the key's name with an untranslatable "Name"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the security key")
        self.fields["name"].help_text = _("So you can tell your keys apart, such as “work laptop”.")


class EditWebAuthnForm(BaseEditWebAuthnForm):
    """Renaming a key: allauth's form gives the name no label, so Django's "Name" showed in Dutch too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the security key")
        self.fields["name"].help_text = _("So you can tell your keys apart, such as “work laptop”.")


class ResetPasswordForm(BaseResetPasswordForm):
    """A reset link goes only to an account's own address, never to one it is changing to and
    that is not confirmed yet: whoever had the session for a moment could otherwise add their
    own address and reset the password with it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _email_field_in_our_words(self.fields["email"])

    def clean_email(self):
        email = super().clean_email()
        self.users = [user for user in self.users if normalise_email(user.email) == normalise_email(email)]
        return email


class AddEmailForm(BaseAddEmailForm):
    """The one address of an account, changed (ACCOUNT_CHANGE_EMAIL): labelled as such."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = _("New e-mail address")
        # As long as the account's own address may be (allauth's field allows 320).
        longest = get_user_model()._meta.get_field("email").max_length
        field.max_length = longest
        field.validators.append(MaxLengthValidator(longest))
        field.widget.attrs["maxlength"] = str(longest)
        field.widget.attrs.pop("placeholder", None)
        field.widget.attrs["autocomplete"] = "email"

    def clean_email(self) -> str:
        """A change chosen anew within allauth's cooldown mails its link all the same, a few times
        (rate_limits.new_email_link_wait); past those it is refused, saying when, and the change
        that waits keeps its link."""
        email = super().clean_email()
        wait = rate_limits.new_email_link_wait(context.request, email=email)
        if wait:
            raise forms.ValidationError(
                rate_limits.new_email_link_refused(email=email, seconds=wait), code="rate_limited"
            )
        return email

    def save(self, request):
        rate_limits.new_email_link_allow(request, email=self.cleaned_data["email"])
        return super().save(request)


class NameForm(forms.Form):
    """Your own name, as your colleagues see it."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=get_user_model()._meta.get_field("name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        # The guard's words ("describe the situation without anything that identifies a person")
        # are about a text on a client; this is one's own name.
        error_messages={
            "client_data": _("This looks like a name with a date of birth or a BSN; fill in only your name.")
        },
    )
