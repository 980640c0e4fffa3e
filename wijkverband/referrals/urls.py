from django.urls import path

from wijkverband.referrals import views

W = "t/<slug:team_slug>/welzijn-op-recept/"

urlpatterns = [
    path(W, views.referral_overview, name="referral_overview"),
    path(W + "chart.svg", views.referral_chart, name="referral_chart"),
    path(W + "chart-narrow.svg", views.referral_chart, {"narrow": True}, name="referral_chart_narrow"),
    path(W + "export.csv", views.referral_export, name="referral_export"),
    path(W + "counts/", views.referral_counts, name="referral_counts"),
    path(W + "counts/<str:counts_id>/", views.referral_counts_edit, name="referral_counts_edit"),
    path(W + "counts/<str:counts_id>/delete/", views.referral_counts_delete, name="referral_counts_delete"),
    path(W + "records/", views.referral_records, name="referral_records"),
    path(W + "records/new/", views.referral_record_new, name="referral_record_new"),
    path(W + "records/export.csv", views.referral_records_export, name="referral_records_export"),
    path(W + "records/<str:referral_id>/", views.referral_record_edit, name="referral_record_edit"),
    path(W + "records/<str:referral_id>/delete/", views.referral_record_delete, name="referral_record_delete"),
]
