"""Staff pages of the outbox: the 連絡リスト, the outbox, postcards, the message templates.

総務課 (dx_staff) answers for the messages of classes and volunteers, 生活課
(lending_staff) for those of loans; someone with both roles sees both. Everyone
else gets 403, and a message of another section is a 404.
"""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template import TemplateDoesNotExist, TemplateSyntaxError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.audit import audit_history, audit_record
from core.filters import MessageFilter
from core.fiscal import long_date
from core.forms import CallOutcomeForm, MessageRetryForm, MessageTemplateForm
from core.messaging import (
    TemplateTexts,
    catalogue_entry,
    current_texts,
    render_texts,
    sections_for_user,
    shipped_texts,
    template_catalogue,
    template_placeholders,
)
from core.models import Message, MessageTemplate
from core.refusals import Refusal, put_on_form, show_refusal
from core.roles import Role, role_required
from core.selectors import call_list as select_call_list
from core.selectors import later_calls, latest_context, messages_for_user, postcards_to_print
from core.services import (
    call_record_outcome,
    message_retry,
    message_template_reset,
    message_template_save,
)

staff_only = role_required(Role.LENDING_STAFF, Role.DX_STAFF)
PAGE_SIZE = 50


def get_message_for_user(request, pk: int) -> Message:
    """A message of one of the user's sections, or 404."""
    return get_object_or_404(messages_for_user(request.user), pk=pk)


def _section_names(user) -> list[str]:
    return [settings.TSUNAGU["sections"][s] for s in sections_for_user(user)]


@staff_only
def call_list(request):
    """The 連絡リスト: calls and postcards due today, with the script and one-tap outcomes."""
    today = timezone.localdate()
    rows = list(select_call_list(request.user, today=today)[:200])
    return render(
        request,
        "core/messages/call_list.html",
        {
            "rows": rows,
            "later": list(later_calls(request.user, today=today)[:200]),
            "postcard_count": sum(1 for row in rows if row.is_postcard),
            "section_names": _section_names(request.user),
            "outcomes": CallOutcomeForm(message=None).fields["outcome"].choices,
            "postcard_outcomes": CallOutcomeForm(message=Message(channel=Message.Channel.POSTCARD))
            .fields["outcome"]
            .choices,
            "today": today,
        },
    )


@staff_only
@require_POST
def call_record(request, pk: int):
    """Record a call's (or a postcard's) outcome; back to the list."""
    message = get_message_for_user(request, pk)
    form = CallOutcomeForm(request.POST, message=message)
    if not form.is_valid():
        show_refusal(request, Refusal(_("Choose one of the outcomes shown.")))
        return redirect("core:call_list")
    try:
        message = call_record_outcome(
            message=message,
            outcome=form.cleaned_data["outcome"],
            note=form.cleaned_data["note"],
            by=request.user,
        )
    except Refusal as refusal:
        show_refusal(request, refusal)
        return redirect("core:call_list")
    if message.status == Message.Status.NO_ANSWER:
        messages.success(
            request,
            _("%(name)s: no answer. The call comes back on %(day)s.")
            % {"name": message.name, "day": long_date(message.due_on)},
        )
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.")
            % {"name": message.name, "status": message.get_status_display()},
        )
    return redirect(request.POST.get("next") or reverse("core:call_list"))


@staff_only
def postcard_sheet(request):
    """Postcards to post, as an A4 sheet of address labels (or one letter per page); audited."""
    layout = "letters" if request.GET.get("layout") == "letters" else "labels"
    rows = list(postcards_to_print(request.user)[:200])
    for row in rows:
        audit_record(actor=request.user, action="core.postcard.printed", target=row, note=layout)
    return render(request, "core/messages/postcards.html", {"rows": rows, "layout": layout})


@staff_only
def outbox(request):
    """Every message of the user's sections: sent, failed, queued, calls; with filters."""
    queryset = messages_for_user(request.user).order_by("-created_at", "-pk")
    message_filter = MessageFilter(request.GET or None, queryset=queryset, user=request.user)
    page = Paginator(message_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "core/messages/outbox.html",
        {
            "filter": message_filter,
            "page": page,
            "query": query.urlencode(),
            "section_names": _section_names(request.user),
        },
    )


@staff_only
def message_detail(request, pk: int):
    """One message: whom, why, the text, how delivery went, and its history."""
    message = get_message_for_user(request, pk)
    return render(
        request,
        "core/messages/detail.html",
        {
            "message": message,
            "history": audit_history(message, limit=50),
            "retry_form": MessageRetryForm(message=message) if message.can_retry else None,
            "outcome_form": CallOutcomeForm(message=message)
            if message.is_open and message.channel != Message.Channel.EMAIL
            else None,
        },
    )


@staff_only
@require_POST
def message_retry_view(request, pk: int):
    """Send a failed message again (or by another channel)."""
    message = get_message_for_user(request, pk)
    form = MessageRetryForm(request.POST, message=message)
    if form.is_valid():
        try:
            message_retry(message=message, by=request.user, channel=form.cleaned_data["channel"])
        except Refusal as refusal:
            show_refusal(request, refusal)
        else:
            messages.success(request, _("The message will be sent again."))
    return redirect("core:message_detail", pk=message.pk)


# --- templates -------------------------------------------------------------------------------


def _entry_for_user(request, template: str):
    entry = catalogue_entry(template)
    if entry is None or entry.section not in sections_for_user(request.user):
        raise Http404
    return entry


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


@staff_only
def message_templates(request):
    """The message templates of the user's sections, per language, shipped or edited."""
    sections = sections_for_user(request.user)
    entries = [e for e in template_catalogue() if e.section in sections]
    edited = {
        (row.template, row.language): row
        for row in MessageTemplate.objects.filter(
            template__in=[e.template for e in entries]
        ).select_related("changed_by")
    }
    rows = [
        {
            "entry": entry,
            "languages": [
                {"code": code, "row": edited.get((entry.template, code))} for code in _languages()
            ],
        }
        for entry in entries
    ]
    return render(request, "core/messages/templates.html", {"rows": rows})


@staff_only
def message_template_edit(request, language: str, template: str):
    """Edit a template's subject and body in one language, with a preview on real data."""
    entry = _entry_for_user(request, template)
    if language not in _languages():
        raise Http404
    try:
        shipped = shipped_texts(template, language)
    except TemplateDoesNotExist as exc:
        raise Http404 from exc
    current = current_texts(template, language)
    form = MessageTemplateForm(
        request.POST or None, initial={"subject": current.subject, "body": current.body}
    )
    preview = preview_error = None
    sample, context = latest_context(template, language)
    if request.method == "POST" and form.is_valid():
        texts = TemplateTexts(
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            version=current.version,
            customised=True,
        )
        if request.POST.get("action") == "save":
            try:
                message_template_save(
                    template=template,
                    language=language,
                    subject=texts.subject,
                    body=texts.body,
                    by=request.user,
                )
            except Refusal as refusal:
                put_on_form(form, refusal)
            else:
                messages.success(request, _("Saved. The next messages use this text."))
                return redirect("core:message_templates")
        else:
            try:
                preview = render_texts(texts, context, language=language)
            except TemplateSyntaxError as exc:
                preview_error = str(exc)
    elif request.method == "GET":
        try:
            preview = render_texts(current, context, language=language)
        except TemplateSyntaxError as exc:
            preview_error = str(exc)
    row = MessageTemplate.objects.filter(template=template, language=language).first()
    return render(
        request,
        "core/messages/template_edit.html",
        {
            "entry": entry,
            "language": language,
            "language_name": dict(settings.LANGUAGES)[language],
            "form": form,
            "current": current,
            "shipped": shipped,
            "placeholders": template_placeholders(template, language),
            "preview": preview,
            "preview_error": preview_error,
            "sample": sample,
            "history": audit_history(row, limit=20) if row else [],
        },
    )


@staff_only
@require_POST
def message_template_reset_view(request, language: str, template: str):
    """Back to the shipped texts."""
    _entry_for_user(request, template)
    if language not in _languages():
        raise Http404
    message_template_reset(template=template, language=language, by=request.user)
    messages.success(request, _("The shipped text is used again."))
    return redirect("core:message_templates")
