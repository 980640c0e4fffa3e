from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.core.guard import GuardedForm


class DeclineOwnershipForm(GuardedForm):
    """Why the person declines to own a bottleneck: checked here, so a refusal (left empty, too
    long, client data) shows at the field in its own label, with what was typed kept."""

    reason = forms.CharField(
        label=_("Why you decline"),
        help_text=_("So someone else can be asked."),
        max_length=2000,
        error_messages={"required": _("Say why you decline, so someone else can be asked.")},
    )
