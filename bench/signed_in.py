"""A signed-in session for a benchmark's requests, made in the database as a login would make it
(the benchmarks send its cookie instead of going through the login form and its rate limits)."""


def session_for(user) -> str:
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store.set_expiry(6 * 3600)
    store.create()
    return store.session_key
