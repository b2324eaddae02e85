"""Views of the lending app, by audience: public, staff desk, groups."""
