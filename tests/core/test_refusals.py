"""core.refusals: a refused action carries a message for the person and lands on the form."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.utils.translation import gettext_lazy

from core.refusals import Refusal, put_on_form, show_refusal


class BookingForm(forms.Form):
    pickup_date = forms.DateField()
    return_date = forms.DateField()
    note = forms.CharField(required=False)


def _valid_form() -> BookingForm:
    form = BookingForm({"pickup_date": "2026-06-15", "return_date": "2026-06-17"})
    assert form.is_valid()
    return form


def test_refusal_is_an_exception_whose_text_is_the_message():
    refusal = Refusal("この日は予約が埋まっています。", field="pickup_date")
    assert isinstance(refusal, Exception)
    assert str(refusal) == "この日は予約が埋まっています。"
    assert refusal.message == "この日は予約が埋まっています。"
    assert refusal.field == "pickup_date"
    assert refusal.errors == {"pickup_date": ["この日は予約が埋まっています。"]}


def test_subclasses_are_refusals_too():
    class ClassFull(Refusal):
        pass

    try:
        raise ClassFull("定員に達しました。")
    except Refusal as refusal:
        assert refusal.message == "定員に達しました。"
        assert refusal.errors == {None: ["定員に達しました。"]}


def test_put_on_form_puts_a_field_refusal_beside_its_field():
    form = _valid_form()
    put_on_form(form, Refusal("返却日は貸出日より後にしてください。", field="return_date"))
    assert form.errors["return_date"] == ["返却日は貸出日より後にしてください。"]
    assert form.non_field_errors() == []
    assert not form.is_valid()
    # The field's value is no longer trusted once a refusal is on it.
    assert "return_date" not in form.cleaned_data


def test_put_on_form_puts_a_refusal_without_a_field_above_the_form():
    form = _valid_form()
    put_on_form(form, Refusal("この予約はもう変更できません。"))
    assert form.non_field_errors() == ["この予約はもう変更できません。"]
    assert set(form.errors) == {"__all__"}


def test_put_on_form_puts_a_refusal_about_an_unknown_field_above_the_form():
    form = _valid_form()
    put_on_form(form, Refusal("備品が足りません。", field="items"))  # not a field of this form
    assert form.non_field_errors() == ["備品が足りません。"]
    assert "items" not in form.errors


def test_a_refusal_with_several_fields_puts_each_message_in_its_place():
    refusal = Refusal(
        errors={
            "pickup_date": ["閉庁日です。"],
            "return_date": ["閉庁日です。", "貸出期間は14日までです。"],
            None: ["この団体は確認待ちです。"],
            "organisation": ["登録されていない団体です。"],  # not on this form
            "note": [],  # nothing to say: dropped
        }
    )
    form = _valid_form()
    put_on_form(form, refusal)
    assert form.errors["pickup_date"] == ["閉庁日です。"]
    assert form.errors["return_date"] == ["閉庁日です。", "貸出期間は14日までです。"]
    assert form.non_field_errors() == ["この団体は確認待ちです。", "登録されていない団体です。"]
    assert "note" not in form.errors
    assert "note" not in refusal.errors


def test_a_refusal_with_several_messages_joins_them_for_its_text():
    refusal = Refusal(errors={"pickup_date": ["閉庁日です。"], None: ["確認待ちです。"]})
    assert refusal.message == "閉庁日です。 確認待ちです。"
    assert str(refusal) == refusal.message


def test_an_explicit_message_wins_over_the_joined_one():
    refusal = Refusal("入力を確認してください。", errors={"pickup_date": ["閉庁日です。"]})
    assert refusal.message == "入力を確認してください。"
    assert refusal.errors == {"pickup_date": ["閉庁日です。"]}


def test_lazy_translated_messages_are_joined_in_the_active_language():
    refusal = Refusal(
        errors={"pickup_date": [gettext_lazy("This field is required.")], None: ["確認待ち"]}
    )
    assert refusal.message == "このフィールドは必須です。 確認待ち"


def test_lazy_message_becomes_text_in_the_active_language():
    refusal = Refusal(gettext_lazy("This field is required."))
    assert str(refusal) == "このフィールドは必須です。"


def test_show_refusal_adds_one_error_message_for_the_next_page():
    request = RequestFactory().post("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    show_refusal(request, Refusal(errors={"a": ["一つ目。"], None: ["二つ目。"]}))
    shown = list(get_messages(request))
    assert [(m.level_tag, m.message) for m in shown] == [("error", "一つ目。 二つ目。")]


# --- model validation as a refusal ------------------------------------------------------


def test_refusal_from_puts_each_model_error_on_its_field():
    from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

    from core.refusals import refusal_from

    error = ValidationError(
        {"return_date": ["閉庁日です。"], NON_FIELD_ERRORS: ["期間が重なっています。"]}
    )
    refusal = refusal_from(error)
    assert refusal.errors == {"return_date": ["閉庁日です。"], None: ["期間が重なっています。"]}
    form = _valid_form()
    put_on_form(form, refusal)
    assert form.errors["return_date"] == ["閉庁日です。"]
    assert form.non_field_errors() == ["期間が重なっています。"]


def test_refusal_from_a_plain_validation_error_is_about_the_whole_form():
    from django.core.exceptions import ValidationError

    from core.refusals import refusal_from

    refusal = refusal_from(ValidationError(["一つ目。", "二つ目。"]))
    assert refusal.errors == {None: ["一つ目。", "二つ目。"]}
    assert refusal.message == "一つ目。 二つ目。"


@pytest.mark.django_db
def test_clean_or_refuse_turns_a_broken_rule_into_a_refusal_by_field(make_facility):
    from core.models import Facility
    from core.refusals import clean_or_refuse

    make_facility("中央公民館")
    facility = Facility(name="中央公民館", name_kana="", address="茂原市", latitude=None)
    with pytest.raises(Refusal) as raised:
        clean_or_refuse(facility)
    assert set(raised.value.errors) == {"name", "name_kana"}
    assert raised.value.errors["name_kana"] == ["このフィールドは空ではいけません。"]
    assert isinstance(raised.value.__cause__, Exception)


@pytest.mark.django_db
def test_clean_or_refuse_passes_its_options_to_full_clean_and_accepts_a_good_record():
    from core.models import Facility
    from core.refusals import clean_or_refuse

    facility = Facility(name="中央公民館", name_kana="", address="茂原市")
    clean_or_refuse(facility, exclude=["name_kana"])  # nothing raised
    clean_or_refuse(Facility(name="図書館", name_kana="トショカン", address="茂原市"))
