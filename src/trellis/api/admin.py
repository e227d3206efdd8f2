from django.contrib import admin

from trellis.api.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked")
    readonly_fields = ("key_hash", "prefix", "created_at", "last_used_at")
