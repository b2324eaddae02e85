"""core.forms: every form has an error summary linking to its fields, required marks, and
errors tied to their inputs (デジタル庁デザインシステム, WCAG 3.3.1 / 1.3.1)."""

from html.parser import HTMLParser
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.template import Context, RequestContext, Template
from django.test import override_settings
from django.urls import include, path

from core.forms import FormRenderer
from tests.browser.conftest import browser, chromium_path, page  # noqa: F401 - fixtures

COURSES = [("smartphone", "スマホ入門"), ("line", "LINE講座")]
TOPICS = [("photos", "写真"), ("maps", "地図")]


class ApplicationForm(forms.Form):
    name = forms.CharField(label="氏名", help_text="フルネームで入力してください。")
    email = forms.EmailField(label="メールアドレス", required=False)
    course = forms.ChoiceField(label="講座", choices=COURSES, widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label="知りたいこと", choices=TOPICS, widget=forms.CheckboxSelectMultiple, required=False
    )
    day = forms.DateField(label="希望日")
    token = forms.CharField(widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("email", "").endswith("@example.invalid"):
            raise forms.ValidationError("このメールアドレスには送れません。")
        return cleaned


class Elements(HTMLParser):
    """Start tags of an HTML fragment: ``by_id`` and a list of (tag, attrs)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    @property
    def by_id(self) -> dict[str, tuple[str, dict]]:
        return {attrs["id"]: (tag, attrs) for tag, attrs in self.tags if attrs.get("id")}

    def links(self) -> list[str]:
        return [attrs["href"] for tag, attrs in self.tags if tag == "a" and "href" in attrs]


def _render(form) -> str:
    return Template('{% include "core/_form.html" %}').render(Context({"form": form}))


def _invalid_form(**data) -> ApplicationForm:
    form = ApplicationForm({"email": "x@example.invalid", "token": "", **data})
    assert not form.is_valid()
    return form


def _summary(html: str) -> str:
    start = html.index("data-error-summary")
    return html[start : html.index("</div>", start)]


def test_the_project_renders_every_form_through_core():
    assert settings.FORM_RENDERER == "core.forms.FormRenderer"
    assert isinstance(ApplicationForm().renderer, FormRenderer)


def test_include_and_plain_form_render_the_same():
    form = _invalid_form()
    assert _render(form).strip() == str(form).strip()


# --- before anyone submits ---------------------------------------------------------


def test_a_fresh_form_marks_required_fields_and_has_no_summary():
    html = _render(ApplicationForm())
    assert "data-error-summary" not in html
    assert 'role="alert"' not in html
    # 氏名, 講座, 希望日 are required; メールアドレス and 知りたいこと are not.
    assert html.count('<span class="required-mark">必須</span>') == 3
    assert '<label class="field__label" for="id_name">氏名 <span class="required-mark">必須' in html
    assert '<label class="field__label" for="id_email">メールアドレス</label>' in html
    assert '<legend class="field__label">講座 <span class="required-mark">必須' in html
    assert '<legend class="field__label">知りたいこと</legend>' in html


def test_a_fresh_form_ties_the_hint_to_its_input():
    elements = Elements(_render(ApplicationForm()))
    tag, name = elements.by_id["id_name"]
    assert name["aria-describedby"] == "id_name_helptext"
    assert elements.by_id["id_name_helptext"][0] == "div"
    assert "aria-invalid" not in name


def test_a_hidden_field_has_no_label_and_no_mark():
    html = _render(ApplicationForm())
    assert 'type="hidden" name="token"' in html
    assert 'for="id_token"' not in html


# --- after a submit with errors -----------------------------------------------------------


def test_the_error_summary_is_an_alert_that_takes_focus():
    html = _render(_invalid_form())
    elements = Elements(html)
    summaries = [attrs for tag, attrs in elements.tags if "data-error-summary" in attrs]
    assert len(summaries) == 1
    summary = summaries[0]
    assert summary["role"] == "alert"
    assert summary["tabindex"] == "-1"
    assert summary["aria-labelledby"] == "error-summary-title"
    assert elements.by_id["error-summary-title"][0] == "h2"
    assert "入力内容を確認してください" in html
    assert html.index("data-error-summary") < html.index('id="id_name"')  # before the fields


def test_the_summary_links_to_each_field_with_an_error_and_every_link_has_a_target():
    form = _invalid_form()
    html = _render(form)
    links = Elements(_summary(html)).links()
    assert links == ["#id_name", "#id_course_0", "#id_day"]
    ids = Elements(html).by_id
    for link in links:
        tag, attrs = ids[link[1:]]
        assert tag == "input"


def test_a_radio_field_links_to_its_first_choice():
    html = _render(_invalid_form())
    tag, attrs = Elements(html).by_id["id_course_0"]
    assert (tag, attrs["type"], attrs["value"]) == ("input", "radio", "smartphone")
    assert '<a href="#id_course_0">「講座」を選んでください。' in html


def test_a_checkbox_group_links_to_its_first_box():
    class TopicForm(forms.Form):
        topics = forms.MultipleChoiceField(
            label="知りたいこと", choices=TOPICS, widget=forms.CheckboxSelectMultiple
        )

    form = TopicForm({})
    assert not form.is_valid()
    html = _render(form)
    assert Elements(_summary(html)).links() == ["#id_topics_0"]
    assert Elements(html).by_id["id_topics_0"][1]["type"] == "checkbox"


def test_the_summary_shows_each_error_with_its_label():
    html = _summary(_render(_invalid_form(day="2026-02-30")))
    # An empty required field is named in its own message (never the generic one).
    assert "「氏名」を入力してください。" in html
    assert "氏名：" not in html  # the message names it already
    assert "希望日：日付を正しく入力してください。" in html


def test_an_empty_choice_asks_to_choose_and_names_the_field_beside_it():
    html = _render(_invalid_form())
    error_list = html[html.index('id="id_course_error"') :]
    assert error_list.index("「講座」を選んでください。") < error_list.index("</ul>")
    assert "このフィールドは必須です。" not in html.replace(
        "<li>このフィールドは必須です。</li>", "", 1
    )  # only the hidden token keeps the generic message


def test_every_error_beside_its_field_names_the_field():
    html = _render(_invalid_form(day="2026-02-30"))
    beside = html[html.index('id="id_day_error"') :]
    assert beside.index("希望日：日付を正しく入力してください。") < beside.index("</ul>")


def test_a_forms_own_required_message_is_kept():
    class ScanForm(forms.Form):
        code = forms.CharField(
            label="コード", error_messages={"required": "読み取れませんでした。もう一度。"}
        )

    html = _render(ScanForm({}))
    assert "コード：読み取れませんでした。もう一度。" in html
    assert "「コード」を入力してください。" not in html


def test_form_errors_keep_djangos_codes():
    form = _invalid_form()
    assert form.errors.as_data()["name"][0].code == "required"
    assert form.errors["name"] == ["このフィールドは必須です。"]


def test_errors_not_about_one_field_are_in_the_summary_without_a_link():
    html = _render(_invalid_form(name="茂原 花子", course="line", day="2026-04-01"))
    summary = _summary(html)
    assert "<li>このメールアドレスには送れません。</li>" in summary
    assert Elements(summary).links() == []


def test_errors_of_hidden_fields_are_in_the_summary():
    form = _invalid_form(name="茂原 花子", course="line", day="2026-04-01", email="")
    html = _summary(_render(form))
    assert "このフィールドは必須です。" in html  # the hidden token


def test_each_error_is_tied_to_its_input_by_aria_describedby():
    html = _render(_invalid_form())
    ids = Elements(html).by_id
    tag, name = ids["id_name"]
    assert name["aria-describedby"] == "id_name_helptext id_name_error"
    assert name["aria-invalid"] == "true"
    assert ids["id_name_error"][0] == "ul"
    error_list = html[html.index('id="id_name_error"') :]
    assert error_list.index("「氏名」を入力してください。") < error_list.index("</ul>")
    tag, day = ids["id_day"]
    assert day["aria-describedby"] == "id_day_error"
    assert "id_day_error" in ids


def test_a_radio_groups_error_is_tied_to_its_fieldset():
    html = _render(_invalid_form())
    elements = Elements(html)
    fieldsets = [attrs for tag, attrs in elements.tags if tag == "fieldset"]
    course = [attrs for attrs in fieldsets if attrs.get("aria-describedby") == "id_course_error"]
    assert len(course) == 1
    assert "id_course_error" in elements.by_id


def test_a_field_without_errors_is_not_marked_invalid():
    html = _render(_invalid_form(name="茂原 花子"))
    tag, name = Elements(html).by_id["id_name"]
    assert "aria-invalid" not in name
    assert name["aria-describedby"] == "id_name_helptext"
    assert 'class="field field--error"' in html  # others still are


def test_a_field_shown_alone_carries_its_label_mark_and_error():
    form = _invalid_form()
    html = Template("{{ form.name.as_field_group }}").render(Context({"form": form}))
    assert '氏名 <span class="required-mark">必須</span>' in html
    assert 'id="id_name_error"' in html
    assert "data-error-summary" not in html


# --- a real page -----------------------------------------------------------------------------


@login_not_required
def application_view(request):
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return render(request, "base.html", {})
    return render(request, "core/_form.html", {"form": form})


FULL_PAGE = Template(
    '{% extends "base.html" %}{% block content %}<h1>申込み</h1>'
    '<form method="post" novalidate>{% csrf_token %}{% include "core/_form.html" %}'
    '<button type="submit">送信</button></form>{% endblock %}'
)


@login_not_required
def full_page_view(request):
    form = ApplicationForm(request.POST or None, initial={"token": "t"})
    return HttpResponse(FULL_PAGE.render(RequestContext(request, {"form": form})))


urlpatterns = [
    path("apply/", application_view),
    path("apply/page/", full_page_view),
    path("", include("config.urls")),  # the layout links to the site's pages
]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_page_answers_a_bad_submit_with_the_summary_and_the_typed_values(client):
    fresh = client.get("/apply/").content.decode()
    assert "data-error-summary" not in fresh
    response = client.post("/apply/", {"name": "", "email": "hanako@example.jp", "course": "line"})
    html = response.content.decode()
    assert response.status_code == 200
    assert Elements(_summary(html)).links() == [
        "#id_name",
        "#id_day",
    ]
    assert 'value="hanako@example.jp"' in html
    tag, line = Elements(html).by_id["id_course_1"]
    assert "checked" in line


@pytest.mark.django_db
def test_every_page_loads_the_script_that_focuses_the_summary(client):
    html = client.get("/").content.decode()
    assert "js/tsunagu.js" in html
    script = (Path(settings.BASE_DIR) / "static" / "js" / "tsunagu.js").read_text()
    assert "[data-error-summary]" in script
    assert "summary.focus(" in script


@pytest.mark.browser
@override_settings(ROOT_URLCONF=__name__)
def test_in_a_browser_the_summary_takes_focus_and_its_links_move_to_the_fields(page):  # noqa: F811
    page.goto("/apply/page/")
    assert page.locator("[data-error-summary]").count() == 0
    page.get_by_role("button", name="送信").click()
    page.wait_for_load_state()
    summary = page.locator("[data-error-summary]")
    assert summary.count() == 1
    # Focused on arrival: a screen reader reads it first, a keyboard user starts there.
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    page.get_by_role("link", name="「氏名」を入力してください。").click()
    assert page.evaluate("document.activeElement.id") == "id_name"
    page.get_by_role("link", name="「講座」を選んでください。").click()
    assert page.evaluate("document.activeElement.id") == "id_course_0"
