"""The desk's rows written in Python (lending/templatetags/desk.py) are what the template
loops they replace wrote, byte for byte: every queue, both languages, text that needs
escaping, late and missing parts, a kit's line, an empty queue."""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from lending import maintenance, selectors
from lending.models import Item, MaintenancePlan, MaintenanceRecord, Organisation
from lending.selectors import DESK_QUEUE_LENGTH

from .conftest import TODAY, at
from .test_desk import _loans, _reservations

# The loops as the desk's templates had them (issue 18), kept here as the reference.
RESERVATION_LOOP = """{% load i18n %}{% translate "Hand out" as hand_out %}{% for reservation in reservations %}<tr>
    <td><a href="{{ reservation.url }}">{{ reservation.number }}</a></td>
    <td>{{ reservation.organisation }}</td>
    <td>{{ reservation.dates }}</td>
    <td>{{ reservation.equipment }}</td>
    <td><span class="badge {{ reservation.state_badge }}">{{ reservation.state_label }}</span></td>
    {% if action == "hand_out" %}<td><a class="button button--primary" href="{{ reservation.hand_out_url }}">{{ hand_out }}<span class="visually-hidden"> {{ reservation.number }}</span></a></td>{% endif %}
  </tr>{% endfor %}"""  # noqa: E501
OVERDUE_LOOP = """{% for loan in desk.overdue %}<tr>
    <td><a href="{{ loan.item_url }}">{{ loan.tag_number }}</a></td>
    <td>{{ loan.type_name }}</td>
    <td><a href="{{ loan.reservation_url }}">{{ loan.organisation }}</a></td>
    <td><span class="badge badge--danger">{{ loan.due }}</span></td>
    <td>{{ loan.contact_name }} {{ loan.contact_phone }}</td>
  </tr>{% endfor %}"""
INSPECTION_LOOP = """{% load i18n %}{% for loan in desk.awaiting_inspection %}<tr>
    <td>{{ loan.tag_number }}</td>
    <td>{{ loan.type_name }}</td>
    <td>{{ loan.returned }} {% if loan.was_late %}<span class="badge badge--warn">{% translate "Late" %}</span>{% endif %}</td>
    <td>{{ loan.missing_components|join:"、"|default:"—" }}</td>
    <td><a class="button" href="{{ loan.inspect_url }}">{{ inspect }}<span class="visually-hidden"> {{ loan.tag_number }}</span></a></td>
  </tr>{% endfor %}"""  # noqa: E501
TAGS = """{% load i18n desk %}{% translate "Hand out" as hand_out %}{% translate "Inspect" as inspect %}
{% reservation_rows desk.pickups_today hand_out %}|{% reservation_rows desk.returns_today %}|{% reservation_rows desk.awaiting_approval %}|{% overdue_rows desk.overdue %}|{% inspection_rows desk.awaiting_inspection inspect %}"""  # noqa: E501


def _reference(desk) -> str:
    inspect = Template('{% load i18n %}{% translate "Inspect" %}').render(Context())
    parts = [
        Template(RESERVATION_LOOP).render(
            Context({"reservations": desk.pickups_today, "action": "hand_out"})
        ),
        Template(RESERVATION_LOOP).render(Context({"reservations": desk.returns_today})),
        Template(RESERVATION_LOOP).render(Context({"reservations": desk.awaiting_approval})),
        Template(OVERDUE_LOOP).render(Context({"desk": desk})),
        Template(INSPECTION_LOOP).render(Context({"desk": desk, "inspect": inspect})),
    ]
    return "\n" + "|".join(parts)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_rows_are_what_the_loops_wrote(make_org, make_type, db, language):
    reservations, projector = _reservations(make_org, make_type)
    _loans(reservations, projector)
    # Text that must be escaped, and a contact without a phone.
    Organisation.objects.filter(pk=reservations[0].organisation_id).update(
        name='<自治会> & "子ども会"', representative_phone="", return_contact_phone=""
    )
    with translation.override(language):
        desk = selectors.desk(TODAY)
        assert all(len(queue) for queue in vars(desk).values())
        assert any(row.was_late for row in desk.awaiting_inspection)
        assert any(row.missing_components for row in desk.awaiting_inspection)
        assert any(not row.missing_components for row in desk.awaiting_inspection)
        written = Template(TAGS).render(Context({"desk": desk}))
        assert written == _reference(desk)
    assert "&lt;自治会&gt; &amp; &quot;子ども会&quot;" in written
    assert "&lt;袋&gt;" in written


def test_empty_queues_write_no_rows(db):
    desk = selectors.desk(TODAY)
    assert Template(TAGS).render(Context({"desk": desk})) == "\n||||"
    assert _reference(desk) == "\n||||"


def test_the_desk_page_shows_the_rows(make_org, make_type, db, client_for, lending_staff):
    reservations, projector = _reservations(make_org, make_type)
    _loans(reservations, projector)
    page = client_for(lending_staff).get(reverse("lending:desk")).content.decode()
    desk = selectors.desk()
    for part in _reference(desk).split("|"):
        assert part.strip() in page


MAINTENANCE_LOOP = """{% load i18n %}{% for entry in due %}<tr>
    <td><a href="{% url 'lending:item_detail' entry.item.pk %}">{{ entry.item.tag_number }}</a></td>
    <td>{{ entry.item.display_name }}</td>
    <td>{{ entry.plan.name }}{% if entry.after_loan %} <span class="badge">{% translate "after a loan" %}</span>{% endif %}</td>
    <td>{% if entry.due_on < today %}<span class="badge badge--danger">{{ entry.due_on|short_date }}</span>{% else %}{{ entry.due_on|short_date }}{% endif %}</td>
    <td>{{ entry.item.get_status_display }}</td>
    <td><a class="button" href="{% url 'lending:item_maintenance' entry.item.pk %}">{% translate "Record maintenance" %}<span class="visually-hidden"> {{ entry.item.tag_number }}</span></a></td>
  </tr>{% endfor %}"""  # noqa: E501


def _due_fleet(make_type, make_item, staff, count: int):
    """``count`` tablets due under a plan (some long overdue, one named), one after a loan."""
    tablets = make_type("タブレット<10型>")
    plan = MaintenancePlan.objects.create(
        equipment_type=tablets,
        name="初期化 & 充電",
        interval_days=30,
        after_each_loan=True,
        starts_on=TODAY - timedelta(days=5 * count),
    )
    units = [make_item(tablets, tag_number=f"MB-TB-{n:03d}") for n in range(count)]
    Item.objects.filter(pk=units[0].pk).update(name="<予備>")
    for n, unit in enumerate(units[1:], start=1):
        MaintenanceRecord.objects.create(
            item=unit,
            plan=plan,
            done_on=TODAY - timedelta(days=20 + n),
            done_by=staff,
            work="点検",
            result="done",
            recorded_at=at(TODAY - timedelta(days=20 + n)),
        )
    return plan, units


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_maintenance_rows_are_what_the_loop_wrote(
    make_type, make_item, lending_staff, language
):
    _due_fleet(make_type, make_item, lending_staff, 12)
    until = TODAY + timedelta(days=14)
    with translation.override(language):
        due = maintenance.due_items(until=until)
        assert len(due) >= 5 and any(d.due_on < TODAY for d in due)
        assert any(d.due_on >= TODAY for d in due)
        context = {"due": due, "today": TODAY}
        written = Template("{% load desk %}{% maintenance_rows due today %}").render(
            Context(context)
        )
        assert written == Template(MAINTENANCE_LOOP).render(Context(context))
    assert "&lt;予備&gt;" in written and "初期化 &amp; 充電" in written


def test_the_desk_shows_the_soonest_units_due_and_links_to_them_all(
    make_type, make_item, db, client_for, lending_staff
):
    _due_fleet(make_type, make_item, lending_staff, DESK_QUEUE_LENGTH + 5)
    page = client_for(lending_staff).get(reverse("lending:desk"))
    assert page.context["maintenance_due"].total == DESK_QUEUE_LENGTH + 5
    assert len(page.context["maintenance_due"].rows) == DESK_QUEUE_LENGTH
    body = page.content.decode()
    assert reverse("lending:maintenance_due") in body
    everything = client_for(lending_staff).get(reverse("lending:maintenance_due"))
    assert len(everything.context["due"]) == DESK_QUEUE_LENGTH + 5
