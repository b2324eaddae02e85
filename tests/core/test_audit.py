"""core.audit: every action is declared with a label; histories show labels and names only."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy

from core.audit import (
    SYSTEM_ACTORS,
    audit_history,
    audit_history_of,
    audit_record,
    field_changes,
    registered_actions,
)
from core.models import AuditEntry

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
LEGACY_EMAIL_LABEL = "old.clerk@city.mobara.example.jp"


@pytest.fixture
def facility(make_facility):
    return make_facility("茂原市役所")


@pytest.fixture
def nameless_user(make_user):
    user = make_user(email="no-name@example.jp")
    user.full_name = ""
    user.save(update_fields=["full_name"])
    return user


def _english(label) -> str:
    with translation.override("en"):
        return str(label)


def _japanese(label) -> str:
    with translation.override("ja"):
        return str(label)


def _history_html(entries, **extra) -> str:
    with translation.override("ja"):
        return render_to_string("core/_history.html", {"entries": entries, **extra})


# --- recording ---------------------------------------------------------------


@pytest.mark.django_db
def test_recording_an_undeclared_action_raises_and_writes_nothing(facility, dx_staff):
    with pytest.raises(LookupError, match="core.facility.exploded"):
        audit_record(actor=dx_staff, action="core.facility.exploded", target=facility)
    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_recording_an_old_style_action_name_raises(facility, dx_staff):
    with pytest.raises(LookupError):
        audit_record(actor=dx_staff, action="reservation.approve", target=facility)


@pytest.mark.django_db
def test_an_entry_records_who_what_and_which_record(facility, dx_staff):
    entry = audit_record(
        actor=dx_staff,
        action="core.facility.changed",
        target=facility,
        changes={"phone": ["", "0475-23-2111"]},
        note="電話番号を追加",
    )
    entry.refresh_from_db()
    assert entry.actor == dx_staff
    assert entry.actor_label == "総務課 職員"
    assert entry.target_id == str(facility.pk)
    assert entry.target_repr == "茂原市役所"
    assert entry.changes == {"phone": ["", "0475-23-2111"]}
    assert entry.label == "施設情報の変更"
    assert entry.actor_name == "総務課 職員"


@pytest.mark.django_db
def test_an_anonymous_actor_is_recorded_as_tsunagu(facility):
    from django.contrib.auth.models import AnonymousUser

    entry = audit_record(actor=AnonymousUser(), action="core.facility.created", target=facility)
    assert entry.actor is None
    assert entry.actor_label == "system"
    assert entry.actor_name == _japanese(SYSTEM_ACTORS["system"])


@pytest.mark.django_db
def test_a_name_given_by_the_caller_is_shown_as_recorded(facility):
    entry = audit_record(
        actor=None, actor_label="電話受付（山田）", action="core.facility.created", target=facility
    )
    assert entry.actor_name == "電話受付（山田）"


@pytest.mark.django_db
def test_history_lists_entries_of_one_record_newest_first(make_facility, dx_staff):
    first, other = make_facility(), make_facility()
    a = audit_record(actor=dx_staff, action="core.facility.created", target=first)
    audit_record(actor=dx_staff, action="core.facility.created", target=other)
    b = audit_record(actor=dx_staff, action="core.facility.changed", target=first)
    assert list(audit_history(first)) == [b, a]
    assert list(audit_history(first, limit=1)) == [b]
    assert list(audit_history_of([first, other])) == list(AuditEntry.objects.order_by("-at", "-id"))


def test_field_changes_keeps_only_what_changed_as_plain_values():
    from datetime import date
    from decimal import Decimal

    before = {"phone": "", "opens_at": None, "latitude": Decimal("35.1"), "name": "同じ"}
    after = {
        "phone": "0475",
        "opens_at": date(2026, 4, 1),
        "latitude": Decimal("35.2"),
        "name": "同じ",
    }
    assert field_changes(before, after) == {
        "phone": ["", "0475"],
        "opens_at": [None, "2026-04-01"],
        "latitude": ["35.1", "35.2"],
    }


# --- the registry -------------------------------------------------------------


def test_every_registered_action_has_a_japanese_label_distinct_from_the_english():
    actions = registered_actions()
    assert len(actions) > 20
    untranslated = [name for name, label in actions.items() if _japanese(label) == _english(label)]
    assert untranslated == []


def test_every_registered_action_is_named_app_noun_verb():
    for name in registered_actions():
        app_label, noun, verb = name.split(".")
        assert apps.get_app_config(app_label)
        assert noun and verb


def test_every_registered_action_fits_the_audit_column():
    max_length = AuditEntry._meta.get_field("action").max_length
    assert [n for n in registered_actions() if len(n) > max_length] == []


# --- the history partial ----------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(registered_actions()))
def test_history_of_every_action_shows_its_label_and_names_never_codes_or_addresses(
    action, facility, nameless_user, make_user
):
    named = make_user(email="named.person@example.jp", full_name="生活課 花子")
    audit_record(actor=nameless_user, action=action, target=facility)
    audit_record(actor=named, action=action, target=facility)
    for key in SYSTEM_ACTORS:
        audit_record(actor=None, actor_label=key, action=action, target=facility)
    # An entry written before names were required: the address was the label.
    AuditEntry.objects.create(
        actor=None,
        actor_label=LEGACY_EMAIL_LABEL,
        action=action,
        target_type_id=AuditEntry.objects.first().target_type_id,
        target_id=str(facility.pk),
        target_repr=str(facility),
    )
    entries = list(audit_history(facility))
    assert len(entries) == 3 + len(SYSTEM_ACTORS)

    html = _history_html(entries, show_record=True)

    assert action not in html
    assert EMAIL.search(html) is None, EMAIL.search(html)
    assert "@" not in html
    label = registered_actions()[action]
    assert escape(_japanese(label)) in html
    assert html.count(escape(_japanese(label))) >= len(entries)
    assert "名前が未登録のアカウント" in html  # the nameless user, by what they are
    assert "生活課 花子" in html
    for key, system_label in SYSTEM_ACTORS.items():
        assert key not in html
        assert escape(_japanese(system_label)) in html


@pytest.mark.django_db
def test_a_name_that_is_an_address_is_not_shown(facility, make_user):
    user = make_user(email="typed.as.name@example.jp", full_name="typed.as.name@example.jp")
    audit_record(actor=user, action="core.facility.created", target=facility)
    html = _history_html(audit_history(facility))
    assert "@" not in html
    assert "名前が未登録のアカウント" in html


@pytest.mark.django_db
def test_history_of_an_undeclared_legacy_code_shows_a_generic_label(facility):
    AuditEntry.objects.create(
        actor_label="system",
        action="signup.created",
        target_type_id=_facility_type_id(),
        target_id=str(facility.pk),
        target_repr=str(facility),
    )
    html = _history_html(audit_history(facility))
    assert "signup.created" not in html
    assert "その他の変更" in html


@pytest.mark.django_db
def test_history_shows_the_note_and_the_heading(facility, dx_staff):
    audit_record(actor=dx_staff, action="core.facility.changed", target=facility, note="移転")
    html = _history_html(audit_history(facility), heading="施設の履歴", heading_level=3)
    assert '<h3 id="history-heading-main">施設の履歴</h3>' in html
    assert "移転" in html


@pytest.mark.django_db
def test_history_without_entries_says_so():
    html = _history_html([])
    assert "<table" not in html
    assert "<h2" in html


@pytest.mark.django_db
def test_history_in_english_shows_english_labels(facility, nameless_user):
    audit_record(actor=nameless_user, action="core.facility.created", target=facility)
    with translation.override("en"):
        html = render_to_string("core/_history.html", {"entries": audit_history(facility)})
    assert "Facility registered" in html
    assert "Account without a name" in html
    assert "no-name@example.jp" not in html


def _facility_type_id() -> int:
    from django.contrib.contenttypes.models import ContentType

    from core.models import Facility

    return ContentType.objects.get_for_model(Facility).pk


# --- the system check -----------------------------------------------------------


@pytest.fixture
def wifi_config(monkeypatch):
    config = apps.get_app_config("wifi")
    yield config
    registered_actions.cache_clear()


@pytest.mark.parametrize(
    "name",
    [
        "wifi.machine_create",  # two parts
        "machine.created.now",  # not under its app
        "lending.machine.created",  # another app's prefix
        "wifi.Machine.Created",  # capitals
        "wifi.machine.created.twice",  # four parts
        "wifi.machine.created-x",
    ],
)
def test_manage_py_check_fails_for_a_badly_named_action(monkeypatch, wifi_config, name):
    monkeypatch.setattr(
        wifi_config, "audit_actions", {**wifi_config.audit_actions, name: gettext_lazy("x")}
    )
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "tsunagu.E004" in str(raised.value)
    assert name in str(raised.value)


def test_manage_py_check_fails_for_an_action_without_a_label(monkeypatch, wifi_config):
    monkeypatch.setattr(
        wifi_config, "audit_actions", {**wifi_config.audit_actions, "wifi.machine.moved": ""}
    )
    with pytest.raises(SystemCheckError, match="wifi.machine.moved"):
        call_command("check")


def test_manage_py_check_fails_for_an_action_too_long_for_the_log(monkeypatch, wifi_config):
    name = "wifi.machine." + "x" * 60
    monkeypatch.setattr(
        wifi_config, "audit_actions", {**wifi_config.audit_actions, name: gettext_lazy("x")}
    )
    with pytest.raises(SystemCheckError, match=name):
        call_command("check")


def test_manage_py_check_passes_with_the_declared_actions():
    call_command("check")


# --- what an entry changed ---------------------------------------------------------------


def _verbose(model, name: str) -> str:
    return str(model._meta.get_field(name).verbose_name)


@pytest.mark.django_db
def test_with_changes_reads_fields_by_their_names_and_choices_by_their_labels(facility, dx_staff):
    from core.audit import Change, with_changes
    from core.models import Facility

    audit_record(
        actor=dx_staff,
        action="core.facility.changed",
        target=facility,
        changes={
            "kind": ["other", "library"],
            "phone": ["", "0475-23-2111"],
            "is_active": [True, False],
            "internal_flag": [1, 2],  # not a field: left out
            "name": "not a pair",  # malformed: left out
        },
    )
    [entry] = with_changes(audit_history(facility), Facility)
    assert entry.changed == [
        Change(_verbose(Facility, "kind"), "その他", "図書館"),
        Change(_verbose(Facility, "phone"), None, "0475-23-2111"),
        Change(_verbose(Facility, "is_active"), "はい", "いいえ"),
    ]
    html = _history_html([entry])
    assert f"{_verbose(Facility, 'kind')}：その他 → 図書館" in html
    assert f"{_verbose(Facility, 'phone')}：― → 0475-23-2111" in html
    assert "library" not in html and "internal_flag" not in html


@pytest.mark.django_db
def test_with_changes_takes_labels_and_limits_the_detail_to_some_actions(facility, dx_staff):
    from core.audit import Change, with_changes
    from core.models import Facility

    audit_record(
        actor=dx_staff,
        action="core.facility.created",
        target=facility,
        changes={"phone": ["", "1"]},
    )
    audit_record(
        actor=dx_staff,
        action="core.facility.changed",
        target=facility,
        changes={"phone": ["1", "2"], "usage": [3, 4]},
    )
    changed, created = with_changes(
        audit_history(facility),
        Facility,
        labels={"usage": "利用件数"},
        actions={"core.facility.changed"},
    )
    assert created.changed == []
    assert changed.changed == [
        Change(_verbose(Facility, "phone"), "1", "2"),
        Change("利用件数", 3, 4),
    ]


@pytest.mark.django_db
def test_with_changes_names_the_records_a_foreign_key_pointed_to(facility, make_user):
    from core.audit import with_changes

    before, after = make_user(full_name="前任 一郎"), make_user(full_name="後任 二郎")
    entry = audit_record(
        actor=before,
        action="core.facility.changed",
        target=facility,
        changes={"actor": [before.pk, after.pk]},
    )
    [entry] = with_changes([entry], AuditEntry)
    assert [(c.old, c.new) for c in entry.changed] == [("前任 一郎", "後任 二郎")]


@pytest.mark.django_db
def test_with_changes_never_shows_a_persons_address(facility, make_user, nameless_user):
    from core.audit import with_changes

    named = make_user(full_name="後任 二郎")
    entry = audit_record(
        actor=named,
        action="core.facility.changed",
        target=facility,
        changes={"actor": [nameless_user.pk, named.pk]},
    )
    [entry] = with_changes([entry], AuditEntry)
    assert [(c.old, c.new) for c in entry.changed] == [("名前が未登録のアカウント", "後任 二郎")]
    assert "@" not in _history_html([entry])
