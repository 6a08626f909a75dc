"""URLs of issue 4: public report / claim / list-your-clinic pages and the moderation queue.

Included from directory/urls.py before clinics.urls, so /clinics/<slug>/report/ and
/clinics/<slug>/claim/ are served here.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from clinics.moderation import public, views

moderation_patterns = (
    [
        path("", views.queue, name="queue"),
        path("preferences/", views.email_preference, name="preferences"),
        path("clinics/<int:pk>/", views.review_clinic, name="clinic"),
        path("clinics/<int:pk>/history/", views.clinic_history, name="history"),
        path("clinics/<int:pk>/revert/", views.clinic_revert, name="revert"),
        path("reports/<int:pk>/", views.review_report, name="report"),
        path("claims/<int:pk>/", views.review_claim, name="claim"),
    ],
    "moderation",
)

urlpatterns = [
    path("clinics/<slug:slug>/report/", public.report_listing, name="report_listing"),
    path("clinics/<slug:slug>/claim/", public.claim_listing, name="claim_listing"),
    path("list-your-clinic/", public.list_your_clinic, name="list_your_clinic"),
    path("moderation/", include(moderation_patterns)),
    # The password-setting links sent to new staff and moderators (never a default password).
    path(
        "account/set-password/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "account/set-password/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
