"""Forms of the Wi-Fi registry. Labels and help come from the models."""

from datetime import date, datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DayField, day_formfield
from core.imports import DEFAULT_MAX_BYTES
from wifi.models import (
    INITIAL_STATUSES,
    Activation,
    Inspection,
    Machine,
    MachineStatus,
    MonthlyUsage,
)
from wifi.services import MACHINE_FIELDS


class MachineForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = Machine
        fields = MACHINE_FIELDS
        widgets = {
            "agreement_start": DateInput(),
            "agreement_end": DateInput(),
            "agreement_renewal_date": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = self.fields["facility"].queryset.filter(is_active=True)


class MachineCreateForm(MachineForm):
    initial_status = forms.ChoiceField(
        label=_("status at registration"),
        choices=[(s.value, s.label) for s in MachineStatus if s in INITIAL_STATUSES],
        initial=MachineStatus.PLANNED,
    )
    effective_on = DayField(
        label=_("status from (date)"), widget=DateInput(), initial=timezone.localdate
    )
    reason = forms.CharField(
        label=_("reason"),
        max_length=300,
        initial=_("Registered"),
        help_text=_("For example: new agreement with the operator."),
    )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(label=_("new status"), choices=MachineStatus.choices)
    effective_on = DayField(label=_("from (date)"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("reason"), max_length=300)

    def __init__(self, *args, machine: Machine, **kwargs):
        super().__init__(*args, **kwargs)
        from wifi.models import ALLOWED_TRANSITIONS

        allowed = ALLOWED_TRANSITIONS[machine.status]
        # Show only the possible next steps, but accept any status: the service
        # then explains why a step is not possible instead of a generic error.
        self.fields["status"].widget.choices = [
            (s.value, s.label) for s in MachineStatus if s in allowed
        ] or list(MachineStatus.choices)


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m", **kwargs)


class MonthField(DayField):
    widget = MonthInput
    input_formats = ["%Y-%m", "%Y/%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if isinstance(day, date | datetime) else day


class UsageForm(forms.ModelForm):
    month = MonthField(label=_("month"), help_text=_("For example 2025-04."))

    class Meta:
        model = MonthlyUsage
        fields = ["month", "connections", "distinct_users", "data_mb", "source", "note"]

    replace = forms.BooleanField(
        label=_("Replace the figures already recorded for this month"),
        required=False,
        help_text=_("Only to correct a month entered before; the old figures stay in the history."),
    )

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(gettext("This month has not come yet."))
        return month

    def clean(self):
        cleaned = super().clean()
        users, connections = cleaned.get("distinct_users"), cleaned.get("connections")
        if users is not None and connections is not None and users > connections:
            self.add_error("distinct_users", gettext("Distinct users cannot exceed connections."))
        return cleaned

    def validate_unique(self):
        # A second figure for the same month is a correction: the service updates it.
        pass


class UsageImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV with the header 管理番号,年月,接続数,利用者数,データ量MB,出典."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before it is read (core.imports checks the same limit on the bytes).
        if upload.size > DEFAULT_MAX_BYTES:
            raise forms.ValidationError(gettext("The file is larger than 2 MB."))
        return upload


class AnalysisYearForm(forms.Form):
    """The fiscal year of the analysis page (``?fy=2025``); empty means the current one."""

    fy = forms.IntegerField(required=False, min_value=2000, max_value=2100)


class InspectionForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = Inspection
        fields = [
            "inspected_on",
            "inspector",
            "result",
            "wifi_checked",
            "power_backup_checked",
            "findings",
        ]
        widgets = {"inspected_on": DateInput(), "findings": forms.Textarea(attrs={"rows": 3})}


class ActivationForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = Activation
        fields = [
            "kind",
            "started_on",
            "duration_hours",
            "authorised_by",
            "disaster_ssid_opened",
            "free_vending",
            "notes",
        ]
        widgets = {"started_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}
