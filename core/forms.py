"""The one form pattern (デジタル庁デザインシステム): every form renders through these templates.

``{{ form }}`` and ``{{ field.as_field_group }}`` anywhere in Tsunagu produce an error
summary at the top (focused on load, linking to each field), then each field with
its label, a 必須 mark on required fields before anyone submits, its hint and its
error tied to the input by ``aria-describedby``.
"""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
