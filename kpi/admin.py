from django.contrib import admin

from .models import (
    Incident,
    KpiComment,
    KpiDefinition,
    ManualValue,
    Measure,
    MeasureCheck,
    PlanPeriod,
    YearReview,
    YearTarget,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the audited screens; the admin only shows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PlanPeriod)
class PlanPeriodAdmin(ReadOnlyAdmin):
    list_display = ["name", "first_fiscal_year", "last_fiscal_year"]


@admin.register(KpiDefinition)
class KpiDefinitionAdmin(ReadOnlyAdmin):
    list_display = ["name", "period", "baseline_value", "target_value", "source_key"]
    list_filter = ["period"]


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ["occurred_on", "severity", "resolved_on"]


@admin.register(Measure)
class MeasureAdmin(ReadOnlyAdmin):
    list_display = ["name", "period", "section"]
    list_filter = ["period"]


@admin.register(YearReview)
class YearReviewAdmin(ReadOnlyAdmin):
    list_display = ["fiscal_year", "status", "meeting_date", "published_at"]


admin.site.register([KpiComment, ManualValue, YearTarget, MeasureCheck], ReadOnlyAdmin)
