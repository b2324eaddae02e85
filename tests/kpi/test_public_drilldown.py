"""The public drill-down shows what a KPI counts, never the free text a group typed (issue 17)."""

import pytest
from django.urls import reverse

from tests.kpi.test_cross_app import loans, policy  # noqa: F401 - fixtures

pytestmark = pytest.mark.django_db


def test_the_public_community_loans_rows_have_no_event_name_or_reservation_number(
    client,
    fy2025_running,
    loans,  # noqa: F811
):
    response = client.get(reverse("kpi:public_facts", args=[2025, "community-loans", 2025]))
    assert response.status_code == 200
    html = response.content.decode()
    keys = [column.key for column in response.context["columns"]]
    assert "event_name" not in keys and "reservation" not in keys
    assert {"handed_out_on", "organisation", "item_types"} <= set(keys)
    assert "タブレット" in html  # the types lent, instead of the free text
    assert "防災訓練" not in html  # the event name as the group typed it
    assert "本納地区自治会" in html  # the group is what the KPI counts
    assert len(response.context["cells"][0]) == len(keys)


def test_staff_still_see_the_event_name_in_the_drill_down(client_for, dx_staff, loans):  # noqa: F811
    response = client_for(dx_staff).get(reverse("kpi:facts", args=[2025, "community-loans", 2025]))
    assert response.status_code == 200
    assert "防災訓練" in response.content.decode()
