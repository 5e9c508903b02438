"""Sign in, second factor, and the auditor's search of the access log."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import password_validation
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.audit import search_entries
from haven.access.capabilities import require
from haven.access.log import Action, Outcome, record_access
from haven.access.models import AccessLogEntry
from haven.access.services import do_complete_enrolment, live_enrolment, pending_device


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app", max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def _safe_next(request, default="home"):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return resolve_url(default)


@login_required
def two_factor(request):
    """Verify the code from the authenticator every session.

    Setting up an authenticator needs an enrolment link an administrator issued
    (`haven user add` / `haven user enrol`); a password alone never enrols one.
    """
    user = request.user
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        return render(request, "access/not_enrolled.html", status=403)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            return redirect(_safe_next(request))
        form.add_error("token", "That code is not right. Enter the 6-digit code shown now.")
    return render(request, "access/two_factor.html",
                  {"form": form, "next": request.POST.get("next") or request.GET.get("next", "")})


class EnrolForm(forms.Form):
    current_password = forms.CharField(label="Your current password", required=False,
                                       widget=forms.PasswordInput(
                                           attrs={"autocomplete": "current-password"}))
    new_password = forms.CharField(label="Create a password", required=False,
                                   widget=forms.PasswordInput(
                                       attrs={"autocomplete": "new-password"}))
    # Not required here: the first step of a re-enrolment asks the password alone.
    token = forms.CharField(label=TokenForm.base_fields["token"].label, max_length=8,
                            required=False, widget=TokenForm.base_fields["token"].widget)

    def __init__(self, *args, user, password_checked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.first_password = not user.has_usable_password()
        self.password_checked = password_checked

    def clean(self):
        data = super().clean()
        if self.first_password:
            password = data.get("new_password") or ""
            if not password:
                self.add_error("new_password", "Create a password.")
            else:
                try:
                    password_validation.validate_password(password, self.user)
                except forms.ValidationError as error:
                    self.add_error("new_password", error)
        elif not self.password_checked and not self.user.check_password(
                data.get("current_password") or ""):
            self.add_error("current_password", "Enter your current password.")
        return data


def enrol(request, token):
    """An administrator's one-time link: set up the authenticator (and a first password).

    The link alone is not enough for an account that has a password (the password is asked
    too); a used, expired or unknown link is 'not found'.
    """
    enrolment = live_enrolment(token)
    if enrolment is None:
        record_access(request.user if request.user.is_authenticated else None, Action.ALTERATION,
                      record_type="enrolment", outcome=Outcome.REFUSED,
                      detail={"reason": "unknown, used or expired link"})
        raise Http404("Not found")
    if request.user.is_authenticated and request.user.pk != enrolment.user_id:
        record_access(request.user, Action.ALTERATION, record_type="enrolment",
                      record_id=enrolment.pk, outcome=Outcome.REFUSED,
                      detail={"reason": "another user's link"})
        raise Http404("Not found")
    user = enrolment.user
    if _wrong_passwords(enrolment) >= settings.AXES_FAILURE_LIMIT:
        # A leaked link must not let anyone guess the password without limit: it is burnt.
        type(enrolment).objects.filter(pk=enrolment.pk).update(expires_at=timezone.now())
        record_access(user, Action.ALTERATION, record_type="enrolment", record_id=enrolment.pk,
                      outcome=Outcome.REFUSED, detail={"reason": "too many wrong passwords"})
        raise Http404("Not found")
    device = pending_device(enrolment)
    # For an account that has a password, the QR code (the authenticator's secret) is shown
    # only once the password has been given on this link: a leaked link alone reveals nothing.
    checked_key = f"enrolment_password_checked_{enrolment.pk}"
    password_checked = bool(request.session.get(checked_key))
    form = EnrolForm(request.POST or None, user=user, password_checked=password_checked)
    if request.method == "POST" and not form.is_valid() and "current_password" in form.errors:
        record_access(user, Action.ALTERATION, record_type="enrolment", record_id=enrolment.pk,
                      outcome=Outcome.REFUSED, detail={"reason": "wrong password"})
    if request.method == "POST" and form.is_valid():
        if not form.first_password and not password_checked:
            request.session[checked_key] = True
            password_checked = True
        token = form.cleaned_data.get("token") or ""
        if not token and request.POST.get("current_password") and not form.first_password:
            return redirect(request.path)  # step two: the code to scan
        if token and device.verify_token(token):
            request.session.pop(checked_key, None)
            do_complete_enrolment(enrolment, device,
                                  new_password=form.cleaned_data.get("new_password") or None)
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            device.refresh_from_db()
            otp_login(request, device)
            messages.success(request, "Your authenticator is set up.")
            return redirect("home")
        form.add_error("token", "That code is not right. Enter the 6-digit code shown now.")
    show_code = form.first_password or password_checked
    qr_svg = ""
    if show_code:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        qr_svg = base64.b64encode(buffer.getvalue()).decode()
    return render(request, "access/enrol.html", {
        "form": form, "qr_svg": qr_svg, "show_code": show_code,
        "enrol_user": user, "expires_at": enrolment.expires_at,
        "errors": [{"anchor": f"id_{name}", "message": message}
                   for name, messages_ in form.errors.items() for message in messages_],
    })


def _wrong_passwords(enrolment) -> int:
    """Wrong current passwords given on this enrolment link so far (from the access log)."""
    return AccessLogEntry.objects.filter(
        record_type="enrolment", record_id=str(enrolment.pk), outcome=Outcome.REFUSED,
        user_id_at=enrolment.user_id, detail__reason="wrong password").count()


@login_required
@require_POST
def ping(request):
    """'Stay signed in': any signed-in request resets the idle clock (IdleTimeoutMiddleware)."""
    return JsonResponse({"idle_timeout_seconds": settings.HAVEN_IDLE_TIMEOUT_SECONDS})


def locked_out(request, original_response=None, credentials=None):
    """django-axes: too many wrong passwords for this username from this address."""
    hours = settings.AXES_COOLOFF_TIME
    return render(request, "access/locked_out.html",
                  {"minutes": int(round(hours * 60)) if hours else None}, status=429)


class AuditSearchForm(forms.Form):
    person_id = forms.IntegerField(required=False, label="Person ID", min_value=1,
                                   max_value=2**63 - 1)
    username = forms.CharField(required=False, label="User")
    date_from = forms.DateField(required=False, label="From (YYYY-MM-DD)")
    date_to = forms.DateField(required=False, label="To (YYYY-MM-DD)")


@login_required
def audit_search(request):
    require(request.user, "audit.search")
    form = AuditSearchForm(request.GET or None)
    entries = AccessLogEntry.objects.none()
    if form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        entries = search_entries(request.user, data)
        with transaction.atomic():
            # Searching the log is itself a consultation of personal data.
            record_access(
                request.user, Action.CONSULTATION, record_type="access_log",
                person_id=data["person_id"],
                detail={"search": {k: str(v) for k, v in data.items() if v not in (None, "")}},
            )
    return render(request, "access/audit_search.html", {"form": form, "entries": entries})
