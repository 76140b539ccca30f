"""The secretariat's page of API clients: create one (its token shown once), see their use, revoke."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AuditEvent
from units.views import secretariat_required

from . import services
from .forms import ClientForm, WebhookForm
from .models import ApiClient, WebhookDelivery

# The token is handed from the create view to the page that shows it once, through the session.
SESSION_TOKEN = "api_new_token"


@secretariat_required
@require_http_methods(["GET"])
def client_list(request):
    clients = list(ApiClient.objects.select_related("unit", "created_by"))
    return render(request, "api/client_list.html", {"clients": clients, "now": timezone.now()})


@secretariat_required
@require_http_methods(["GET", "POST"])
def client_create(request):
    today = timezone.localdate()
    form = ClientForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        expires_at = timezone.make_aware(datetime.datetime.combine(data["expires_on"], datetime.time.min))
        try:
            client, token = services.client_create(
                actor=request.user,
                name=data["name"],
                scopes=data["scopes"],
                unit=data["unit"],
                expires_at=expires_at,
                rate_per_minute=data["rate_per_minute"],
                webhook_url=data["webhook_url"],
                webhook_events=data["webhook_events"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[SESSION_TOKEN] = {
                "client": client.pk,
                "token": token,
                "secret": client.webhook_secret,
            }
            return redirect("api:client_detail", client_id=client.pk)
    return render(request, "api/client_form.html", {"form": form})


@never_cache
@secretariat_required
@require_http_methods(["GET"])
def client_detail(request, client_id: int):
    client = get_object_or_404(
        ApiClient.objects.select_related("unit", "created_by", "revoked_by"), pk=client_id
    )
    token = secret = None
    handed = request.session.get(SESSION_TOKEN)
    if handed and handed.get("client") == client.pk:
        token, secret = handed.get("token"), handed.get("secret")
        del request.session[SESSION_TOKEN]  # shown this once, never again
    return _detail(request, client, token=token, secret=secret)


def _detail(request, client, *, token=None, secret=None, webhook_form=None, status=200):
    uses = AuditEvent.objects.filter(
        object_type=ApiClient._meta.label_lower, object_id=str(client.pk)
    ).order_by("-at", "-id")[:20]
    deliveries = WebhookDelivery.objects.filter(client=client).order_by("-created_at", "-id")[:50]
    webhook_form = webhook_form or WebhookForm(
        initial={"webhook_url": client.webhook_url, "webhook_events": client.webhook_events}
    )
    context = {
        "client": client,
        "token": token,
        "secret": secret,
        "uses": uses,
        "deliveries": deliveries,
        "webhook_form": webhook_form,
        "now": timezone.now(),
    }
    return render(request, "api/client_detail.html", context, status=status)


@secretariat_required
@require_POST
def client_webhook(request, client_id: int):
    client = get_object_or_404(ApiClient, pk=client_id, revoked_at__isnull=True)
    form = WebhookForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.client_webhook_set(
                actor=request.user, client=client, url=data["webhook_url"], events=data["webhook_events"]
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[SESSION_TOKEN] = {"client": client.pk, "secret": client.webhook_secret}
            messages.success(request, _("Đã lưu webhook."))
            return redirect("api:client_detail", client_id=client.pk)
    client.refresh_from_db()
    return _detail(request, client, webhook_form=form)


@secretariat_required
@require_POST
def client_revoke(request, client_id: int):
    client = get_object_or_404(ApiClient, pk=client_id)
    services.client_revoke(actor=request.user, client=client)
    messages.success(request, _("Đã thu hồi mã truy cập của “%(name)s”.") % {"name": client.name})
    return redirect("api:client_detail", client_id=client.pk)
