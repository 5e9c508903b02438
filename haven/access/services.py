"""Users and their enrolment: one code path for `haven user add`, `haven setup` and the demo."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.log import Action, record_access, via
from haven.access.models import EnrolmentToken, User
from haven.access.roles import PARTNER_ROLES, Role
from haven.core.actions import action, unchanged


@dataclass
class UserResult:
    user: User
    created: bool
    changed: list[str]


@action("user.manage", record_type="user", system=True)
def do_add_user(
    username: str,
    role: str,
    *,
    force=None,
    agency=None,
    first_name: str = "",
    last_name: str = "",
    password: str | None = None,
    actor=None,
) -> UserResult:
    """Create the user, or bring an existing one into line (idempotent).

    A police user belongs to a force, a partner user to an agency. Without a password the
    user has none until they follow their enrolment link.
    """
    if role not in Role.values:
        raise ValidationError(f"Unknown role {role!r}. Roles: {', '.join(Role.values)}")
    if role in PARTNER_ROLES:
        if agency is None:
            raise ValidationError(f"A {role} user belongs to an agency: give --agency.")
        force = None
    else:
        if force is None:
            raise ValidationError(f"A {role} user belongs to a force: give --force.")
        agency = None
    with transaction.atomic():
        user = User.objects.select_for_update().filter(username=username).first()
        created = user is None
        changed = []
        if created:
            user = User(username=username)
        wanted = {"role": role, "force": force, "agency": agency}
        if first_name:
            wanted["first_name"] = first_name
        if last_name:
            wanted["last_name"] = last_name
        for name, value in wanted.items():
            if getattr(user, name) != value:
                setattr(user, name, value)
                changed.append(name)
        if created:
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
        user.full_clean(exclude=["password"])
        if created or changed:
            user.save()
            record_access(actor, Action.COLLECTION if created else Action.ALTERATION,
                          record_type="user", record_id=user.pk,
                          detail={"change": "created" if created else "updated",
                                  "fields": sorted(changed), **via(actor)})
        else:
            unchanged()
    return UserResult(user, created, [] if created else changed)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enrolment_url(token: str) -> str:
    base = settings.HAVEN_BASE_URL.rstrip("/")
    return base + reverse("enrol", args=[token])


@action("user.manage", record_type="user", system=True)
def do_issue_enrolment(user: User, *, actor=None, hours: int | None = None) -> str:
    """Start an enrolment: returns the one-time link (shown once; only its hash is kept).

    Any earlier unused link for the user stops working.
    """
    hours = hours or settings.HAVEN_ENROLMENT_LINK_HOURS
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        EnrolmentToken.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
        EnrolmentToken.objects.create(user=user, token_hash=_hash(token),
                                      expires_at=now + dt.timedelta(hours=hours),
                                      created_by=actor if getattr(actor, "pk", None) else None)
        record_access(actor, Action.ALTERATION, record_type="user", record_id=user.pk,
                      detail={"change": "enrolment link issued", "hours": hours,
                              **via(actor)})
    return enrolment_url(token)


def live_enrolment(token: str) -> EnrolmentToken | None:
    """The unused, unexpired enrolment for this token, or None."""
    return (EnrolmentToken.objects.select_related("user")
            .filter(token_hash=_hash(token or ""), used_at__isnull=True,
                    expires_at__gt=timezone.now(), user__is_active=True)
            .first())


def pending_device(enrolment: EnrolmentToken) -> TOTPDevice:
    """The unconfirmed authenticator this enrolment is setting up (one per enrolment)."""
    name = f"enrolment {enrolment.pk}"
    device = TOTPDevice.objects.filter(user=enrolment.user, name=name, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=enrolment.user, name=name, confirmed=False)
    return device


@action(None, record_type="user", system=True)
def do_complete_enrolment(enrolment: EnrolmentToken, device: TOTPDevice, *,
                          new_password: str | None, actor=None) -> User:
    """Confirm the authenticator, retire the user's others and the link; set a first password.

    Runs before the user can sign in: the one-time link is the authority (`actor` is None)
    and the log names the enrolling user."""
    user = enrolment.user
    with transaction.atomic():
        used = EnrolmentToken.objects.filter(pk=enrolment.pk, used_at__isnull=True).update(
            used_at=timezone.now())
        if not used:
            raise ValidationError("This enrolment link has already been used.")
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.name = "authenticator"
        device.save(update_fields=["confirmed", "name"])
        if new_password:
            user.set_password(new_password)
            user.save(update_fields=["password"])
        record_access(user, Action.ALTERATION, record_type="user", record_id=user.pk,
                      detail={"change": "authenticator enrolled"})
    return user


def has_confirmed_device(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
