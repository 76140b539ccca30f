"""How a client is recognised, limited and recorded: the token (Bearer), a rate per client, the
scopes of each endpoint, an audit row for every request."""

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from .models import TOKEN_PREFIX, ApiClient, token_digest


class ClientTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer nq57_…`. A token unknown, revoked or past its expiry: 401."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Thiếu mã truy cập."))
        token = parts[1].decode("latin-1")
        if not token.startswith(TOKEN_PREFIX):
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ."))
        client = (
            ApiClient.objects.usable(timezone.now())
            .filter(token_hash=token_digest(token))
            .select_related("unit")
            .first()
        )
        if client is None:
            raise exceptions.AuthenticationFailed(_("Mã truy cập không hợp lệ, đã thu hồi hoặc đã hết hạn."))
        return client, client

    def authenticate_header(self, request):
        return 'Bearer realm="nq57"'


class ClientTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ClientTokenAuthentication"
    name = "clientToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "bearerFormat": "nq57_…"}


class IsClient(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ApiClient)


class HasScope(BasePermission):
    """The endpoint's `required_scope`. A client without it is answered 404, as for a missing object:
    what lies outside its scope does not exist for it."""

    def has_permission(self, request, view):
        scope = getattr(view, "required_scope", None)
        if scope and not request.auth.has_scope(scope):
            raise exceptions.NotFound()
        return True


class ClientRateThrottle(SimpleRateThrottle):
    """Requests per minute per client (its own rate), counted in the cache shared by every web node."""

    scope = "api_client"
    cache = cache

    def allow_request(self, request, view):
        client = request.auth
        if not isinstance(client, ApiClient):
            return True
        self.num_requests, self.duration = client.rate_per_minute, 60
        self.key = self.cache_format % {"scope": self.scope, "ident": client.pk}
        self.history = self.cache.get(self.key, [])
        self.now = self.timer()
        while self.history and self.history[-1] <= self.now - self.duration:
            self.history.pop()
        if len(self.history) >= self.num_requests:
            return self.throttle_failure()
        return self.throttle_success()

    def get_rate(self):
        return "120/min"  # replaced per client in allow_request

    def get_cache_key(self, request, view):
        return None
