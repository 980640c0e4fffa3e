"""The admin's forms run the client-data guard while validating, so a refusal is shown at the field.

Without this the guard (core/guard.py, a pre_save receiver) still refuses the save, but the admin
calls save() after its forms validated, and the refusal became a server error page.
"""

from django import forms

from wijkverband.core.errors import add_refusal
from wijkverband.core.guard import ClientDataRefused, guard_instance


class GuardedFormMixin:
    def _post_clean(self):
        super()._post_clean()
        try:
            guard_instance(self.instance)
        except ClientDataRefused as refused:
            add_refusal(self, refused)


class GuardedModelForm(GuardedFormMixin, forms.ModelForm):
    pass
