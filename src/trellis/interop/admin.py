from django.contrib import admin

from trellis.interop.models import RosterImport, SourcedRecord, SourcedTerm


@admin.register(SourcedRecord)
class SourcedRecordAdmin(admin.ModelAdmin):
    list_display = ("kind", "sourced_id", "status", "date_last_modified", "updated_at")
    list_filter = ("kind", "status")
    search_fields = ("sourced_id",)
    raw_id_fields = ("school", "school_class", "user")
    readonly_fields = ("created_at", "updated_at")


@admin.register(SourcedTerm)
class SourcedTermAdmin(admin.ModelAdmin):
    list_display = ("record", "school", "term")
    raw_id_fields = ("record", "school", "term")


@admin.register(RosterImport)
class RosterImportAdmin(admin.ModelAdmin):
    list_display = ("created_at", "filename", "user")
    readonly_fields = ("created_at", "filename", "user", "summary")
