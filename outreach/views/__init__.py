"""Views of the classes side, by audience: staff, attendance, analysis, public, open data."""
