from django.contrib import admin

from wijkverband.work.models import Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """The outbox, read-only, for operators (docs/work.md, "Monitoring"): what waits, how often it was
    tried and why the last try failed. The worker sends and retries; nothing here is changed by hand."""

    list_display = ["key", "to", "created_at", "send_after", "attempts", "last_error", "sent_at", "refused_at"]
    list_filter = ["last_error", ("refused_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "to"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        # Not the body (who did what, on which item, with links): the operator needs the state.
        return [field.name for field in self.model._meta.fields if field.name != "body"]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
