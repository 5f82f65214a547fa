"""Public URLs (no sign-in): certificate verification and the lists of recognised subjects.

Mounted at the site's root, since the QR code printed on every certificate leads to
`/verify/<serial>`; that address must never change.
"""

from django.urls import path

from hoctap.recognition import views

app_name = "public"

urlpatterns = [
    path("verify/", views.verify_form, name="verify_form"),
    # Before the serial's pattern: "key" is not a serial.
    path("verify/key", views.verify_key, name="verify_key"),
    path("verify/key.json", views.verify_key_jwk, name="verify_key_jwk"),
    path("verify/<str:serial>", views.verify, name="verify"),
    path(
        "recognised/<str:commune_key>/<int:year>/",
        views.recognised_list,
        name="recognised_list",
    ),
    path(
        "recognised/<str:commune_key>/<int:year>/list.xlsx",
        views.recognised_xlsx,
        name="recognised_xlsx",
    ),
]
