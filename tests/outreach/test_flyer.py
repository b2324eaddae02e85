"""The printed month flyer: every class of the month, even on its last day, and a QR
code to the classes page."""

import pytest
from django.utils import timezone

from outreach.models import ClassSession

from .conftest import jst

pytestmark = pytest.mark.django_db


@pytest.fixture
def november(make_session):
    held = make_session(
        title="11月前半の教室", starts_at=jst(2026, 11, 10, 10, 0), status=ClassSession.Status.HELD
    )
    last = make_session(title="月末の教室", starts_at=jst(2026, 11, 30, 14, 0))
    make_session(title="12月の教室", starts_at=jst(2026, 12, 3, 10, 0))
    return held, last


@pytest.mark.parametrize("hour,minute", [(0, 0), (23, 59)])
def test_on_the_last_day_of_a_month_the_flyer_still_lists_its_classes(
    client, november, monkeypatch, hour, minute
):
    monkeypatch.setattr(timezone, "now", lambda: jst(2026, 11, 30, hour, minute))
    body = client.get("/classes/flyer/").content.decode()
    assert "11月前半の教室" in body and "月末の教室" in body
    assert "12月の教室" not in body
    assert "ありません" not in body


def test_the_next_month_starts_at_midnight_japan_time(client, november, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: jst(2026, 12, 1, 0, 0))
    body = client.get("/classes/flyer/").content.decode()
    assert "12月の教室" in body and "月末の教室" not in body


def test_the_flyer_has_a_qr_code_to_the_classes_page(client, november, settings):
    body = client.get("/classes/flyer/?month=2026-11").content.decode()
    assert '<svg role="img"' in body
    assert 'aria-label="教室のページのQRコード"' in body


def test_a_cancelled_or_planned_class_is_not_on_the_flyer(client, make_session):
    make_session(title="中止の教室", starts_at=jst(2026, 11, 12, 10, 0), status="cancelled")
    make_session(title="準備中の教室", starts_at=jst(2026, 11, 13, 10, 0), status="planned")
    body = client.get("/classes/flyer/?month=2026-11").content.decode()
    assert "中止の教室" not in body and "準備中の教室" not in body


def test_phone_numbers_in_how_to_apply_can_be_tapped(client, make_session, settings):
    session = make_session()
    phone = settings.TSUNAGU["city"]["phone"]
    for url in ("/classes/", f"/classes/{session.pk}/", "/classes/flyer/", "/classes/cancel/"):
        body = client.get(url).content.decode()
        main = body[body.index("<main") : body.index("</main>")]
        assert f'<a href="tel:{phone}" class="tel">{phone}</a>' in main, url
