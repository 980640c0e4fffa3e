from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.work.models import Frequency


class PreferencesForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("A digest of what is new for you"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_("Only when something is new. It never contains message text."),
    )
    email_mentions = forms.BooleanField(label=_("E-mail me at once when I am mentioned and not online"), required=False)
    email_ownership = forms.BooleanField(
        label=_("E-mail me at once when I am asked to own a bottleneck"), required=False
    )
    email_escalations = forms.BooleanField(
        label=_("E-mail me at once when a bottleneck is escalated to my region"), required=False
    )
