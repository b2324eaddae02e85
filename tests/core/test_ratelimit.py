"""core.ratelimit: exactly N per client and window, atomic, keyed on the client behind our proxy."""

import os
import subprocess
import sys
import uuid
from io import StringIO

import pytest
from allauth.account.adapter import get_adapter
from django.contrib.auth.decorators import login_not_required
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from core import ratelimit
from core.models import RateCounter
from core.ratelimit import RateLimit, client_ip, purge_old_counters

from ..conftest import PASSWORD

PROXY = "127.0.0.1"  # in the default TSUNAGU_TRUSTED_PROXIES
HOUR = 3600
# Tests that count stop the clock mid-hour: a run never straddles two windows.
NOON = 1_750_075_200.0 + 1800


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """The limiter's clock, stopped at NOON (move it with ``clock[0] = ...``)."""
    now = [NOON]
    monkeypatch.setattr(ratelimit, "_now", lambda: now[0])
    return now


# A page limited to 20 requests per client, served by this module (ROOT_URLCONF below).
BURST_LIMIT = 20
# Scopes carry this run's id: Redis is shared with other runs, and we delete only our keys.
RUN = uuid.uuid4().hex
_burst = {"limit": RateLimit(f"tests.burst.{RUN}", limit=BURST_LIMIT, window=HOUR)}


@login_not_required
def limited_view(request):
    if _burst["limit"].exceeded(request):
        return HttpResponse("too many", status=429)
    return HttpResponse(client_ip(request))


urlpatterns = [path("limited/", limited_view)]


def _request(remote: str = "203.0.113.7", forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_one_proxy(settings):
    settings.TSUNAGU_TRUSTED_PROXY_COUNT = 1
    return settings


# --- who the client is ---------------------------------------------------------------


def test_without_a_proxy_the_client_is_the_peer(settings):
    settings.TSUNAGU_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.7")) == "203.0.113.7"


def test_without_a_proxy_a_forwarded_header_is_ignored_even_from_localhost(settings):
    settings.TSUNAGU_TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request(PROXY, "198.51.100.1")) == PROXY


def test_behind_a_trusted_proxy_the_client_is_the_forwarded_address(behind_one_proxy):
    assert client_ip(_request(PROXY, "198.51.100.1")) == "198.51.100.1"


def test_behind_a_trusted_proxy_an_address_the_client_added_itself_is_ignored(behind_one_proxy):
    # The client sent "X-Forwarded-For: 10.9.9.9"; our proxy appended the real peer.
    assert client_ip(_request(PROXY, "10.9.9.9, 198.51.100.1")) == "198.51.100.1"


def test_with_two_proxies_the_client_is_the_second_from_the_right(settings):
    settings.TSUNAGU_TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request(PROXY, "10.9.9.9, 198.51.100.1, 10.0.0.2")) == "198.51.100.1"
    # Fewer addresses than proxies: the header is not what our proxies write.
    assert client_ip(_request(PROXY, "198.51.100.1")) == PROXY


def test_a_forged_forwarded_header_from_an_untrusted_peer_is_ignored(behind_one_proxy):
    assert client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_trusted_proxies_are_networks_from_settings(behind_one_proxy):
    behind_one_proxy.TSUNAGU_TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_ip(_request("10.1.2.3", "198.51.100.1")) == "198.51.100.1"
    assert client_ip(_request(PROXY, "198.51.100.1")) == PROXY  # no longer trusted


def test_an_ipv4_proxy_seen_through_an_ipv6_socket_is_still_trusted(behind_one_proxy):
    assert client_ip(_request("::ffff:127.0.0.1", "198.51.100.1")) == "198.51.100.1"


@pytest.mark.parametrize(
    ("forwarded", "expected"),
    [
        ("198.51.100.1:54321", "198.51.100.1"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("2001:DB8::1", "2001:db8::1"),
        (" 198.51.100.1 ", "198.51.100.1"),
        ("10.9.9.9,198.51.100.1,", "198.51.100.1"),
    ],
)
def test_forwarded_addresses_as_proxies_write_them(behind_one_proxy, forwarded, expected):
    assert client_ip(_request(PROXY, forwarded)) == expected


@pytest.mark.parametrize(
    "forwarded",
    [
        "",
        "   ",
        ",",
        "unknown",
        "198.51.100.999",
        "<script>",
        "1.2.3.4.5",
        "a" * 5000,
        "::ffff::1::",
    ],
)
def test_a_malformed_forwarded_header_falls_back_to_the_peer(behind_one_proxy, forwarded):
    assert client_ip(_request(PROXY, forwarded)) == PROXY


def test_a_request_without_a_peer_address_is_keyed_on_nothing(settings):
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == ""


def test_allauth_sees_the_same_client_address(behind_one_proxy):
    assert get_adapter().get_client_ip(_request(PROXY, "198.51.100.1")) == "198.51.100.1"
    assert get_adapter().get_client_ip(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


# --- counting ------------------------------------------------------------------------


@pytest.mark.django_db
def test_exactly_the_limit_is_allowed_and_the_next_is_refused():
    limit = RateLimit("tests.exact", limit=3, window=HOUR)
    request = _request()
    assert [limit.exceeded(request) for _ in range(5)] == [False, False, False, True, True]


@pytest.mark.django_db
def test_hit_returns_the_running_count():
    limit = RateLimit("tests.count", limit=3, window=HOUR)
    assert [limit.hit("198.51.100.1") for _ in range(3)] == [1, 2, 3]


@pytest.mark.django_db
def test_clients_scopes_and_identities_are_counted_apart():
    apply = RateLimit("tests.apply", limit=1, window=HOUR)
    other_scope = RateLimit("tests.signup", limit=1, window=HOUR)
    assert not apply.exceeded(_request("198.51.100.1"))
    assert apply.exceeded(_request("198.51.100.1"))
    assert not apply.exceeded(_request("198.51.100.2"))
    assert not other_scope.exceeded(_request("198.51.100.1"))
    assert not apply.exceeded(_request("198.51.100.1"), identity="someone@example.jp")
    assert apply.exceeded(_request("198.51.100.9"), identity="someone@example.jp")


@pytest.mark.django_db
def test_behind_the_proxy_each_resident_has_their_own_count(behind_one_proxy):
    limit = RateLimit("tests.residents", limit=2, window=HOUR)
    for resident in range(30):
        address = f"198.51.100.{resident + 1}"
        assert not limit.exceeded(_request(PROXY, address))
        assert not limit.exceeded(_request(PROXY, address))
        assert limit.exceeded(_request(PROXY, address))


@pytest.mark.django_db
def test_a_new_window_starts_a_new_count(clock):
    limit = RateLimit("tests.window", limit=1, window=HOUR)
    start = int(NOON // HOUR) * HOUR
    clock[0] = start + HOUR - 0.5
    assert not limit.exceeded(_request())
    assert limit.exceeded(_request())
    clock[0] = start + HOUR  # the next hour
    assert not limit.exceeded(_request())


def test_windows_over_a_day_are_refused_as_the_purge_would_cut_them_short():
    with pytest.raises(ValueError, match="window"):
        RateLimit("tests.week", limit=1, window=7 * 24 * 3600)
    with pytest.raises(ValueError, match="window"):
        RateLimit("tests.zero", limit=1, window=0)
    assert RateLimit("tests.day", limit=1, window=24 * 3600)


@pytest.mark.django_db
def test_without_redis_counts_live_in_one_row_per_client_and_window():
    limit = RateLimit("tests.rows", limit=5, window=HOUR)
    for _ in range(4):
        limit.hit("198.51.100.1")
    limit.hit("198.51.100.2")
    assert sorted(RateCounter.objects.values_list("count", flat=True)) == [1, 4]


@pytest.mark.django_db
def test_long_or_odd_identities_keep_their_window_and_stay_apart(clock):
    limit = RateLimit("tests.long", limit=1, window=HOUR)
    long_a, long_b = "x" * 1000 + "a", "x" * 1000 + "b"
    assert limit.hit(long_a) == 1
    assert limit.hit(long_a) == 2
    assert limit.hit(long_b) == 1  # not merged with long_a although they share 1000 characters
    assert limit.hit("山田 太郎\n") == 1
    clock[0] += HOUR
    assert limit.hit(long_a) == 1  # a new window, although the identity is long
    assert max(len(key) for key in RateCounter.objects.values_list("key", flat=True)) <= 200


# --- 30 at once against a limit of 20 -------------------------------------------------


def _thirty_at_once(race, remote: str = "203.0.113.7", forwarded: str | None = None) -> list[int]:
    """30 real requests from one client released together; returns their status codes."""
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    clients = [Client() for _ in range(30)]
    outcomes = race(len(clients), lambda i: clients[i].get("/limited/", **extra).status_code)
    assert outcomes.errors == []
    return list(outcomes)


@pytest.fixture
def fresh_burst_limit():
    _burst["limit"] = RateLimit(
        f"tests.burst.{RUN}.{uuid.uuid4().hex[:8]}", limit=BURST_LIMIT, window=HOUR
    )
    return _burst["limit"]


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_thirty_simultaneous_requests_against_twenty_accept_exactly_twenty_on_the_database(
    fresh_burst_limit, race
):
    statuses = _thirty_at_once(race)
    assert statuses.count(200) == BURST_LIMIT
    assert statuses.count(429) == 30 - BURST_LIMIT
    assert RateCounter.objects.get().count == 30
    assert connection.vendor in {"sqlite", "postgresql"}


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__, TSUNAGU_TRUSTED_PROXY_COUNT=1)
def test_behind_the_proxy_a_burst_from_one_resident_leaves_the_others_alone(
    fresh_burst_limit, race
):
    statuses = _thirty_at_once(race, PROXY, "198.51.100.1")
    assert statuses.count(200) == BURST_LIMIT
    # Everyone reaches us from the proxy's address, yet another resident is not limited.
    response = Client().get("/limited/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert response.status_code == 200
    assert response.content == b"198.51.100.2"


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__, TSUNAGU_TRUSTED_PROXY_COUNT=1)
def test_a_forged_forwarded_header_does_not_dodge_the_limit(fresh_burst_limit):
    client = Client()
    statuses = [
        client.get(
            "/limited/", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}"
        ).status_code
        for i in range(1, 31)
    ]
    assert statuses.count(200) == BURST_LIMIT


REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def redis_cache():
    """The default cache on Redis for one test; skipped when Redis is down (fails under CI)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis at {REDIS_URL} is needed under CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is not running: {exc}")
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    with override_settings(CACHES=caches):
        yield
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"*rl:tests.*{RUN}*"):
        client.delete(key)


@pytest.mark.django_db(transaction=True)
@override_settings(ROOT_URLCONF=__name__)
def test_thirty_simultaneous_requests_against_twenty_accept_exactly_twenty_on_redis(
    redis_cache, fresh_burst_limit, race
):
    assert ratelimit._uses_redis()
    statuses = _thirty_at_once(race)
    assert statuses.count(200) == BURST_LIMIT
    assert statuses.count(429) == 30 - BURST_LIMIT
    assert not RateCounter.objects.exists()  # counted in Redis, not in our table


@pytest.mark.django_db
def test_on_redis_exactly_the_limit_is_allowed_and_windows_are_apart(redis_cache, clock):
    limit = RateLimit(f"tests.redis.{RUN}", limit=2, window=HOUR)
    assert [limit.exceeded(_request()) for _ in range(3)] == [False, False, True]
    clock[0] += HOUR
    assert not limit.exceeded(_request())


# --- allauth's sign-in limit behind the proxy -----------------------------------------


def _sign_in(client: Client, email: str, password: str, *, remote: str, forwarded: str = ""):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"login": email, "password": password}, **extra)


def _too_many_attempts_message() -> str:
    return str(get_adapter().error_messages["too_many_login_attempts"])


def _fail_ten_times(remote: str, forwarded_of=lambda i: "") -> None:
    client = Client()
    for attempt in range(10):
        # Ten different addresses typed: allauth's per-address (key) limit is not what trips.
        response = _sign_in(
            client,
            f"nobody{attempt}@example.jp",
            "wrong-password",
            remote=remote,
            forwarded=forwarded_of(attempt),
        )
        assert response.status_code == 200
        assert _too_many_attempts_message() not in response.content.decode()


@pytest.mark.django_db
def test_behind_the_proxy_one_clients_failed_sign_ins_do_not_lock_out_another(
    behind_one_proxy, make_user
):
    make_user(email="mallory@example.jp")
    make_user(email="alice@example.jp")
    _fail_ten_times(PROXY, lambda i: "198.51.100.66")

    # The client who failed is now limited, even with a right password…
    mallory = _sign_in(
        Client(), "mallory@example.jp", PASSWORD, remote=PROXY, forwarded="198.51.100.66"
    )
    assert mallory.status_code == 200
    assert _too_many_attempts_message() in mallory.content.decode()

    # …but another resident behind the same proxy signs in.
    alice_client = Client()
    alice = _sign_in(
        alice_client, "alice@example.jp", PASSWORD, remote=PROXY, forwarded="198.51.100.7"
    )
    assert alice.status_code == 302
    assert "_auth_user_id" in alice_client.session


@pytest.mark.django_db
def test_without_a_trusted_proxy_everyone_behind_it_shares_one_limit(settings, make_user):
    # What the city saw before TRUSTED_PROXY_COUNT: the proxy's address was the key.
    settings.TSUNAGU_TRUSTED_PROXY_COUNT = 0
    make_user(email="alice@example.jp")
    _fail_ten_times(PROXY, lambda i: "198.51.100.66")
    alice = _sign_in(Client(), "alice@example.jp", PASSWORD, remote=PROXY, forwarded="198.51.100.7")
    assert alice.status_code == 200
    assert _too_many_attempts_message() in alice.content.decode()


@pytest.mark.django_db
def test_a_forged_forwarded_header_does_not_dodge_the_sign_in_limit(behind_one_proxy, make_user):
    make_user(email="mallory@example.jp")
    # Not our proxy: every attempt claims to come from somewhere else.
    _fail_ten_times("203.0.113.66", lambda i: f"198.51.100.{i + 1}")
    again = _sign_in(
        Client(), "mallory@example.jp", PASSWORD, remote="203.0.113.66", forwarded="198.51.100.99"
    )
    assert _too_many_attempts_message() in again.content.decode()


# --- the daily purge ---------------------------------------------------------------------


def _counter(key: str, age_seconds: int) -> RateCounter:
    return RateCounter.objects.create(key=key, window_start=int(NOON) - age_seconds, count=3)


@pytest.mark.django_db
def test_purge_deletes_only_windows_long_gone():
    _counter("old", 3 * 24 * 3600)
    _counter("yesterday", 24 * 3600)
    _counter("now", 0)
    assert purge_old_counters() == 1
    assert sorted(RateCounter.objects.values_list("key", flat=True)) == ["now", "yesterday"]


@pytest.mark.django_db
def test_purge_rate_counters_command_reports_what_it_deleted():
    _counter("old", 3 * 24 * 3600)
    _counter("yesterday", 24 * 3600 + 60)
    out = StringIO()
    call_command("purge_rate_counters", "--days", "1", stdout=out)
    assert out.getvalue().strip() == "Rate-limit counters deleted: 2"
    assert not RateCounter.objects.exists()


@pytest.mark.django_db
def test_purge_rate_counters_refuses_a_zero_day_window():
    _counter("now", 0)
    with pytest.raises(CommandError):
        call_command("purge_rate_counters", "--days", "0")
    assert RateCounter.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("window", [60, HOUR, 24 * HOUR])
def test_the_purge_never_resets_a_window_still_counting(clock, window):
    limit = RateLimit("tests.purge", limit=2, window=window)
    clock[0] = (int(NOON // window) + 1) * window - 1  # the last second of the window
    limit.hit("198.51.100.1")
    purge_old_counters()
    call_command("purge_rate_counters", "--days", "1", stdout=StringIO())
    assert limit.hit("198.51.100.1") == 2


def test_purging_counters_that_may_still_count_is_refused():
    with pytest.raises(ValueError):
        purge_old_counters(older_than_seconds=3600)


def test_allauth_and_tsunagu_take_the_proxy_count_from_one_environment_variable():
    code = (
        "from django.conf import settings;"
        "print(settings.TSUNAGU_TRUSTED_PROXY_COUNT, settings.ALLAUTH_TRUSTED_PROXY_COUNT)"
    )
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "TRUSTED_PROXY_COUNT": "2",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["2", "2"]


@pytest.mark.django_db
def test_a_valve_that_may_count_per_process_never_writes_the_database(
    clock, django_assert_num_queries
):
    """Issue 18: the kiosk's stuck-scanner valve costs no query on the database cache."""
    valve = RateLimit(f"tests.valve.{RUN}", limit=2, window=60, shared=False)
    with django_assert_num_queries(0):
        counts = [valve.hit("kiosk-1") for _ in range(3)] + [valve.hit("kiosk-2")]
    assert counts == [1, 2, 3, 1]
    clock[0] += 60
    assert valve.hit("kiosk-1") == 1  # a new window starts from one
    assert not RateCounter.objects.exists()
