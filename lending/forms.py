"""Forms of the lending desk, the groups' pages and the public availability page."""

from datetime import date, timedelta

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import office_calendar
from core.forms import DateInput, DayField, day_formfield
from lending.models import (
    EquipmentType,
    Item,
    Kit,
    LendingRule,
    Loan,
    MaintenancePlan,
    MaintenanceRecord,
    Organisation,
)
from lending.rules import rules_by_kind


class AvailabilityForm(forms.Form):
    start = DayField(label=_("From"), widget=DateInput())
    end = DayField(label=_("To"), widget=DateInput())

    MAX_DAYS = 92

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The last day must be on or after the first day."))
            elif (end - start).days > self.MAX_DAYS:
                self.add_error("end", _("Please choose at most three months."))
        return data

    @classmethod
    def initial_range(cls):
        today = timezone.localdate()
        return {"start": today, "end": today + timedelta(days=7)}


class MonthForm(forms.Form):
    """The month a calendar shows (``?month=2026-06``); this month when absent or out of reach."""

    month = DayField(input_formats=["%Y-%m"], required=False)

    # A year back or ahead is plenty; beyond that nothing can be booked anyway.
    MAX_DAYS_AWAY = 400

    def first_day(self) -> date:
        this_month = timezone.localdate().replace(day=1)
        if not self.is_valid() or self.cleaned_data["month"] is None:
            return this_month
        first = self.cleaned_data["month"].replace(day=1)
        if abs((first - this_month).days) > self.MAX_DAYS_AWAY:
            return this_month
        return first


class ReservationRequestForm(forms.Form):
    """Dates, event and purpose, the declaration, and one quantity field per equipment type."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    pickup_date = DayField(label=_("Pickup date"), widget=DateInput())
    return_date = DayField(label=_("Return date"), widget=DateInput())
    event_name = forms.CharField(label=_("Event name"), max_length=100)
    purpose = forms.CharField(
        label=_("Purpose"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the equipment is used for, for example 防災訓練の説明会."),
    )
    event_place = forms.CharField(label=_("Place of use"), max_length=100, required=False)
    declaration = forms.BooleanField(
        label=_("We will not use the equipment for religious, political or commercial purposes."),
        required=True,
    )

    def __init__(self, *args, organisations, types, kits=(), staff: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.types = list(types)
        self.kits = list(kits)
        self.fields["organisation"].queryset = organisations
        if not staff and organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()
            self.fields["organisation"].widget = forms.HiddenInput()
        most = max(r.max_items_per_reservation for r in rules_by_kind().values())
        for equipment_type in self.types:
            self.fields[self.quantity_field(equipment_type)] = forms.IntegerField(
                label=equipment_type.name,
                min_value=0,
                max_value=equipment_type.max_per_reservation or most,
                required=False,
                initial=0,
                help_text=equipment_type.description[:120],
            )
        for kit in self.kits:
            self.fields[self.kit_field(kit)] = forms.BooleanField(
                label=f"{kit.name}（{kit.tag_number}）",
                required=False,
                help_text="、".join(item.display_name for item in kit.member_items()),
            )
        if staff:
            self.fields["provisional"] = forms.BooleanField(
                label=_("Provisional booking taken by phone (仮予約)"),
                required=False,
                help_text=_("Holds the units for a few days until you approve it."),
            )

    @staticmethod
    def quantity_field(equipment_type: EquipmentType) -> str:
        return f"quantity_{equipment_type.pk}"

    @staticmethod
    def initial_from(query) -> dict:
        """What the availability page carries over (``?start=&end=&type=``): the days of
        use become the nearest open days for pickup (on or before) and return (on or
        after), since use days may fall on a weekend but the desk is closed then."""
        form = AvailabilityForm(query)
        if not form.is_valid():
            return {}
        today = timezone.localdate()
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        pickup = office_calendar.last_open_day_on_or_before(start)
        if pickup < today:
            pickup = office_calendar.next_open_day(max(start, today))
        initial = {
            "pickup_date": pickup,
            "return_date": office_calendar.next_open_day(max(end, pickup)),
        }
        for pk in query.getlist("type"):
            if pk.isdigit():
                initial[f"quantity_{pk}"] = 1
        return initial

    def dates(self) -> tuple[date, date] | None:
        """The pickup and return dates the form holds (typed, or carried over), if any."""
        if self.is_bound:
            field = self.fields["pickup_date"]
            try:
                pickup = field.clean(self.data.get("pickup_date"))
                ret = field.clean(self.data.get("return_date"))
            except forms.ValidationError:
                return None
        else:
            pickup, ret = self.initial.get("pickup_date"), self.initial.get("return_date")
        if pickup and ret and pickup <= ret:
            return pickup, ret
        return None

    def show_free_counts(self, rows) -> None:
        """Beside each type's quantity: how many are free for the chosen dates, of how many."""
        by_type = {row.equipment_type.pk: row for row in rows}
        for equipment_type in self.types:
            row = by_type.get(equipment_type.pk)
            if row is None:
                continue
            field = self.fields[self.quantity_field(equipment_type)]
            free = _("%(free)d free on these dates (%(total)d in all).") % {
                "free": row.free,
                "total": row.total,
            }
            field.help_text = f"{free} {equipment_type.description[:120]}".strip()
            # A bound field copies its help text when first made (validation makes it).
            self[self.quantity_field(equipment_type)].help_text = field.help_text

    def quantity_fields(self):
        return [self[self.quantity_field(t)] for t in self.types]

    @staticmethod
    def kit_field(kit: Kit) -> str:
        return f"kit_{kit.pk}"

    def kit_fields(self):
        return [self[self.kit_field(kit)] for kit in self.kits]

    def chosen_kits(self) -> list[Kit]:
        return [kit for kit in self.kits if self.cleaned_data.get(self.kit_field(kit))]

    def lines(self) -> dict[EquipmentType, int]:
        return {
            t: self.cleaned_data.get(self.quantity_field(t)) or 0
            for t in self.types
            if self.cleaned_data.get(self.quantity_field(t))
        }


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to the group)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
    )


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


class ScanForm(forms.Form):
    code = forms.CharField(
        label=_("Scan the QR label or type the tag number"),
        max_length=300,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
            }
        ),
    )


class KioskScanForm(forms.Form):
    """The return kiosk's one field (its screen draws the input itself, large)."""

    code = forms.CharField(
        label=_("Scan the QR code on the item"),
        max_length=500,
        strip=True,
        error_messages={"required": _("No code was read. Please scan again.")},
    )


class ReturnCheckForm(forms.Form):
    """At the counter: which of the item's parts came back."""

    def __init__(self, *args, components, **kwargs):
        super().__init__(*args, **kwargs)
        self.components = list(components)
        self.fields["present"] = forms.MultipleChoiceField(
            label=_("Parts returned"),
            choices=[(c, c) for c in self.components],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            initial=self.components,
            help_text=_("Untick any part that did not come back."),
        )

    def missing(self) -> list[str]:
        present = set(self.cleaned_data.get("present") or [])
        return [c for c in self.components if c not in present]


class InspectionForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"), choices=Loan.Inspection.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Inspection note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required when damaged or parts are missing."),
    )
    compensation_required = forms.BooleanField(
        label=_("The group must compensate (弁償)"), required=False
    )

    @staticmethod
    def initial_for(loan: Loan) -> dict:
        """Parts reported missing (at the kiosk or the counter) preselect 「部品不足」 and the note."""
        if not loan.missing_components:
            return {}
        return {
            "result": Loan.Inspection.MISSING,
            "note": _("Missing: %(parts)s") % {"parts": "、".join(loan.missing_components)},
        }


class RetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason for retiring"), max_length=200)


class KitRetireForm(forms.Form):
    reason = forms.CharField(label=_("Reason for retiring the kit"), max_length=200)


class TokenReissueForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: label peeled off."),
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "name_kana",
            "kind",
            "district",
            "representative_name",
            "representative_phone",
            "representative_email",
            "pickup_contact_name",
            "pickup_contact_phone",
            "return_contact_name",
            "return_contact_phone",
            "is_verified",
            "is_active",
            "notes",
        ]


class JoinForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Your group"),
        queryset=Organisation.objects.filter(is_active=True),
        help_text=_("If your group is not listed, please call the desk to register it."),
    )
    position = forms.CharField(label=_("Your position in the group"), max_length=50, required=False)


class HandOutForm(ScanForm):
    """The hand-out scan; ``confirm_maintenance`` is sent by the "hand out anyway" button."""

    confirm_maintenance = forms.BooleanField(required=False, widget=forms.HiddenInput)


# --- stocktake ------------------------------------------------------------------------------


class StocktakeOpenForm(forms.Form):
    storage_place = forms.ChoiceField(label=_("Storage place"))

    def __init__(self, *args, places: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["storage_place"].choices = [(p, p) for p in places]


class StocktakeCloseForm(forms.Form):
    next_stocktake_on = DayField(
        label=_("Next stocktake"),
        widget=DateInput(),
        help_text=_("Set on every item counted here."),
    )
    note = forms.CharField(
        label=_("Notes on the count"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )


# --- maintenance ----------------------------------------------------------------------------


class MaintenancePlanForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = MaintenancePlan
        fields = [
            "equipment_type",
            "name",
            "tasks",
            "interval_days",
            "after_each_loan",
            "starts_on",
            "is_active",
        ]
        widgets = {"starts_on": DateInput(), "tasks": forms.Textarea(attrs={"rows": 3})}


class MaintenanceRecordForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = MaintenanceRecord
        fields = ["plan", "done_on", "work", "result", "cost_yen"]
        widgets = {
            "done_on": DateInput(),
            "work": forms.Textarea(attrs={"rows": 3}),
            "result": forms.RadioSelect,
        }

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = MaintenancePlan.objects.filter(
            equipment_type_id=item.equipment_type_id, is_active=True
        )
        self.fields["result"].choices = MaintenanceRecord.Result.choices


# --- lending rules --------------------------------------------------------------------------


class LendingRuleForm(forms.ModelForm):
    class Meta:
        formfield_callback = day_formfield
        model = LendingRule
        fields = [
            "effective_from",
            "may_borrow",
            "max_loan_days",
            "booking_window_days",
            "max_items_per_reservation",
            "max_open_reservations_per_group",
            "provisional_hold_days",
            "reason",
        ]
        widgets = {"effective_from": DateInput(), "reason": forms.Textarea(attrs={"rows": 3})}


# --- organisations' people ------------------------------------------------------------------


class RepresentativeInviteForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("Shown in histories instead of the address.")
    )
    email = forms.EmailField(label=_("Email address"))
    position = forms.CharField(
        label=_("Position in the group"),
        max_length=50,
        required=False,
        help_text=_("For example 会長."),
    )


class MembershipRemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), max_length=200, required=False)


# --- the equipment register (types, units, kits) ------------------------------------------


class LinesField(forms.CharField):
    """A list of short texts typed one per line (a parts checklist)."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(value)
        return value

    def to_python(self, value) -> list[str]:
        text = super().to_python(value) or ""
        return list(dict.fromkeys(line.strip() for line in text.splitlines() if line.strip()))

    def has_changed(self, initial, data) -> bool:
        return list(initial or []) != self.to_python(data)


class EquipmentTypeForm(forms.ModelForm):
    eligible_kinds = forms.MultipleChoiceField(
        label=_("Who may borrow"),
        choices=Organisation.Kind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick none when every kind of group may borrow this type."),
    )
    default_components = LinesField(
        label=_("Parts checklist"),
        required=False,
        help_text=_(
            "One part per line, for example 本体, 電源ケーブル. New units of this type start with this list."
        ),
    )

    class Meta:
        model = EquipmentType
        fields = [
            "name",
            "category",
            "tag_prefix",
            "is_digital_ready",
            "description",
            "usage_notes",
            "eligible_kinds",
            "default_components",
            "max_per_reservation",
            "sort_order",
            "is_active",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "usage_notes": forms.Textarea(attrs={"rows": 3}),
        }


class ItemForm(forms.ModelForm):
    components = LinesField(
        label=_("Parts checklist"),
        required=False,
        help_text=_("One part per line; empty takes the type's list."),
    )

    class Meta:
        formfield_callback = day_formfield
        model = Item
        formfield_callback = day_formfield
        fields = [
            "equipment_type",
            "tag_number",
            "name",
            "storage_place",
            "condition",
            "components",
            "acquired_on",
            "acquisition_cost_yen",
            "replacement_fiscal_year",
            "notes",
        ]
        widgets = {"acquired_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Types still lent, and the unit's own type even if it is no longer lent.
        self.fields["equipment_type"].queryset = EquipmentType.objects.filter(
            Q(is_active=True) | Q(pk=self.instance.equipment_type_id)
        )
        year = self.fields["replacement_fiscal_year"]
        year.validators += [MinValueValidator(2000), MaxValueValidator(2100)]
        year.widget.attrs.update(min=2000, max=2100)


class ItemTypeChoiceForm(forms.Form):
    """The first step of adding a unit: its type (which suggests the 備品番号)."""

    type = forms.ModelChoiceField(
        label=_("Type of the new item"),
        queryset=EquipmentType.objects.filter(is_active=True),
    )


class KitForm(forms.ModelForm):
    items = forms.ModelMultipleChoiceField(
        label=_("Units in the kit"),
        queryset=Item.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Units not in another kit. A unit can be in one kit only."),
    )

    class Meta:
        model = Kit
        fields = ["name", "tag_number", "storage_place", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        own = Q(kit_memberships__kit=self.instance) if self.instance.pk else Q(pk__in=[])
        self.fields["items"].queryset = (
            Item.objects.exclude(status=Item.Status.RETIRED)
            .filter(Q(kit_memberships__isnull=True) | own)
            .select_related("equipment_type")
            .order_by("equipment_type__sort_order", "equipment_type__name", "tag_number")
        )
        self.fields["items"].label_from_instance = lambda item: (
            f"{item.tag_number} {item.display_name}（{item.equipment_type.name}）"
        )
        if self.instance.pk:
            self.fields["items"].initial = [m.item_id for m in self.instance.members.all()]
