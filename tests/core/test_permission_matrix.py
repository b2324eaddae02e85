"""Every URL pattern × every role, with the expected outcome (issue 17).

A new page needs a line in MATRIX below (and, if its URL takes arguments, a line in
ARGUMENTS in tests/site_catalog.py): the suite fails until it has one, so nobody adds
a page without deciding who may open it. Outcomes: ``ok`` (the page, a download, a
redirect elsewhere, or a form refused with 400), ``login`` (sent to sign in), ``403``,
``404``; the admin site's row lists the outcomes of its sample pages (``login/ok``).
A page that takes only POST is tried with an empty POST (rolled back).
"""

import pytest

from tests.site_catalog import ARGUMENTS, PERSONAS, client_as, outcome, url_of, url_patterns

# fmt: off
MATRIX = {
    #                                              anon   none   lend   lead   dx     admin  vol    rep    kiosk
    "core:home":                                 "ok     ok     ok     ok     ok     ok     ok     ok     ok",
    "core:dashboard":                            "login  ok     ok     ok     ok     ok     ok     ok     ok",
    "core:healthz":                              "ok     ok     ok     ok     ok     ok     ok     ok     ok",
    "core:opendata_facilities":                  "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "core:outbox":                               "login  403    ok     ok     ok     403    403    403    403",
    "core:message_detail":                       "login  403    404    404    ok     403    403    403    403",
    "core:message_retry":                        "login  403    404    404    ok     403    403    403    403",
    "core:call_list":                            "login  403    ok     ok     ok     403    403    403    403",
    "core:call_record":                          "login  403    404    404    ok     403    403    403    403",
    "core:postcard_sheet":                       "login  403    ok     ok     ok     403    403    403    403",
    "core:message_templates":                    "login  403    ok     ok     ok     403    403    403    403",
    "core:message_template_reset":               "login  403    ok     ok     404    403    403    403    403",
    "core:message_template_edit":                "login  403    ok     ok     404    403    403    403    403",
    "core:account_list":                         "login  403    403    403    403    ok     403    403    403",
    "core:account_detail":                       "login  403    403    403    403    ok     403    403    403",
    "core:account_roles":                        "login  403    403    403    403    ok     403    403    403",
    "core:account_deactivate":                   "login  403    403    403    403    ok     403    403    403",
    "core:account_reactivate":                   "login  403    403    403    403    ok     403    403    403",
    "core:account_two_factor_reset":             "login  403    403    403    403    ok     403    403    403",
    "core:invitation_list":                      "login  403    403    403    403    ok     403    403    403",
    "core:invitation_new":                       "login  403    403    403    403    ok     403    403    403",
    "core:invitation_resend":                    "login  403    403    403    403    ok     403    403    403",
    "core:invitation_cancel":                    "login  403    403    403    403    ok     403    403    403",
    "core:invitation_accept":                    "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "core:audit_log":                            "login  403    ok     ok     ok     ok     403    403    403",
    "core:facility_list":                        "login  403    403    403    ok     403    403    403    403",
    "core:facility_new":                         "login  403    403    403    ok     403    403    403    403",
    "core:facility_edit":                        "login  403    403    403    ok     403    403    403    403",
    "core:facility_retire":                      "login  403    403    403    ok     403    403    403    403",
    "core:facility_reinstate":                   "login  403    403    403    ok     403    403    403    403",
    "set_language":                              "ok     ok     ok     ok     ok     ok     ok     ok     ok",
    "account_login":                             "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_logout":                            "ok     ok     ok     ok     ok     ok     ok     ok     ok",
    "account_inactive":                          "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_signup":                            "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_reauthenticate":                    "login  ok     ok     ok     ok     ok     ok     ok     403",
    "account_request_reauthentication_code":     "login  ok     ok     ok     ok     ok     ok     ok     403",
    "account_confirm_reauthentication_code":     "login  ok     ok     ok     ok     ok     ok     ok     403",
    "account_email":                             "login  ok     ok     ok     ok     ok     ok     ok     403",
    "account_email_verification_sent":           "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_change_password":                   "login  ok     ok     ok     ok     ok     ok     ok     403",
    "account_set_password":                      "login  ok     ok     ok     ok     ok     ok     ok     403",
    "account_reset_password":                    "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_confirm_login_code":                "login  ok     ok     ok     ok     ok     ok     ok     403",
    "account_confirm_email":                     "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_reset_password_from_key_done":      "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_reset_password_from_key":           "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "account_reset_password_done":               "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "mfa_index":                                 "login  ok     ok     ok     ok     ok     ok     ok     403",
    "mfa_authenticate":                          "login  ok     ok     ok     ok     ok     ok     ok     403",
    "mfa_reauthenticate":                        "login  ok     ok     ok     ok     ok     ok     ok     403",
    "mfa_activate_totp":                         "login  ok     ok     ok     ok     ok     ok     ok     403",
    "mfa_deactivate_totp":                       "login  404    404    404    404    404    404    404    403",
    "mfa_view_recovery_codes":                   "login  404    404    404    404    404    404    404    403",
    "mfa_generate_recovery_codes":               "login  ok     ok     ok     ok     ok     ok     ok     403",
    "mfa_download_recovery_codes":               "login  404    404    404    404    404    404    404    403",
    "admin:*":                                   "login/ok 403/ok 403/ok 403/ok 403/ok 403/ok 403/ok 403/ok 403",
    "lending:kiosk":                             "login  403    403    403    403    403    403    403    ok",
    "lending:kiosk_components":                  "login  403    403    403    403    403    403    403    ok",
    "lending:item_link":                         "ok     ok     ok     ok     ok     ok     ok     ok     ok",
    "lending:availability":                      "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "lending:availability_calendar":             "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "lending:desk":                              "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_list":                  "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_new":                   "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_detail":                "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_approve":               "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_reject":                "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_cancel":                "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_hand_out":              "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_release":               "login  403    ok     ok     403    403    403    403    403",
    "lending:reservation_slip":                  "login  403    ok     ok     403    403    403    403    403",
    "lending:counter_return":                    "login  403    ok     ok     403    403    403    403    403",
    "lending:counter_return_item":               "login  403    ok     ok     403    403    403    403    403",
    "lending:loan_inspect":                      "login  403    ok     ok     403    403    403    403    403",
    "lending:item_list":                         "login  403    ok     ok     403    403    403    403    403",
    "lending:item_detail":                       "login  403    ok     ok     403    403    403    403    403",
    "lending:item_repair_finish":                "login  403    ok     ok     403    403    403    403    403",
    "lending:item_retire":                       "login  403    ok     ok     403    403    403    403    403",
    "lending:organisation_list":                 "login  403    ok     ok     403    403    403    403    403",
    "lending:organisation_new":                  "login  403    ok     ok     403    403    403    403    403",
    "lending:organisation_detail":               "login  403    ok     ok     403    403    403    403    403",
    "lending:membership_verify":                 "login  403    ok     ok     403    403    403    403    403",
    "lending:representative_invite":             "login  403    ok     ok     403    403    403    403    403",
    "lending:representative_invitation_resend":  "login  403    ok     ok     403    403    403    403    403",
    "lending:representative_invitation_cancel":  "login  403    ok     ok     403    403    403    403    403",
    "lending:membership_remove":                 "login  403    ok     ok     403    403    403    403    403",
    "lending:invitation_accept":                 "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "lending:stocktake_list":                    "login  403    ok     ok     403    403    403    403    403",
    "lending:stocktake_detail":                  "login  403    ok     ok     403    403    403    403    403",
    "lending:stocktake_close":                   "login  403    ok     ok     403    403    403    403    403",
    "lending:stocktake_report":                  "login  403    ok     ok     403    403    403    403    403",
    "lending:maintenance_due":                   "login  403    ok     ok     403    403    403    403    403",
    "lending:maintenance_plan_list":             "login  403    ok     ok     403    403    403    403    403",
    "lending:maintenance_plan_new":              "login  403    ok     ok     403    403    403    403    403",
    "lending:maintenance_plan_edit":             "login  403    ok     ok     403    403    403    403    403",
    "lending:item_maintenance":                  "login  403    ok     ok     403    403    403    403    403",
    "lending:rules":                             "login  403    ok     ok     403    403    403    403    403",
    "lending:rule_change":                       "login  403    403    ok     403    403    403    403    403",
    "lending:labels":                            "login  403    ok     ok     403    403    403    403    403",
    "lending:label_single":                      "login  403    ok     ok     403    403    403    403    403",
    "lending:token_reissue":                     "login  403    ok     ok     403    403    403    403    403",
    "lending:import":                            "login  403    ok     ok     403    403    403    403    403",
    "lending:import_template":                   "login  403    ok     ok     403    403    403    403    403",
    "lending:my_reservations":                   "login  ok     ok     ok     ok     ok     ok     ok     403",
    "lending:my_reservation_new":                "login  ok     ok     ok     ok     ok     ok     ok     403",
    "lending:my_join":                           "login  ok     ok     ok     ok     ok     ok     ok     403",
    "lending:my_reservation_detail":             "login  404    404    404    404    404    404    ok     403",
    "lending:my_reservation_cancel":             "login  404    404    404    404    404    404    ok     403",
    "volunteers:me":                             "login  ok     ok     ok     ok     ok     ok     ok     403",
    "volunteers:join":                           "login  ok     ok     ok     ok     ok     ok     ok     403",
    "volunteers:profile_edit":                   "login  ok     ok     ok     ok     ok     ok     ok     403",
    "volunteers:detail":                         "login  404    404    404    ok     404    ok     404    403",
    "volunteers:roster":                         "login  403    403    403    ok     403    403    403    403",
    "volunteers:approvals":                      "login  403    403    403    ok     403    403    403    403",
    "volunteers:approve":                        "login  403    403    403    ok     403    403    403    403",
    "volunteers:status_change":                  "login  403    403    403    ok     403    403    403    403",
    "volunteers:training_add":                   "login  403    403    403    ok     403    403    403    403",
    "volunteers:appointment_add":                "login  403    403    403    ok     403    403    403    403",
    "volunteers:note_add":                       "login  403    403    403    ok     403    403    403    403",
    "outreach:session_list":                     "login  403    403    403    ok     403    403    403    403",
    "outreach:session_create":                   "login  403    403    403    ok     403    403    403    403",
    "outreach:series_create":                    "login  403    403    403    ok     403    403    403    403",
    "outreach:session_detail":                   "login  403    403    403    ok     403    403    403    403",
    "outreach:session_edit":                     "login  403    403    403    ok     403    403    403    403",
    "outreach:session_cancel":                   "login  403    403    403    ok     403    403    403    403",
    "outreach:staff_apply":                      "login  403    403    403    ok     403    403    403    403",
    "outreach:session_roster":                   "login  403    403    403    ok     403    403    403    403",
    "outreach:applicants_export":                "login  403    403    403    ok     403    403    403    403",
    "outreach:attendance_sheet":                 "login  403    403    403    ok     403    403    403    403",
    "outreach:application_cancel":               "login  403    403    403    ok     403    403    403    403",
    "outreach:course_list":                      "login  403    403    403    ok     403    403    403    403",
    "outreach:course_new":                       "login  403    403    403    ok     403    403    403    403",
    "outreach:course_edit":                      "login  403    403    403    ok     403    403    403    403",
    "outreach:analysis":                         "login  403    403    403    ok     403    403    403    403",
    "outreach:privacy_register":                 "login  403    403    403    ok     403    403    403    403",
    "outreach:public_classes":                   "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "outreach:public_session":                   "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "outreach:public_cancel":                    "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "outreach:public_flyer":                     "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "outreach:opendata_events":                  "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "outreach:signup_class_list":                "login  403    403    403    403    403    ok     403    403",
    "outreach:signup_class_detail":              "login  403    403    403    ok     403    ok     403    403",
    "outreach:signup_create":                    "login  403    403    403    403    403    ok     403    403",
    "outreach:signup_cancel":                    "login  404    404    404    ok     404    ok     404    403",
    "outreach:volunteer_mypage":                 "login  403    403    403    403    403    ok     403    403",
    "outreach:signup_calendar_reset":            "login  403    403    403    403    403    ok     403    403",
    "outreach:signup_calendar_feed":             "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "outreach:volunteer_activity_record":        "login  403    403    403    403    403    ok     403    403",
    "outreach:staffing_list":                    "login  403    403    403    ok     403    403    403    403",
    "outreach:staffing_detail":                  "login  403    403    403    ok     403    403    403    403",
    "outreach:signup_attendance":                "login  403    403    403    ok     403    403    403    403",
    "outreach:volunteer_history":                "login  403    403    403    ok     403    403    403    403",
    "outreach:volunteer_hours":                  "login  403    403    403    ok     403    403    403    403",
    "wifi:dashboard":                            "login  403    ok     ok     ok     403    403    403    403",
    "wifi:machine_list":                         "login  403    ok     ok     ok     403    403    403    403",
    "wifi:machine_create":                       "login  403    403    403    ok     403    403    403    403",
    "wifi:machine_detail":                       "login  403    ok     ok     ok     403    403    403    403",
    "wifi:machine_edit":                         "login  403    403    403    ok     403    403    403    403",
    "wifi:machine_status":                       "login  403    403    403    ok     403    403    403    403",
    "wifi:usage_create":                         "login  403    403    403    ok     403    403    403    403",
    "wifi:inspection_create":                    "login  403    403    403    ok     403    403    403    403",
    "wifi:activation_create":                    "login  403    403    403    ok     403    403    403    403",
    "wifi:usage_list":                           "login  403    ok     ok     ok     403    403    403    403",
    "wifi:usage_import":                         "login  403    403    403    ok     403    403    403    403",
    "wifi:analysis":                             "login  403    ok     ok     ok     403    403    403    403",
    "wifi:spots":                                "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "wifi:opendata_csv":                         "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "kpi:public_report":                         "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "kpi:public_year":                           "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "kpi:public_csv":                            "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "kpi:public_json":                           "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "kpi:public_facts":                          "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "kpi:sheet_index":                           "login  403    403    403    ok     403    403    403    403",
    "kpi:dashboard":                             "login  403    403    403    ok     403    403    403    403",
    "kpi:sheet":                                 "login  403    403    403    ok     403    403    403    403",
    "kpi:sheet_print":                           "login  403    403    403    ok     403    403    403    403",
    "kpi:sheet_xlsx":                            "login  403    403    403    ok     403    403    403    403",
    "kpi:year_close":                            "login  403    403    403    ok     403    403    403    403",
    "kpi:year_reopen":                           "login  403    403    403    ok     403    403    403    403",
    "kpi:comment_edit":                          "login  403    403    403    ok     403    403    403    403",
    "kpi:facts":                                 "login  403    403    403    ok     403    403    403    403",
    "kpi:manual_edit":                           "login  403    403    403    404    403    403    403    403",
    "kpi:kpi_list":                              "login  403    403    403    ok     403    403    403    403",
    "kpi:kpi_edit":                              "login  403    403    403    ok     403    403    403    403",
    "kpi:period_version_up":                     "login  403    403    403    ok     403    403    403    403",
    "kpi:incident_list":                         "login  403    403    403    ok     403    403    403    403",
    "kpi:incident_create":                       "login  403    403    403    ok     403    403    403    403",
    "kpi:incident_edit":                         "login  403    403    403    ok     403    403    403    403",
    "lending:type_list":                         "login  403    ok     ok     403    403    403    403    403",
    "lending:type_new":                          "login  403    ok     ok     403    403    403    403    403",
    "lending:type_edit":                         "login  403    ok     ok     403    403    403    403    403",
    "lending:item_new":                          "login  403    ok     ok     403    403    403    403    403",
    "lending:item_edit":                         "login  403    ok     ok     403    403    403    403    403",
    "lending:kit_list":                          "login  403    ok     ok     403    403    403    403    403",
    "lending:kit_new":                           "login  403    ok     ok     403    403    403    403    403",
    "lending:kit_label_sheet":                   "login  403    ok     ok     403    403    403    403    403",
    "lending:kit_detail":                        "login  403    ok     ok     403    403    403    403    403",
    "lending:kit_edit":                          "login  403    ok     ok     403    403    403    403    403",
    "lending:kit_retire":                        "login  403    ok     ok     403    403    403    403    403",
    "lending:kit_label":                         "login  403    ok     ok     403    403    403    403    403",
    "lending:counter_return_kit":                "login  403    ok     ok     403    403    403    403    403",
    "outreach:staff_list":                       "login  403    403    403    ok     403    403    403    403",
    "outreach:staff_import":                     "login  403    403    403    ok     403    403    403    403",
    "outreach:staff_template":                   "login  403    403    403    ok     403    403    403    403",
    "outreach:untrained_staff":                  "login  403    403    403    ok     403    403    403    403",
    "outreach:staff_attendance":                 "login  403    403    403    ok     403    403    403    403",
    "outreach:public_applied":                   "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "outreach:public_cancelled":                 "ok     ok     ok     ok     ok     ok     ok     ok     403",
    "kpi:review_index":                          "login  403    ok     ok     ok     403    403    403    403",
    "kpi:review":                                "login  403    ok     ok     ok     403    403    403    403",
    "kpi:check_edit":                            "login  403    404    404    ok     403    403    403    403",
    "kpi:review_filled":                         "login  403    403    403    ok     403    403    403    403",
    "kpi:review_board":                          "login  403    403    403    ok     403    403    403    403",
    "kpi:review_publish":                        "login  403    403    403    ok     403    403    403    403",
    "kpi:incident_analysis":                     "login  403    403    403    ok     403    403    403    403",
}
# fmt: on

HOW_TO_ADD = (
    "Add a line to MATRIX in tests/core/test_permission_matrix.py for each new URL pattern: "
    '"<url name>": "<outcome for each of: ' + " ".join(PERSONAS) + '>", with outcomes '
    "ok, login, 403 or 404, in the columns anonymous, no role, lending desk, lending lead, "
    "総務課, 管理者, volunteer, group representative, kiosk (for example a 総務課 page: "
    '"login  403    403    403    ok     403    403    403    403"). If the URL takes '
    "arguments, add a line to ARGUMENTS in tests/site_catalog.py giving real ones from "
    "the demo data."
)


def test_every_url_pattern_has_a_row():
    names = [pattern.name for pattern in url_patterns()]
    missing = [name for name in names if name not in MATRIX]
    assert not missing, f"URL patterns without a row: {missing}. {HOW_TO_ADD}"
    stale = sorted(set(MATRIX) - set(names))
    assert not stale, f"Rows for URL patterns that are gone, remove them: {stale}"


def test_every_row_names_an_outcome_for_every_persona():
    for name, row in MATRIX.items():
        assert len(row.split()) == len(PERSONAS), f"{name}: {HOW_TO_ADD}"


def test_every_pattern_with_arguments_has_them():
    from django.urls import NoReverseMatch, reverse

    lacking = []
    for pattern in url_patterns():
        if pattern.name in ARGUMENTS or pattern.name == "admin:*":
            continue
        try:
            reverse(pattern.name)
        except NoReverseMatch:
            lacking.append(pattern.name)
    assert not lacking, f"Add arguments to ARGUMENTS in tests/site_catalog.py for {lacking}"


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_role_gets_exactly_the_expected_outcome_on_every_page(seeded_site, persona):
    column = PERSONAS.index(persona)
    client = client_as(seeded_site[persona])
    wrong = []
    for pattern in url_patterns():
        expected = MATRIX[pattern.name].split()[column]
        got = "/".join(sorted({outcome(client, path) for path in url_of(pattern)}))
        if got != expected:
            wrong.append(f"{pattern.name} ({pattern.route}): expected {expected}, got {got}")
    assert not wrong, f"{persona}:\n" + "\n".join(wrong)
