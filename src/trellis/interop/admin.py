from django.contrib import admin

from trellis.interop.models import (
    LearnerErasure,
    RosterImport,
    SourcedRecord,
    SourcedTerm,
    XapiCredential,
    XapiOutbox,
)


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


@admin.register(XapiCredential)
class XapiCredentialAdmin(admin.ModelAdmin):
    """Revoke a tool by unticking ``active``; issue one with
    ``trellis issue-xapi-credentials`` (the secret is never shown here)."""

    list_display = ("name", "school", "key", "active", "created_at")
    list_filter = ("active",)
    readonly_fields = ("school", "name", "key", "secret_hash", "created_at")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(XapiOutbox)
class XapiOutboxAdmin(admin.ModelAdmin):
    list_display = ("statement_id", "status", "tries", "next_try_at", "last_error", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("statement_id", "data", "created_at", "sent_at")


@admin.register(LearnerErasure)
class LearnerErasureAdmin(admin.ModelAdmin):
    list_display = ("learner", "requested_by", "erased_at")
    readonly_fields = ("learner", "requested_by", "erased_at", "removed")
