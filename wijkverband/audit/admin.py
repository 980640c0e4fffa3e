from django.contrib import admin

from wijkverband.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only. Only holders of audit.view_auditevent (the privacy officer) see it."""

    list_display = ["at", "actor_label", "action", "team_id", "object_type", "object_id", "client_reference"]
    list_filter = ["action"]
    search_fields = ["actor_label", "action", "object_id", "client_reference"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
