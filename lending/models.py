"""Community equipment lending: organisations, equipment, reservations, loans.

The one invariant that matters most — no item is ever promised to two groups —
is a database constraint: one ``ItemDay`` row per item per occupied day, unique on
(item, day), written in the same transaction as the assignment. It works the same
way on SQLite and PostgreSQL, so both databases refuse an overlapping booking
even when the application code has a bug or two requests race.

``Item.status`` is the item's physical state (on the shelf, out, being checked…);
future bookings live only in ``ItemDay``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_qr_token() -> str:
    """A random URL-safe token of 192 bits: never an id or a name."""
    return secrets.token_urlsafe(24)


class Organisation(models.Model):
    """A 自治会・町内会 or civic group that may borrow equipment."""

    class Kind(models.TextChoices):
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood association (自治会・町内会)")
        CIVIC = "civic", _("Civic group (市民活動団体)")
        OTHER = "other", _("Other group")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_kana = models.CharField(_("name (katakana)"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    district = models.CharField(
        _("district"), max_length=50, blank=True, help_text=_("For example 本納地区.")
    )
    representative_name = models.CharField(_("representative"), max_length=100)
    representative_phone = models.CharField(_("representative's phone"), max_length=30, blank=True)
    representative_email = models.EmailField(_("representative's email"), blank=True)
    pickup_contact_name = models.CharField(_("contact for pickup"), max_length=100, blank=True)
    pickup_contact_phone = models.CharField(_("pickup contact's phone"), max_length=30, blank=True)
    return_contact_name = models.CharField(_("contact for return"), max_length=100, blank=True)
    return_contact_phone = models.CharField(_("return contact's phone"), max_length=30, blank=True)
    is_verified = models.BooleanField(
        _("verified by staff"),
        default=False,
        help_text=_("Only verified organisations may reserve equipment."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("staff notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name_kana", "name"]
        # The staff list's default order.
        indexes = [models.Index(fields=["name_kana", "name"], name="lending_org_kana_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["neighbourhood", "civic", "other"]),
                name="lending_organisation_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user account acting for an organisation; staff verify it before any reservation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for staff verification")
        VERIFIED = "verified", _("Verified")
        REVOKED = "revoked", _("Revoked")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lending_memberships"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    position = models.CharField(
        _("position in the group"), max_length=50, blank=True, help_text=_("For example 会長.")
    )
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user"], name="lending_membership_unique_user"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.organisation}"


class EquipmentType(models.Model):
    """A kind of equipment (プロジェクター); individual units are ``Item`` rows."""

    class Category(models.TextChoices):
        PROJECTOR = "projector", _("Projector")
        SCREEN = "screen", _("Screen")
        TABLET = "tablet", _("Tablet")
        WIFI_ROUTER = "wifi_router", _("Mobile Wi-Fi router")
        PA = "pa", _("PA set")
        TENT = "tent", _("Tent")
        LIGHTING = "lighting", _("Floodlight")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    tag_prefix = models.CharField(
        _("tag prefix"), max_length=20, blank=True, help_text=_("For example MB-PJ.")
    )
    is_digital_ready = models.BooleanField(
        _("digital-ready"),
        default=False,
        help_text=_("Counted by the KPI of loans of digital-ready community equipment."),
    )
    description = models.TextField(_("description"), blank=True)
    usage_notes = models.TextField(_("usage notes"), blank=True)
    eligible_kinds = models.JSONField(
        _("who may borrow"),
        default=list,
        blank=True,
        help_text=_("Organisation kinds that may borrow this type; empty means every kind."),
    )
    default_components = models.JSONField(_("standard components"), default=list, blank=True)
    max_per_reservation = models.PositiveSmallIntegerField(
        _("most units per reservation"), null=True, blank=True
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("equipment type")
        verbose_name_plural = _("equipment types")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lending:type_edit", args=[self.pk])

    def is_eligible(self, kind: str) -> bool:
        return not self.eligible_kinds or kind in self.eligible_kinds

    def suggested_tag_number(self) -> str:
        """The next free 備品番号 after the type's prefix (MB-PJ-004 after MB-PJ-003)."""
        return next_tag_number(self.tag_prefix or "MB", Item.objects.all())


class Item(models.Model):
    """One tagged unit (備品番号 MB-PJ-001) with a QR token. Retired, never deleted."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("Available")
        ON_LOAN = "on_loan", _("On loan")
        AWAITING_INSPECTION = "awaiting_inspection", _("Awaiting inspection")
        IN_REPAIR = "in_repair", _("In repair")
        RETIRED = "retired", _("Retired")

    class Condition(models.TextChoices):
        GOOD = "good", _("Good")
        WORN = "worn", _("Worn but usable")
        DAMAGED = "damaged", _("Damaged")

    equipment_type = models.ForeignKey(
        EquipmentType, on_delete=models.PROTECT, related_name="items", verbose_name=_("type")
    )
    tag_number = models.CharField(
        _("tag number (備品番号)"),
        max_length=30,
        unique=True,
        help_text=_("For example MB-PJ-001."),
    )
    qr_token = models.CharField(
        _("QR token"), max_length=64, unique=True, default=new_qr_token, editable=False
    )
    qr_token_issued_at = models.DateTimeField(_("QR token issued"), default=timezone.now)
    name = models.CharField(
        _("model name"), max_length=100, blank=True, help_text=_("Maker and model.")
    )
    storage_place = models.CharField(_("storage place"), max_length=100, blank=True)
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.AVAILABLE
    )
    components = models.JSONField(
        _("components"),
        default=list,
        blank=True,
        help_text=_("Parts checked at hand-out and return, for example 本体, 電源ケーブル."),
    )
    notes = models.TextField(_("notes"), blank=True)
    acquired_on = models.DateField(_("acquired on"), null=True, blank=True)
    acquisition_cost_yen = models.PositiveIntegerField(
        _("acquisition cost (yen)"), null=True, blank=True
    )
    replacement_fiscal_year = models.PositiveSmallIntegerField(
        _("planned replacement (fiscal year)"),
        null=True,
        blank=True,
        help_text=_("The fiscal year in which the unit should be replaced, for example 2030."),
    )
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("reason for retiring"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Stocktake (棚卸): written by lending.services.stocktakes, never by a form.
    last_seen_on = models.DateField(_("last seen in a stocktake"), null=True, blank=True)
    next_stocktake_on = models.DateField(_("next stocktake"), null=True, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["tag_number"]
        # The kiosk finds a unit by its 備品番号 in any case (lending.services.loans): an
        # index on the upper-cased number, or every scan would read every unit.
        indexes = [models.Index(Upper("tag_number"), name="lending_item_tag_number_upper")]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    status__in=[
                        "available",
                        "on_loan",
                        "awaiting_inspection",
                        "in_repair",
                        "retired",
                    ]
                ),
                name="lending_item_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="retired", retired_at__isnull=False) | ~Q(status="retired"),
                name="lending_item_retired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag_number} {self.equipment_type.name}"

    def get_absolute_url(self) -> str:
        return reverse("lending:item_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name or self.equipment_type.name

    @property
    def qr_url(self) -> str:
        return f"{settings.SITE_URL}/t/{self.qr_token}"

    @property
    def is_retired(self) -> bool:
        return self.status == self.Status.RETIRED


def next_tag_number(prefix: str, queryset) -> str:
    """``{prefix}-NNN`` one above the highest number already used after ``{prefix}-``."""
    prefix = prefix.strip().rstrip("-")
    used = queryset.filter(tag_number__istartswith=f"{prefix}-").values_list(
        "tag_number", flat=True
    )
    numbers = [int(tag[len(prefix) + 1 :]) for tag in used if tag[len(prefix) + 1 :].isdigit()]
    return f"{prefix}-{max(numbers, default=0) + 1:03d}"


class Kit(models.Model):
    """Units of several types that go out together (プロジェクター + スクリーン + ケーブル).

    A kit has its own 備品番号 and QR label and is reserved as one line; booking it
    assigns every member unit (``Loan.kit``), so the (item, day) index that keeps a
    unit from being promised twice covers kits too. A unit is in at most one kit
    (``KitMember``); it may still be lent alone when no loose unit of its type is
    free, and then the kit is not free on those days.
    """

    name = models.CharField(_("name"), max_length=100, help_text=_("For example 上映セット."))
    tag_number = models.CharField(
        _("tag number (備品番号)"),
        max_length=30,
        unique=True,
        help_text=_("For example MB-KIT-001."),
    )
    qr_token = models.CharField(
        _("QR token"), max_length=64, unique=True, default=new_qr_token, editable=False
    )
    qr_token_issued_at = models.DateTimeField(_("QR token issued"), default=timezone.now)
    storage_place = models.CharField(_("storage place"), max_length=100, blank=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("lent"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    retired_reason = models.CharField(_("reason for retiring"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("kit")
        verbose_name_plural = _("kits")
        ordering = ["tag_number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_active=True) | Q(retired_at__isnull=False),
                name="lending_kit_retired_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tag_number} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("lending:kit_detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def qr_url(self) -> str:
        return f"{settings.SITE_URL}/t/{self.qr_token}"

    @property
    def is_retired(self) -> bool:
        return not self.is_active

    def member_items(self) -> list["Item"]:
        """The kit's units (prefetch ``members__item__equipment_type`` to read many kits)."""
        if "members" in getattr(self, "_prefetched_objects_cache", {}):
            return [member.item for member in self.members.all()]
        return [member.item for member in self.members.select_related("item__equipment_type")]

    def parts_checklist(self) -> list[str]:
        """The parts to check at hand-out and return: the union of the members' parts, in order."""
        seen: dict[str, None] = {}
        for item in self.member_items():
            for part in item.components or item.equipment_type.default_components or []:
                seen.setdefault(part, None)
        return list(seen)


class KitMember(models.Model):
    """One unit in a kit. Unique on the unit: no unit belongs to two kits."""

    kit = models.ForeignKey(Kit, on_delete=models.PROTECT, related_name="members")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="kit_memberships", verbose_name=_("unit")
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("unit in a kit")
        verbose_name_plural = _("units in kits")
        ordering = ["item__equipment_type__sort_order", "item__tag_number"]
        constraints = [
            models.UniqueConstraint(fields=["item"], name="lending_kitmember_one_kit_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.kit_id}: {self.item_id}"


class Reservation(models.Model):
    """A group's request for quantities of equipment types between two open days."""

    class State(models.TextChoices):
        PROVISIONAL = "provisional", _("Provisional (仮予約)")
        REQUESTED = "requested", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        HANDED_OUT = "handed_out", _("Handed out")
        RETURNED = "returned", _("Returned")
        CLOSED = "closed", _("Closed")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Provisional booking expired")

    # States in which assigned items hold their days.
    HOLDING_STATES = ("provisional", "requested", "approved", "handed_out")
    CANCELLABLE_STATES = ("provisional", "requested", "approved")
    HANDOUT_STATES = ("approved", "handed_out")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("organisation"),
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REQUESTED
    )
    pickup_date = models.DateField(_("pickup date"))
    return_date = models.DateField(_("return date"))
    event_name = models.CharField(_("event name"), max_length=100)
    purpose = models.TextField(_("purpose"))
    event_place = models.CharField(_("place of use"), max_length=100, blank=True)
    declaration = models.BooleanField(
        _("not for religious, political or commercial use"),
        default=False,
        help_text=_(
            "The group declares the equipment is not used for religious, political or commercial purposes."
        ),
    )
    provisional_expires_at = models.DateTimeField(_("provisional until"), null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    handed_out_at = models.DateTimeField(_("handed out at"), null=True, blank=True)
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    pickup_reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_notice_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    notes = models.TextField(_("staff notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # The lending rules the request was checked under (None: the city file's first
    # values, before anyone changed a rule). A later rule change never touches it.
    rule = models.ForeignKey(
        "LendingRule",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("lending rules applied"),
    )

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        ordering = ["-pickup_date", "-pk"]
        indexes = [
            models.Index(fields=["state", "pickup_date"], name="lending_res_state_pickup"),
            # The KPI source counts reservations by the fiscal year of their first hand-out.
            models.Index(fields=["handed_out_at"], name="lending_res_handed_out"),
            # The staff list's default order (newest pickup first): no sort of the whole table.
            models.Index(fields=["-pickup_date", "-id"], name="lending_res_pickup_desc"),
            # The desk's "awaiting approval" queue, soonest first.
            models.Index(
                fields=["pickup_date", "id"],
                condition=Q(state__in=["requested", "provisional"]),
                name="lending_res_awaiting",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(return_date__gte=models.F("pickup_date")),
                name="lending_reservation_return_after_pickup",
            ),
            models.CheckConstraint(
                condition=Q(declaration=True), name="lending_reservation_declared"
            ),
            models.CheckConstraint(
                condition=~Q(state="provisional") | Q(provisional_expires_at__isnull=False),
                name="lending_reservation_provisional_expires",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.organisation} {self.pickup_date}–{self.return_date}"

    @property
    def can_cancel(self) -> bool:
        return self.state in self.CANCELLABLE_STATES

    def can_hand_out_on(self, day) -> bool:
        """Whether ``loan_hand_out`` accepts a unit on ``day``: pages offer 貸し出す only then."""
        return self.state in self.HANDOUT_STATES and self.pickup_date <= day <= self.return_date

    @property
    def can_hand_out_today(self) -> bool:
        return self.can_hand_out_on(timezone.localdate())


class ReservationLine(models.Model):
    """How many units of one type a reservation asks for, or one kit (quantity 1)."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    equipment_type = models.ForeignKey(
        EquipmentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("type"),
    )
    kit = models.ForeignKey(
        Kit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservation_lines",
        verbose_name=_("kit"),
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("requested equipment")
        verbose_name_plural = _("requested equipment")
        constraints = [
            models.UniqueConstraint(
                fields=["reservation", "equipment_type"], name="lending_reservationline_unique_type"
            ),
            models.UniqueConstraint(
                fields=["reservation", "kit"], name="lending_reservationline_unique_kit"
            ),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="lending_reservationline_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(equipment_type__isnull=False, kit__isnull=True)
                | Q(equipment_type__isnull=True, kit__isnull=False, quantity=1),
                name="lending_reservationline_type_or_one_kit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_type_id or self.kit_id} × {self.quantity}"

    @property
    def label(self) -> str:
        """What the line asks for, as people read it: the type's or the kit's name."""
        if self.kit_id:
            return f"{self.kit.name}（{self.kit.tag_number}）"
        return self.equipment_type.name


class Loan(models.Model):
    """One item assigned to a reservation: handed out, returned, inspected.

    Created when the item is assigned (at request time), so the days it holds are
    written together with it; ``handed_out_at`` turns the assignment into a loan,
    the fact the KPI counts.
    """

    class Via(models.TextChoices):
        KIOSK = "kiosk", _("Return kiosk")
        COUNTER = "counter", _("Counter")

    class Inspection(models.TextChoices):
        OK = "ok", _("OK")
        DAMAGED = "damaged", _("Damaged")
        MISSING = "missing", _("Parts missing")

    reservation = models.ForeignKey(
        Reservation, on_delete=models.PROTECT, related_name="loans", verbose_name=_("reservation")
    )
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="loans", verbose_name=_("item")
    )
    # Set when the unit was assigned as a member of a booked kit.
    kit = models.ForeignKey(
        Kit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="loans",
        verbose_name=_("kit"),
    )
    due_date = models.DateField(_("due date"))
    handed_out_at = models.DateTimeField(_("handed out at"), null=True, blank=True)
    handed_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copied from the type at hand-out: the KPI counts the loan as it was lent, so a
    # later change of the type's flag does not rewrite a past year's figure.
    was_digital_ready = models.BooleanField(
        _("digital-ready when handed out"),
        default=False,
        help_text=_("Whether the unit's type counted as digital-ready on the day it went out."),
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    returned_via = models.CharField(
        _("returned via"), max_length=10, choices=Via.choices, blank=True
    )
    missing_components = models.JSONField(_("missing components"), default=list, blank=True)
    parts_checked_at = models.DateTimeField(
        _("parts checked at"),
        null=True,
        blank=True,
        help_text=_(
            "Empty until someone said which parts came back: staff at the counter with "
            "the return, or the borrower at the kiosk just after it."
        ),
    )
    was_late = models.BooleanField(_("returned late"), default=False)
    released_at = models.DateTimeField(
        _("released at"),
        null=True,
        blank=True,
        help_text=_("When an assignment was given up without a hand-out (cancel, swap, reject)."),
    )
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    inspected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inspection_result = models.CharField(
        _("inspection result"), max_length=10, choices=Inspection.choices, blank=True
    )
    inspection_note = models.TextField(_("inspection note"), blank=True)
    compensation_required = models.BooleanField(_("group must compensate (弁償)"), default=False)

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["item__tag_number"]
        # The KPI source reads the hand-outs of one fiscal year.
        # The desk's two loan queues, which stay short while the loans pile up over the years.
        indexes = [
            models.Index(fields=["handed_out_at"], name="lending_loan_handed_out"),
            models.Index(
                fields=["returned_at"],
                condition=Q(returned_at__isnull=False, inspected_at__isnull=True),
                name="lending_loan_to_inspect",
            ),
            models.Index(
                fields=["due_date"],
                condition=Q(handed_out_at__isnull=False, returned_at__isnull=True),
                name="lending_loan_out_due",
            ),
            # A unit's latest return ("already returned" at the kiosk): one index step,
            # not a sort of every loan the unit has had.
            models.Index(fields=["item", "returned_at"], name="lending_loan_item_returned"),
        ]
        constraints = [
            # One item is out with at most one group at a time.
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(handed_out_at__isnull=False, returned_at__isnull=True),
                name="lending_loan_one_active_per_item",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(handed_out_at__isnull=False),
                name="lending_loan_returned_after_handout",
            ),
            models.CheckConstraint(
                condition=Q(returned_via__in=["", "kiosk", "counter"]),
                name="lending_loan_via_valid",
            ),
            models.CheckConstraint(
                condition=Q(parts_checked_at__isnull=True) | Q(returned_at__isnull=False),
                name="lending_loan_parts_checked_after_return",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.tag_number} → {self.reservation.organisation}"

    @property
    def is_out(self) -> bool:
        return self.handed_out_at is not None and self.returned_at is None

    @property
    def parts_check_answered(self) -> bool:
        """Whether someone said which parts came back (then ``missing_components`` is the answer)."""
        return self.parts_checked_at is not None


class ItemDay(models.Model):
    """One item held on one day by one loan. Unique (item, day): the anti-double-booking rule."""

    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="days")
    day = models.DateField()
    loan = models.ForeignKey(Loan, on_delete=models.CASCADE, related_name="days")

    class Meta:
        verbose_name = _("occupied day")
        verbose_name_plural = _("occupied days")
        constraints = [
            models.UniqueConstraint(fields=["item", "day"], name="lending_itemday_unique_item_day"),
        ]
        indexes = [models.Index(fields=["day", "item"], name="lending_itemday_day_item")]

    def __str__(self) -> str:
        return f"{self.item_id} @ {self.day}"


# --- stocktake (棚卸) ----------------------------------------------------------------------


class Stocktake(models.Model):
    """Counting what is really on the shelves of one storage place.

    Opening it lists the items expected there (``StocktakeLine`` with
    ``expected=True``); each scan marks one item seen; closing it freezes the
    findings and sets the next stocktake date on every item counted.
    """

    class State(models.TextChoices):
        OPEN = "open", _("In progress")
        CLOSED = "closed", _("Closed")

    storage_place = models.CharField(_("storage place"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("started by"),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("closed by"),
    )
    next_stocktake_on = models.DateField(_("next stocktake"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("stocktake")
        verbose_name_plural = _("stocktakes")
        ordering = ["-started_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["storage_place"],
                condition=Q(state="open"),
                name="lending_stocktake_one_open_per_place",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["open", "closed"]), name="lending_stocktake_state_valid"
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(closed_at__isnull=False),
                name="lending_stocktake_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.storage_place} {timezone.localdate(self.started_at)}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class StocktakeLine(models.Model):
    """One item in a stocktake: expected at the start, seen by a scan, or both."""

    class Finding(models.TextChoices):
        PRESENT = "present", _("Present")
        MISSING = "missing", _("Expected but not seen")
        ON_LOAN = "on_loan", _("Seen, but should be on loan")
        OTHER_PLACE = "other_place", _("Seen, but belongs to another place")
        RETIRED = "retired", _("Seen, but retired")

    stocktake = models.ForeignKey(Stocktake, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="stocktake_lines", verbose_name=_("item")
    )
    expected = models.BooleanField(_("expected here"), default=False)
    finding = models.CharField(
        _("finding"), max_length=20, choices=Finding.choices, default=Finding.MISSING
    )
    item_status = models.CharField(_("status in the records"), max_length=20, blank=True)
    item_place = models.CharField(_("place in the records"), max_length=100, blank=True)
    seen_at = models.DateTimeField(_("seen at"), null=True, blank=True)
    seen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("stocktake line")
        verbose_name_plural = _("stocktake lines")
        ordering = ["item__tag_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["stocktake", "item"], name="lending_stocktakeline_unique_item"
            ),
            models.CheckConstraint(
                condition=Q(
                    finding__in=["present", "missing", "on_loan", "other_place", "retired"]
                ),
                name="lending_stocktakeline_finding_valid",
            ),
            models.CheckConstraint(
                condition=Q(expected=True) | Q(seen_at__isnull=False),
                name="lending_stocktakeline_expected_or_seen",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.stocktake_id}: {self.item_id} {self.finding}"


# --- maintenance ---------------------------------------------------------------------------


class MaintenancePlan(models.Model):
    """Regular work on every unit of a type: every N days, after each loan, or both."""

    equipment_type = models.ForeignKey(
        EquipmentType,
        on_delete=models.PROTECT,
        related_name="maintenance_plans",
        verbose_name=_("type"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("For example リセット・充電・更新.")
    )
    tasks = models.TextField(_("what to do"), blank=True)
    interval_days = models.PositiveSmallIntegerField(
        _("every (days)"),
        null=True,
        blank=True,
        help_text=_("Days between two maintenances; empty when only after each loan."),
    )
    after_each_loan = models.BooleanField(
        _("after each loan"),
        default=False,
        help_text=_("Due again as soon as a unit comes back from a loan."),
    )
    starts_on = models.DateField(
        _("first due on"),
        default=timezone.localdate,
        help_text=_("When units never maintained under this plan are first due."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("maintenance plan")
        verbose_name_plural = _("maintenance plans")
        ordering = ["equipment_type__sort_order", "equipment_type__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(interval_days__gt=0) | Q(after_each_loan=True),
                name="lending_maintenanceplan_has_trigger",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.equipment_type.name}: {self.name}"


class MaintenanceRecord(models.Model):
    """Maintenance done on one unit: who, when, what, the result and the cost."""

    class Result(models.TextChoices):
        DONE = "done", _("Done: ready to lend")
        NEEDS_REPAIR = "needs_repair", _("Problem found: needs repair")

    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="maintenance_records", verbose_name=_("item")
    )
    plan = models.ForeignKey(
        MaintenancePlan,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="records",
        verbose_name=_("plan"),
        help_text=_("Empty for work outside any plan."),
    )
    done_on = models.DateField(_("done on"), default=timezone.localdate)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("done by"),
    )
    work = models.TextField(_("work done"))
    result = models.CharField(_("result"), max_length=20, choices=Result.choices)
    cost_yen = models.PositiveIntegerField(_("cost (yen)"), null=True, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("maintenance record")
        verbose_name_plural = _("maintenance records")
        ordering = ["-done_on", "-recorded_at", "-pk"]
        # The latest day and the latest record of a unit under a plan, one index step each
        # (lending.maintenance._LATEST_FACTS: what is due does not grow with the years).
        indexes = [
            models.Index(fields=["item", "plan", "done_on"], name="lending_maint_item_plan_done"),
            models.Index(
                fields=["item", "plan", "recorded_at"], name="lending_maint_item_plan_rec"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(result__in=["done", "needs_repair"]),
                name="lending_maintenancerecord_result_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} {self.done_on}"


# --- lending rules as data ---------------------------------------------------------------


class LendingRule(models.Model):
    """The 要綱's rules for one kind of borrower from a date on. Never edited: a change
    is a new row (with its reason), and a reservation keeps the row it was made under."""

    borrower_kind = models.CharField(
        _("kind of group"), max_length=20, choices=Organisation.Kind.choices
    )
    effective_from = models.DateField(
        _("effective from"), help_text=_("New requests from this day on follow these rules.")
    )
    may_borrow = models.BooleanField(
        _("may borrow"), default=True, help_text=_("Whether groups of this kind may borrow at all.")
    )
    max_loan_days = models.PositiveSmallIntegerField(_("longest loan (days)"))
    booking_window_days = models.PositiveSmallIntegerField(
        _("booking window (days ahead)"), help_text=_("How far ahead a pickup may be booked.")
    )
    max_items_per_reservation = models.PositiveSmallIntegerField(_("most items per reservation"))
    max_open_reservations_per_group = models.PositiveSmallIntegerField(
        _("most open reservations per group"),
        help_text=_("Reservations not yet returned, per group."),
    )
    provisional_hold_days = models.PositiveSmallIntegerField(
        _("provisional booking held (days)"),
        help_text=_("A 仮予約 taken by phone expires after this many days unless approved."),
    )
    reason = models.TextField(_("reason for the change"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    created_at = models.DateTimeField(_("changed at"), default=timezone.now)

    class Meta:
        verbose_name = _("lending rule")
        verbose_name_plural = _("lending rules")
        ordering = ["borrower_kind", "-effective_from", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(borrower_kind__in=["neighbourhood", "civic", "other"]),
                name="lending_lendingrule_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(max_loan_days__gte=0)
                & Q(booking_window_days__gte=1)
                & Q(max_items_per_reservation__gte=1)
                & Q(max_open_reservations_per_group__gte=1)
                & Q(provisional_hold_days__gte=1),
                name="lending_lendingrule_limits_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_borrower_kind_display()} {self.effective_from}"


# --- invitations of representatives -------------------------------------------------------


class RepresentativeInvitation(models.Model):
    """An invitation by e-mail to act for a group.

    Like core's staff invitation: the link leads to sign-up with the address filled
    in, and the membership comes once allauth has verified the address
    (``lending.services.representative_invitation_accept_for``, an
    ``email_verified_hook``). The token only finds the invitation.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    email = models.EmailField(_("email address"))
    full_name = models.CharField(
        _("name"), max_length=100, help_text=_("Shown in histories instead of the address.")
    )
    position = models.CharField(
        _("position in the group"), max_length=50, blank=True, help_text=_("For example 会長.")
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    cancelled_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for sign-up")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Withdrawn")

    class Meta:
        verbose_name = _("invitation of a representative")
        verbose_name_plural = _("invitations of representatives")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"],
                condition=Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="lending_repinvitation_one_open_per_group_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(cancelled_at__isnull=True),
                name="lending_repinvitation_accepted_or_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def status(self) -> str:
        if self.accepted_at:
            return self.Status.ACCEPTED
        if self.cancelled_at:
            return self.Status.CANCELLED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status).label)
