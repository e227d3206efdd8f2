from django.contrib import admin

from trellis.jobs.models import TaskRun


@admin.register(TaskRun)
class TaskRunAdmin(admin.ModelAdmin):
    """Every task run, for site operators: failed ones with their error."""

    list_display = ("created_at", "label", "state", "tries", "progress", "school", "started_by")
    list_filter = ("state", "name")
    search_fields = ("label", "error")
    raw_id_fields = ("school", "started_by")
    readonly_fields = [f.name for f in TaskRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
