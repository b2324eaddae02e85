"""The yearly review (進行管理): plan periods, KPI definitions, the incident register,
manual entries for years without facts, the sections' texts and closed-year snapshots.

KPI values are never stored here while the system holds the facts: they are
computed by the selectors the apps declare (``AppConfig.kpi_sources``). What is
stored is what people decide (definitions, targets, texts) and what a closing
froze (``YearClosing.snapshot``).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.fiscal import wareki_fiscal_year_label


class PlanPeriod(models.Model):
    """A policy period: its KPIs are reviewed for the fiscal years first..last.

    A version-up of the policy starts a new period with new baselines and
    targets; earlier periods and their closed sheets are never changed.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    first_fiscal_year = models.PositiveSmallIntegerField(_("first fiscal year"))
    last_fiscal_year = models.PositiveSmallIntegerField(_("last fiscal year"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("plan period")
        verbose_name_plural = _("plan periods")
        ordering = ["first_fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_fiscal_year__gte=F("first_fiscal_year")),
                name="kpi_planperiod_years_in_order",
                violation_error_message=_("The last fiscal year cannot come before the first."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class KpiDefinition(models.Model):
    """One indicator of the policy table, as data that 総務課 may edit (audited)."""

    class Area(models.TextChoices):
        SECURITY = "security", _("① Information security")
        COMMUNITY = "community", _("② Community digitalisation")
        DIVIDE = "divide", _("③ Digital divide")

    class Direction(models.TextChoices):
        INCREASE = "increase", _("Increase")
        KEEP_ZERO = "keep_zero", _("Keep at zero")

    class Aggregation(models.TextChoices):
        PER_YEAR = "per_year", _("Per fiscal year")
        CUMULATIVE = "cumulative", _("Cumulative since the baseline year")
        YEAR_END = "year_end", _("State at the end of the fiscal year")

    class RateMethod(models.TextChoices):
        GAP = "gap", _("Gap closed: (actual − baseline) ÷ (target − baseline)")
        PLAIN = "plain", _("Plain: actual ÷ target")

    class Grading(models.TextChoices):
        SABC = "sabc", _("S/A/B/C/− (S target reached, A above baseline, B baseline ±10%, C below)")
        ABCD = "abcd", _("A/B/C/D by rate (A ≥110%, B 80–110%, C 50–80%, D <50%)")

    period = models.ForeignKey(
        PlanPeriod, verbose_name=_("plan period"), on_delete=models.PROTECT, related_name="kpis"
    )
    code = models.SlugField(_("code"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("indicator"), max_length=200)
    name_en = models.CharField(_("indicator (English)"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=20, choices=Area.choices)
    unit = models.CharField(_("unit"), max_length=20, help_text=_("For example 人, 件, 台, 団体"))
    unit_en = models.CharField(_("unit (English)"), max_length=30, blank=True)
    baseline_value = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2)
    baseline_year = models.PositiveSmallIntegerField(_("baseline fiscal year"))
    baseline_note = models.CharField(
        _("note on the baseline"),
        max_length=200,
        blank=True,
        help_text=_("For example: as of the end of October, or none before the measure began"),
    )
    target_value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)
    target_year = models.PositiveSmallIntegerField(_("target fiscal year"))
    target_note = models.CharField(_("note on the target"), max_length=200, blank=True)
    direction = models.CharField(
        _("direction"), max_length=20, choices=Direction.choices, default=Direction.INCREASE
    )
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=Aggregation.choices, default=Aggregation.PER_YEAR
    )
    source_key = models.CharField(
        _("source"),
        max_length=100,
        blank=True,
        help_text=_("The key of the selector that computes the value; empty means manual entry."),
    )
    facts_since_year = models.PositiveSmallIntegerField(
        _("facts recorded since (fiscal year)"),
        null=True,
        blank=True,
        help_text=_(
            "From this fiscal year on the value is computed from the recorded facts; "
            "earlier years are entered by hand."
        ),
    )
    rate_method = models.CharField(
        _("achievement rate"), max_length=10, choices=RateMethod.choices, default=RateMethod.GAP
    )
    grading = models.CharField(
        _("grading scheme"), max_length=10, choices=Grading.choices, default=Grading.SABC
    )
    section = models.CharField(
        _("responsible section"),
        max_length=40,
        help_text=_("A key of the [sections] table of the city file (for example lending or dx)."),
    )
    # How to read the figure, shown on the sheet beside it: city data, edited with the KPI.
    counting_rule = models.TextField(
        _("how it is counted"),
        blank=True,
        help_text=_(
            "One plain sentence: attendances (延べ) or people (実人数), per year or cumulative, "
            "or the state on 31 March."
        ),
    )
    counting_rule_en = models.TextField(_("how it is counted (English)"), blank=True)
    caveats = models.TextField(
        _("caveats"),
        blank=True,
        help_text=_(
            "What a reader could misread, one point per line (for example a short baseline)."
        ),
    )
    caveats_en = models.TextField(_("caveats (English)"), blank=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        ordering = ["period__first_fiscal_year", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "code"], name="kpi_kpidefinition_unique_code"
            ),
            models.CheckConstraint(
                condition=Q(target_year__gt=F("baseline_year")),
                name="kpi_kpidefinition_target_after_baseline",
                violation_error_message=_("The target year must come after the baseline year."),
            ),
            models.CheckConstraint(
                condition=~Q(direction="keep_zero") | Q(target_value=0),
                name="kpi_kpidefinition_keep_zero_targets_zero",
                violation_error_message=_("A KPI kept at zero has the target 0."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def has_facts_for(self, fiscal_year: int) -> bool:
        """Whether the value of ``fiscal_year`` comes from recorded facts (else: manual)."""
        return bool(self.source_key) and (
            self.facts_since_year is not None and fiscal_year >= self.facts_since_year
        )

    @property
    def section_label(self) -> str:
        return section_label(self.section)

    @property
    def years(self) -> list[int]:
        return list(range(self.baseline_year, self.target_year + 1))


def section_label(key: str, language: str = "ja") -> str:
    """The section's name from the city file (生活課 / Community Life Division)."""
    sections = settings.TSUNAGU.get("sections", {})
    if language.startswith("en") and sections.get(f"{key}_en"):
        return sections[f"{key}_en"]
    return sections.get(key, key)


def section_choices() -> list[tuple[str, str]]:
    sections = settings.TSUNAGU.get("sections", {})
    return [(key, value) for key, value in sections.items() if not key.endswith("_en")]


class YearTarget(models.Model):
    """An intermediate target the office set for one fiscal year of a KPI."""

    kpi = models.ForeignKey(
        KpiDefinition, verbose_name=_("KPI"), on_delete=models.CASCADE, related_name="year_targets"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    value = models.DecimalField(_("target"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("intermediate target")
        verbose_name_plural = _("intermediate targets")
        ordering = ["fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "fiscal_year"], name="kpi_yeartarget_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {wareki_fiscal_year_label(self.fiscal_year)}"


class ManualValue(models.Model):
    """A value typed in for a year the system holds no facts for (before go-live).

    For a cumulative KPI it is that year's own count; the roll-up adds the years up.
    """

    kpi = models.ForeignKey(
        KpiDefinition, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="manual_values"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("where the number comes from"), max_length=300)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("manual value")
        verbose_name_plural = _("manual values")
        ordering = ["fiscal_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "fiscal_year"], name="kpi_manualvalue_one_per_year"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="kpi_manualvalue_not_negative",
                violation_error_message=_("The value cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {wareki_fiscal_year_label(self.fiscal_year)}: {self.value}"


class KpiComment(models.Model):
    """The responsible section's 要因分析 and 今後の方向性 for one KPI and year."""

    kpi = models.ForeignKey(
        KpiDefinition, verbose_name=_("KPI"), on_delete=models.PROTECT, related_name="comments"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    analysis = models.TextField(_("analysis of factors"), blank=True)
    outlook = models.TextField(_("future direction"), blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("section comment")
        verbose_name_plural = _("section comments")
        constraints = [
            models.UniqueConstraint(
                fields=["kpi", "fiscal_year"], name="kpi_kpicomment_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kpi} {wareki_fiscal_year_label(self.fiscal_year)}"


class Incident(models.Model):
    """An information-security incident recorded by 総務課. Only 重要 ones count for the KPI."""

    class Severity(models.TextChoices):
        SERIOUS = "serious", _("Serious (重要)")
        MINOR = "minor", _("Not serious")

    class Category(models.TextChoices):
        """What kind of incident (for the analysis the EBPM row of measure ① asks)."""

        MISDELIVERY = "misdelivery", _("Mail or documents sent to the wrong person")
        LOSS = "loss", _("Loss or theft of a device or documents")
        MALWARE = "malware", _("Malware or suspicious mail opened")
        UNAUTHORISED_ACCESS = "unauthorised_access", _("Unauthorised access")
        MISCONFIGURATION = "misconfiguration", _("Wrong settings or permissions")
        OUTAGE = "outage", _("System outage or data loss")
        OTHER = "other", _("Other")

    class Cause(models.TextChoices):
        HUMAN_ERROR = "human_error", _("Human error (rules not followed, oversight)")
        PROCEDURE = "procedure", _("Missing or unclear rules and procedures")
        ATTACK = "attack", _("Attack from outside")
        TECHNICAL = "technical", _("Fault of equipment or software")
        THIRD_PARTY = "third_party", _("Contractor or other organisation")
        UNKNOWN = "unknown", _("Not known yet")

    occurred_on = models.DateField(_("date of the incident"))
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    category = models.CharField(
        _("kind of incident"), max_length=30, choices=Category.choices, default=Category.OTHER
    )
    cause = models.CharField(
        _("cause"),
        max_length=20,
        choices=Cause.choices,
        default=Cause.UNKNOWN,
        help_text=_("The main cause, once known: it guides the training and the policy review."),
    )
    summary = models.TextField(_("what happened"))
    response = models.TextField(_("response"), blank=True)
    resolved_on = models.DateField(
        _("resolved on"), null=True, blank=True, help_text=_("Leave empty while still open.")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("security incident")
        verbose_name_plural = _("security incidents")
        ordering = ["-occurred_on", "-id"]
        # The KPI and the analysis read the incidents of fiscal years by date.
        indexes = [models.Index(fields=["occurred_on"], name="kpi_incident_occurred")]
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_on__isnull=True) | Q(resolved_on__gte=F("occurred_on")),
                name="kpi_incident_resolved_after_occurred",
                violation_error_message=_("It cannot be resolved before it happened."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_severity_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_on is None


class YearClosing(models.Model):
    """A fiscal year's sheet as published: frozen until an audited re-opening."""

    period = models.ForeignKey(PlanPeriod, on_delete=models.PROTECT, related_name="closings")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    snapshot = models.JSONField(_("frozen sheet"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), default=timezone.now)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    reopened_at = models.DateTimeField(_("re-opened at"), null=True, blank=True)
    reopen_reason = models.TextField(_("reason for re-opening"), blank=True)

    class Meta:
        verbose_name = _("closed fiscal year")
        verbose_name_plural = _("closed fiscal years")
        ordering = ["-closed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year"],
                condition=Q(reopened_at__isnull=True),
                name="kpi_yearclosing_one_open_closing_per_year",
            )
        ]

    def __str__(self) -> str:
        return wareki_fiscal_year_label(self.fiscal_year)


# --- Measures (個別取り組み) and the yearly review -------------------------------


class Measure(models.Model):
    """One 個別取り組み of a plan period, as the policy describes it (loaded from the
    city's measures file). A version-up copies the measures the review kept."""

    period = models.ForeignKey(
        PlanPeriod, verbose_name=_("plan period"), on_delete=models.PROTECT, related_name="measures"
    )
    code = models.SlugField(_("code"), max_length=40)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    area = models.CharField(_("area"), max_length=20, choices=KpiDefinition.Area.choices)
    name = models.CharField(_("measure"), max_length=200)
    name_en = models.CharField(_("measure (English)"), max_length=200, blank=True)
    section = models.CharField(
        _("responsible section"),
        max_length=40,
        help_text=_("A key of the [sections] table of the city file; its staff fill the row."),
    )
    related_sections = models.JSONField(
        _("sections concerned"), default=list, blank=True, help_text=_("Keys of [sections].")
    )
    situation = models.TextField(_("current situation"), blank=True)
    issues = models.TextField(_("issues"), blank=True)
    actions = models.TextField(_("actions"), blank=True)
    schedule = models.JSONField(
        _("schedule"), default=dict, blank=True, help_text=_("Plan per fiscal year.")
    )
    review_note = models.TextField(
        _("note from the review"),
        blank=True,
        help_text=_("What the DX board decided to change when this measure was carried over."),
    )
    kpis = models.ManyToManyField(
        KpiDefinition, verbose_name=_("KPIs it serves"), related_name="measures", blank=True
    )

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering = ["period__first_fiscal_year", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["period", "code"], name="kpi_measure_unique_code")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def section_label(self) -> str:
        return section_label(self.section)

    @property
    def related_sections_label(self) -> str:
        return "、".join(section_label(key) for key in self.related_sections)

    def plan_for(self, fiscal_year: int) -> str:
        return self.schedule.get(str(fiscal_year), "")


class YearReview(models.Model):
    """Where a fiscal year stands in the 進行管理: from the sections' rows to publication."""

    class Status(models.TextChoices):
        DRAFTING = "drafting", _("Being written")
        FILLED = "filled", _("Filled in by the sections")
        BOARD = "board", _("Reviewed by the DX board")
        CONFIRMED = "confirmed", _("Confirmed")
        PUBLISHED = "published", _("Published")

    period = models.ForeignKey(
        PlanPeriod, verbose_name=_("plan period"), on_delete=models.PROTECT, related_name="reviews"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFTING
    )
    meeting_date = models.DateField(_("date of the DX board meeting"), null=True, blank=True)
    decision = models.TextField(_("decision of the DX board"), blank=True)
    new_measures = models.JSONField(
        _("measures to add in the next version"),
        default=list,
        blank=True,
        help_text=_("Decided by the DX board: name, area, section and actions of each."),
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("yearly review")
        verbose_name_plural = _("yearly reviews")
        ordering = ["-fiscal_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["drafting", "filled"]) | Q(meeting_date__isnull=False),
                name="kpi_yearreview_board_step_has_meeting",
                violation_error_message=_("The DX board step needs the date of the meeting."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="kpi_yearreview_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return wareki_fiscal_year_label(self.fiscal_year)


# The order of the review's steps; a step is reached when the status is at or after it.
REVIEW_ORDER = [value for value, _label in YearReview.Status.choices]


class MeasureCheck(models.Model):
    """One row of the year-end check sheet: how a measure went, by its section, and
    what the DX board said about it."""

    class Progress(models.TextChoices):
        DONE = "done", _("Done")
        PARTLY = "partly", _("Partly done")
        NOT_DONE = "not_done", _("Not done")

    class Assessment(models.TextChoices):
        ON_TRACK = "on_track", _("On track")
        MOSTLY = "mostly", _("Mostly on track")
        BEHIND = "behind", _("Behind")

    class Decision(models.TextChoices):
        CONTINUE = "continue", _("Continue as it is")
        CHANGE = "change", _("Continue with changes")
        END = "end", _("End")

    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), on_delete=models.PROTECT, related_name="checks"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    progress = models.CharField(
        _("implementation"), max_length=10, choices=Progress.choices, blank=True
    )
    done = models.TextField(_("what was done"), blank=True)
    assessment = models.CharField(
        _("self-assessment"), max_length=10, choices=Assessment.choices, blank=True
    )
    issues = models.TextField(_("issues"), blank=True)
    direction = models.TextField(_("future direction"), blank=True)
    board_comment = models.TextField(_("comment of the DX board"), blank=True)
    board_decision = models.CharField(
        _("decision of the DX board"), max_length=10, choices=Decision.choices, blank=True
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("measure check")
        verbose_name_plural = _("measure checks")
        ordering = ["measure__sort_order", "measure_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year"], name="kpi_measurecheck_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.measure} {wareki_fiscal_year_label(self.fiscal_year)}"

    @property
    def is_filled(self) -> bool:
        return bool(self.progress and self.done.strip() and self.assessment)
