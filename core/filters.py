"""Filters of core's lists (django-filter): the outbox; DayFilter for every app's lists."""

import copy

import django_filters
from django.conf import settings
from django.db.models import Q
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.http import QueryDict
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.audit import registered_actions
from core.channels import channels
from core.forms import DayField
from core.messaging import sections_for_user
from core.models import Message
from core.renderers import FilterForm


class DayFilter(django_filters.DateFilter):
    """A day in a list's filter, within the range every typed day keeps (core.forms.DayField)."""

    field_class = DayField


class _ValuesChoiceIterator(ModelChoiceIterator):
    """The options of a ``ValuesChoiceFilter``: the key and the label's columns of each row."""

    def __iter__(self):
        field = self.field
        if field.empty_label is not None:
            yield ("", field.empty_label)
        if field.null_label is not None:
            yield (field.null_value, field.null_label)
        label = field.label_format.format
        rows = field.option_rows
        if rows is None:
            rows = self.queryset.values_list("pk", *field.label_fields)
        for pk, *values in rows:
            yield (ModelChoiceIteratorValue(pk, None), label(*values))


class ValuesChoiceField(django_filters.fields.ModelChoiceField):
    """A ModelChoiceField whose options are read as values (see ValuesChoiceFilter); also
    for plain filter forms, e.g. the staffing list's venue."""

    iterator = _ValuesChoiceIterator

    def __init__(self, *args, label_fields: tuple[str, ...], label_format: str, **kwargs):
        self.label_fields = label_fields
        self.label_format = label_format
        # Rows (pk, *label_fields) read elsewhere, e.g. two lists of options in one
        # statement (give_options); None: read from the queryset when rendered.
        self.option_rows = None
        super().__init__(*args, **kwargs)


def give_options(field: ValuesChoiceField, rows: list[tuple]) -> None:
    """Show ``rows`` as the options of ``field`` (a form's own copy of the field): the rows
    its queryset would give, read by the caller in a statement shared with another list.
    A chosen key is still checked against the queryset."""
    field.option_rows = rows


class ValuesChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter whose options are read as values, not as one model instance each
    (issue 18: building them was half of a filter form's time). ``label_fields`` and
    ``label_format`` say what the model's ``__str__`` says, e.g. ``("name",)`` and ``"{}"``.
    A chosen key is still checked against the queryset as ModelChoiceFilter does."""

    field_class = ValuesChoiceField

    def __init__(self, *args, label_fields: tuple[str, ...], label_format: str = "{}", **kwargs):
        super().__init__(
            *args, label_fields=tuple(label_fields), label_format=label_format, **kwargs
        )


class StaticFilterSet(django_filters.FilterSet):
    """A FilterSet whose filters are the same on every request (none changed in ``__init__``).

    django-filter deep-copies every filter (querysets and widgets included) for each
    request and builds a new form class from new fields each time: most of a small list's
    own framework time (issue 18). Here each filter is copied shallowly (with its own
    ``extra``), and the form class is built once per language: the form still deep-copies
    its fields per instance, so no state is shared between requests.
    """

    _form_classes: dict[tuple, type] = {}

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # BaseFilterSet.__init__, with a shallow copy of the filters.
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        model = queryset.model
        filters = {}
        for name, base in self.base_filters.items():
            filter_ = copy.copy(base)
            filter_.extra = dict(base.extra)
            if base.method is not None:
                filter_.method = base.method  # its own FilterMethod, bound to this copy
            filter_.model = model
            filter_.parent = self
            filters[name] = filter_
        self.filters = filters

    def get_form_class(self):
        key = (type(self), get_language())
        try:
            return self._form_classes[key]
        except KeyError:
            form_class = self._form_classes[key] = super().get_form_class()
            return form_class


class MessageFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name, address or subject"), method="search")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Message.Status.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=[])
    section = django_filters.ChoiceFilter(label=_("Section"), choices=[])
    event = django_filters.ChoiceFilter(label=_("Event"), choices=[])

    class Meta:
        form = FilterForm
        model = Message
        fields = ["q", "status", "channel", "section", "event"]

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["channel"].extra["choices"] = [
            (name, channel.label) for name, channel in channels().items()
        ]
        self.filters["section"].extra["choices"] = [
            (key, settings.TSUNAGU["sections"][key]) for key in sections_for_user(user)
        ]
        # The events of the user's messages, named like the history names them when the
        # event is also an audit action (lending.reservation.approved), else by its code.
        events = (
            Message.objects.for_sections(sections_for_user(user))
            .order_by("event")
            .values_list("event", flat=True)
            .distinct()
        )
        actions = registered_actions()
        self.filters["event"].extra["choices"] = [
            (event, str(actions[event]) if event in actions else event) for event in events
        ]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name__icontains=value)
            | Q(name_kana__icontains=value)
            | Q(email__icontains=value)
            | Q(phone__icontains=value)
            | Q(subject__icontains=value)
        )
