"""Staff page to add items and organisations from a CSV file (checked first, all or nothing)."""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.exports import CSV_TYPE
from core.imports import DEFAULT_MAX_BYTES, run_import
from core.roles import Role, role_required
from lending.imports import KINDS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file contains"),
        choices=[
            ("items", gettext_lazy("Items (備品)")),
            ("organisations", gettext_lazy("Organisations (団体)")),
        ],
        widget=forms.RadioSelect,
        initial="items",
    )
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        help_text=gettext_lazy("UTF-8 or Shift_JIS (as saved by Excel), 2 MB at most."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > DEFAULT_MAX_BYTES:
            raise forms.ValidationError(_("The file is too large (2 MB at most)."))
        return upload


@role_required(Role.LENDING_STAFF)
@require_http_methods(["GET", "POST"])
def import_page(request):
    """Upload a CSV; every row is checked and either all rows are added or none."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        dry_run = "check_only" in request.POST
        result = run_import(
            KINDS[form.cleaned_data["kind"]],
            data=form.cleaned_data["file"].read(),
            by=request.user,
            dry_run=dry_run,
        )
        if result.ok and not dry_run:
            messages.success(request, _("%(count)s rows were added.") % {"count": result.saved})
            return redirect("lending:import")
    return render(
        request,
        "lending/import/import.html",
        {"form": form, "result": result, "kinds": list(KINDS.items())},
    )


@role_required(Role.LENDING_STAFF)
@require_GET
def import_template(request, kind: str):
    """An empty CSV with the right headings and one example row (with a BOM for Excel)."""
    if kind not in KINDS:
        raise Http404
    response = HttpResponse(KINDS[kind].template_csv(), content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="tsunagu-{kind}.csv"'
    return response
