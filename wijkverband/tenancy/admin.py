from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from wijkverband.audit import admin as audit_admin
from wijkverband.audit.models import AuditEvent
from wijkverband.core.admin_forms import GuardedModelForm
from wijkverband.realtime.lifecycle import user_rights_changed_on_commit
from wijkverband.tenancy.models import (
    Invitation,
    Membership,
    Organisation,
    Region,
    RegionRole,
    Team,
    TeamOrganisation,
)
from wijkverband.tenancy.selectors import team_name_of
from wijkverband.tenancy.services import region_permissions_rebuild, team_permissions_rebuild


def _close_sockets_of_touched(formsets, model) -> None:
    """People whose role row was changed or deleted in an inline lose open sockets (they reconnect)."""
    users = set()
    for formset in formsets:
        if formset.model is not model:
            continue
        users.update(obj.user_id for obj in formset.deleted_objects)
        for obj, _fields in formset.changed_objects:
            users.add(obj.user_id)
        for form in formset.forms:
            if "user" in form.changed_data and form.initial.get("user"):
                users.add(form.initial["user"])
    user_rights_changed_on_commit(*users)


def _close_sockets_of_changed(obj, form, change) -> None:
    if change:
        user_rights_changed_on_commit(obj.user_id, form.initial.get("user"))


class TeamInline(admin.TabularInline):
    form = GuardedModelForm
    model = Team
    fields = ["name", "slug", "municipality"]
    extra = 0
    show_change_link = True


class RegionRoleInline(admin.TabularInline):
    form = GuardedModelForm
    model = RegionRole
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = GuardedModelForm
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [TeamInline, RegionRoleInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        region_permissions_rebuild(form.instance)
        _close_sockets_of_touched(formsets, RegionRole)


class TeamOrganisationInline(admin.TabularInline):
    form = GuardedModelForm
    model = TeamOrganisation
    autocomplete_fields = ["organisation"]
    extra = 0


class MembershipInline(admin.TabularInline):
    form = GuardedModelForm
    model = Membership
    autocomplete_fields = ["user", "organisation"]
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    form = GuardedModelForm
    """Edits here keep the guardian role groups in line, as the services do."""

    list_display = ["name", "region", "municipality", "slug"]
    list_filter = ["region"]
    search_fields = ["name", "slug", "municipality", "postcode_areas__code"]
    inlines = [TeamOrganisationInline, MembershipInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        team_permissions_rebuild(form.instance)
        _close_sockets_of_touched(formsets, Membership)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = GuardedModelForm
    list_display = ["name", "kind"]
    list_filter = ["kind"]
    search_fields = ["name"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    form = GuardedModelForm
    list_display = ["user", "team", "organisation", "role", "created_at"]
    list_filter = ["role", "team__region", "organisation__kind"]
    search_fields = ["user__email", "user__name", "team__name", "organisation__name"]
    autocomplete_fields = ["user", "team", "organisation"]
    list_select_related = ["user", "team", "organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        team_permissions_rebuild(obj.team)
        _close_sockets_of_changed(obj, form, change)

    def delete_model(self, request, obj):
        team = obj.team
        super().delete_model(request, obj)
        team_permissions_rebuild(team)
        user_rights_changed_on_commit(obj.user_id)

    def delete_queryset(self, request, queryset):
        rows = list(queryset.select_related("team"))
        super().delete_queryset(request, queryset)
        for team in {m.team for m in rows}:
            team_permissions_rebuild(team)
        user_rights_changed_on_commit(*[m.user_id for m in rows])


@admin.register(RegionRole)
class RegionRoleAdmin(admin.ModelAdmin):
    form = GuardedModelForm
    list_display = ["user", "region", "role"]
    list_filter = ["role", "region"]
    search_fields = ["user__email", "user__name"]
    autocomplete_fields = ["user", "region"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        region_permissions_rebuild(obj.region)
        _close_sockets_of_changed(obj, form, change)

    def delete_model(self, request, obj):
        region = obj.region
        super().delete_model(request, obj)
        region_permissions_rebuild(region)
        user_rights_changed_on_commit(obj.user_id)

    def delete_queryset(self, request, queryset):
        rows = list(queryset.select_related("region"))
        super().delete_queryset(request, queryset)
        for region in {r.region for r in rows}:
            region_permissions_rebuild(region)
        user_rights_changed_on_commit(*[r.user_id for r in rows])


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    form = GuardedModelForm
    list_display = ["email", "team", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "team__region"]
    search_fields = ["email", "team__name"]
    readonly_fields = ["token_hash", "accepted_by", "accepted_at", "invited_by"]


class AuditEventAdmin(audit_admin.AuditEventAdmin):
    """The audit log with each row's team by name (the log keeps the team's id: the audit app sits
    below tenancy, so the name is added here). The privacy officer read "Wijkverband: 1"."""

    list_display = ["at", "actor_label", "action", "team_name", "object_type", "object_id", "client_reference"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(team_name=team_name_of("team_id"))

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "team_name"]
        return ["team_name" if name == "team_id" else name for name in fields]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "team_name"]

    @admin.display(description=_("team"), ordering="team_id")
    def team_name(self, obj):
        return obj.team_name or obj.team_id or "—"


admin.site.unregister(AuditEvent)
admin.site.register(AuditEvent, AuditEventAdmin)
