"""A year typed wrong (0155 for 2015) is refused at the form; one already stored breaks no page."""

from datetime import date

import pytest

from core.forms import DayField
from volunteers.models import TrainingRecord

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["0155-09-20", "1899-12-31", "2100-01-01", "9999-12-31"])
def test_a_training_dated_outside_the_sane_range_is_refused_in_japanese(
    client_for, dx_staff, make_profile, typed
):
    profile = make_profile()
    response = client_for(dx_staff).post(
        f"/volunteers/{profile.pk}/training/", {"course": "研修", "completed_on": typed}
    )
    assert response.status_code == 400
    assert (
        "1900年1月1日から2099年12月31日までの日付を入力してください。" in response.content.decode()
    )
    assert not TrainingRecord.objects.filter(profile=profile).exists()


def test_a_training_on_the_first_sane_day_is_recorded(client_for, dx_staff, make_profile):
    profile = make_profile()
    client_for(dx_staff).post(
        f"/volunteers/{profile.pk}/training/", {"course": "研修", "completed_on": "1900-01-01"}
    )
    assert TrainingRecord.objects.get(profile=profile).completed_on == date(1900, 1, 1)


def test_a_training_stored_before_meiji_still_shows_the_volunteer_page(
    client_for, dx_staff, make_profile
):
    profile = make_profile()
    TrainingRecord.objects.create(profile=profile, course="研修", completed_on=date(155, 9, 20))
    response = client_for(dx_staff).get(f"/volunteers/{profile.pk}/")
    assert response.status_code == 200


def test_the_date_picker_is_bounded_like_the_field():
    html = DayField().widget.render("day", None)
    assert 'min="1900-01-01"' in html
    assert 'max="2099-12-31"' in html
    assert 'type="date"' in html
