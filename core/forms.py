"""The one form pattern (デジタル庁デザインシステム): every form renders through these templates.

``{{ form }}`` and ``{{ field.as_field_group }}`` anywhere in Tsunagu produce an error
summary at the top (focused on load, linking to each field), then each field with
its label, a 必須 mark on required fields before anyone submits, its hint and its
error tied to the input by ``aria-describedby``.
"""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"


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
