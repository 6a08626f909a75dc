"""Giving people access: clinic staff and moderators, with a link to set their own password."""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinics.mail import absolute_url
from clinics.models import CLINIC_STAFF_GROUP, MODERATOR_GROUP, StaffMembership


def password_setting_link(user, *, base_url=""):
    """A one-time link to set a password: absolute, from SITE_URL unless `base_url` is given."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{base_url.rstrip('/')}{path}" if base_url else absolute_url(path)


def user_for_email(email):
    """The user with this email, created without a usable password if new (staff access)."""
    User = get_user_model()
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is None:
        username = email[:150]
        if User.objects.filter(username=username).exists():
            username = f"{email[:140]}-{secrets.token_hex(4)}"
        user = User(username=username, email=email, is_staff=True)
        user.set_unusable_password()
        user.save()
    elif not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return user


def _user_for_email(email, *, base_url=""):
    """(user, link): link is a one-time password-setting link for a user who has no usable
    password yet, never a default password."""
    user = user_for_email(email)
    link = "" if user.has_usable_password() else password_setting_link(user, base_url=base_url)
    return user, link


@transaction.atomic
def staff_add(*, email, clinic, role=StaffMembership.Role.EDITOR, base_url=""):
    """Make the person with this email staff of the clinic; returns (membership, link)."""
    user, link = _user_for_email(email, base_url=base_url)
    user.groups.add(Group.objects.get(name=CLINIC_STAFF_GROUP))
    membership, created = StaffMembership.objects.get_or_create(
        user=user, clinic=clinic, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save()
    return membership, link


@transaction.atomic
def moderator_add(*, email, base_url=""):
    """Make the person with this email a moderator; returns (user, link)."""
    user, link = _user_for_email(email, base_url=base_url)
    user.groups.add(Group.objects.get(name=MODERATOR_GROUP))
    return user, link
