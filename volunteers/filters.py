"""Roster filters for 総務課."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.renderers import FilterForm
from volunteers.models import Affiliation, Skill, VolunteerProfile


class RosterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), method="filter_name")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=VolunteerProfile.Status.choices)
    affiliation = django_filters.ChoiceFilter(label=_("Affiliation"), choices=Affiliation.choices)
    skill = django_filters.ChoiceFilter(
        label=_("Skill"), choices=Skill.choices, field_name="skills__skill", distinct=True
    )
    trained = django_filters.BooleanFilter(label=_("Training completed"), method="filter_trained")

    class Meta:
        form = FilterForm
        model = VolunteerProfile
        fields = ["q", "status", "affiliation", "skill", "trained"]

    def filter_name(self, queryset, name, value):
        return queryset.filter(Q(full_name__icontains=value) | Q(full_name_kana__icontains=value))

    def filter_trained(self, queryset, name, value):
        if value is None:
            return queryset
        trained = queryset.model.objects.filter(training_records__isnull=False).values("pk")
        return queryset.filter(pk__in=trained) if value else queryset.exclude(pk__in=trained)
