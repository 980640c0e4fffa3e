from django.urls import path

from wijkverband.agreements import views

A = "t/<slug:team_slug>/agreements/"
ONE = A + "<str:agreement_id>/"

urlpatterns = [
    path(A, views.agreement_list, name="agreement_list"),
    path(A + "new/", views.agreement_create, name="agreement_create"),
    path(A + "export.<str:fmt>", views.agreement_export, name="agreement_export"),
    path(ONE, views.agreement_detail, name="agreement_detail"),
    path(ONE + "edit/", views.agreement_edit, name="agreement_edit"),
    path(ONE + "transition/", views.agreement_transition, name="agreement_transition"),
    path(ONE + "endorse/", views.agreement_endorse, name="agreement_endorse"),
    path(ONE + "parties/", views.agreement_parties, name="agreement_parties"),
    path(ONE + "parties/<str:party_id>/remove/", views.party_remove, name="party_remove"),
    path(ONE + "parties/<str:party_id>/consent/", views.party_consent, name="party_consent"),
    path(ONE + "indicators/new/", views.indicator_create, name="indicator_create"),
    path(ONE + "indicators/<str:indicator_id>/measurements/new/", views.measurement_create, name="measurement_create"),
    path(ONE + "indicators/<str:indicator_id>/chart.svg", views.indicator_chart, name="indicator_chart"),
    path(ONE + "versions/", views.agreement_versions, name="agreement_versions"),
    path(ONE + "compare/", views.agreement_compare, name="agreement_compare"),
    path(ONE + "history/", views.agreement_history, name="agreement_history"),
    path(ONE + "print/", views.agreement_print, name="agreement_print"),
]
