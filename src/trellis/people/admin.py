from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from trellis.people.models import (
    Enrollment,
    Guardianship,
    Membership,
    School,
    SchoolClass,
    TeachingAssignment,
    Term,
    User,
)


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (*BaseUserAdmin.fieldsets, ("Trellis", {"fields": ("display_name",)}))
    list_display = ("username", "display_name", "first_name", "last_name", "is_active")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    inlines = [MembershipInline]


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "school", "role", "active")
    list_filter = ("role", "active", "school")
    search_fields = ("user__username",)
    autocomplete_fields = ("user",)


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "starts_on", "ends_on")
    list_filter = ("school",)


class EnrollmentInline(admin.TabularInline):
    model = Enrollment
    extra = 0
    autocomplete_fields = ("learner",)


class TeachingInline(admin.TabularInline):
    model = TeachingAssignment
    extra = 0
    autocomplete_fields = ("teacher",)


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ("name", "subject", "grade_band", "term", "school", "active")
    list_filter = ("school", "subject", "active")
    search_fields = ("name", "subject")
    inlines = [TeachingInline, EnrollmentInline]


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = ("learner", "school_class", "active")
    list_filter = ("active", "school_class__school")
    autocomplete_fields = ("learner",)


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(admin.ModelAdmin):
    list_display = ("teacher", "school_class")
    autocomplete_fields = ("teacher",)


@admin.register(Guardianship)
class GuardianshipAdmin(admin.ModelAdmin):
    list_display = ("guardian", "learner", "relationship")
    search_fields = ("guardian__username", "learner__username")
    autocomplete_fields = ("guardian", "learner")
