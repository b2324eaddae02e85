"""With the production setting on, city staff cannot reach staff pages without TOTP."""

import pytest
from allauth.mfa.models import Authenticator
from django.test import override_settings


@pytest.mark.django_db
@override_settings(TSUNAGU_STAFF_MFA_REQUIRED=True)
@pytest.mark.parametrize("persona", ["lending_staff", "dx_staff"])
def test_staff_without_two_factor_are_sent_to_set_it_up(request, client_for, persona):
    staff = request.getfixturevalue(persona)
    response = client_for(staff).get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"


@pytest.mark.django_db
@override_settings(TSUNAGU_STAFF_MFA_REQUIRED=True)
def test_staff_with_totp_reach_staff_pages(client_for, lending_staff):
    Authenticator.objects.create(
        user=lending_staff, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    assert client_for(lending_staff).get("/dashboard/").status_code == 200


@pytest.mark.django_db
@override_settings(TSUNAGU_STAFF_MFA_REQUIRED=True)
def test_volunteers_are_not_forced_into_two_factor(client_for, volunteer_user):
    assert client_for(volunteer_user).get("/dashboard/").status_code == 200


@pytest.mark.django_db
@override_settings(TSUNAGU_STAFF_MFA_REQUIRED=False)
def test_demo_setting_lets_staff_in_with_a_password(client_for, lending_staff):
    assert client_for(lending_staff).get("/dashboard/").status_code == 200
