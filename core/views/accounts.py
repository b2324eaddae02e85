"""The 管理者's pages: who has which role, invitations, roles, deactivation, two-factor reset.

The invitation link (``invitation_accept``) is the one page here without a sign-in:
it explains the invitation and leads to allauth's sign-up with the address filled in.
"""

from urllib.parse import urlencode

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core import services
from core.audit import audit_history_of
from core.exports import export_response
from core.forms import (
    AccountFilterForm,
    AccountRolesForm,
    DeactivateForm,
    InvitationForm,
    TwoFactorResetForm,
)
from core.models import Invitation, User
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import ASSIGNABLE_ROLES, Role, role_required
from core.selectors import accounts_with_roles, role_names_of
from core.views._common import export_format, page_of

administrator_only = role_required(Role.ADMINISTRATOR)


def get_account(pk: int) -> User:
    """The one way these pages load an account (the 管理者 may open every account)."""
    return get_object_or_404(User, pk=pk)


def get_invitation(pk: int) -> Invitation:
    return get_object_or_404(Invitation.objects.select_related("invited_by"), pk=pk)


# --- Who has which role -----------------------------------------------------------------


@administrator_only
def account_list(request):
    """Every account with its roles; filter by name, role and state; CSV or Excel."""
    form = AccountFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    accounts = accounts_with_roles(
        query=data.get("q", ""), role=data.get("role", ""), active=data.get("active", "")
    )
    if wanted := export_format(request):
        header = [
            _("Name"),
            _("Email address"),
            _("Roles"),
            _("State"),
            _("Two-step verification"),
            _("Last sign-in"),
        ]
        rows = (
            [
                account.full_name,
                account.email,
                "、".join(role_names_of(account)),
                pgettext("account", "Active") if account.is_active else _("Deactivated"),
                _("Set up") if account.has_two_factor else _("Not set up"),
                account.last_login,
            ]
            for account in accounts
        )
        return export_response("staff-accounts", wanted, header, rows, title=_("Staff accounts"))
    page = page_of(request, accounts)
    rows = [(account, role_names_of(account)) for account in page]
    return render(request, "core/account_list.html", {"form": form, "page": page, "rows": rows})


# --- One account ------------------------------------------------------------------------


def _account_page(request, account: User, **forms):
    """The account's page, with any of its forms bound after a refused or invalid POST."""
    current = list(account.groups.values_list("name", flat=True))
    context = {
        "account": account,
        "is_self": account.pk == request.user.pk,
        "other_roles": [
            str(role.label)
            for role in Role
            if role.value in current and role not in ASSIGNABLE_ROLES
        ],
        "roles_form": forms.get("roles_form")
        or AccountRolesForm(initial={"roles": [r for r in current if r in ASSIGNABLE_ROLES]}),
        "deactivate_form": forms.get("deactivate_form") or DeactivateForm(),
        "reset_form": forms.get("reset_form") or TwoFactorResetForm(),
        "two_factor_kinds": sorted(
            set(Authenticator.objects.filter(user=account).values_list("type", flat=True))
        ),
        "history": audit_history_of([account, *account.invitations.all()]),
    }
    return render(request, "core/account_detail.html", context)


@administrator_only
def account_detail(request, pk: int):
    """One account: its roles, its state, its two-step verification and its history."""
    return _account_page(request, get_account(pk))


@administrator_only
@require_POST
def account_roles(request, pk: int):
    """Give and remove staff roles (and the kiosk's)."""
    account = get_account(pk)
    form = AccountRolesForm(request.POST)
    if form.is_valid():
        try:
            added, removed = services.account_roles_set(
                account=account, roles=form.cleaned_data["roles"], by=request.user
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            if added or removed:
                messages.success(request, _("The roles were changed."))
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("core:account_detail", pk=account.pk)
    return _account_page(request, account, roles_form=form)


@administrator_only
@require_POST
def account_deactivate(request, pk: int):
    """Close an account; it can no longer sign in, and its history keeps its name."""
    account = get_account(pk)
    form = DeactivateForm(request.POST)
    if form.is_valid():
        try:
            services.account_deactivate(
                account=account, by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("The account was deactivated."))
            return redirect("core:account_detail", pk=account.pk)
    return _account_page(request, account, deactivate_form=form)


@administrator_only
@require_POST
def account_reactivate(request, pk: int):
    """Open a deactivated account again."""
    account = get_account(pk)
    try:
        services.account_reactivate(account=account, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The account was reactivated."))
    return redirect("core:account_detail", pk=account.pk)


@administrator_only
@require_POST
def account_two_factor_reset(request, pk: int):
    """Remove someone's two-step verification (with the reason); they set it up again."""
    account = get_account(pk)
    form = TwoFactorResetForm(request.POST)
    if form.is_valid():
        try:
            services.account_two_factor_reset(
                account=account, by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request,
                _("Two-step verification was reset. They set it up again at their next sign-in."),
            )
            return redirect("core:account_detail", pk=account.pk)
    return _account_page(request, account, reset_form=form)


# --- Invitations ------------------------------------------------------------------------


@administrator_only
def invitation_list(request):
    """Invitations sent, newest first, with their state."""
    page = page_of(request, Invitation.objects.select_related("invited_by", "accepted_by"))
    return render(request, "core/invitation_list.html", {"page": page, "now": timezone.now()})


@administrator_only
def invitation_new(request):
    """Invite someone by e-mail to become staff with the chosen roles."""
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = services.invitation_send(by=request.user, **form.cleaned_data)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request,
                _("The invitation was sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("core:invitation_list")
    return render(request, "core/invitation_form.html", {"form": form})


@administrator_only
@require_POST
def invitation_resend(request, pk: int):
    """Send the invitation again with a new link."""
    try:
        services.invitation_resend(invitation=get_invitation(pk), by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The invitation was sent again."))
    return redirect("core:invitation_list")


@administrator_only
@require_POST
def invitation_cancel(request, pk: int):
    """Withdraw an invitation; its link stops working."""
    try:
        services.invitation_cancel(invitation=get_invitation(pk), by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("core:invitation_list")


@login_not_required
@never_cache
def invitation_accept(request, token: str):
    """The link in the invitation mail: what the invitation is, and the way to sign up."""
    invitation = get_object_or_404(Invitation.objects.select_related("invited_by"), token=token)
    signup_url = reverse("account_signup") + "?" + urlencode({"email": invitation.email})
    return render(
        request,
        "core/invitation_accept.html",
        {
            "invitation": invitation,
            "roles": services.role_labels(invitation.roles),
            "signup_url": signup_url,
        },
    )
