"""Home, the signed-in dashboard and the health check.

Core's staff pages live beside: ``accounts`` (the 管理者's staff accounts and
invitations), ``audit`` (the audit log), ``facilities`` and ``messages`` (the outbox,
the 連絡リスト, postcards and message templates).
"""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.selectors import open_call_count


@login_not_required
def home(request):
    """Public front page: what Tsunagu offers residents, and a way in for staff."""
    return render(request, "core/home.html")


def dashboard(request):
    """The signed-in start page: one large button per task the user's roles allow."""
    return render(request, "core/dashboard.html", {"open_calls": open_call_count(request.user)})


@login_not_required
@require_GET
@never_cache
def healthz(request):
    """Liveness and database check for the load balancer: 200 when the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
