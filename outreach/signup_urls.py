"""Routes for volunteer sign-ups to classes (part of the outreach namespace)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
