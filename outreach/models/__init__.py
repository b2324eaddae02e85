"""Outreach models by topic: classes (courses, sessions, applications, attendance)
volunteer sign-ups for classes, and city staff (for training per person)."""

from .classes import *  # noqa: F403
from .signups import *  # noqa: F403
from .staff import *  # noqa: F403
