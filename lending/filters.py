"""Filters of the desk's lists (django-filter)."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import DayFilter, StaticFilterSet, ValuesChoiceFilter
from core.renderers import FilterForm
from lending.models import EquipmentType, Item, Organisation, Reservation


class ItemFilter(StaticFilterSet):
    q = django_filters.CharFilter(label=_("Tag number or name"), method="search")
    equipment_type = ValuesChoiceFilter(
        label=_("Type"), queryset=EquipmentType.objects.all(), label_fields=("name",)
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Item.Status.choices)

    class Meta:
        form = FilterForm
        model = Item
        fields = ["q", "equipment_type", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(tag_number__icontains=value) | Q(name__icontains=value))


class ReservationFilter(StaticFilterSet):
    # Several states at once: the desk links "requested or provisional" here.
    state = django_filters.MultipleChoiceFilter(
        label=_("State"),
        choices=Reservation.State.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    # A search field, not a select: with 300 groups a select renders 300 options on every
    # page view and is hard to use anyway (issue 18).
    organisation = django_filters.CharFilter(label=_("Organisation"), method="search_organisation")
    pickup_from = DayFilter(
        label=_("Pickup from"),
        field_name="pickup_date",
        lookup_expr="gte",
    )
    pickup_to = DayFilter(
        label=_("Pickup until"),
        field_name="pickup_date",
        lookup_expr="lte",
    )

    class Meta:
        form = FilterForm
        model = Reservation
        fields = ["state", "organisation", "pickup_from", "pickup_to"]

    def search_organisation(self, queryset, name, value):
        return queryset.filter(
            Q(organisation__name__icontains=value) | Q(organisation__name_kana__icontains=value)
        )


class OrganisationFilter(StaticFilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="search")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Organisation.Kind.choices)
    district = django_filters.CharFilter(label=_("District"), lookup_expr="icontains")
    is_verified = django_filters.BooleanFilter(label=_("Verified"))

    class Meta:
        form = FilterForm
        model = Organisation
        fields = ["q", "kind", "district", "is_verified"]

    def search(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(name_kana__icontains=value))
