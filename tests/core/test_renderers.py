"""The list filters' Python renderer writes exactly what the form templates write (issue 18)."""

import pytest
from django.http import QueryDict

from core.filters import MessageFilter
from core.forms import FormRenderer
from core.models import Facility
from lending.filters import ItemFilter, OrganisationFilter, ReservationFilter
from lending.models import EquipmentType
from outreach.filters import SessionFilter
from outreach.forms import FiscalYearForm, StaffingFilterForm
from outreach.models import Course
from volunteers.filters import RosterFilter
from wifi.filters import MachineFilter, UsageFilter

FILTERS = [
    ItemFilter,
    ReservationFilter,
    OrganisationFilter,
    SessionFilter,
    RosterFilter,
    MachineFilter,
    UsageFilter,
]

# Nothing chosen, choices and text that need escaping, several boxes ticked, and values
# the forms refuse (a field with an error is written by the template, the others in Python).
QUERIES = [
    "",
    'q=<b>"x"&amp;&status=available&kind=other&district=a&b&is_verified=true',
    "state=requested&state=provisional&organisation=<script>&pickup_from=2026-04-01",
    "fiscal_year=2025&status=held&trained=false&affiliation=student&skill=smartphone&fy=2026",
    "pickup_from=0155-09-20&equipment_type=99999&fiscal_year=abc&machine=x&status=nope&date_to=x",
    "operator=' onmouseover='x&agreement_type=unknown&power_backup=true&source=csv",
]


@pytest.fixture
def choices(db, make_facility):
    """Rows behind the model choices, with names that must be escaped."""
    make_facility('<公民館 "A" & B>')
    EquipmentType.objects.create(
        name="<プロジェクター & 'X'>", category=EquipmentType.Category.PROJECTOR
    )
    Course.objects.create(
        code="c-1",
        name='スマホ入門 <1> & "2"',
        category=Course.Category.BASIC,
        audience=Course.Audience.RESIDENTS,
    )


def _fields(filterset, renderer=None) -> list[str]:
    form = filterset.form
    if renderer is not None:
        form.renderer = renderer
    return [field.as_field_group() for field in form]


@pytest.mark.parametrize("filter_class", FILTERS)
@pytest.mark.parametrize("query", QUERIES)
def test_filter_form_html_is_the_templates_html(choices, filter_class, query):
    fast = _fields(filter_class(QueryDict(query)))
    templates = _fields(filter_class(QueryDict(query)), FormRenderer())
    assert fast == templates


@pytest.mark.parametrize("query", QUERIES)
def test_staffing_and_year_forms_html_is_the_templates_html(choices, query):
    def forms():
        data = QueryDict(query) or None
        return [
            StaffingFilterForm(data),
            FiscalYearForm(data, years=[2026, 2025], name="fiscal_year"),
            FiscalYearForm(data, years=[2026, 2025], initial={"fy": 2026}),
        ]

    for fast, slow in zip(forms(), forms(), strict=True):
        slow.renderer = FormRenderer()
        assert [f.as_field_group() for f in fast] == [f.as_field_group() for f in slow]


def test_outbox_filter_html_is_the_templates_html(choices, dx_staff):
    query = QueryDict("status=sent&channel=<x>&q=a&b")
    fast = _fields(MessageFilter(query, user=dx_staff))
    templates = _fields(MessageFilter(query, user=dx_staff), FormRenderer())
    assert fast == templates


@pytest.mark.parametrize("filter_class", FILTERS)
def test_filter_form_without_errors_needs_no_template(choices, filter_class, monkeypatch):
    def no_template(*args, **kwargs):
        raise AssertionError("rendered through a template")

    monkeypatch.setattr(FormRenderer, "render", no_template)
    html = _fields(filter_class(QueryDict("")))
    assert all(html)
    assert Facility.objects.exists()
