"""A group's people: invite a representative by e-mail, withdraw or resend, remove a member.

The invitation link (``invitation_accept``) is the one page here without a sign-in:
it says which group the invitation is for and leads to allauth's sign-up with the
address filled in. The membership comes only once that address is verified.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required
from lending.forms import MembershipRemoveForm, RepresentativeInviteForm
from lending.models import Membership, Organisation, RepresentativeInvitation
from lending.services import (
    membership_revoke,
    representative_invitation_cancel,
    representative_invitation_resend,
    representative_invite,
)

staff_only = role_required(Role.LENDING_STAFF)


def get_invitation(pk: int) -> RepresentativeInvitation:
    """The one way staff pages load an invitation (every 生活課 member may open each)."""
    return get_object_or_404(
        RepresentativeInvitation.objects.select_related("organisation", "invited_by"), pk=pk
    )


@staff_only
def invite(request, pk: int):
    """Invite someone by e-mail to act for the group."""
    organisation = get_object_or_404(Organisation, pk=pk)
    form = RepresentativeInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation = representative_invite(
                organisation=organisation, by=request.user, **form.cleaned_data
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request,
                _("The invitation was sent to %(email)s.") % {"email": invitation.email},
            )
            return redirect("lending:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "lending/representative_invite.html",
        {"organisation": organisation, "form": form},
    )


@staff_only
@require_POST
def invitation_resend(request, pk: int):
    """Send the invitation again with a new link."""
    invitation = get_invitation(pk)
    try:
        representative_invitation_resend(invitation=invitation, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The invitation was sent again."))
    return redirect("lending:organisation_detail", pk=invitation.organisation_id)


@staff_only
@require_POST
def invitation_cancel(request, pk: int):
    """Withdraw an invitation; its link stops working."""
    invitation = get_invitation(pk)
    try:
        representative_invitation_cancel(invitation=invitation, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The invitation was withdrawn."))
    return redirect("lending:organisation_detail", pk=invitation.organisation_id)


@staff_only
@require_POST
def membership_remove(request, pk: int):
    """Remove a member from the group: the account no longer acts for it."""
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    form = MembershipRemoveForm(request.POST)
    form.is_valid()
    try:
        membership_revoke(
            membership=membership, by=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(
            request,
            _("%(user)s no longer acts for the group.") % {"user": membership.user.full_name},
        )
    return redirect("lending:organisation_detail", pk=membership.organisation_id)


@login_not_required
@never_cache
def invitation_accept(request, token: str):
    """The link in the invitation mail: which group it is for, and the way to sign up."""
    invitation = get_object_or_404(
        RepresentativeInvitation.objects.select_related("organisation", "invited_by"),
        token=token,
    )
    signup_url = reverse("account_signup") + "?" + urlencode({"email": invitation.email})
    return render(
        request,
        "lending/invitation_accept.html",
        {"invitation": invitation, "signup_url": signup_url},
    )
