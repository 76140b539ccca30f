"""Walk the whole URL configuration and prove that ids can't be probed.

One rule for every route and every method: an anonymous visitor is sent to the login page (before
anything else: not 404, not 405); a signed-in user who may not use a page or an object gets what an
id that does not exist gets (404, or 405 for a method the route does not take) and never 403, which
would say that there is something there. For every route that takes a value (int/str/slug/uuid/path
converter) the walk asks as an anonymous user and as the staff of another unit. Ids are filled generically:
a kwarg `<model>_id` gets an object of that model owned by unit A — found by following foreign
keys up to `Unit`, or built when none exists — so a route added later is covered without
anyone touching this file. Routes that every signed-in user may read are listed below, each
with its reason; adding to that list is a decision to review, not a way to silence the walk.
"""

import datetime
import decimal
import re
import uuid
from collections import deque
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, path, reverse
from django.utils import timezone

from kpis.flags import RedFlag
from tasks.models import AssignmentRole
from tests.factories import AssignmentFactory, KpiFactory, SubTaskFactory, UnitFactory, UserFactory
from units.models import Role, Unit

# Readable by every signed-in active user (DESIGN.md: everyone reads the plans). GET must be 200.
READABLE_BY_ALL = {
    "tasks:plan_detail": "plans are read by every unit: each sees what it leads and co-ordinates",
    "tasks:plan_export_xlsx": "the appendix as a workbook: the same content as the plan page",
    "tasks:subtask_detail": "a sub-task's page shows who leads and co-ordinates it; every unit reads it",
    "targets:plan": "a plan's targets are part of the plan, which every unit reads",
    "targets:detail": "a target, its trajectory and the values reported on it: part of the plan too",
}
# Public: the value in the URL is itself the credential and an invalid one reveals nothing.
PUBLIC = {
    "password_reset_confirm": "the e-mailed token is the credential; a wrong one shows 'link invalid'",
}
# Pages without ids that an anonymous visitor may open.
PUBLIC_PAGES = {
    "login",
    "password_reset",
    "password_reset_done",
    "password_reset_complete",
    "healthz",
    "set_language",
    "logout",  # signing out is for anyone (POST only); nothing to protect behind it
    "api:schema",  # the open data API's description (OpenAPI 3): no data in it
    "api:docs",  # its documentation page, drawn from that description
    "api:redoc",
}
# The open data API is for other systems, never a browser session: anyone without a client's token
# (an anonymous visitor, a signed-in person) is answered 401 and no login page; what a token may read
# is tested in tests/api.
API_PREFIX = "api:v1:"


def _is_api(route) -> bool:
    return bool(route.name and route.name.startswith(API_PREFIX))


METHODS = ["get", "post", "put", "patch", "delete"]
DENIED = {404, 405}
MISSING_ID = 2_000_000_000
# Values in routes are taken as unit-owned ids when named <model>_id; other ints get this.
UNKNOWN_STR = "walk-unknown-value"


@dataclass(frozen=True)
class Route:
    route: str  # "plans/<int:plan_id>/"
    name: str | None  # "tasks:plan_detail"
    converters: tuple  # ((kwarg, converter), ...)
    is_admin: bool

    def __str__(self):
        return self.name or self.route


def _walk(resolver, prefix="", namespace="", converters=(), admin=False):
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        text = str(pattern)
        convs = converters + tuple(getattr(pattern, "converters", {}).items())
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(entry, prefix + text, ns, convs, admin or entry.app_name == "admin")
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            regex = not hasattr(pattern, "converters")
            yield Route(prefix + text, name, convs, admin or (regex and prefix.startswith("admin")))


ALL_ROUTES = sorted(set(_walk(get_resolver())), key=lambda r: r.route)
ID_ROUTES = [r for r in ALL_ROUTES if r.converters and not r.is_admin]
PLAIN_ROUTES = [r for r in ALL_ROUTES if not r.converters and not r.is_admin and "(?P<" not in r.route]


def test_the_walk_finds_the_routes_it_must_cover():
    names = {r.name for r in ID_ROUTES}
    assert {"tasks:plan_detail", "tasks:subtask_detail", "units:user_detail", "units:user_edit"} <= names
    # Every allow-list entry still names a route (a stale entry would hide nothing, but mislead).
    assert set(READABLE_BY_ALL) | set(PUBLIC) <= names
    # The API's catch-all (its JSON 404 for any other path) is a regex route: the API is tested in tests/api.
    assert not [r for r in ALL_ROUTES if not r.is_admin and not _is_api(r) and "(?P<" in r.route], (
        "regex routes need handling here"
    )


# ---------------------------------------------------------------- ids owned by unit A


def _model_for(kwarg: str, route: Route):
    if not kwarg.endswith("_id"):
        return None
    stem = kwarg[:-3].replace("_", "")
    candidates = [m for m in apps.get_models() if m._meta.model_name == stem]
    if not candidates:
        candidates = [m for m in apps.get_models() if m._meta.model_name.endswith(stem)]
    if len(candidates) > 1 and route.name and ":" in route.name:
        app = route.name.split(":")[0]
        candidates = [m for m in candidates if m._meta.app_label == app] or candidates
    return candidates[0] if len(candidates) == 1 else None


def _path_to_unit(model) -> str | None:
    """Lookup from model to its owning Unit through forward FKs, e.g. "report__assignment__unit"."""
    if model is Unit:
        return "pk"
    queue = deque([(model, "", 0)])
    seen = {model}
    while queue:
        current, path, depth = queue.popleft()
        # A link to a user (created_by, locked_by, uploaded_by) records who acted, not who owns.
        fks = [
            f
            for f in current._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and f.related_model is not get_user_model()
        ]
        fks.sort(key=lambda f: (f.name != "unit", f.name))  # "unit" itself first, not via_group
        for field in fks:
            lookup = f"{path}__{field.name}" if path else field.name
            if field.related_model is Unit:
                return lookup
            if field.related_model not in seen and depth < 4:
                seen.add(field.related_model)
                queue.append((field.related_model, lookup, depth + 1))
    return None


class World:
    """Unit A's objects: a plan, a sub-task it leads, KPI, a co-ordination, a staff member."""

    def __init__(self):
        self.unit = UnitFactory(name="Đơn vị A (walk)")
        self.user = UserFactory(username="walk-a", unit=self.unit, roles=[Role.STAFF])
        self.subtask = SubTaskFactory()
        self.lead = AssignmentFactory(subtask=self.subtask, unit=self.unit, role=AssignmentRole.LEAD)
        self.co = AssignmentFactory(subtask=SubTaskFactory(), unit=self.unit, role=AssignmentRole.CO)
        self.kpi = KpiFactory(subtask=self.subtask)
        self.outsider = UserFactory(
            username="walk-b", unit=UnitFactory(name="Đơn vị B (walk)"), roles=[Role.STAFF]
        )

    def owned(self, model):
        if model is get_user_model():
            return self.user
        if model is Unit:
            return self.unit
        path = _path_to_unit(model)
        qs = model._default_manager.order_by("pk")
        found = qs.filter(**{path: self.unit}).first() if path else qs.first()
        return found or self.build(model)

    def build(self, model, depth=0):
        values = dict(self._required_though_nullable(model))
        for field in model._meta.concrete_fields:
            if field.primary_key or field.has_default() or field.null:
                continue
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                continue
            values[field.attname if field.is_relation else field.name] = self._value(field, model, depth)
        try:
            with transaction.atomic():
                return model._default_manager.create(**values)
        except (IntegrityError, ValueError, TypeError) as exc:
            pytest.fail(
                f"The URL walk could not build a {model._meta.label} owned by unit A ({exc}). "
                f"Teach World.build in tests/test_url_walk.py how to make one."
            )

    def _required_though_nullable(self, model) -> dict:
        """Fields a model's own check constraints require although each alone may be null: a red
        flag is about an assignment (with its sub-task) or a target, never neither."""
        if model is RedFlag:
            return {"assignment_id": self.lead.pk, "subtask_id": self.subtask.pk}
        return {}

    def _value(self, field, model, depth):
        if field.is_relation:
            related = field.related_model
            if related is Unit:
                return self.unit.pk
            if related is model or depth > 4:
                pytest.fail(f"The URL walk cannot build {model._meta.label}.{field.name}")
            return self.owned(related).pk if depth == 0 else self.build(related, depth + 1).pk
        if field.choices:
            return field.choices[0][0]
        if isinstance(field, models.BooleanField):
            return False
        if isinstance(field, models.DateTimeField):
            return timezone.now()
        if isinstance(field, models.DateField):
            return datetime.date(2026, 1, 1)
        if isinstance(field, models.DecimalField):
            return decimal.Decimal("1")
        if isinstance(field, (models.IntegerField, models.FloatField)):
            return 1
        if isinstance(field, models.UUIDField):
            return uuid.uuid4()
        if isinstance(field, models.GenericIPAddressField):
            return "127.0.0.1"
        if isinstance(field, models.FileField):
            return ContentFile(b"walk", name="walk.txt")
        if isinstance(field, models.JSONField):
            return {}
        if isinstance(field, (models.CharField, models.TextField)):
            return ("walk-" + uuid.uuid4().hex)[: field.max_length or 40]
        pytest.fail(
            f"The URL walk has no value for {model._meta.label}.{field.name} ({type(field).__name__})"
        )


def _unit_owned(route: Route) -> bool:
    """Does any id in the route name an object that belongs to a unit (or is an account)?"""
    for kwarg, _ in route.converters:
        model = _model_for(kwarg, route)
        if model is not None and (model is get_user_model() or _path_to_unit(model)):
            return True
    return not any(_model_for(k, route) for k, _ in route.converters)


def _kwargs(route: Route, world: World, *, missing: bool) -> dict:
    values = {}
    for kwarg, converter in route.converters:
        kind = type(converter).__name__
        model = _model_for(kwarg, route)
        if kind == "IntConverter":
            values[kwarg] = MISSING_ID if missing or model is None else world.owned(model).pk
        elif kind == "UUIDConverter":
            values[kwarg] = uuid.uuid4()
        elif kind == "PathConverter":
            values[kwarg] = "walk/unknown"
        elif model is not None and not missing:  # str/slug carrying an id
            values[kwarg] = str(world.owned(model).pk)
        else:
            values[kwarg] = UNKNOWN_STR
    return values


def _url(route: Route, kwargs: dict) -> str:
    if route.name:
        return reverse(route.name, kwargs=kwargs)
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(kwargs[m.group(1)]), route.route)


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and response.url.startswith(reverse("login"))


def _call(client, method, url):
    return getattr(client, method)(url)


# ---------------------------------------------------------------- the walk


@pytest.mark.django_db
@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_anonymous_gets_login_or_nothing(route):
    world = World()
    url = _url(route, _kwargs(route, world, missing=False))
    client = Client()
    for method in METHODS:
        response = _call(client, method, url)
        if route.name in PUBLIC:
            assert response.status_code in {200, 302, 405}, (method, url, response.status_code)
            continue
        if _is_api(route):
            assert response.status_code == 401, (method, url, response.status_code)
            continue
        assert _is_login_redirect(response), (
            f"{method.upper()} {url} as anonymous answered {response.status_code}; "
            f"every page sends an anonymous visitor to the login page first"
        )


def _outsider_problems(route: Route, world: World) -> list[str]:
    url = _url(route, _kwargs(route, world, missing=False))
    missing_url = _url(route, _kwargs(route, world, missing=True))
    client = Client(raise_request_exception=False)
    client.force_login(world.outsider)
    # Objects of no unit (a period, one's own notification) may be answered with the same redirect
    # whether the id exists or not; a unit's objects must answer 404. Nothing answers 403.
    denied = DENIED if _unit_owned(route) else DENIED | {302, 303}
    problems = []
    for method in METHODS:
        response = _call(client, method, url)
        if route.name in PUBLIC:
            continue
        if _is_api(route):
            if response.status_code != 401:
                problems.append(f"{method.upper()} {url} with a session, no token: {response.status_code}")
            continue
        if route.name in READABLE_BY_ALL:
            if method == "get" and response.status_code != 200:
                problems.append(f"GET {url} ({READABLE_BY_ALL[route.name]}): {response.status_code}")
            # Other methods on a read-only page show no more than GET does.
            if method != "get" and response.status_code not in DENIED | {200}:
                problems.append(f"{method.upper()} {url}: {response.status_code}")
            continue
        if response.status_code not in denied:
            problems.append(
                f"{method.upper()} {url} as staff of another unit answered {response.status_code}; "
                f"a unit-owned id must answer 404 (or 405 for a method the route does not take)"
            )
            continue
        missing = _call(client, method, missing_url)
        if (missing.status_code, missing.get("Location")) != (response.status_code, response.get("Location")):
            problems.append(
                f"{method.upper()} {url}: {response.status_code} for unit A's id but "
                f"{missing.status_code} for a missing id — ids can be probed"
            )
    return problems


@pytest.mark.django_db
@pytest.mark.parametrize("route", ID_ROUTES, ids=str)
def test_another_units_staff_gets_what_a_missing_id_gets(route):
    assert _outsider_problems(route, World()) == []


def _leaky_view(request, assignment_id):
    from django.http import HttpResponse

    from tasks.models import Assignment

    return HttpResponse(str(Assignment.objects.get(pk=assignment_id)))


def _guarded_view(request, assignment_id):
    from django.http import HttpResponse

    from units.permissions import access_assignment_for_user

    return HttpResponse(str(access_assignment_for_user(request.user, assignment_id)))


urlpatterns = [  # used only by test_the_walk_catches_a_leaky_route (ROOT_URLCONF = this module)
    path("leak/<int:assignment_id>/", _leaky_view),
    path("guarded/<int:assignment_id>/", _guarded_view),
    path("accounts/login/", _leaky_view, name="login"),
]


@pytest.mark.django_db
def test_the_walk_catches_a_leaky_route(settings):
    """The walk is not vacuous: a view that skips the access helper is reported."""
    settings.ROOT_URLCONF = __name__
    routes = {r.route: r for r in _walk(get_resolver(__name__))}
    world = World()
    leaky = _outsider_problems(routes["leak/<int:assignment_id>/"], world)
    assert leaky and "answered 200" in leaky[0]
    assert _outsider_problems(routes["guarded/<int:assignment_id>/"], world) == []


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in PLAIN_ROUTES if r.name not in PUBLIC_PAGES], ids=str)
def test_pages_without_ids_need_a_sign_in(route):
    url = _url(route, {})
    for method in METHODS:
        response = _call(Client(), method, url)
        if _is_api(route):
            assert response.status_code == 401, (method, url, response.status_code)
            continue
        assert _is_login_redirect(response), (
            f"{method.upper()} {url} as anonymous answered {response.status_code}; "
            f"every page sends an anonymous visitor to the login page first"
        )


@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in PLAIN_ROUTES if r.name not in PUBLIC_PAGES], ids=str)
@pytest.mark.parametrize("role", [Role.STAFF, Role.HEAD, Role.LEADERSHIP, Role.REVIEWER])
def test_pages_without_ids_are_not_there_for_who_may_not_use_them(route, role):
    """A page of another role (the secretariat's periods, the reviewers' queue) answers as a page
    that does not exist: 404 (405 for a method it does not take), never 403."""
    url = _url(route, {})
    unit = UnitFactory(name="Đơn vị C (walk)") if role in (Role.STAFF, Role.HEAD) else None
    user = UserFactory(username=f"walk-{role}", unit=unit, roles=[role])
    for method in METHODS:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        response = _call(client, method, url)
        assert response.status_code != 403, f"{method.upper()} {url} as {role} answered 403, not 404"


@pytest.mark.django_db
def test_admin_has_its_own_staff_check():
    anonymous = Client().get(reverse("admin:index"))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("admin:login"))
    client = Client()
    client.force_login(UserFactory(roles=[Role.STAFF]))  # a unit's staff is not Django staff
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("admin:login"))
