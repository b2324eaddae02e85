"""Forms of outreach: planning classes, applications, attendance, and volunteer sign-ups."""

from datetime import date, datetime, time

from django import forms
from django.conf import settings
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.filters import ValuesChoiceField
from core.fiscal import fiscal_year_label
from core.forms import DateInput, DayField
from core.models import Facility
from core.renderers import FilterForm
from outreach.models import (
    AgeBand,
    Application,
    Attendance,
    ClassSession,
    Course,
    PhoneType,
    VolunteerSignup,
    normalise_phone,
)
from volunteers.selectors import skill_choices


class TimeInput(forms.TimeInput):
    input_type = "time"


def _venues():
    return Facility.objects.filter(is_active=True)


class SessionForm(forms.ModelForm):
    """One session: the day and times are asked separately (easier than datetime widgets)."""

    day = DayField(label=_("Day"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput)
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput)

    class Meta:
        model = ClassSession
        fields = [
            "course",
            "title",
            "venue",
            "room",
            "capacity",
            "instructor_places",
            "assistant_places",
            "status",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True)
        self.fields["venue"].queryset = _venues()
        if self.instance.status != ClassSession.Status.CANCELLED:
            # Cancelling tells everyone and releases the volunteers: its own page does it.
            self.fields["status"].choices = [
                choice
                for choice in self.fields["status"].choices
                if choice[0] != ClassSession.Status.CANCELLED
            ]
        if self.instance.pk:
            start = timezone.localtime(self.instance.starts_at)
            end = timezone.localtime(self.instance.ends_at)
            self.initial.update(day=start.date(), start_time=start.time(), end_time=end.time())
        order = ["course", "title", "venue", "room", "day", "start_time", "end_time"]
        self.order_fields(order)

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data

    def session_values(self) -> dict:
        data = self.cleaned_data
        tz = timezone.get_default_timezone()
        values = {key: data[key] for key in self.Meta.fields}
        values["starts_at"] = datetime.combine(data["day"], data["start_time"], tzinfo=tz)
        values["ends_at"] = datetime.combine(data["day"], data["end_time"], tzinfo=tz)
        return values


class SeriesForm(forms.Form):
    """A run of sessions: a simple pattern, or an RRULE for anything else."""

    PATTERNS = [
        ("monthly", _("Every month on the n-th weekday (e.g. second Tuesday)")),
        ("weekly", _("Every week on one weekday")),
        ("weekdays", _("Every weekday (Monday to Friday)")),
        ("rule", _("Custom rule (RRULE)")),
    ]
    WEEKDAYS = [
        ("MO", _("Monday")),
        ("TU", _("Tuesday")),
        ("WE", _("Wednesday")),
        ("TH", _("Thursday")),
        ("FR", _("Friday")),
        ("SA", _("Saturday")),
        ("SU", _("Sunday")),
    ]
    NTH = [
        ("1", _("First")),
        ("2", _("Second")),
        ("3", _("Third")),
        ("4", _("Fourth")),
        ("-1", _("Last")),
    ]

    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.none())
    title = forms.CharField(label=_("Title"), max_length=150)
    venue = forms.ModelChoiceField(label=_("Venue"), queryset=Facility.objects.none())
    pattern = forms.ChoiceField(
        label=_("Repeat"), choices=PATTERNS, widget=forms.RadioSelect, initial="monthly"
    )
    nth = forms.ChoiceField(
        label=_("Which week (monthly)"), choices=NTH, required=False, initial="2"
    )
    weekday = forms.ChoiceField(label=_("Weekday"), choices=WEEKDAYS, required=False, initial="TU")
    rule = forms.CharField(
        label=_("Custom rule"),
        required=False,
        help_text=_("Only for a custom rule, for example FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"),
    )
    first_date = DayField(label=_("From"), widget=DateInput())
    last_date = DayField(label=_("Until"), widget=DateInput())
    start_time = forms.TimeField(label=_("Start time"), widget=TimeInput, initial=time(10, 0))
    end_time = forms.TimeField(label=_("End time"), widget=TimeInput, initial=time(12, 0))
    capacity = forms.IntegerField(label=_("Capacity"), min_value=0, initial=10)
    instructor_places = forms.IntegerField(label=_("Instructors"), min_value=0, initial=1)
    assistant_places = forms.IntegerField(label=_("Assistants"), min_value=0, initial=2)
    status = forms.ChoiceField(
        label=_("Status of the new sessions"),
        choices=[
            (ClassSession.Status.PLANNED, ClassSession.Status.PLANNED.label),
            (ClassSession.Status.OPEN, ClassSession.Status.OPEN.label),
        ],
        initial=ClassSession.Status.OPEN,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = Course.objects.filter(is_active=True)
        self.fields["venue"].queryset = _venues()

    def clean(self):
        data = super().clean()
        pattern = data.get("pattern")
        weekday, nth = data.get("weekday") or "TU", data.get("nth") or "2"
        if pattern == "monthly":
            data["rule"] = f"FREQ=MONTHLY;BYDAY={int(nth):+d}{weekday}"
        elif pattern == "weekly":
            data["rule"] = f"FREQ=WEEKLY;BYDAY={weekday}"
        elif pattern == "weekdays":
            data["rule"] = "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR"
        elif pattern == "rule" and not data.get("rule"):
            self.add_error("rule", _("Please write the rule."))
        first, last = data.get("first_date"), data.get("last_date")
        if first and last and last < first:
            self.add_error("last_date", _("The end date must be after the start date."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The end time must be after the start time."))
        return data


class ApplicationForm(forms.ModelForm):
    """What we ask of everyone: staff on the phone and residents online."""

    class Meta:
        model = Application
        fields = [
            "name",
            "name_kana",
            "phone",
            "email",
            "age_band",
            "phone_type",
            "wants_to_learn",
        ]
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "wants_to_learn": forms.Textarea(attrs={"rows": 3}),
            "phone_type": forms.RadioSelect,
        }
        help_texts = {
            "phone": _("We call this number only about this class."),
            "wants_to_learn": _("For example: LINE, taking photos, the My Number Card."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name_kana"].required = False
        self.fields["age_band"].required = False
        # No empty "---------" choice: everyone has an answer (none → the city lends a tablet).
        self.fields["phone_type"].choices = PhoneType.choices
        self.fields["wants_to_learn"].validators.append(MaxLengthValidator(500))

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not 10 <= len(normalise_phone(phone)) <= 11:
            raise forms.ValidationError(
                _("Please write the whole number, with the area code (for example 0475-23-2111).")
            )
        return phone


class StaffApplicationForm(ApplicationForm):
    """The few-keystroke form for phone and counter applications."""

    channel = forms.ChoiceField(
        label=_("Received by"),
        choices=[
            (Application.Channel.PHONE, Application.Channel.PHONE.label),
            (Application.Channel.COUNTER, Application.Channel.COUNTER.label),
        ],
        initial=Application.Channel.PHONE,
    )

    class Meta(ApplicationForm.Meta):
        # Someone phoning in English hears (and reads) our messages in English.
        fields = [*ApplicationForm.Meta.fields, "language"]
        widgets = {**ApplicationForm.Meta.widgets, "phone_type": forms.Select}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A select starting empty, so a hurried entry cannot keep a wrong first choice.
        self.fields["phone_type"].choices = [("", "---------"), *PhoneType.choices]
        self.fields["language"].required = False

    def clean_language(self) -> str:
        return self.cleaned_data.get("language") or settings.LANGUAGE_CODE


class SessionCancelForm(forms.Form):
    """Cancelling a class: the reason is told to everyone and shown on the public page."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_(
            "Told to the applicants and volunteers and shown on the class's public page, "
            "for example: 講師の急病のため."
        ),
    )


class CancelByReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        help_text=_("The 8-digit number you were given when you applied."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=20,
        help_text=_("The phone number you gave when you applied."),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


YES_NO = [("", _("No answer")), ("yes", _("Yes")), ("no", _("No"))]
SATISFACTION = [("", _("No answer"))] + [(str(n), str(n)) for n in range(5, 0, -1)]


class SurveyFields(forms.Form):
    """The short survey; shared by applicant rows and walk-in rows."""

    satisfaction = forms.TypedChoiceField(
        label=_("Satisfaction (5 = very good)"),
        choices=SATISFACTION,
        coerce=int,
        empty_value=None,
        required=False,
    )
    someone_to_ask = forms.ChoiceField(
        label=_("Has someone to ask when stuck"), choices=YES_NO, required=False
    )
    comment = forms.CharField(label=_("Comment"), required=False, max_length=1000)
    wants_follow_up = forms.BooleanField(label=_("Wants a follow-up"), required=False)

    def survey(self) -> dict:
        data = self.cleaned_data
        answer = data.get("someone_to_ask")
        return {
            "satisfaction": data.get("satisfaction"),
            "has_someone_to_ask": None if not answer else answer == "yes",
            "comment": data.get("comment", ""),
            "wants_follow_up": bool(data.get("wants_follow_up")),
        }

    @staticmethod
    def initial_for(attendance: Attendance | None) -> dict:
        if attendance is None:
            return {}
        answer = attendance.has_someone_to_ask
        return {
            "status": attendance.status,
            "satisfaction": attendance.satisfaction,
            "someone_to_ask": "" if answer is None else ("yes" if answer else "no"),
            "comment": attendance.comment,
            "wants_follow_up": attendance.wants_follow_up,
        }


class AttendanceRowForm(SurveyFields):
    """One applicant (or a recorded walk-in) on the attendance sheet."""

    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[("", _("Not recorded"))] + list(Attendance.Status.choices),
        required=False,
        widget=forms.RadioSelect,
    )


class WalkInForm(SurveyFields):
    """A new walk-in: every field optional; an empty row is ignored."""

    name = forms.CharField(label=_("Name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Phone number"), required=False, max_length=20)
    age_band = forms.ChoiceField(
        label=_("Age"),
        choices=[(AgeBand.UNKNOWN.value, AgeBand.UNKNOWN.label)]
        + [c for c in AgeBand.choices if c[0] != AgeBand.UNKNOWN],
        required=False,
    )
    add = forms.BooleanField(
        label=_("Add this walk-in"),
        required=False,
        help_text=_("Tick for someone who gave no details; a row with a name is added anyway."),
    )

    def is_used(self) -> bool:
        data = self.cleaned_data
        return bool(data.get("add") or data.get("name") or data.get("phone"))


class AnonymousWalkInsForm(forms.Form):
    count = forms.IntegerField(
        label=_("Walk-ins without details"),
        min_value=0,
        max_value=200,
        initial=0,
        required=False,
        help_text=_("People who came without applying and gave no name: only counted."),
    )


class FiscalYearForm(FilterForm):
    """One of ``years``, asked as the query parameter ``name`` (``?fy=2025``)."""

    def __init__(self, *args, years: list[int], name: str = "fy", **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name
        self.fields[name] = forms.TypedChoiceField(
            label=_("Fiscal year"),
            coerce=int,
            empty_value=None,
            required=False,
            choices=[(y, fiscal_year_label(y)) for y in years],
        )

    def year(self, default: int) -> int:
        """The chosen year, or ``default`` when none (or an unknown one) was asked for."""
        chosen = self.cleaned_data.get(self.name) if self.is_valid() else None
        return default if chosen is None else chosen


class MonthForm(forms.Form):
    """The month of the flyer (``?month=2026-12``); none or a wrong one: this month."""

    month = DayField(input_formats=["%Y-%m"], required=False)

    def first_day(self, today: date) -> date:
        chosen = self.cleaned_data.get("month") if self.is_valid() else None
        return (chosen or today).replace(day=1)


# --- Volunteer sign-ups ---------------------------------------------------------


class ClassFilterForm(forms.Form):
    date_from = DayField(label=_("From"), required=False, widget=DateInput())
    date_to = DayField(label=_("Until"), required=False, widget=DateInput())
    venue = forms.ModelChoiceField(
        label=_("Venue"),
        queryset=Facility.objects.none(),
        required=False,
        empty_label=_("All venues"),
    )
    skill = forms.ChoiceField(label=_("Topic"), required=False)
    only_open = forms.BooleanField(label=_("Only classes with free places"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = _venues()
        self.fields["skill"].choices = [("", _("All topics")), *skill_choices()]


class SignupForm(forms.Form):
    role = forms.ChoiceField(label=_("Help as"), choices=VolunteerSignup.Role.choices)


class StaffingFilterForm(FilterForm):
    date_to = DayField(label=_("Until"), required=False, widget=DateInput())
    # Options read as (id, name), not as a Facility each (issue 18); Facility prints its name.
    venue = ValuesChoiceField(
        label=_("Venue"),
        queryset=Facility.objects.none(),
        required=False,
        empty_label=_("All venues"),
        label_fields=("name",),
        label_format="{}",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = _venues()


class SignupAttendanceForm(forms.Form):
    """After the class: for each confirmed volunteer, whether they came and their hours
    (empty hours: the length of the class)."""

    def __init__(self, *args, signups: list[VolunteerSignup], default_hours, **kwargs):
        super().__init__(*args, **kwargs)
        self.signups = signups
        for signup in signups:
            words = {"name": signup.volunteer.full_name, "role": signup.get_role_display()}
            self.fields[f"came_{signup.pk}"] = forms.BooleanField(
                label=_("%(name)s (%(role)s) came") % words,
                required=False,
                initial=signup.attended is not False,
            )
            self.fields[f"hours_{signup.pk}"] = forms.DecimalField(
                label=_("Hours of %(name)s") % words,
                required=False,
                min_value=0,
                max_value=24,
                max_digits=4,
                decimal_places=2,
                initial=signup.hours if signup.hours is not None else default_hours,
                widget=forms.NumberInput(attrs={"step": "0.25"}),
                error_messages={"invalid": _("Hours must be a number, for example 2 or 1.5.")},
            )

    def came(self) -> set[int]:
        return {s.pk for s in self.signups if self.cleaned_data.get(f"came_{s.pk}")}

    def hours(self) -> dict:
        return {
            s.pk: value
            for s in self.signups
            if (value := self.cleaned_data.get(f"hours_{s.pk}")) is not None
        }


class CourseForm(forms.ModelForm):
    """A course and the skills its 講師 needs (the skills volunteers declare)."""

    skills = forms.MultipleChoiceField(
        label=_("Skills a 講師 needs"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Volunteers with these skills see the course's classes when they look for classes "
            "matching what they can help with."
        ),
    )

    class Meta:
        model = Course
        fields = [
            "code",
            "name",
            "name_kana",
            "category",
            "audience",
            "typical_minutes",
            "what_to_bring",
            "description",
            "is_active",
            "sort_order",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skills"].choices = skill_choices()
        if self.instance.pk:
            self.fields["skills"].initial = self.instance.skill_codes()


class CourseFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or code"), required=False)
    skill = forms.ChoiceField(label=_("Skill a 講師 needs"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", _("All skills")), *skill_choices()]
