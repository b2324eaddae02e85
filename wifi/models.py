"""Wi-Fi vending machines (Wi-Fi機能付自動販売機): the registry 総務課 keeps.

The status history (``MachineStatusChange``) is the fact the KPI counts; the
``status`` column on ``Machine`` is only the latest entry of that history, kept
in step by ``wifi.services`` so that lists can filter without a subquery.
"""

from django.conf import settings
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import Facility

DISASTER_SSID = "00000JAPAN"


class MachineStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    INSTALLED = "installed", _("Installed")
    OPERATING = "operating", _("Operating")
    SUSPENDED = "suspended", _("Suspended")
    REMOVED = "removed", _("Removed")


# planned → installed → operating ⇄ suspended → removed. A plan can be dropped
# and a machine can be taken away before it ever ran.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    MachineStatus.PLANNED: frozenset({MachineStatus.INSTALLED, MachineStatus.REMOVED}),
    MachineStatus.INSTALLED: frozenset({MachineStatus.OPERATING, MachineStatus.REMOVED}),
    MachineStatus.OPERATING: frozenset({MachineStatus.SUSPENDED, MachineStatus.REMOVED}),
    MachineStatus.SUSPENDED: frozenset({MachineStatus.OPERATING, MachineStatus.REMOVED}),
    MachineStatus.REMOVED: frozenset(),
}
# A machine already standing when it is first registered may start as operating.
INITIAL_STATUSES = frozenset(
    {MachineStatus.PLANNED, MachineStatus.INSTALLED, MachineStatus.OPERATING}
)


class MachineQuerySet(models.QuerySet):
    def with_related(self) -> "MachineQuerySet":
        return self.select_related("facility")

    def publicly_listed(self) -> "MachineQuerySet":
        """Machines residents can use today."""
        return self.filter(status=MachineStatus.OPERATING, facility__is_active=True)


class Machine(models.Model):
    class AgreementType(models.TextChoices):
        DISASTER_SUPPORT = "disaster_support", _("Disaster support agreement (災害支援協定)")
        INSTALLATION = "installation", _("Installation agreement (設置協定)")
        OTHER = "other", _("Other agreement")

    class PowerBackup(models.TextChoices):
        NONE = "none", _("None")
        BATTERY = "battery", _("Battery")
        SOLAR = "solar", _("Solar panel with battery")
        GENERATOR = "generator", _("Facility emergency generator")

    code = models.CharField(
        _("machine number"),
        max_length=20,
        unique=True,
        help_text=_("The registry number, for example WV-001. Used in CSV imports."),
    )
    facility = models.ForeignKey(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.PROTECT,
        related_name="wifi_machines",
    )
    spot = models.CharField(
        _("where it stands (方書)"),
        max_length=100,
        help_text=_("Where exactly the machine stands, for example 1階正面玄関横."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    operator = models.CharField(_("operator"), max_length=100)
    bottler = models.CharField(_("bottler"), max_length=100, blank=True)
    agreement_type = models.CharField(
        _("agreement type"),
        max_length=20,
        choices=AgreementType.choices,
        default=AgreementType.DISASTER_SUPPORT,
    )
    agreement_start = models.DateField(_("agreement start"), null=True, blank=True)
    agreement_end = models.DateField(
        _("agreement end"),
        null=True,
        blank=True,
        help_text=_("Last day of the current term. Leave empty if it has no end date."),
    )
    agreement_renewal_date = models.DateField(
        _("renewal decision date"),
        null=True,
        blank=True,
        help_text=_("The day by which renewal must be agreed or refused."),
    )
    trigger_authority = models.CharField(
        _("who may start free vending and 00000JAPAN"),
        max_length=200,
        blank=True,
        help_text=_("For example 市災害対策本部長 (市長) or the facility manager."),
    )
    ssid = models.CharField(_("SSID (normal)"), max_length=32, blank=True)
    disaster_ssid = models.CharField(_("SSID (disaster)"), max_length=32, default=DISASTER_SSID)
    session_limit_minutes = models.PositiveIntegerField(
        _("session limit (minutes)"),
        null=True,
        blank=True,
        help_text=_("How long one connection lasts before users must connect again."),
    )
    power_backup = models.CharField(
        _("power backup"), max_length=20, choices=PowerBackup.choices, default=PowerBackup.NONE
    )
    power_backup_hours = models.PositiveIntegerField(
        _("power backup (hours)"), null=True, blank=True
    )
    emergency_contact = models.CharField(
        _("emergency contact printed on the machine"), max_length=100, blank=True
    )
    photo = models.FileField(
        _("photo"),
        upload_to="wifi/machines/",
        blank=True,
        validators=[FileExtensionValidator(["jpg", "jpeg", "png", "webp"])],
    )
    notes = models.TextField(_("notes"), blank=True)
    status = models.CharField(
        _("current status"),
        max_length=20,
        choices=MachineStatus.choices,
        default=MachineStatus.PLANNED,
        editable=False,
    )
    status_since = models.DateField(_("status since"), null=True, editable=False)

    objects = MachineQuerySet.as_manager()

    class Meta:
        verbose_name = _("Wi-Fi vending machine")
        verbose_name_plural = _("Wi-Fi vending machines")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(agreement_end__isnull=True)
                | Q(agreement_start__isnull=True)
                | Q(agreement_end__gte=models.F("agreement_start")),
                name="wifi_machine_agreement_end_after_start",
                violation_error_message=_("The agreement cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="wifi_machine_latitude_range",
                violation_error_message=_("The latitude must lie between -90 and 90."),
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="wifi_machine_longitude_range",
                violation_error_message=_("The longitude must lie between -180 and 180."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=MachineStatus.values),
                name="wifi_machine_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.facility.name} {self.spot}"

    @property
    def map_latitude(self):
        return self.latitude if self.latitude is not None else self.facility.latitude

    @property
    def map_longitude(self):
        return self.longitude if self.longitude is not None else self.facility.longitude

    def status_badge(self) -> str:
        return {
            MachineStatus.OPERATING: "ok",
            MachineStatus.SUSPENDED: "warn",
            MachineStatus.REMOVED: "danger",
        }.get(self.status, "")


class MachineStatusChange(models.Model):
    """One dated step of a machine's life. The status holds from ``effective_on`` (a day in JST)."""

    machine = models.ForeignKey(
        Machine, verbose_name=_("machine"), on_delete=models.PROTECT, related_name="status_changes"
    )
    status = models.CharField(_("status"), max_length=20, choices=MachineStatus.choices)
    effective_on = models.DateField(_("from (date)"))
    reason = models.CharField(_("reason"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        # Several steps may share a day (installed and operating on one day):
        # within a day, the later-recorded step is the one in force.
        ordering = ["machine", "effective_on", "id"]
        indexes = [
            models.Index(fields=["machine", "effective_on"], name="wifi_status_machine_day_idx")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=MachineStatus.values),
                name="wifi_machinestatuschange_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine.code} {self.get_status_display()} {self.effective_on}"


class MonthlyUsage(models.Model):
    class Source(models.TextChoices):
        OPERATOR_REPORT = "operator_report", _("Operator report")
        ESTIMATE = "estimate", _("Estimate")

    machine = models.ForeignKey(
        Machine, verbose_name=_("machine"), on_delete=models.PROTECT, related_name="usage"
    )
    month = models.DateField(_("month"), help_text=_("Stored as the first day of the month."))
    connections = models.PositiveIntegerField(_("connections"))
    distinct_users = models.PositiveIntegerField(
        _("distinct users"), null=True, blank=True, help_text=_("Only if the operator reports it.")
    )
    data_mb = models.PositiveBigIntegerField(_("data volume (MB)"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("monthly usage")
        verbose_name_plural = _("monthly usage")
        ordering = ["-month", "machine__code"]
        # The usage list's default order, newest month first.
        indexes = [models.Index(fields=["-month", "machine"], name="wifi_usage_month_desc")]
        constraints = [
            models.UniqueConstraint(
                fields=["machine", "month"], name="wifi_monthlyusage_one_per_machine_month"
            ),
            models.CheckConstraint(
                condition=Q(distinct_users__isnull=True)
                | Q(distinct_users__lte=models.F("connections")),
                name="wifi_monthlyusage_users_not_above_connections",
                violation_error_message=_("Distinct users cannot exceed connections."),
            ),
            models.CheckConstraint(
                condition=Q(source__in=["operator_report", "estimate"]),
                name="wifi_monthlyusage_source_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine.code} {self.month:%Y-%m}"


class Inspection(models.Model):
    class Result(models.TextChoices):
        OK = "ok", _("No problems")
        ISSUES = "issues", _("Problems found")

    machine = models.ForeignKey(
        Machine, verbose_name=_("machine"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("inspection date"))
    inspector = models.CharField(_("inspected by"), max_length=100)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices)
    wifi_checked = models.BooleanField(_("Wi-Fi connection checked"), default=True)
    power_backup_checked = models.BooleanField(_("power backup checked"), default=False)
    findings = models.TextField(_("findings"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.machine.code} {self.inspected_on}"


class Activation(models.Model):
    """A drill or a real opening of free vending and the disaster SSID."""

    class Kind(models.TextChoices):
        DRILL = "drill", _("Drill")
        REAL = "real", _("Real activation")

    machine = models.ForeignKey(
        Machine, verbose_name=_("machine"), on_delete=models.PROTECT, related_name="activations"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    started_on = models.DateField(_("date"))
    duration_hours = models.DecimalField(_("duration (hours)"), max_digits=6, decimal_places=1)
    authorised_by = models.CharField(
        _("authorised by"), max_length=100, help_text=_("Name and title of who ordered it.")
    )
    disaster_ssid_opened = models.BooleanField(_("disaster SSID opened"), default=True)
    free_vending = models.BooleanField(_("free vending"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("drill or activation")
        verbose_name_plural = _("drills and activations")
        ordering = ["-started_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_hours__gte=0),
                name="wifi_activation_duration_not_negative",
                violation_error_message=_("The duration cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.machine.code} {self.get_kind_display()} {self.started_on}"
