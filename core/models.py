"""What every app shares: the user account, public facilities and the audit trail."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person (or a kiosk device) who signs in with an email address."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=100, blank=True)
    is_staff = models.BooleanField(
        _("admin site access"), default=False, help_text=_("May open the Django admin site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name or self.email

    def get_absolute_url(self) -> str:
        """The account's page for the 管理者 (roles, deactivation, two-factor reset)."""
        return reverse("core:account_detail", args=[self.pk])


class Facility(models.Model):
    """A public facility: 市役所, 公民館… Venues of classes, homes of Wi-Fi machines, lending desk."""

    class Kind(models.TextChoices):
        CITY_HALL = "city_hall", _("City hall")
        COMMUNITY_CENTRE = "community_centre", _("Community centre (公民館)")
        LIBRARY = "library", _("Library")
        SPORTS = "sports", _("Sports facility")
        WELFARE = "welfare", _("Welfare facility")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_kana = models.CharField(_("name (katakana)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    common_name = models.CharField(_("common name"), max_length=100, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    poi_code = models.CharField(_("POI code"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=200)
    address_detail = models.CharField(_("building and room (方書)"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    extension = models.CharField(_("extension"), max_length=10, blank=True)
    corporate_number = models.CharField(_("corporate number (法人番号)"), max_length=13, blank=True)
    available_days = models.CharField(
        _("open days"), max_length=50, blank=True, help_text=_("For example 月火水木金")
    )
    opens_at = models.TimeField(_("opens at"), null=True, blank=True)
    closes_at = models.TimeField(_("closes at"), null=True, blank=True)
    availability_notes = models.CharField(_("notes on opening"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    barrier_free = models.CharField(
        _("barrier-free information"),
        max_length=300,
        blank=True,
        help_text=_("Separate items with ; (for example 車椅子対応トイレ;スロープ)"),
    )
    url = models.URLField(_("web page"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["name_kana"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("core:facility_edit", args=[self.pk])

    @property
    def barrier_free_items(self) -> list[str]:
        return [item.strip() for item in self.barrier_free.split(";") if item.strip()]


class AuditEntry(models.Model):
    """One change to a fact: who did what to which record, when. Append-only.

    A small model of our own rather than a field-diff library: the trail records
    domain events ("reservation approved", "return recorded at kiosk") with their
    meaning, written by the service that makes the change, in its transaction.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept as text too: "電話受付", "public form", "system (cron)".
    actor_label = models.CharField(_("who (as recorded)"), max_length=150)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(_("record"), max_length=200)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="core_audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Audit entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Audit entries are append-only.")

    @property
    def label(self) -> str:
        """What happened, in the reader's language (from the action registry)."""
        from core.audit import action_label

        return action_label(self.action)

    @property
    def actor_name(self) -> str:
        """Who did it, by name (never an e-mail address or a code)."""
        from core.audit import actor_name

        return actor_name(self)


class Invitation(models.Model):
    """An invitation by e-mail to become staff: the roles are given once the address is verified.

    The link in the mail (``/invitation/<token>/``) leads to allauth's sign-up with
    the address filled in; allauth verifies the address and our account adapter
    then gives the roles (``core.services.invitation_accept_for``). The token only
    finds the invitation: the roles follow the verified address, never the link.
    """

    email = models.EmailField(_("email address"))
    full_name = models.CharField(
        _("name"), max_length=100, help_text=_("Shown in histories instead of the address.")
    )
    roles = models.JSONField(_("roles"), default=list)
    token = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    cancelled_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Status(models.TextChoices):
        OPEN = "open", _("Waiting for sign-up")
        ACCEPTED = "accepted", _("Accepted")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Withdrawn")

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One invitation waiting per address: inviting again replaces the old one.
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(accepted_at__isnull=True, cancelled_at__isnull=True),
                name="core_invitation_one_open_per_email",
            ),
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True) | models.Q(cancelled_at__isnull=True),
                name="core_invitation_accepted_or_cancelled",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("core:invitation_list")

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

    @property
    def role_labels(self) -> list[str]:
        from core.roles import Role

        return [str(Role(role).label) for role in self.roles if role in Role.values]

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class RateCounter(models.Model):
    """Attempts per client and time window, for ``core.ratelimit`` when no Redis is configured."""

    key = models.CharField(max_length=200)
    window_start = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["key", "window_start"], name="core_ratecounter_one_per_window"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


class CacheVersion(models.Model):
    """A counter per cached public page (``core.pagecache``), bumped by the writes that change
    the page in their own transaction, so a cached copy never outlives a committed change."""

    key = models.CharField(max_length=100, primary_key=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}: {self.version}"


class MessageTemplate(models.Model):
    """Staff's own wording of a message (subject and body) in one language.

    The shipped file templates are the defaults; a row here replaces them once a
    member of staff edits the text, and ``message_template_reset`` goes back to the
    file. ``version`` counts the changes; each message keeps the one it was built from.
    """

    template = models.CharField(_("template"), max_length=200)
    language = models.CharField(_("language"), max_length=10)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("body"), blank=True)
    is_customised = models.BooleanField(_("edited by staff"), default=False)
    version = models.PositiveIntegerField(_("version"), default=0)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        constraints = [
            models.UniqueConstraint(
                fields=["template", "language"], name="core_messagetemplate_one_per_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.template} ({self.language})"


class MessageQuerySet(models.QuerySet):
    def calls(self) -> "MessageQuerySet":
        """Messages a person delivers: phone calls and postcards."""
        return self.filter(channel__in=[Message.Channel.CALL, Message.Channel.POSTCARD])

    def open(self) -> "MessageQuerySet":
        """Not yet done: waiting to be sent, called or posted."""
        return self.filter(status__in=Message.OPEN_STATUSES)

    def for_sections(self, sections) -> "MessageQuerySet":
        return self.filter(section__in=list(sections))


class Message(models.Model):
    """One message to one person about one event: an e-mail, a call to make, a postcard.

    Written in the transaction of the change that causes it (``core.messaging``), so a
    rolled-back change leaves no message; ``idempotency_key`` makes sure one event
    reaches one person once, however often the code that sends it runs.
    """

    class Kind(models.TextChoices):
        APPLICANT = "applicant", _("Class applicant")
        VOLUNTEER = "volunteer", _("Volunteer")
        GROUP_MEMBER = "group_member", _("Group member")
        STAFF = "staff", _("Staff")
        OTHER = "other", _("Other")

    class Channel(models.TextChoices):
        EMAIL = "email", _("E-mail")
        CALL = "call", _("Phone call")
        POSTCARD = "postcard", _("Postcard")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        TO_CALL = "to_call", _("To call")
        CALLED = "called", _("Called")
        NO_ANSWER = "no_answer", _("No answer")
        MESSAGE_LEFT = "message_left", _("Message left")
        TO_POST = "to_post", _("To post")
        POSTED = "posted", _("Posted")
        NOT_NEEDED = "not_needed", _("Not needed")

    OPEN_STATUSES = (
        Status.QUEUED,
        Status.SENDING,
        Status.TO_CALL,
        Status.NO_ANSWER,
        Status.TO_POST,
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    # Why: the event and the record it concerns.
    event = models.CharField(_("event"), max_length=64, db_index=True)
    about_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    about_id = models.CharField(max_length=64, blank=True)
    about_repr = models.CharField(_("about"), max_length=200, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    # Who. Kept as text: the message says whom it reached even after the record changes.
    recipient_kind = models.CharField(
        _("recipient"), max_length=20, choices=Kind.choices, default=Kind.OTHER
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="messages_received",
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    name_kana = models.CharField(_("name (furigana)"), max_length=100, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=10, default="ja")
    # How, and who answers for it.
    channel = models.CharField(_("channel"), max_length=20, default=Channel.EMAIL)
    section = models.CharField(_("section"), max_length=20)
    # What: the text as rendered, and the template version it came from.
    template = models.CharField(_("template"), max_length=200)
    template_version = models.PositiveIntegerField(_("template version"), default=0)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"))
    # The context it was rendered with (records by reference), for previews on real data.
    context = models.JSONField(default=dict, blank=True)
    # Delivery.
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent / done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    idempotency_key = models.CharField(max_length=64, editable=False)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_key"], name="core_message_one_per_person_and_event"
            ),
            models.CheckConstraint(
                condition=models.Q(attempts__gte=0), name="core_message_attempts_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="core_message_due_idx"),
            models.Index(fields=["section", "status", "due_on"], name="core_message_calls_idx"),
            models.Index(fields=["about_type", "about_id"], name="core_message_about_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email or self.phone} — {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_call(self) -> bool:
        return self.channel == self.Channel.CALL

    @property
    def is_postcard(self) -> bool:
        return self.channel == self.Channel.POSTCARD

    @property
    def can_retry(self) -> bool:
        """A failed automatic message may be sent again by staff."""
        return self.status == self.Status.FAILED

    @property
    def headline(self) -> str:
        """The subject without the mail prefix (for lists, call scripts and letters)."""
        from core.messaging import subject_prefix

        return self.subject.removeprefix(subject_prefix())

    @property
    def recipient(self):
        """The person as a ``core.messaging.Recipient`` (what a channel needs to reach them)."""
        from core.messaging import Recipient

        return Recipient(
            email=self.email,
            name=self.name,
            phone=self.phone,
            language=self.language,
            kind=self.recipient_kind,
            name_kana=self.name_kana,
            postal_code=self.postal_code,
            address=self.address,
        )

    @property
    def channel_label(self) -> str:
        from core.channels import channel_label

        return channel_label(self.channel)
