"""Views of the lending app, one module per audience or job: public pages, the staff desk,
groups, the return kiosk, QR item links, label sheets and CSV import."""
