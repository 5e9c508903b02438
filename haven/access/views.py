"""Sign in, second factor, and the auditor's search of the access log."""

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import redirect, render
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.audit import search_entries
from haven.access.capabilities import require
from haven.access.log import Action, record_access
from haven.access.models import AccessLogEntry


class LoginView(auth_views.LoginView):
    template_name = "access/login.html"
    redirect_authenticated_user = True


class TokenForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app", max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


@login_required
def two_factor(request):
    """Set up TOTP on first sign-in, then verify the code every session."""
    user = request.user
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect("home")
        form.add_error("token", "That code is not right. Enter the 6-digit code shown now.")
    qr_svg = None
    if not device.confirmed:
        image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
        buffer = BytesIO()
        image.save(buffer)
        qr_svg = base64.b64encode(buffer.getvalue()).decode()
    return render(request, "access/two_factor.html", {"form": form, "qr_svg": qr_svg})


class AuditSearchForm(forms.Form):
    person_id = forms.IntegerField(required=False, label="Person ID")
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
