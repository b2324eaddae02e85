"""The admin site signs in through allauth: two-factor and sign-in rate limits hold there too."""

import pytest
from allauth.account.adapter import get_adapter
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    generate_totp_secret,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client

from tests.conftest import PASSWORD


@pytest.fixture
def superuser_with_totp(make_user):
    user = make_user(email="admin@example.jp", is_staff=True, is_superuser=True)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return user, secret


def _current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))


@pytest.mark.django_db
def test_the_admin_sign_in_form_is_allauths_not_djangos(superuser_with_totp):
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.django_db
def test_a_password_posted_to_the_admin_sign_in_does_not_sign_in(superuser_with_totp):
    user, _ = superuser_with_totp
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_a_superuser_with_totp_is_sent_to_the_second_factor(superuser_with_totp):
    user, secret = superuser_with_totp
    client = Client()
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    response = client.post(login_url, {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    # The password alone has not opened the admin site.
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    done = client.post("/accounts/2fa/authenticate/", {"code": _current_code(secret)})
    assert done.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_repeated_wrong_passwords_for_the_admin_are_rate_limited(superuser_with_totp):
    user, _ = superuser_with_totp
    client = Client()
    login_url = client.get("/admin/login/?next=/admin/")["Location"]
    too_many = str(get_adapter().error_messages["too_many_login_attempts"])
    answers = [
        client.post(login_url, {"login": user.email, "password": "wrong-password"})
        for _ in range(12)
    ]
    assert all(answer.status_code == 200 for answer in answers)
    assert too_many in answers[-1].content.decode()
    # Once limited, even the right password is refused for now.
    right = client.post(login_url, {"login": user.email, "password": PASSWORD})
    assert too_many in right.content.decode()
    assert "_auth_user_id" not in client.session
