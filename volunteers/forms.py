"""Forms of the volunteers app: joining, editing, and 総務課's records."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fiscal import current_fiscal_year, fiscal_year_label
from core.forms import DateInput, day_formfield
from volunteers.models import (
    Appointment,
    Skill,
    StaffNote,
    TrainingRecord,
    VolunteerProfile,
    Weekday,
)


class ProfileForm(forms.ModelForm):
    """The volunteer's own details; on joining also the consent to the privacy notice."""

    skills = forms.MultipleChoiceField(
        label=_("What you can help with"),
        choices=Skill.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    available_weekdays = forms.TypedMultipleChoiceField(
        label=_("Days you are usually free"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice above and agree to it."),
        required=True,
    )

    class Meta:
        model = VolunteerProfile
        fields = [
            "full_name",
            "full_name_kana",
            "phone",
            "language",
            "affiliation",
            "affiliation_detail",
            "skills",
            "available_weekdays",
            "available_mornings",
            "available_afternoons",
        ]

    def __init__(self, *args, ask_consent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # Not asked again on every edit: left out, the language stays as it was.
        self.fields["language"].required = False
        if self.instance.pk:
            self.initial.setdefault("skills", self.instance.skill_codes())
        if not ask_consent:
            del self.fields["consent"]

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or self.instance.language or "ja"


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (s.value, s.label)
            for s in VolunteerProfile.Status
            if s not in (VolunteerProfile.Status.APPLIED, VolunteerProfile.Status.APPROVED)
        ],
    )
    note = forms.CharField(label=_("Reason (optional)"), required=False, max_length=300)


class TrainingForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = TrainingRecord
        fields = ["course", "completed_on"]
        widgets = {"completed_on": DateInput()}

    def clean_completed_on(self):
        value = self.cleaned_data["completed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("A training cannot be completed in the future."))
        return value


class AppointmentForm(forms.ModelForm):
    fiscal_year = forms.TypedChoiceField(label=_("Fiscal year"), coerce=int)

    class Meta:
        formfield_callback = day_formfield
        model = Appointment
        fields = ["fiscal_year", "appointed_on"]
        widgets = {"appointed_on": DateInput()}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fy = current_fiscal_year()
        self.fields["fiscal_year"].choices = [
            (y, fiscal_year_label(y)) for y in (fy - 1, fy, fy + 1)
        ]
        self.fields["fiscal_year"].initial = fy


class StaffNoteForm(forms.ModelForm):
    class Meta:
        model = StaffNote
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
