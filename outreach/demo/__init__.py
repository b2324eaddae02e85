"""Demo data of outreach (``manage.py seed_demo``): the classes, then the volunteers'
sign-ups for them, then the changes people are told about (a class moved, one
cancelled, the reminders). Idempotent, like every part of the demo."""

from . import classes, notices, signups


def seed(stdout=None) -> None:
    classes.seed(stdout)
    signups.seed(stdout)
    notices.seed(stdout)
