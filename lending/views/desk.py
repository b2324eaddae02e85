"""The 生活課 desk: today's work, approvals, hand-out, counter return, inspection, lists."""

from django.contrib import messages
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from core.audit import audit_history, audit_history_of, person_name
from core.exports import TableExport
from core.fiscal import fiscal_year_label, short_datetime
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required
from core.selectors import open_call_count
from core.tables import CountOfPaginator
from lending import maintenance, selectors
from lending.filters import ItemFilter, OrganisationFilter, ReservationFilter
from lending.forms import (
    CancelForm,
    HandOutForm,
    InspectionForm,
    MembershipRemoveForm,
    OrganisationForm,
    RejectForm,
    ReservationRequestForm,
    RetireForm,
    ReturnCheckForm,
    ScanForm,
)
from lending.models import (
    EquipmentType,
    Item,
    Loan,
    Membership,
    Organisation,
    Reservation,
)
from lending.services import (
    hand_out_despite_maintenance,
    item_repair_finish,
    item_retire,
    kit_hand_out,
    loan_hand_out,
    loan_inspect,
    loan_return,
    membership_verify,
    organisation_save,
    reservation_approve,
    reservation_cancel,
    reservation_reject,
    reservation_release_unhanded,
)
from lending.services.organisations import organisation_snapshot
from lending.tables import ItemTable, OrganisationTable, ReservationTable
from lending.views.reservation_request import kits_offered, submit_request

staff_only = role_required(Role.LENDING_STAFF)


@staff_only
def desk(request):
    """Staff: today's pickups and returns, requests to approve, overdue loans, inspections."""
    return render(
        request,
        "lending/desk.html",
        {
            "desk": selectors.desk(),
            "today": timezone.localdate(),
            # Groups without e-mail to phone about their reservations (the 連絡リスト).
            "open_calls": open_call_count(request.user),
            # The soonest units due, with how many are due (the page links to them all).
            "maintenance_due": selectors.Queue(*_soonest(maintenance.desk_due())),
        },
    )


def _soonest(rows: list) -> tuple[list, int]:
    return rows[: selectors.DESK_QUEUE_LENGTH], len(rows)


# --- reservations -----------------------------------------------------------------


@staff_only
def reservation_detail(request, pk: int):
    """Staff: one reservation with its units, actions and history (its own and its loans')."""
    reservation = selectors.reservation_with_details(pk)
    return render(
        request,
        "lending/reservation_detail.html",
        {
            "reservation": reservation,
            "reject_form": RejectForm(),
            "cancel_form": CancelForm(),
            "history": audit_history_of([reservation, *reservation.loans.all()], limit=50),
            "today": timezone.localdate(),
        },
    )


@staff_only
def reservation_new(request):
    """Staff: take a reservation for a group that phoned in (optionally a 仮予約)."""
    form = ReservationRequestForm(
        request.POST or None,
        organisations=Organisation.objects.filter(is_verified=True, is_active=True),
        types=EquipmentType.objects.filter(is_active=True),
        kits=kits_offered(lambda t: True),
        staff=True,
    )
    if request.method == "POST" and form.is_valid():
        reservation = submit_request(request, form, staff=True)
        if reservation is not None:
            return redirect("lending:reservation_detail", pk=reservation.pk)
    return render(request, "lending/reservation_form.html", {"form": form, "staff": True})


@staff_only
@require_POST
def reservation_approve_view(request, pk: int):
    """Staff: approve a request; the group gets a mail."""
    reservation = get_object_or_404(Reservation, pk=pk)
    try:
        reservation_approve(reservation=reservation, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("Approved. A mail has been sent to the group."))
    return redirect("lending:reservation_detail", pk=pk)


@staff_only
def reservation_reject_view(request, pk: int):
    """Staff: reject a request with a reason that is mailed to the group."""
    reservation = get_object_or_404(Reservation.objects.select_related("organisation"), pk=pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reservation_reject(
                reservation=reservation, by=request.user, reason=form.cleaned_data["reason"]
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("Rejected. A mail has been sent to the group."))
            return redirect("lending:reservation_detail", pk=pk)
    return render(
        request, "lending/reservation_reject.html", {"reservation": reservation, "form": form}
    )


@staff_only
@require_POST
def reservation_cancel_view(request, pk: int):
    """Staff: cancel for a group (for example when it phones)."""
    reservation = get_object_or_404(Reservation, pk=pk)
    form = CancelForm(request.POST)
    form.is_valid()
    try:
        reservation_cancel(
            reservation=reservation, by=request.user, reason=form.cleaned_data.get("reason", "")
        )
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The reservation has been cancelled."))
    return redirect("lending:reservation_detail", pk=pk)


@staff_only
def reservation_hand_out(request, pk: int):
    """Staff: hand out by scanning each unit's QR label (or typing its tag number)."""
    reservation = selectors.reservation_with_details(pk)
    form = HandOutForm(request.POST or None)
    maintenance_due = []
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        item = selectors.item_find_by_code(code)
        kit = None if item else selectors.kit_units_for_code(code)
        if kit is not None:
            return _hand_out_kit(request, reservation, form, *kit)
        # A unit due for maintenance goes out only after staff confirm they know.
        maintenance_due = maintenance.due_at_hand_out(item) if item else []
        if not maintenance_due or form.cleaned_data["confirm_maintenance"]:
            try:
                loan = loan_hand_out(reservation=reservation, code=code, by=request.user)
            except Refusal as refusal:
                put_on_form(form, refusal)
                maintenance_due = []
            else:
                if maintenance_due:
                    hand_out_despite_maintenance(
                        item=loan.item,
                        by=request.user,
                        plans=[d.plan.name for d in maintenance_due],
                    )
                messages.success(request, _("%(tag)s handed out.") % {"tag": loan.item.tag_number})
                return redirect("lending:reservation_hand_out", pk=pk)
    return render(
        request,
        "lending/hand_out.html",
        {
            "reservation": reservation,
            "form": form,
            "loans": reservation.loans.all(),
            "maintenance_due": maintenance_due,
            "today": timezone.localdate(),
        },
    )


def _hand_out_kit(request, reservation, form, kit, units):
    """The kit's own label was scanned: hand out all its units at once (all or none)."""
    maintenance_due = maintenance.due_items(
        until=timezone.localdate(), items=units, include_on_loan=True
    )
    if not maintenance_due or form.cleaned_data["confirm_maintenance"]:
        try:
            loans = kit_hand_out(reservation=reservation, kit=kit, by=request.user)
        except Refusal as refusal:
            put_on_form(form, refusal)
            maintenance_due = []
        else:
            if maintenance_due:
                for unit in {due.item for due in maintenance_due}:
                    hand_out_despite_maintenance(
                        item=unit,
                        by=request.user,
                        plans=[d.plan.name for d in maintenance_due if d.item == unit],
                    )
            messages.success(
                request,
                _("Kit %(tag)s handed out: %(count)d units.")
                % {"tag": kit.tag_number, "count": len(loans)},
            )
            return redirect("lending:reservation_hand_out", pk=reservation.pk)
    return render(
        request,
        "lending/hand_out.html",
        {
            "reservation": reservation,
            "form": form,
            "loans": reservation.loans.all(),
            "maintenance_due": maintenance_due,
            "today": timezone.localdate(),
        },
    )


@staff_only
@require_POST
def reservation_release_view(request, pk: int):
    """Staff: give back the units a group did not take."""
    reservation = get_object_or_404(Reservation, pk=pk)
    try:
        count = reservation_release_unhanded(reservation=reservation, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("%(count)d unit(s) released.") % {"count": count})
    return redirect("lending:reservation_detail", pk=pk)


@staff_only
def reservation_slip(request, pk: int):
    """Staff: the printable 貸出票 (loan slip) the group signs at pickup."""
    reservation = selectors.reservation_with_details(pk)
    return render(request, "lending/slip.html", {"reservation": reservation})


# --- returns and inspection ----------------------------------------------------------


@staff_only
def counter_return(request):
    """Staff: scan a unit that came back to the counter."""
    form = ScanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = selectors.item_find_by_code(form.cleaned_data["code"])
        kit = None if item else selectors.kit_units_for_code(form.cleaned_data["code"])
        if kit is not None:
            return redirect("lending:counter_return_kit", pk=kit[0].pk)
        if item is None:
            form.add_error(
                "code", _("No item has this code. Check the label or type the tag number.")
            )
        elif item.is_retired:
            form.add_error("code", _("%(tag)s is retired.") % {"tag": item.tag_number})
        elif selectors.open_loan_for_item(item) is not None:
            return redirect("lending:counter_return_item", pk=item.pk)
        elif (returned := selectors.returned_loan_awaiting_inspection(item)) is not None:
            # Returned at the kiosk already: say so, with the parts it reported missing,
            # and go on to the inspection, where they are filled in.
            messages.info(request, _already_returned_text(returned))
            return redirect("lending:loan_inspect", pk=returned.pk)
        else:
            form.add_error("code", _("%(tag)s is not on loan.") % {"tag": item.tag_number})
    return render(request, "lending/counter_return.html", {"form": form})


def _already_returned_text(loan: Loan) -> str:
    """「…は返却済みです（キオスク）。不足の報告: 電源ケーブル」 for a scan of a unit already back."""
    text = _("%(tag)s was already returned (%(via)s, %(when)s).") % {
        "tag": loan.item.tag_number,
        "via": loan.get_returned_via_display(),
        "when": short_datetime(loan.returned_at),
    }
    if loan.missing_components:
        text += " " + _("Reported missing: %(parts)s.") % {
            "parts": "、".join(loan.missing_components)
        }
    return text


@staff_only
def counter_return_item(request, pk: int):
    """Staff: tick the parts that came back and record the return."""
    item = get_object_or_404(Item.objects.select_related("equipment_type"), pk=pk)
    loan = selectors.open_loan_for_item(item)
    if loan is None:
        messages.info(request, _("%(tag)s is not on loan.") % {"tag": item.tag_number})
        return redirect("lending:counter_return")
    form = ReturnCheckForm(request.POST or None, components=item.components)
    if request.method == "POST" and form.is_valid():
        result = loan_return(
            item=item, by=request.user, via=Loan.Via.COUNTER, missing_components=form.missing()
        )
        if result.outcome == "returned":
            text = _("%(tag)s returned. It now waits for inspection.") % {"tag": item.tag_number}
            if result.was_late:
                text += " " + _("It came back after the due date.")
            messages.success(request, text)
        else:
            messages.info(request, _already_returned_text(result.loan))
        return redirect("lending:counter_return")
    return render(
        request, "lending/counter_return_item.html", {"item": item, "loan": loan, "form": form}
    )


@staff_only
def loan_inspect_view(request, pk: int):
    """Staff: inspect a returned unit (OK → available, otherwise → repair)."""
    loan = get_object_or_404(
        Loan.objects.select_related("item__equipment_type", "reservation__organisation"), pk=pk
    )
    form = InspectionForm(request.POST or None, initial=InspectionForm.initial_for(loan))
    if request.method == "POST" and form.is_valid():
        try:
            loan_inspect(loan=loan, by=request.user, **form.cleaned_data)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(
                request, _("Inspection of %(tag)s recorded.") % {"tag": loan.item.tag_number}
            )
            return redirect("lending:desk")
    return render(request, "lending/inspect.html", {"loan": loan, "form": form})


# --- items ------------------------------------------------------------------------------


@staff_only
def item_detail(request, pk: int):
    """Staff: one unit, its loans and its history; repair and retire."""
    item = get_object_or_404(Item.objects.select_related("equipment_type"), pk=pk)
    loans = item.loans.select_related("reservation__organisation").order_by("-pk")[:20]
    return render(
        request,
        "lending/item_detail.html",
        {
            "item": item,
            "loans": loans,
            "kit_membership": item.kit_memberships.select_related("kit").first(),
            "replacement_label": fiscal_year_label(item.replacement_fiscal_year)
            if item.replacement_fiscal_year
            else "",
            "retire_form": RetireForm(),
            "history": audit_history(item)[:30],
            "maintenance_records": maintenance.history_of(item)[:10],
        },
    )


@staff_only
@require_POST
def item_repair_finish_view(request, pk: int):
    """Staff: a repaired unit goes back on the shelf."""
    item = get_object_or_404(Item, pk=pk)
    try:
        item_repair_finish(item=item, by=request.user)
    except Refusal as refusal:
        show_refusal(request, refusal)
    else:
        messages.success(request, _("The item is available again."))
    return redirect("lending:item_detail", pk=pk)


@staff_only
@require_POST
def item_retire_view(request, pk: int):
    """Staff: retire a unit for good (it stays in the records)."""
    item = get_object_or_404(Item, pk=pk)
    form = RetireForm(request.POST)
    if form.is_valid():
        try:
            item_retire(item=item, by=request.user, reason=form.cleaned_data["reason"])
        except Refusal as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(request, _("The item has been retired."))
    else:
        messages.error(request, _("Please give the reason for retiring the item."))
    return redirect("lending:item_detail", pk=pk)


# --- organisations ------------------------------------------------------------------------


@staff_only
def organisation_edit(request, pk: int | None = None):
    """Staff: register or change a group, and verify the users acting for it."""
    organisation = get_object_or_404(Organisation, pk=pk) if pk else Organisation()
    before = organisation_snapshot(organisation) if pk else {}
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            organisation_save(organisation=form.instance, by=request.user, before=before)
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect("lending:organisation_detail", pk=form.instance.pk)
    memberships = (
        list(organisation.memberships.select_related("user").order_by("status", "pk")) if pk else []
    )
    invitations = (
        list(organisation.invitations.select_related("invited_by").order_by("-created_at")[:20])
        if pk
        else []
    )
    history = audit_history_of([organisation, *memberships, *invitations], limit=50) if pk else []
    return render(
        request,
        "lending/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "memberships": memberships,
            "invitations": invitations,
            "remove_form": MembershipRemoveForm(),
            "history": history,
        },
    )


@staff_only
@require_POST
def membership_verify_view(request, pk: int):
    """Staff: confirm that a user speaks for the group."""
    membership = get_object_or_404(Membership.objects.select_related("user"), pk=pk)
    membership_verify(membership=membership, by=request.user)
    messages.success(
        request,
        _("%(user)s can now reserve for the group.") % {"user": person_name(membership.user)},
    )
    return redirect("lending:organisation_detail", pk=membership.organisation_id)


# --- lists with filters and export -------------------------------------------------------


class _StaffList(ExportMixin, SingleTableMixin, FilterView):
    export_class = TableExport
    export_formats = ("csv", "xlsx")
    # The table paginates (one COUNT); ListView's own pagination would count a second time.
    paginate_by = None
    table_pagination = {"per_page": 50}
    template_name = "lending/list.html"
    title = ""

    def annotate_rows(self, queryset):
        """The filtered rows with the columns they join from other tables."""
        return queryset

    def get_table_data(self):
        return self.annotate_rows(self.object_list)

    def get_table_pagination(self, table):
        # Counted without the joined columns: the same number, on the list's own table.
        return {
            **super().get_table_pagination(table),
            "paginator_class": CountOfPaginator,
            "count_of": self.object_list,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = self.title
        context["export_formats"] = self.export_formats
        return context


@method_decorator(staff_only, name="dispatch")
class ItemListView(_StaffList):
    """Staff: every unit with filters, CSV and XLSX export."""

    table_class = ItemTable
    filterset_class = ItemFilter
    export_name = "items"

    @property
    def title(self):
        return _("Items")

    def get_queryset(self):
        # The columns of the table and its export, not the notes, parts list or QR token.
        return Item.objects.only(
            "tag_number",
            "name",
            "status",
            "condition",
            "storage_place",
            "acquired_on",
            "acquisition_cost_yen",
            "replacement_fiscal_year",
        )

    def annotate_rows(self, queryset):
        # The type's name and mark as columns of the row, not as a second model instance
        # per row (issue 18).
        return queryset.annotate(
            type_name=F("equipment_type__name"),
            type_digital_ready=F("equipment_type__is_digital_ready"),
            # At most one kit per unit (lending_kitmember_one_kit_per_item): a join, not
            # a subquery, which costs more to build than the rest of the query.
            kit_tag=F("kit_memberships__kit__tag_number"),
        )


@method_decorator(staff_only, name="dispatch")
class ReservationListView(_StaffList):
    """Staff: every reservation with filters, CSV and XLSX export."""

    table_class = ReservationTable
    filterset_class = ReservationFilter
    export_name = "reservations"

    @property
    def title(self):
        return _("Reservations")

    def get_queryset(self):
        return Reservation.objects.only("event_name", "pickup_date", "return_date", "state")

    def annotate_rows(self, queryset):
        # The group's name as a column of the row, not a second model instance per row.
        return queryset.annotate(organisation_name=F("organisation__name"))


@method_decorator(staff_only, name="dispatch")
class OrganisationListView(_StaffList):
    """Staff: every group with filters, CSV and XLSX export."""

    table_class = OrganisationTable
    filterset_class = OrganisationFilter
    export_name = "organisations"

    @property
    def title(self):
        return _("Organisations")

    def get_queryset(self):
        # Only the columns of the table (and its export).
        return Organisation.objects.only(*self.table_class._meta.fields)
