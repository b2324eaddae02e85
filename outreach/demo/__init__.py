"""Demo data of outreach (``manage.py seed_demo``): the classes, then the volunteers'
sign-ups for them. Idempotent, like every part of the demo."""

from . import classes, signups


def seed(stdout=None) -> None:
    classes.seed(stdout)
    signups.seed(stdout)
