"""Bad input on the Wi-Fi registry gets a message, never a server error (issue 17)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from wifi.models import MonthlyUsage

pytestmark = pytest.mark.django_db

HEADER = "管理番号,年月,接続数,利用者数,データ量MB,出典"


def _upload(client, data: bytes):
    return client.post(
        "/wifi/usage/import/", {"file": SimpleUploadedFile("usage.csv", data, "text/csv")}
    )


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("WV-001,0000-04,10,,,推計", "年月"),
        ("WV-001,9999-04,10,,,推計", "年月"),
        ("WV-001,2025-04,²,,,推計", "接続数"),
        ("WV-001,2025-04,①,,,推計", "接続数"),
        ("WV-001,2025-04,10,³,,推計", "利用者数"),
        ("WV-001,2025-04,99999999999,,,推計", "接続数"),
        ("WV-001,2025-04,10,,1" + "0" * 5000 + ",推計", "データ量MB"),
    ],
)
def test_an_impossible_year_or_number_is_a_message_naming_the_column(
    make_machine, dx_staff, client_for, line, column
):
    make_machine(code="WV-001")
    response = _upload(client_for(dx_staff), f"{HEADER}\n{line}\n".encode())
    assert response.status_code == 400
    page = response.content.decode()
    assert column in page
    assert not MonthlyUsage.objects.exists()


def test_full_width_digits_are_read_as_typed(make_machine, dx_staff, client_for):
    make_machine(code="WV-001")
    line = "WV-001,２０２５-０４,１２３,,,推計"
    response = _upload(client_for(dx_staff), f"{HEADER}\n{line}\n".encode())
    assert response.status_code == 302
    usage = MonthlyUsage.objects.get()
    assert (usage.month.isoformat(), usage.connections) == ("2025-04-01", 123)


@pytest.mark.parametrize(
    "data",
    [
        (HEADER + "\rWV-001,2025-04,10,,,推計\r").encode(),  # old Mac line endings
        (HEADER + "\nWV-001,2025-04," + "9" * (129 * 1024) + ",,,推計\n").encode(),
        (HEADER + '\nWV-001,2025-04,10,,"' + "x" * (129 * 1024) + '",推計\n').encode(),
        (HEADER + "\nWV-001,2025-04,1\x000,,,推計\n").encode(),
    ],
    ids=["bare-cr", "huge-number", "huge-quoted-field", "nul"],
)
def test_odd_files_get_an_answer_not_a_server_error(make_machine, dx_staff, client_for, data):
    make_machine(code="WV-001")
    response = _upload(client_for(dx_staff), data)
    assert response.status_code in (302, 400)


@pytest.mark.parametrize("year", ["99999", "-5", "0", "NaN", "1e9"])
def test_the_usage_list_ignores_a_fiscal_year_out_of_range(dx_staff, client_for, year):
    for export in ("", "csv", "xlsx"):
        response = client_for(dx_staff).get(
            "/wifi/usage/", {"fiscal_year": year, "_export": export}
        )
        assert response.status_code == 200
