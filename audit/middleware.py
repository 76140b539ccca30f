import ipaddress
from functools import lru_cache

from django.conf import settings

from .context import current_ip


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _address(value: str | None):
    try:
        return ipaddress.ip_address((value or "").strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(request) -> str | None:
    """The address the request came from. X-Real-IP and X-Forwarded-For are anyone's to write, so they
    are read only when the request came from a proxy listed in TRUSTED_PROXIES (addresses or networks);
    from anywhere else REMOTE_ADDR is the client."""
    remote = request.META.get("REMOTE_ADDR")
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ())))
    if not _trusted(_address(remote), networks):
        return remote
    real = _address(request.META.get("HTTP_X_REAL_IP"))
    if real is not None:
        return str(real)
    # X-Forwarded-For: each proxy appends the address it saw; the first from the right that is not one
    # of ours is the client (anything left of it the client wrote itself).
    hops = [_address(h) for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop is None:
            break
        if not _trusted(hop, networks):
            return str(hop)
    return remote


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_ip.set(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            current_ip.reset(token)
