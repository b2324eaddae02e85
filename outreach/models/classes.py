"""Courses, class sessions, applications and attendance."""
