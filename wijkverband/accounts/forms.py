from allauth.mfa.webauthn.forms import AddWebAuthnForm as BaseAddWebAuthnForm
from django.utils.translation import gettext_lazy as _


class AddWebAuthnForm(BaseAddWebAuthnForm):
    """allauth's form labels the key's name with an untranslatable "Name"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = _("Name of the security key")
        self.fields["name"].help_text = _("So you can tell your keys apart, such as “work laptop”.")
