"""Outreach models by topic: classes (courses, sessions, applications, attendance)
and volunteer sign-ups for classes."""

from .classes import *  # noqa: F403
from .signups import *  # noqa: F403
