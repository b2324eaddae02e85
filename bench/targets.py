"""The pages of the apps that the benchmark measures, by URL name.

Kept apart from measure.py so that adding an app's pages is one entry here.
A page whose URL name does not resolve is reported as "skipped: not built yet".
"""


def pages(Page, get, reverse_or_skip, Skip, today):  # noqa: N803 - classes passed in
    from core.roles import Role

    month = today.strftime("%Y-%m")
    return [
        Page("kiosk scan", Role.KIOSK, lambda: (_ for _ in ()).throw(Skip("kiosk not built yet"))),
        Page("availability (month)", None, get("lending:availability", query=f"month={month}")),
        Page("staff desk (生活課)", Role.LENDING_STAFF, get("lending:desk")),
        Page("KPI sheet", Role.DX_STAFF, get("kpi:sheet")),
        Page("class analysis", Role.DX_STAFF, get("outreach:analysis")),
        Page("loans list", Role.LENDING_STAFF, get("lending:loan_list")),
        Page("items list", Role.LENDING_STAFF, get("lending:item_list")),
        Page("organisations list", Role.LENDING_STAFF, get("lending:organisation_list")),
        Page("class sessions list", Role.DX_STAFF, get("outreach:session_list")),
        Page("applications list", Role.DX_STAFF, get("outreach:application_list")),
        Page("volunteers list", Role.DX_STAFF, get("volunteers:list")),
        Page("Wi-Fi machines list", Role.DX_STAFF, get("wifi:machine_list")),
    ]
