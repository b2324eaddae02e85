"""Demo data of outreach (``manage.py seed_demo``): the classes, then the volunteers'
sign-ups for them, then the changes people are told about (a class moved, one
cancelled, the reminders), and the staff list with training by person. Idempotent, like every part of the demo."""

from core.fiscal import current_fiscal_year

from . import classes, notices, signups, staff


def seed(stdout=None) -> None:
    classes.seed(stdout)
    signups.seed(stdout)
    notices.seed(stdout)
    staff.seed(stdout, fiscal_year=current_fiscal_year())
