"""The lending rules of the 要綱: every 生活課 member reads them, the lead changes them."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_history_of, with_changes
from core.refusals import Refusal, put_on_form
from core.roles import Role, has_role, role_required
from lending.forms import LendingRuleForm
from lending.models import LendingRule, Organisation
from lending.rules import RULE_FIELDS, rules_by_kind, rules_for
from lending.services import lending_rule_change


def _kind_label(kind: str) -> str:
    """The label of a kind of group named in the URL; 404 for anything else."""
    labels = dict(Organisation.Kind.choices)
    if kind not in labels:
        raise Http404
    return str(labels[kind])


@role_required(Role.LENDING_STAFF, Role.LENDING_LEAD)
def rules(request):
    """The rules in force today per kind of group, the changes to come, and their history."""
    today = timezone.localdate()
    current = rules_by_kind(today)
    upcoming = list(
        LendingRule.objects.filter(effective_from__gt=today)
        .select_related("created_by")
        .order_by("effective_from", "borrower_kind")
    )
    fields = {name: LendingRule._meta.get_field(name).verbose_name for name in RULE_FIELDS}
    kinds = [
        (
            kind,
            label,
            [(fields[name], getattr(current[kind], name)) for name in RULE_FIELDS],
            current[kind],
        )
        for kind, label in Organisation.Kind.choices
    ]
    recorded = list(LendingRule.objects.order_by("-created_at", "-pk")[:50])
    return render(
        request,
        "lending/rules.html",
        {
            "today": today,
            "kinds": kinds,
            "upcoming": upcoming,
            "may_change": has_role(request.user, Role.LENDING_LEAD),
            "history": with_changes(audit_history_of(recorded, limit=50), LendingRule),
        },
    )


@role_required(Role.LENDING_LEAD)
def rule_change(request, kind: str):
    """The lead records new rules for one kind of group, from a date, with the reason."""
    label = _kind_label(kind)
    today = timezone.localdate()
    current = rules_for(kind, today)
    form = LendingRuleForm(
        request.POST or None, initial={**current.values(), "effective_from": today}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lending_rule_change(
                kind=kind,
                values={name: data[name] for name in RULE_FIELDS},
                effective_from=data["effective_from"],
                reason=data["reason"],
                by=request.user,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request,
                _(
                    "The new rules for %(kind)s were recorded. Reservations already made keep theirs."
                )
                % {"kind": label},
            )
            return redirect("lending:rules")
    return render(
        request,
        "lending/rule_form.html",
        {"form": form, "kind": kind, "kind_label": label, "current": current},
    )
