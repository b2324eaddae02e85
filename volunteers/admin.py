from django.contrib import admin

from volunteers.models import Appointment, StaffNote, TrainingRecord, VolunteerProfile


class TrainingInline(admin.TabularInline):
    model = TrainingRecord
    extra = 0


class AppointmentInline(admin.TabularInline):
    model = Appointment
    extra = 0


@admin.register(VolunteerProfile)
class VolunteerProfileAdmin(admin.ModelAdmin):
    list_display = ["full_name", "full_name_kana", "status", "affiliation", "created_at"]
    list_filter = ["status", "affiliation"]
    search_fields = ["full_name", "full_name_kana", "user__email"]
    readonly_fields = ["privacy_consented_at", "privacy_notice_version"]
    inlines = [TrainingInline, AppointmentInline]


admin.site.register(StaffNote)
