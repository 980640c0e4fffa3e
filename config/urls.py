from django.contrib import admin
from django.urls import include, path, re_path

from wijkverband.accounts.views import (
    account_name,
    activate_totp,
    email,
    email_confirm,
    language_set,
    password_reset_from_key,
    sign_out_elsewhere,
)
from wijkverband.core import views as core_views
from wijkverband.tenancy.home import home

urlpatterns = [
    path("", home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    path("manifest.webmanifest", core_views.web_manifest, name="web_manifest"),
    path("sw.js", core_views.service_worker, name="service_worker"),
    # Operators only (address or token); everyone else gets 404 (docs/operations.md).
    path("metrics", core_views.metrics, name="metrics"),
    path("i18n/setlang/", language_set, name="set_language"),
    path("accounts/name/", account_name, name="account_name"),
    path("accounts/sign-out-elsewhere/", sign_out_elsewhere, name="account_sign_out_elsewhere"),
    # Before allauth's own: opening the link signs nobody out (accounts.views.EmailConfirmView).
    re_path(r"^accounts/confirm-email/(?P<key>[-:\w]+)/$", email_confirm, name="account_confirm_email"),
    # Before allauth's own: "Send the link again" sends it or says when (accounts.views.EmailView).
    path("accounts/email/", email, name="account_email"),
    # Before allauth's own: with an app set up, to the overview, not to removing it (accounts.views).
    path("accounts/2fa/totp/activate/", activate_totp, name="mfa_activate_totp"),
    # Before allauth's own: opened where another account is signed in, it signs nobody out (accounts.views).
    re_path(
        r"^accounts/password/reset/key/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("wijkverband.tenancy.urls")),
    path("", include("wijkverband.bottlenecks.urls")),
    path("", include("wijkverband.threads.urls")),
    path("", include("wijkverband.work.urls")),
    path("", include("wijkverband.agreements.urls")),
    path("", include("wijkverband.wijkcard.urls")),
    path("", include("wijkverband.mywork.urls")),
    path("", include("wijkverband.dashboard.urls")),
    path("", include("wijkverband.socialmap.urls")),
    path("", include("wijkverband.referrals.urls")),
    path("", include("wijkverband.regional.urls")),
    path("", include("wijkverband.signals.urls")),
    path("", include("wijkverband.lookup.urls")),
    path("", include("wijkverband.search.urls")),
]

handler400 = "wijkverband.core.views.bad_request"
handler404 = "wijkverband.core.views.not_found"
# allauth's rate limits answer with this (allauth.core.internal.ratelimit.respond_429).
handler429 = "wijkverband.accounts.views.too_many_requests"
