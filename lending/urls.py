"""Routes of the lending app (full paths: this module is mounted at the site root)."""

from django.urls import path  # noqa: F401

from lending import kiosk_urls

app_name = "lending"

urlpatterns: list = [
    *kiosk_urls.urlpatterns,
]
