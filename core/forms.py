"""The one form pattern (デジタル庁デザインシステム): every form renders through these templates.

``{{ form }}`` and ``{{ field.as_field_group }}`` anywhere in Tsunagu produce an error
summary at the top (focused on load, linking to each field), then each field with
its label, a 必須 mark on required fields before anyone submits, its hint and its
error tied to the input by ``aria-describedby``.

Below the renderer: the forms of core's own staff pages (accounts, audit log, facilities).
"""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.fiscal import FIRST_YEAR, LAST_YEAR
from core.models import Facility
from core.roles import ASSIGNABLE_ROLES, Role


def required_message(field: forms.Field, label: str) -> str:
    """What an empty required field says, naming the field (never Django's generic
    「このフィールドは必須です。」, which on a long form does not say which one)."""
    if isinstance(field, forms.BooleanField):
        return gettext("Please tick “%(field)s”.") % {"field": label}
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField, forms.FileField)):
        return gettext("Please choose “%(field)s”.") % {"field": label}
    return gettext("Please enter “%(field)s”.") % {"field": label}


_GENERIC_REQUIRED = forms.Field.default_error_messages["required"]


class NamedErrorsBoundField(BoundField):
    """A field whose errors name the field: an empty required field says
    「「氏名」を入力してください。」 (``errors``), and the form pattern shows every other
    message with the label in front unless it names the field already
    (``named_errors``: 「電話番号：市外局番から…」), beside the field and in the summary.

    Only what is shown changes: ``form.errors`` keeps Django's codes and messages.
    """

    def _messages(self) -> list[tuple[str, bool]]:
        """(message, names the field already) for each error of the field."""
        label = str(self.label or self.name)
        messages = []
        for error in self.form.errors.as_data().get(self.name, ()):
            if error.code == "required" and str(error.message) == str(_GENERIC_REQUIRED):
                # Only Django's generic wording: a form's own message (the kiosk's
                # 「読み取れませんでした」) is already written for the person.
                messages.append((required_message(self.field, label), True))
                continue
            messages.extend((message, label in message) for message in error)
        return messages

    @cached_property
    def errors(self):
        # A hidden field has no label to name: the person cannot fix it anyway.
        if self.name not in self.form.errors or self.is_hidden:
            return super().errors
        return self.form.error_class(
            [message for message, _named in self._messages()],
            renderer=self.form.renderer,
            field_id=self.auto_id,
        )

    @property
    def named_errors(self) -> list[str]:
        """What the form pattern shows beside the field and in the summary."""
        label = str(self.label or self.name)
        return [m if named else f"{label}：{m}" for m, named in self._messages()]


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = NamedErrorsBoundField


# --- Days a person types -----------------------------------------------------------------
# Every date field of every form is a DayField (tests/core/test_conventions.py checks):
# a typo such as 0155-09-20 or 9999-12-31 is refused at the form with a message, never
# stored to break 和暦 labels, month arithmetic or fiscal-year bounds later.
EARLIEST_DAY = date(FIRST_YEAR, 1, 1)
LATEST_DAY = date(LAST_YEAR, 12, 31)
EARLIEST_ISO = EARLIEST_DAY.isoformat()
LATEST_ISO = LATEST_DAY.isoformat()


def validate_day_in_range(value: date) -> None:
    """Refuse a day outside EARLIEST_DAY … LATEST_DAY (a typo, not a real day of our work)."""
    if value is not None and not EARLIEST_DAY <= value <= LATEST_DAY:
        raise ValidationError(
            _("Enter a date between %(earliest)s and %(latest)s."),
            code="day_out_of_range",
            params={
                "earliest": date_format(EARLIEST_DAY, "DATE_FORMAT"),
                "latest": date_format(LATEST_DAY, "DATE_FORMAT"),
            },
        )


class DateInput(forms.DateInput):
    """The browser's date picker, bounded like DayField."""

    input_type = "date"

    def __init__(self, attrs=None, format="%Y-%m-%d"):  # noqa: A002 - Django's argument name
        attrs = {"min": EARLIEST_ISO, "max": LATEST_ISO, **(attrs or {})}
        super().__init__(attrs=attrs, format=format)


class DayField(forms.DateField):
    """A day a person types, within EARLIEST_DAY … LATEST_DAY."""

    widget = DateInput
    default_validators = [validate_day_in_range]


def day_formfield(db_field, **kwargs):
    """``Meta.formfield_callback`` for ModelForms: model DateFields become DayFields."""
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs.setdefault("form_class", DayField)
    return db_field.formfield(**kwargs)


class MessageTemplateForm(forms.Form):
    """Staff's wording of one message template in one language."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Body"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Placeholders in {{ double braces }} are filled in for each person."),
    )


class CallOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=[])
    note = forms.CharField(label=_("Note"), required=False, max_length=500)

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        from core.services import CALL_OUTCOMES, POSTCARD_OUTCOMES

        outcomes = (
            POSTCARD_OUTCOMES if message is not None and message.is_postcard else CALL_OUTCOMES
        )
        self.fields["outcome"].choices = [(o.value, o.label) for o in outcomes]


class MessageRetryForm(forms.Form):
    channel = forms.ChoiceField(label=_("Send by"), choices=[])

    def __init__(self, *args, message=None, **kwargs):
        super().__init__(*args, **kwargs)
        from core.channels import channels

        self.fields["channel"].choices = [(name, c.label) for name, c in channels().items()]
        if message is not None:
            self.fields["channel"].initial = message.channel


# --- The forms of core's staff pages ----------------------------------------------------

ROLE_CHOICES = [(role.value, role.label) for role in ASSIGNABLE_ROLES]


class InvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Shown in histories instead of the address."),
    )
    email = forms.EmailField(label=_("Email address"))
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )


class AccountRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Volunteers and group representatives get their roles through their own "
            "approval; they are not changed here."
        ),
    )


class DeactivateForm(forms.Form):
    prefix = "deactivate"  # the account page has two reason fields
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TwoFactorResetForm(forms.Form):
    prefix = "reset"
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: lost smartphone, confirmed by phone with the person."),
    )


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False)
    role = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[("", _("Any")), *[(r.value, r.label) for r in Role], ("none", _("No role"))],
    )
    active = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Any")),
            ("yes", pgettext_lazy("account", "Active")),
            ("no", _("Deactivated")),
        ],
    )


class AuditLogFilterForm(forms.Form):
    person = forms.CharField(label=_("Who (name)"), required=False, max_length=100)
    record = forms.CharField(
        label=pgettext_lazy("history", "Record"), required=False, max_length=100
    )
    action = forms.ChoiceField(label=pgettext_lazy("history", "What happened"), required=False)
    date_from = DayField(label=_("From"), required=False)
    date_to = DayField(label=_("Until"), required=False)

    def __init__(self, *args, action_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("Any")), *action_choices]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def _https_urls(field, **kwargs):
    """Model fields as form fields; a web address typed without a scheme means https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class FacilityForm(forms.ModelForm):
    class Meta:
        model = Facility
        formfield_callback = _https_urls
        fields = [
            "name",
            "name_kana",
            "name_en",
            "common_name",
            "kind",
            "poi_code",
            "address",
            "address_detail",
            "latitude",
            "longitude",
            "phone",
            "extension",
            "corporate_number",
            "available_days",
            "opens_at",
            "closes_at",
            "availability_notes",
            "description",
            "barrier_free",
            "url",
            "notes",
        ]
        widgets = {
            "opens_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "closes_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class FacilityFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any")), *Facility.Kind.choices]
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("In use")), ("retired", _("Out of use")), ("all", _("Any"))],
    )


class FacilityRetireForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
