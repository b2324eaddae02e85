"""What bench/load.py sends, built from the benchmark database (Django is set up on it).

``build`` returns ([(kind, action)], notes); each action(n) → (HTTP status, "" when
the answer is what a person should see, else a short reason). ``race`` runs the
50-simultaneous-reservations check.
"""

import random
import re
import threading
import time
from collections import Counter, deque
from datetime import timedelta

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone

from core.bench_data import BENCH_PASSWORD, bench_users
from core.office_calendar import next_open_day
from core.roles import Role

OUTCOME = re.compile(r'data-outcome="([a-z_]+)"')
# What kiosk.js sends with a scan (the server answers with the kiosk panel only).
KIOSK_SCRIPT = {"X-Requested-With": "fetch"}
# A returned (and maybe inspected) loan put back out: nothing of its return may remain, or a
# second scan after its new return would not be "already returned" (the return is uninspected).
BACK_OUT = {
    "returned_at": None,
    "returned_by": None,
    "returned_via": "",
    "parts_checked_at": None,
    "missing_components": [],
    "was_late": False,
    "inspected_at": None,
    "inspected_by": None,
    "inspection_result": "",
    "inspection_note": "",
}


def _reopen_loans(count: int) -> int:
    """Put ``count`` returned loans back out (plain updates), so the run scans real returns."""
    from lending.models import Item, Loan

    out = Loan.objects.filter(handed_out_at__isnull=False, returned_at__isnull=True)
    already = out.count()
    candidates = (
        Loan.objects.filter(returned_at__isnull=False)
        .exclude(item__in=out.values("item"))
        .order_by("item_id", "-returned_at")
        .distinct("item_id")
        .values_list("pk", "item_id")[: max(0, count - already)]
    )
    for loan_pk, item_pk in candidates:
        Loan.objects.filter(pk=loan_pk).update(**BACK_OUT)
        Item.objects.filter(pk=item_pk).update(status=Item.Status.ON_LOAN)
    return out.count()


def build(Session, host: str, port: int):  # noqa: N803 - the class is passed in
    from lending.models import EquipmentType, Loan

    notes = []
    rng = random.Random(7)
    out_now = _reopen_loans(200)
    codes = list(
        Loan.objects.filter(handed_out_at__isnull=False, returned_at__isnull=True)
        .select_related("item")
        .values_list("item__qr_token", flat=True)
    )
    notes.append(
        f"{out_now} loans out at the start: the first scan of each is a real return, "
        "later scans of the same item answer 'already returned' (idempotent, nothing written)"
    )
    kiosk = Session(host, port)
    kiosk.sign_in(bench_users(Role.KIOSK).first().email, BENCH_PASSWORD)
    status, _h, html = kiosk.request("GET", "/kiosk/")
    kiosk_token = kiosk.csrf_from(html)
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def scan(n):
        code = f"https://127.0.0.1/t/{codes[n % len(codes)]}"
        status, _h, body = kiosk.request(
            "POST",
            "/kiosk/",
            {"csrfmiddlewaretoken": kiosk_token, "code": code},
            extra_headers=KIOSK_SCRIPT,
        )
        found = OUTCOME.search(body)
        outcome = found.group(1) if found else "none"
        with lock:
            outcomes[outcome] += 1
        ok = status == 200 and outcome in {"returned", "late", "already_returned"}
        return status, "" if ok else f"outcome {outcome}"

    public = Session(host, port)
    today = timezone.localdate()
    type_ids = list(EquipmentType.objects.values_list("pk", flat=True))

    def availability(n):
        start = today + timedelta(days=rng.randint(0, 60))
        end = start + timedelta(days=rng.randint(0, 6))
        status, _h, body = public.request(
            "GET", f"/lending/availability/?start={start:%Y-%m-%d}&end={end:%Y-%m-%d}"
        )
        return status, "" if status == 200 and "<table" in body else "no table"

    def calendar(n):
        month = (today + timedelta(days=31 * rng.randint(0, 2))).strftime("%Y-%m")
        pk = type_ids[n % len(type_ids)]
        status, _h, _b = public.request("GET", f"/lending/availability/{pk}/?month={month}")
        return status, "" if status == 200 else "calendar failed"

    scenarios = [
        ("kiosk scan", scan),
        ("availability (7 days)", availability),
        ("availability calendar (month)", calendar),
    ]
    return scenarios, notes, outcomes


def _signed_in_session(Session, host, port, user):  # noqa: N803
    """A session for ``user`` made in the database: 50 sign-ins through the form from one
    loopback address would (rightly) meet allauth's sign-in rate limit first."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    session = Session(host, port)
    session.cookies["sessionid"] = store.session_key
    return session


def race(Session, host: str, port: int, count: int):  # noqa: N803
    """``count`` representatives of different groups ask for the ONE unit of a type for
    the same day at the same moment; exactly one request may succeed."""
    from lending.models import EquipmentType, Item, Membership, Reservation

    run = timezone.now().strftime("%H%M%S")
    kind = EquipmentType.objects.create(
        name=f"競合確認用プロジェクター {run}", category="projector", is_digital_ready=True
    )
    Item.objects.create(equipment_type=kind, tag_number=f"MB-RACE-{run}", components=["本体"])
    pickup = next_open_day(timezone.localdate() + timedelta(days=10))
    memberships = list(
        Membership.objects.filter(
            status=Membership.Status.VERIFIED,
            organisation__kind="neighbourhood",
            organisation__is_verified=True,
        ).select_related("user", "organisation")[:count]
    )
    sessions = []
    for membership in memberships:
        session = _signed_in_session(Session, host, port, membership.user)
        status, _h, html = session.request("GET", "/lending/my/new/")
        if status != 200:
            return {"error": f"the reservation form answered {status}"}
        sessions.append((session, session.csrf_from(html), membership.organisation_id))
    barrier = threading.Barrier(len(sessions))
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def reserve(session, token, organisation_id):
        form = {
            "csrfmiddlewaretoken": token,
            "organisation": str(organisation_id),
            "pickup_date": pickup.isoformat(),
            "return_date": pickup.isoformat(),
            f"quantity_{kind.pk}": "1",
            "event_name": "防災訓練",
            "purpose": "避難所運営の説明会で使います",
            "declaration": "on",
        }
        barrier.wait()
        status, headers, _b = session.request("POST", "/lending/my/new/", form)
        with lock:
            answers.append((status, headers.get("Location", "")))

    threads = [threading.Thread(target=reserve, args=entry) for entry in sessions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    successes = [a for a in answers if a[0] == 302 and "/lending/my/" in a[1]]
    holding = Reservation.objects.filter(
        lines__equipment_type=kind, state__in=Reservation.HOLDING_STATES
    ).count()
    return {
        "requests": len(answers),
        "pickup_date": pickup.isoformat(),
        "http_statuses": dict(Counter(str(a[0]) for a in answers)),
        "successes": len(successes),
        "reservations_holding_the_unit": holding,
        "exactly_one_success": len(successes) == 1 and holding == 1,
    }


def _reopen(item_pk: int) -> None:
    """Put the item's latest loan back out (plain updates), for the next real first return."""
    from lending.models import Item, Loan

    loan = Loan.objects.filter(item_id=item_pk, returned_at__isnull=False).order_by("-returned_at")
    Loan.objects.filter(pk__in=loan.values("pk")[:1]).update(**BACK_OUT)
    Item.objects.filter(pk=item_pk).update(status=Item.Status.ON_LOAN)


def throughput(Session, host, port, run_load, *, total, concurrency, time_limit):  # noqa: N803
    """Requests per second of /healthz alone, then of kiosk scans alone, on the same server.

    Every other scan is a real first return (an item that is out: one loan, one audit
    entry, the reservation settled); the rest scan an item just returned ("already
    returned"). A helper thread puts returned items back out, outside the timed
    requests, so the first returns never run dry on a small data set.
    """
    from django.db import connections

    from lending.models import Loan

    probe = Session(host, port)

    def healthz(n):
        status, _h, body = probe.request("GET", "/healthz")
        return status, "" if status == 200 else "not healthy"

    _reopen_loans(200)
    out = deque(
        Loan.objects.filter(handed_out_at__isnull=False, returned_at__isnull=True).values_list(
            "item_id", "item__qr_token"
        )
    )
    returned: deque = deque()
    rescanning: Counter = Counter()
    lock = threading.Lock()
    outcomes: Counter = Counter()
    stop = threading.Event()
    kiosk = Session(host, port)
    kiosk.sign_in(bench_users(Role.KIOSK).first().email, BENCH_PASSWORD)
    token = kiosk.csrf_from(kiosk.request("GET", "/kiosk/")[2])

    def refill():
        try:
            while not stop.is_set():
                with lock:
                    # Keep a few returned items for the re-scans; put the rest back out,
                    # but never one that a re-scan is sending right now.
                    entry = returned.popleft() if len(returned) > 4 else None
                    if entry is not None and rescanning[entry]:
                        returned.append(entry)
                        entry = None
                if entry is None:
                    time.sleep(0.002)
                    continue
                _reopen(entry[0])
                with lock:
                    out.append(entry)
        finally:
            connections.close_all()

    def scan(n):
        with lock:
            first = n % 2 == 0 or not returned
            entry = (out.popleft() if out else None) if first else returned[-1]
            if not first:
                rescanning[entry] += 1
        if entry is None:
            return "no item out", "the refill fell behind"
        status, _h, body = kiosk.request(
            "POST",
            "/kiosk/",
            {"csrfmiddlewaretoken": token, "code": f"https://127.0.0.1/t/{entry[1]}"},
            extra_headers=KIOSK_SCRIPT,
        )
        found = OUTCOME.search(body)
        outcome = found.group(1) if found else "none"
        with lock:
            outcomes[outcome] += 1
            if first:
                returned.append(entry)
            else:
                rescanning[entry] -= 1
        expected = {"returned", "late"} if first else {"already_returned"}
        return status, "" if status == 200 and outcome in expected else f"outcome {outcome}"

    helper = threading.Thread(target=refill, daemon=True)
    helper.start()
    # Rounds that alternate the two, so that a burst of other work on a shared machine falls
    # on both alike; the figures are the totals over the rounds and the median round's ratio.
    rounds = 5
    per_round = max(1, total // rounds)
    alone = {"healthz alone": ("healthz", healthz), "kiosk scans alone": ("kiosk scan", scan)}
    runs: dict[str, list[dict]] = {name: [] for name in alone}
    try:
        for _ in range(rounds):
            for name, scenario in alone.items():
                runs[name].append(
                    run_load(
                        [scenario],
                        total=per_round,
                        concurrency=concurrency,
                        time_limit=time_limit / rounds,
                    )
                )
    finally:
        stop.set()
        helper.join()
    results = {name: _combine(parts) for name, parts in runs.items()}
    results["kiosk scans alone"]["kiosk_outcomes"] = dict(outcomes)
    ratios = sorted(
        k["throughput_per_second"] / h["throughput_per_second"]
        for h, k in zip(runs["healthz alone"], runs["kiosk scans alone"], strict=True)
    )
    results["kiosk_to_healthz"] = round(ratios[len(ratios) // 2], 3)
    results["kiosk_to_healthz_by_round"] = [round(r, 3) for r in ratios]
    return results


def _combine(parts: list[dict]) -> dict:
    """One figure for several runs of one scenario: totals, rate over their summed time."""
    done = sum(p["requests_done"] for p in parts)
    seconds = sum(p["seconds"] for p in parts)
    return {
        "rounds": len(parts),
        "requests_done": done,
        "seconds": round(seconds, 2),
        "throughput_per_second": round(done / seconds, 1) if seconds else 0.0,
        "throughput_by_round": [p["throughput_per_second"] for p in parts],
        "median_ms_by_round": [next(iter(p["by_kind"].values()))["median_ms"] for p in parts],
        "errors": sum(p["errors"] for p in parts),
        "error_examples": [e for p in parts for e in p["error_examples"]][:10],
        "statuses": dict(
            sum(
                (Counter(next(iter(p["by_kind"].values()))["statuses"]) for p in parts),
                Counter(),
            )
        ),
    }
