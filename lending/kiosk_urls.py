"""Routes of the kiosk, the QR item links, labels and CSV import (full paths; included by urls.py)."""

from django.urls import path, re_path

from lending import views_import, views_kiosk, views_labels, views_links

urlpatterns = [
    path("kiosk/", views_kiosk.kiosk, name="kiosk"),
    path(
        "kiosk/returns/<int:loan_id>/components/",
        views_kiosk.kiosk_components,
        name="kiosk_components",
    ),
    # What a label's QR code opens; printed without the trailing slash, both work.
    re_path(r"^t/(?P<token>[A-Za-z0-9_-]{1,64})/?$", views_links.item_link, name="item_link"),
    path("lending/labels/", views_labels.label_sheet, name="labels"),
    path("lending/labels/<int:pk>/", views_labels.label_single, name="label_single"),
    path("lending/items/<int:pk>/new-qr-code/", views_labels.token_reissue, name="token_reissue"),
    path("lending/import/", views_import.import_page, name="import"),
    path(
        "lending/import/<str:kind>/template.csv",
        views_import.import_template,
        name="import_template",
    ),
]
