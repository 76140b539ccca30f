"""Where a form sends the user back to."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request, *, default: str) -> str:
    """The page a form asked to return to (`next`, posted or in the query) when it is a page of this
    portal: a path, or an address on the host the request came to (https when it came by https).
    Anything else, another site above all, gives `default`: a link from elsewhere must not turn the
    portal into a redirect to a look-alike login page (open redirect)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
