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
from .forms import ClientForm
from .models import ApiClient

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
            request.session[SESSION_TOKEN] = {"client": client.pk, "token": token}
            return redirect("api:client_detail", client_id=client.pk)
    return render(request, "api/client_form.html", {"form": form})


@never_cache
@secretariat_required
@require_http_methods(["GET"])
def client_detail(request, client_id: int):
    client = get_object_or_404(
        ApiClient.objects.select_related("unit", "created_by", "revoked_by"), pk=client_id
    )
    token = None
    handed = request.session.get(SESSION_TOKEN)
    if handed and handed.get("client") == client.pk:
        token = handed["token"]
        del request.session[SESSION_TOKEN]  # shown this once, never again
    uses = AuditEvent.objects.filter(
        object_type=ApiClient._meta.label_lower, object_id=str(client.pk)
    ).order_by("-at", "-id")[:20]
    return render(
        request,
        "api/client_detail.html",
        {"client": client, "token": token, "uses": uses, "now": timezone.now()},
    )


@secretariat_required
@require_POST
def client_revoke(request, client_id: int):
    client = get_object_or_404(ApiClient, pk=client_id)
    services.client_revoke(actor=request.user, client=client)
    messages.success(request, _("Đã thu hồi mã truy cập của “%(name)s”.") % {"name": client.name})
    return redirect("api:client_detail", client_id=client.pk)
