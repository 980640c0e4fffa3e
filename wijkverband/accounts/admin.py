from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _

from wijkverband.accounts.models import User
from wijkverband.core.admin_forms import GuardedFormMixin
from wijkverband.realtime.lifecycle import user_rights_changed_on_commit

# Changing these in the admin changes what the person may see: their open sockets reconnect.
RIGHTS_FIELDS = {"is_staff", "is_superuser", "groups"}


class GuardedUserChangeForm(GuardedFormMixin, UserChangeForm):
    pass


class GuardedUserCreationForm(GuardedFormMixin, AdminUserCreationForm):
    pass


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = GuardedUserChangeForm
    add_form = GuardedUserCreationForm
    ordering = ["email"]
    list_display = ["email", "name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "name"]
    readonly_fields = ["date_joined", "last_login"]
    fieldsets = (
        (None, {"fields": ("email", "name", "password")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("date_joined", "last_login")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "name", "password1", "password2")}),)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # (Deactivation and a new password sign the sockets out: wijkverband/realtime/signals.py.)
        if change and RIGHTS_FIELDS & set(form.changed_data):
            user_rights_changed_on_commit(form.instance.pk)
