"""/manage/ (issue 17): the URLs are a contract, other programs link to them."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from clinics.manage import confirm, people, views
from clinics.manage.accounts import EmailAuthenticationForm, MailedPasswordResetForm, signed_in

app_name = "manage"

urlpatterns = [
    path("", views.home, name="home"),
    path("clinics/<slug:slug>/", views.clinic, name="clinic"),
    path("clinics/<slug:slug>/preview/", views.preview, name="preview"),
    path("clinics/<slug:slug>/submit/", views.submit, name="submit"),
    path("clinics/<slug:slug>/withdraw/", views.withdraw, name="withdraw"),
    path("clinics/<slug:slug>/quick/", views.quick_update, name="quick"),
    path("clinics/<slug:slug>/people/", people.people, name="people"),
    path(
        "clinics/<slug:slug>/people/<int:pk>/remove/",
        people.remove_person,
        name="remove_person",
    ),
    path(
        "clinics/<slug:slug>/invitations/<int:pk>/withdraw/",
        people.withdraw_invitation,
        name="withdraw_invitation",
    ),
    path("invitations/<str:token>/", people.invitation, name="invitation"),
    path("confirm/<str:token>/", confirm.confirm, name="confirm"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="manage/login.html",
            authentication_form=EmailAuthenticationForm,
            redirect_authenticated_user=True,
            next_page=reverse_lazy("manage:home"),
        ),
        name="login",
    ),
    path(
        "logout/",
        auth_views.LogoutView.as_view(next_page=reverse_lazy("manage:login")),
        name="logout",
    ),
    path(
        "password/",
        signed_in(
            auth_views.PasswordChangeView.as_view(
                template_name="manage/password_change.html",
                success_url=reverse_lazy("manage:password_change_done"),
            )
        ),
        name="password_change",
    ),
    path(
        "password/done/",
        signed_in(
            auth_views.PasswordChangeDoneView.as_view(
                template_name="manage/password_change_done.html"
            )
        ),
        name="password_change_done",
    ),
    path(
        "password/forgot/",
        auth_views.PasswordResetView.as_view(
            template_name="manage/password_reset.html",
            form_class=MailedPasswordResetForm,
            email_template_name="manage/password_reset_email.txt",
            subject_template_name="manage/password_reset_subject.txt",
            success_url=reverse_lazy("manage:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/forgot/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="manage/password_reset_done.html"),
        name="password_reset_done",
    ),
]
