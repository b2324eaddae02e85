"""Changing the lending rules: a new row per change, with its date and reason."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.refusals import Refusal, clean_or_refuse
from lending.models import LendingRule, Organisation
from lending.rules import RULE_FIELDS, rules_for


def lending_rule_change(
    *,
    kind: str,
    values: dict,
    effective_from: date,
    reason: str,
    by,
    today: date | None = None,
) -> LendingRule:
    """Record new rules for one kind of group from ``effective_from`` on.

    Never back-dated (a rule cannot reach requests already made), never silent
    (a reason is required and the change is audited with the old and new values).
    Reservations already made keep the rules they were made under.
    """
    today = today or timezone.localdate()
    if kind not in Organisation.Kind.values:
        raise Refusal(_("Unknown kind of group."))
    reason = (reason or "").strip()
    if not reason:
        raise Refusal(_("Please give the reason for the change."), field="reason")
    if effective_from < today:
        raise Refusal(
            _("A rule cannot start in the past: choose today or a later day."),
            field="effective_from",
        )
    before = rules_for(kind, effective_from).values()
    after = {name: values[name] for name in RULE_FIELDS}
    changed = {
        name: [before[name], after[name]] for name in RULE_FIELDS if before[name] != after[name]
    }
    if not changed:
        raise Refusal(_("These are the rules already in force on that day: nothing to change."))
    rule = LendingRule(
        borrower_kind=kind, effective_from=effective_from, reason=reason, created_by=by, **after
    )
    with transaction.atomic():
        clean_or_refuse(rule)
        rule.save()
        audit_record(
            actor=by,
            action="lending.rule.changed",
            target=rule,
            changes=changed,
            note=reason,
        )
    return rule
