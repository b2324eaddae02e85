"""Forms of the volunteer sign-up pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Facility
from outreach.models import VolunteerSignup
from volunteers.selectors import skill_choices


class ClassFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Facility.objects.filter(is_active=True),
        required=False,
        empty_label=_("All venues"),
    )
    skill = forms.ChoiceField(label=_("Topic"), required=False)
    only_open = forms.BooleanField(label=_("Only classes with free places"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("All topics")), *skill_choices()]


class SignupForm(forms.Form):
    role = forms.ChoiceField(label=_("Help as"), choices=VolunteerSignup.Role.choices)


class StaffingFilterForm(forms.Form):
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Facility.objects.filter(is_active=True),
        required=False,
        empty_label=_("All venues"),
    )
