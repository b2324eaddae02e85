"""Volunteer sign-ups for class sessions."""
