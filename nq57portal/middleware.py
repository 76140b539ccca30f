from django.conf import settings


class SecurityHeadersMiddleware:
    """Content-Security-Policy: only the portal's own scripts and styles, no inline code, no framing.

    Set in every environment so that development and the browser tests meet the same policy as
    production. Responses that set their own policy (file previews) keep it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        return response


class VietnameseFirstMiddleware:
    """The interface is Vietnamese unless the user chose English (language cookie).

    Many civil servants' browsers announce English; that must not switch their dates, numbers
    and words. Placed before LocaleMiddleware, it hides Accept-Language from it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
