"""総務課's pages for the courses: what is taught, and the skills a 講師 needs for it."""

from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.audit import audit_history, with_changes
from core.refusals import Refusal, put_on_form
from core.roles import Role, role_required
from core.views._common import page_of
from outreach import services
from outreach.forms import CourseFilterForm, CourseForm
from outreach.models import Course, CourseSkill
from outreach.services.courses import course_snapshot

dx_staff_only = role_required(Role.DX_STAFF)


def get_course(pk: int) -> Course:
    """The one way these pages load a course (a shared catalogue: no owner check)."""
    return get_object_or_404(Course, pk=pk)


@dx_staff_only
def course_list(request):
    """Every course with the skills its 講師 need; filter by name or skill."""
    form = CourseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    courses = Course.objects.prefetch_related("skills").order_by("sort_order", "code")
    if query := data.get("q"):
        courses = courses.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(name_kana__icontains=query)
        )
    if skill := data.get("skill"):
        courses = courses.filter(
            Exists(CourseSkill.objects.filter(course=OuterRef("pk"), skill=skill))
        )
    return render(
        request, "outreach/course_list.html", {"form": form, "page": page_of(request, courses)}
    )


@dx_staff_only
def course_edit(request, pk: int | None = None):
    """Create a course or change it (name, kind, audience, length, skills)."""
    course = get_course(pk) if pk else Course()
    before = course_snapshot(course) if pk else None
    form = CourseForm(request.POST or None, instance=course)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_save(
                course=form.instance,
                skills=form.cleaned_data["skills"],
                by=request.user,
                before=before,
            )
        except Refusal as refusal:
            put_on_form(form, refusal)
        else:
            messages.success(request, _("Saved."))
            return redirect("outreach:course_edit", pk=form.instance.pk)
    labels = {"skills": form.fields["skills"].label}
    history = with_changes(audit_history(course, limit=50), Course, labels=labels) if pk else []
    return render(
        request,
        "outreach/course_form.html",
        {"course": course, "form": form, "history": history},
    )
