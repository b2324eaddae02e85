"""Default-deny: every page of ours needs a sign-in unless it is on the public list."""

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver

from core.roles import Role

# Pages anyone may open. Adding a public page means adding it here, on purpose.
PUBLIC_URL_NAMES = {
    "core:home",
    "core:healthz",
    "set_language",
    "wifi:spots",
    "wifi:opendata_csv",
    "kpi:public_report",
    "kpi:public_year",
    "kpi:public_csv",
    "kpi:public_json",
    "kpi:public_facts",
    "outreach:public_classes",
    "outreach:public_session",
    "outreach:public_cancel",
    # A resident's confirmation pages: opened by a signed token, not a sign-in.
    "outreach:public_applied",
    "outreach:public_cancelled",
    "outreach:public_flyer",
    "outreach:opendata_events",
    "core:opendata_facilities",
    # The link in a staff invitation mail: the invitee has no account yet.
    "core:invitation_accept",
    # The link in a group representative's invitation mail: no account yet either.
    "lending:invitation_accept",
    # A volunteer's private calendar feed: opened by its secret token, not a sign-in.
    "outreach:signup_calendar_feed",
    "lending:availability",
    "lending:availability_calendar",
    "lending:item_link",
}
SAMPLE_ARGUMENTS = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "uuid": "00000000-0000-0000-0000-000000000000",
    "path": "x",
}


def _our_patterns(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if ns in {"admin", "djdt"} or (
                entry.app_name is None and "allauth" in str(entry.urlconf_module)
            ):
                continue
            yield from _our_patterns(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry, namespace


def _sample_path(route: str, pattern: URLPattern) -> str:
    converters = pattern.pattern.converters
    path = route
    for name, converter in converters.items():
        kind = {
            "IntConverter": "int",
            "UUIDConverter": "uuid",
            "SlugConverter": "slug",
            "PathConverter": "path",
        }.get(type(converter).__name__, "str")
        for spelled in (f"<{kind}:{name}>", f"<{name}>"):
            path = path.replace(spelled, SAMPLE_ARGUMENTS[kind])
    path = path.replace("^", "").replace("$", "")
    # Route converters registered by apps get a number (a fiscal year's four digits).
    path = path.replace("<fy:", "<2025:")
    while "<" in path:
        start = path.index("<")
        sample = "2025" if path.startswith("<2025:", start) else "1"
        path = path[:start] + sample + path[path.index(">", start) + 1 :]
    return "/" + path


def _name(pattern, namespace):
    return f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name


def _cases():
    for route, pattern, namespace in _our_patterns():
        if namespace in settings.TSUNAGU_APPS or _name(pattern, namespace) in PUBLIC_URL_NAMES:
            yield pytest.param(route, pattern, namespace, id=_name(pattern, namespace) or route)


@pytest.mark.django_db
@pytest.mark.parametrize(("route", "pattern", "namespace"), list(_cases()))
def test_anonymous_visitors_are_sent_to_sign_in_except_on_public_pages(
    client, route, pattern, namespace
):
    name = _name(pattern, namespace)
    is_public = getattr(pattern.callback, "login_required", True) is False
    if is_public:
        assert name in PUBLIC_URL_NAMES, f"{name} is public but not on the public list"
        return
    response = client.get(_sample_path(route, pattern))
    assert response.status_code == 302, name
    assert response["Location"].startswith("/accounts/login/"), name


def test_every_public_name_is_really_public():
    names = {
        _name(p, ns)
        for _route, p, ns in _our_patterns()
        if getattr(p.callback, "login_required", True) is False
    }
    assert names >= PUBLIC_URL_NAMES


@pytest.mark.django_db
def test_kiosk_account_is_refused_everywhere_but_the_kiosk(client_for, kiosk_user):
    client = client_for(kiosk_user)
    assert client.get("/volunteers/me/").status_code == 403
    assert client.get("/admin/").status_code == 403
    assert client.get("/accounts/password/change/").status_code == 403


@pytest.mark.django_db
def test_kiosk_session_lasts_one_working_day(client_for, kiosk_user, settings):
    client = client_for(kiosk_user)
    client.get("/healthz")
    assert client.session.get_expiry_age() == settings.TSUNAGU_KIOSK_SESSION_SECONDS


@pytest.mark.django_db
def test_signed_in_user_sees_dashboard_with_only_their_role_menu(client_for, volunteer_user):
    response = client_for(volunteer_user).get("/dashboard/")
    assert response.status_code == 200
    assert "マイページ" in response.content.decode()


@pytest.mark.django_db
def test_roles_exist_as_groups_after_migrate():
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


@pytest.mark.django_db
def test_sync_roles_is_idempotent():
    from core.roles import sync_roles

    sync_roles()
    assert sync_roles() == []


@pytest.mark.django_db
def test_dx_staff_role_gets_declared_permissions(dx_staff):
    assert dx_staff.has_perm("core.change_facility")
    assert not dx_staff.has_perm("core.delete_facility")


@pytest.mark.django_db
def test_kiosk_lands_on_the_scan_screen_after_sign_in(client, kiosk_user):
    response = client.post(
        "/accounts/login/", {"login": kiosk_user.email, "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == "/kiosk/"
    assert client.get("/").headers["Location"] == "/kiosk/"


# Pages of issue 15 (stocktake, maintenance, lending rules, a group's people, courses):
# URL name → the roles that open them. Every other role gets 403 (the sweep above
# already proves that anonymous visitors are sent to sign in).
ROLE_PAGES = {
    "lending:stocktake_list": {Role.LENDING_STAFF},
    "lending:stocktake_detail": {Role.LENDING_STAFF},
    "lending:stocktake_report": {Role.LENDING_STAFF},
    "lending:maintenance_due": {Role.LENDING_STAFF},
    "lending:maintenance_plan_list": {Role.LENDING_STAFF},
    "lending:maintenance_plan_new": {Role.LENDING_STAFF},
    "lending:maintenance_plan_edit": {Role.LENDING_STAFF},
    "lending:item_maintenance": {Role.LENDING_STAFF},
    "lending:rules": {Role.LENDING_STAFF, Role.LENDING_LEAD},
    "lending:rule_change": {Role.LENDING_LEAD},
    "lending:representative_invite": {Role.LENDING_STAFF},
    "lending:type_list": {Role.LENDING_STAFF},
    "lending:type_new": {Role.LENDING_STAFF},
    "lending:item_new": {Role.LENDING_STAFF},
    "lending:kit_list": {Role.LENDING_STAFF},
    "lending:kit_new": {Role.LENDING_STAFF},
    "lending:kit_label_sheet": {Role.LENDING_STAFF},
    "outreach:course_list": {Role.DX_STAFF},
    "outreach:course_new": {Role.DX_STAFF},
    "outreach:course_edit": {Role.DX_STAFF},
}
# POST-only actions: every role but these gets 403 before anything happens.
ROLE_ACTIONS = {
    "lending:stocktake_close": {Role.LENDING_STAFF},
    "lending:representative_invitation_resend": {Role.LENDING_STAFF},
    "lending:representative_invitation_cancel": {Role.LENDING_STAFF},
    "lending:membership_remove": {Role.LENDING_STAFF},
    "lending:kit_retire": {Role.LENDING_STAFF},
}


def _route_of(name: str):
    for route, pattern, namespace in _our_patterns():
        if _name(pattern, namespace) == name:
            return route, pattern
    raise LookupError(name)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(ROLE_PAGES | ROLE_ACTIONS))
@pytest.mark.parametrize("role", [role.value for role in Role])
def test_new_staff_pages_open_only_for_their_roles(client_for, make_user, name, role):
    route, pattern = _route_of(name)
    path = _sample_path(route, pattern).replace("/x/", "/neighbourhood/")
    client = client_for(make_user(role))
    allowed = (ROLE_PAGES | ROLE_ACTIONS)[name]
    response = client.post(path) if name in ROLE_ACTIONS else client.get(path)
    if role in allowed:
        assert response.status_code != 403, (name, role)
    else:
        assert response.status_code == 403, (name, role)


def test_every_new_page_is_in_some_roles_navigation():
    from django.apps import apps

    in_navigation = {
        url_name
        for config in apps.get_app_configs()
        for _l, url_name, _r in getattr(config, "nav_items", [])
    }
    for name in (
        "lending:stocktake_list",
        "lending:maintenance_due",
        "lending:rules",
        "lending:type_list",
        "lending:kit_list",
        "outreach:course_list",
    ):
        assert name in in_navigation
