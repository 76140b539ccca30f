import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.middleware import SessionMiddleware
from django.utils.cache import patch_cache_control


class SecurityHeadersMiddleware:
    """Content-Security-Policy: only the portal's own scripts and styles, no inline code, no framing.

    Set in every environment so that development and the browser tests meet the same policy as
    production. Responses that set their own policy (file previews) keep it.

    Every response to a signed-in user is `Cache-Control: private, no-store`: each page shows that
    user's tasks, unit figures, flags or notifications, so no shared cache (a proxy) may keep it, and
    neither may the browser's disk: on an office computer shared by several civil servants, Back after
    signing out must not show the previous user's pages. These pages are rendered for each request
    anyway (no page cache), so storing them saves nothing.
    """

    def __init__(self, get_response):
        from evidence.http import PDF_WORKER_CSP

        self.get_response = get_response
        self.policy = settings.CONTENT_SECURITY_POLICY
        # pdf.js (evidence previews) compiles its own image decoders in its worker.
        self.pdfjs_prefix = f"{settings.STATIC_URL}vendor/pdfjs/"
        self.pdfjs_policy = PDF_WORKER_CSP

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            pdfjs = request.path.startswith(self.pdfjs_prefix)
            response["Content-Security-Policy"] = self.pdfjs_policy if pdfjs else self.policy
        response.setdefault("Referrer-Policy", "same-origin")
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if _signed_in(request):
            patch_cache_control(response, private=True, no_store=True)
        return response


def _signed_in(request) -> bool:
    """A request of a signed-in session. Read only when the request already opened its session (every
    signed-in page does): a request that never did (health check, static files) gains no query."""
    session = getattr(request, "session", None)
    return session is not None and session.accessed and SESSION_KEY in session


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


class SlidingSessionMiddleware(SessionMiddleware):
    """Django's SessionMiddleware with a throttled sliding idle expiry (used in its place).

    Saving the session on every request (SESSION_SAVE_EVERY_REQUEST) cost each page an UPDATE
    of django_session, a COMMIT and a re-signed cookie. Instead the session is saved when it
    was modified (as Django does) or when its expiry was last extended SESSION_REFRESH_SECONDS
    ago or more; the time of that extension lives in the session data (key ``_refreshed``,
    whole seconds since the epoch), so deciding costs no query. A saved session expires
    SESSION_COOKIE_AGE after the save, so a user idle for SESSION_COOKIE_AGE is signed out
    within SESSION_REFRESH_SECONDS of it, and one active more often than
    SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS never is. SESSION_REFRESH_SECONDS = 0 saves on
    every request that reads the session, as before; a value above SESSION_COOKIE_AGE / 2 is cut
    to it, so that a misconfiguration cannot sign out active users. The cookie is a
    browser-session cookie (SESSION_EXPIRE_AT_BROWSER_CLOSE), so only the server-side
    expire_date matters.

    A subclass rather than a middleware after it, so that the stamp is set after every inner
    middleware (messages, auth, CSRF) has finished with the session and before the save, with
    no way to misplace it. Only a request that read the session counts as activity (every
    signed-in page does, through request.user), so a request that never touched it gains
    neither a query nor a Vary: Cookie. An emptied session (logout, an expired or unknown
    key) is left empty, so its cookie is still deleted and no new row is created for it.
    """

    REFRESHED_KEY = "_refreshed"

    def process_response(self, request, response):
        session = getattr(request, "session", None)
        if session is not None and session.accessed and not session.is_empty():
            now = int(time.time())
            every = min(settings.SESSION_REFRESH_SECONDS, settings.SESSION_COOKIE_AGE // 2)
            if session.modified:
                session[self.REFRESHED_KEY] = now  # saved anyway: the expiry starts again now
            elif now - session.get(self.REFRESHED_KEY, 0) >= every:
                session[self.REFRESHED_KEY] = now  # marks it modified, so Django saves it
        return super().process_response(request, response)
