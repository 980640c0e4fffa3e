from django import forms
from django.utils.translation import gettext_lazy as _

from wijkverband.tenancy import postcodes
from wijkverband.tenancy.models import validate_postcode_areas


class TeamAreasForm(forms.Form):
    postcode_areas = forms.CharField(
        label=_("Postcode areas of this team"),
        max_length=5000,
        required=False,
        strip=True,
        validators=[validate_postcode_areas],
        widget=forms.Textarea(attrs={"rows": 4, "class": "utrecht-textarea utrecht-textarea--html-textarea"}),
        help_text=postcodes.area_help(),
    )


class AreaSharingForm(forms.Form):
    allow = forms.BooleanField(
        label=_("Teams of this region may share postcode areas"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "utrecht-checkbox utrecht-checkbox--html-input"}),
        help_text=_("The lookup then shows every team serving a shared area. Teams of other regions never share."),
    )
