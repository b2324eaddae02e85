"""Routes of the kpi app (full paths: this module is mounted at the site root)."""

from django.urls import path  # noqa: F401

app_name = "kpi"

urlpatterns: list = []
