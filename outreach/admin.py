from django.contrib import admin

from outreach.models import Course


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "audience", "typical_minutes", "is_active", "sort_order")
    list_filter = ("category", "audience", "is_active")
    search_fields = ("name", "code")
