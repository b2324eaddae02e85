"""What bench/load.py sends: built from the benchmark database once the apps exist.

``build`` returns [(kind, action)], each action(n) → (HTTP status, "" when as expected
or a short reason). ``race`` runs the simultaneous-reservation check.
"""

from core.bench_data import BENCH_PASSWORD, bench_users
from core.roles import Role


def build(Session, host: str, port: int):  # noqa: N803 - the class is passed in
    notes = []
    public = Session(host, port)

    def healthz(n):
        status, _h, body = public.request("GET", "/healthz")
        return status, "" if status == 200 and '"ok"' in body else "unhealthy"

    def home(n):
        status, _h, _b = public.request("GET", "/")
        return status, "" if status == 200 else "home page failed"

    scenarios = [("healthz", healthz), ("home", home)]
    kiosk = bench_users(Role.KIOSK).first()
    if kiosk is not None:
        session = Session(host, port)
        session.sign_in(kiosk.email, BENCH_PASSWORD)
    notes.append("kiosk scans and availability look-ups are added when lending lands")
    return scenarios, notes


def race(Session, host: str, port: int, count: int):  # noqa: N803
    return {"skipped": True, "note": "reservations are not built yet"}
