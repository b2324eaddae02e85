"""Routes of the outreach app (full paths: this module is mounted at the site root)."""

from django.urls import path  # noqa: F401

from outreach import signup_urls

app_name = "outreach"

urlpatterns: list = [
    *signup_urls.urlpatterns,
]
