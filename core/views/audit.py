"""The audit log for staff: search who did what to which record, and download it."""

from django.contrib.contenttypes.models import ContentType
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from core.audit import action_label, actor_display
from core.exports import export_response
from core.forms import AuditLogFilterForm
from core.models import AuditEntry
from core.roles import Role, role_required
from core.selectors import (
    audit_action_choices,
    audit_links,
    audit_log_entries,
    audit_prefixes_for,
)
from core.views._common import export_format, page_of

# A download holds at most this many entries (newest first); narrow the dates for older ones.
EXPORT_LIMIT = 10_000


@role_required(Role.ADMINISTRATOR, Role.DX_STAFF, Role.LENDING_STAFF)
def audit_log(request):
    """Entries the viewer's section may read, searchable, 50 a page, with links to the records."""
    form = AuditLogFilterForm(
        request.GET or None, action_choices=audit_action_choices(request.user)
    )
    if form.is_bound and not form.is_valid():
        entries = AuditEntry.objects.none()
    else:
        entries = audit_log_entries(request.user, **(form.cleaned_data if form.is_bound else {}))
    if wanted := export_format(request):
        return _export(entries, wanted)
    page = page_of(request, entries)
    links = audit_links(request.user, page.object_list)
    rows = [(entry, links.get(entry.pk)) for entry in page.object_list]
    return render(
        request,
        "core/audit_log.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "export_limit": EXPORT_LIMIT,
            "reads_everything": audit_prefixes_for(request.user) is None,
        },
    )


def _export(entries, wanted: str):
    """At most EXPORT_LIMIT rows, read as bare values: 10,000 model objects take seconds."""
    header = [
        pgettext("history", "When"),
        pgettext("history", "Who"),
        pgettext("history", "What happened"),
        _("Kind of record"),
        pgettext("history", "Record"),
        pgettext("history", "Note"),
    ]
    values = entries.values_list(
        "at",
        "actor_id",
        "actor__full_name",
        "actor_label",
        "action",
        "target_type_id",
        "target_repr",
        "note",
    )[:EXPORT_LIMIT]
    rows = (
        [
            timezone.localtime(at),
            actor_display(actor_id, full_name or "", actor_label),
            action_label(action),
            _kind(target_type_id),
            target_repr,
            note,
        ]
        for at, actor_id, full_name, actor_label, action, target_type_id, target_repr, note in values
    )
    return export_response("audit-log", wanted, header, rows, title=_("Audit log"), landscape=True)


def _kind(content_type_id: int) -> str:
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    return str(model._meta.verbose_name) if model else ""
