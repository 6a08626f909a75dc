"""Signing in by email and resetting a password by email, for clinic staff (issue 17).

Staff sign in with the address their invitation went to. The form looks the person up by
email and hands Django's `authenticate` their username with the request, so django-axes
counts and locks out failures exactly as on the admin's sign-in page (AXES_* settings).
The reset email goes through clinics.mail.send_email, like every other email. Also here: the
`signed_in` guard of every /manage/ page, and the page for an emailed link that is refused.
"""

from functools import wraps

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clinics.mail import absolute_url, send_email


def signed_in(view):
    """The view for signed-in people only; others go to the staff sign-in page first."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("manage:login"))
        return view(request, *args, **kwargs)

    return wrapper


def refused_link(request, refusal):
    """The page for an emailed link that cannot be followed (a LinkRefused): why, and a 4xx."""
    return render(
        request, "manage/link_refused.html", {"message": refusal.message}, status=refusal.status
    )


def username_for_email(email):
    """The username of the active person with this email, or the email itself (unknown)."""
    User = get_user_model()
    email = (email or "").strip()
    user = User.objects.filter(email__iexact=email, is_active=True).order_by("pk").first()
    return user.get_username() if user else email


class EmailAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, asking for the email address instead of a "username"."""

    username = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "That email address and password do not match an account. Check "
            "both; passwords are case-sensitive."
        ),
    }

    def clean(self):
        email = self.cleaned_data.get("username")
        if email:
            self.cleaned_data["username"] = username_for_email(email)
        return super().clean()


class MailedPasswordResetForm(PasswordResetForm):
    """Django's password reset, with the email sent by the app's one mail path."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # The link is built from SITE_URL, never from the Host header the request carried.
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        context = {**context, "link": absolute_url(path)}
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send_email(to=[to_email], subject=subject, body=body)
