"""Fuzzing every form and every query-string parameter of every page, as each role (issue 17).

The demo site is seeded once; every page a role may open (tests/core/test_permission_matrix.py)
is read once to find its forms (GET and POST, their field names and choices) and the
query parameters its links use. Hypothesis then sends each page, as each role allowed
on it, unicode, huge, negative, NaN, malformed and out-of-range dates, missing and
duplicated fields (and odd files to uploads). It fails on any server error, and when
input was stored (a POST answered with a redirect) on any server error of the page it
leads to or of the pages above it (``/lending/reservations/5/approve/`` →
``/lending/reservations/5/`` → ``/lending/reservations/``). Each example is rolled back.

``make test`` runs a few examples (FUZZ_EXAMPLES, default 60); ``make fuzz`` runs 5,000.
"""

import os
import traceback
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.test_permission_matrix import MATRIX
from tests.site_catalog import PERSONAS, client_as, url_of, url_patterns

# Examples in all, shared out over the roles (each role is one test, so xdist spreads them).
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
PER_ROLE = max(-(-EXAMPLES // len(PERSONAS)), 3)  # rounded up: at least EXAMPLES in all

# Parameters many list pages read, tried on every page besides those its links show.
COMMON_PARAMETERS = ("page", "sort", "_export", "month", "fy", "fiscal_year", "q", "next")
# Pages whose forms would end the persona's session or leave the site's own pages.
SKIP_ACTIONS = ("/accounts/logout/", "/i18n/setlang/", "/admin/")

NASTY = (
    "",
    " ",
    "0",
    "-1",
    "-99999999999999999999999",
    "99999",
    "99999999999999999999999999999",
    "1e999",
    "NaN",
    "nan",
    "sNaN",
    "Infinity",
    "-Infinity",
    "1,000",
    "１２３",
    "²",
    "①",
    "1.5",
    "0x10",
    "9999-12-31",
    "0000-00-00",
    "0001-01-01",
    "0155-09-20",
    "1800-01-01",
    "2025-02-30",
    "2025-13-01",
    "1-1",
    "9999-12",
    "0001-01",
    "２０２５-０４-０１",
    "令和7年4月1日",
    "2025/4/1",
    "25:61",
    "2025-04-01T25:61",
    "\x00",
    "\r\n",
    "%ED%A0%80",  # a lone surrogate, as a browser would escape it
    '=HYPERLINK("https://evil.example/")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "../../etc/passwd",
    "𠮷野家",
    "🙂" * 50,
    "\u202eevil",
    "FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30",
    "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
    "https://evil.example/",
    "//evil.example",
    "x" * 10_000,
    "あ" * 200_000,
)


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → values seen
    files: set[str] = field(default_factory=set)


class _FormReader(HTMLParser):
    """The forms of a page and the query parameters of its links."""

    def __init__(self, base: str):
        super().__init__()
        self.base = base
        self.forms: list[Form] = []
        self.link_parameters: set[str] = set()
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.base, a.get("action") or self.base)
            self.forms.append(Form(a.get("method", "get").lower(), urlsplit(action).path))
        elif tag == "a" and "?" in a.get("href", ""):
            href = urljoin(self.base, a["href"])
            if urlsplit(href).path == urlsplit(self.base).path:
                self.link_parameters |= {k for k, _ in parse_qsl(urlsplit(href).query)}
        elif self.forms and tag in ("input", "select", "textarea", "button") and a.get("name"):
            form = self.forms[-1]
            if a.get("type") == "file":
                form.files.add(a["name"])
            else:
                form.fields.setdefault(a["name"], []).append(a.get("value", ""))
            self._select = a["name"] if tag == "select" else self._select
        elif tag == "option" and self.forms and self._select:
            self.forms[-1].fields[self._select].append(a.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


@dataclass(frozen=True)
class Target:
    persona: str
    path: str
    method: str
    fields: tuple[tuple[str, tuple[str, ...]], ...]
    files: tuple[str, ...] = ()


def _ours(path: str) -> bool:
    if path.startswith(SKIP_ACTIONS):
        return False
    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _targets(seeded_site) -> list[Target]:
    """Every (role, page, form) to fuzz: the page's GET parameters and each of its forms."""
    targets = []
    for pattern in url_patterns():
        if pattern.name.startswith(("admin:", "mfa_")):
            continue
        allowed = [
            p for p, o in zip(PERSONAS, MATRIX[pattern.name].split(), strict=True) if o == "ok"
        ]
        if not allowed:
            continue
        for path in url_of(pattern):
            response = client_as(seeded_site[allowed[0]]).get(path)
            reader = _FormReader(path)
            if response.get("Content-Type", "").startswith("text/html"):
                reader.feed(response.content.decode(errors="replace"))
            query = dict.fromkeys(COMMON_PARAMETERS + tuple(reader.link_parameters), ())
            forms = [Form("get", path, {k: list(v) for k, v in query.items()})]
            forms += [f for f in reader.forms if _ours(f.action)]
            for form in forms:
                if form.method == "get":
                    form.fields = {**{k: list(v) for k, v in query.items()}, **form.fields}
                fields = tuple(
                    (k, tuple(v)) for k, v in form.fields.items() if k != "csrfmiddlewaretoken"
                )
                for persona in allowed:
                    targets.append(
                        Target(persona, form.action, form.method, fields, tuple(sorted(form.files)))
                    )
    return targets


def _value(seen: tuple[str, ...]):
    own = [v for v in seen if v]
    return st.one_of(
        st.sampled_from(NASTY),
        # Any text a browser can send: a lone surrogate cannot be encoded as UTF-8, so it
        # never reaches a server (the test client itself would fail to send it).
        st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.dates().map(lambda d: d.isoformat()),
        *([st.sampled_from(own)] if own else []),
    )


def _data(draw, target: Target) -> dict:
    data = {}
    for name, seen in target.fields:
        how = draw(st.sampled_from(("value", "value", "value", "missing", "twice")))
        if how == "missing":
            continue
        value = draw(_value(seen))
        data[name] = [value, draw(_value(seen))] if how == "twice" else value
    for name in target.files:
        content = draw(
            st.one_of(
                st.binary(max_size=2000),
                st.text(max_size=500).map(lambda t: t.encode("utf-8", "surrogatepass")),
                st.sampled_from([b"", b"\r\r\r", b"a," * 70_000, b"\x00\x00"]),
            )
        )
        data[name] = SimpleUploadedFile("fuzz.csv", content, "text/csv")
    return data


def _server_error(response) -> str | None:
    if response.status_code < 500:
        return None
    info = getattr(response, "exc_info", None)
    return "".join(traceback.format_exception(*info)) if info else str(response.status_code)


def _above(path: str) -> list[str]:
    """The pages above ``path``, nearest first: /a/5/edit/ → /a/5/, /a/."""
    parts = [p for p in path.split("/") if p]
    return [f"/{'/'.join(parts[:n])}/" for n in range(len(parts) - 1, 0, -1)]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
@settings(
    max_examples=PER_ROLE,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(data=st.data())
def test_no_input_makes_a_server_error_now_or_on_the_pages_that_show_it(seeded_site, persona, data):
    targets = [t for t in _fuzz_targets(seeded_site) if t.persona == persona]
    target = data.draw(st.sampled_from(targets), label="target")
    fuzzed = _data(data.draw, target)
    client = client_as(seeded_site[target.persona])
    with transaction.atomic():
        if target.method == "post":
            response = client.post(target.path, fuzzed)
        else:
            response = client.get(target.path, fuzzed)
        error = _server_error(response)
        assert error is None, f"{target.method.upper()} {target.path} as {target.persona}\n{error}"
        stored = target.method == "post" and response.status_code in (301, 302, 303)
        if stored:
            location = urlsplit(response["Location"]).path
            for page in [location, target.path, *_above(target.path)]:
                if not _ours(page):
                    continue
                after = _server_error(client.get(page))
                assert after is None, (
                    f"{page} broke after POST {target.path} as {target.persona}\n{after}"
                )
        transaction.set_rollback(True)


_CACHE: dict[int, list[Target]] = {}


def _fuzz_targets(seeded_site) -> list[Target]:
    """The targets of this module's seeded site, found once."""
    key = id(seeded_site)
    if key not in _CACHE:
        _CACHE.clear()
        _CACHE[key] = _targets(seeded_site)
    return _CACHE[key]
