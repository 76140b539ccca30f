"""Per-object rights (django-guardian), granted to one auth group per unit.

Called by the services that create or end assignments and memberships. The access helpers in
permissions.py are the single place views ask; these grants let guardian-aware code
(and the admin) see the same answer.
"""


def on_assignments_changed(*, created=(), removed=()) -> None:
    """Grant the unit groups rights on new assignments and revoke them on removed ones."""
    # Filled in by the accounts/permissions work (issue 3).
    return None
