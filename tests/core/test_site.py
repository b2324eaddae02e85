"""The front door: home page, language switcher, sign-in, health check, deploy check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from core.audit import audit_history, audit_record
from core.models import AuditEntry, Facility, User

BASE_DIR = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_home_page_is_japanese_and_public(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in html
    assert "つなぐ" in html
    assert "本文へ移動" in html  # skip link


@pytest.mark.django_db
def test_browser_language_does_not_override_japanese(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ja">' in html


@pytest.mark.django_db
def test_language_switcher_turns_the_site_english_and_back(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    client.post("/i18n/setlang/", {"language": "ja", "next": "/"})
    assert '<html lang="ja">' in client.get("/").content.decode()


@pytest.mark.django_db
def test_sign_in_page_has_login_and_password_fields_in_japanese(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'name="login"' in html
    assert 'name="password"' in html
    assert "ログイン" in html


@pytest.mark.django_db
def test_sign_in_with_email_and_password(client, make_user):
    user = make_user(email="someone@example.jp")
    response = client.post(
        "/accounts/login/", {"login": "someone@example.jp", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert client.get("/dashboard/").context["user"] == user


@pytest.mark.django_db
def test_healthz_reports_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_every_response_carries_a_content_security_policy(client):
    assert "default-src 'self'" in client.get("/")["Content-Security-Policy"]


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "SECRET_KEY": "a-real-secret-" + "x7Kq9!vR2$mP4&wZ8@nB6^tY3*hL5(cJ1)" * 2,
        "ALLOWED_HOSTS": "tsunagu.example.jp",
        "SITE_URL": "https://tsunagu.example.jp",
        "EMAIL_URL": "smtp://mailer:secret@mail.example.jp:587?tls=1",
    }
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.prod", ALLOWED_HOSTS="x", SITE_URL="https://x"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_audit_entries_are_append_only(lending_staff, make_facility):
    facility = make_facility()
    entry = audit_record(
        actor=lending_staff,
        action="core.facility.changed",
        target=facility,
        changes={"phone": ["1", "2"]},
    )
    assert list(audit_history(facility)) == [entry]
    entry.note = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).note == ""


@pytest.mark.django_db
def test_seed_demo_is_refused_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_the_demo_accounts(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Facility.objects.count(), AuditEntry.objects.count())
    call_command("seed_demo")
    assert (User.objects.count(), Facility.objects.count(), AuditEntry.objects.count()) == counts
    for email in [
        "seikatsu@example.jp",
        "somu@example.jp",
        "volunteer@example.jp",
        "jichikai@example.jp",
        "kiosk@example.jp",
    ]:
        assert User.objects.get(email=email).check_password("tsunagu-demo")
    assert Facility.objects.filter(name="茂原市役所").exists()


def test_translations_are_current_and_complete():
    """Every msgid in code and templates has a Japanese translation (the `make check` rule)."""
    call_command("i18n", check=True)
