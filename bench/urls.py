"""The benchmark's URLs: the project's own, plus a floor page that exists only here.

Only ``bench/settings.py`` points ROOT_URLCONF at this module, so the floor page
never ships to users (production and tests use config.urls).
"""

from django.shortcuts import render
from django.urls import include, path

from core.roles import Role, role_required


@role_required(Role.LENDING_STAFF, Role.DX_STAFF)
def floor(request):
    """The signed-in floor: a staff page with the base layout and nothing else."""
    return render(request, "bench/floor.html")


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("", include("config.urls")),
]
