"""A draft plan is the secretariat's alone (`Plan.drafts_visible_to`): every route that shows a plan
or what lies under it answers 404 to units, reviewers and leadership, exactly as for an id that
does not exist; the same routes open to them once the plan is in force."""

import pytest
from django.urls import reverse

from tasks.models import AssignmentRole, Plan, PlanStatus
from tasks.permissions import access_plan_for_user, plans_readable_by, subtasks_readable_by
from tests.evidence.world import claim, client_for, make_world, pdf_upload
from tests.factories import AssignmentFactory, UnitFactory, UserFactory
from units.models import Role
from units.permissions import can_comment_on, can_read_assignment, can_report_on, can_review

pytestmark = pytest.mark.django_db

OTHERS = ["lead_staff", "co_staff", "reviewer", "leadership"]


@pytest.fixture
def draft(settings):
    """A plan with a sent completion claim (evidence attached), then taken back to draft."""
    settings.EVIDENCE_CLAMD_SOCKET = ""
    settings.EVIDENCE_CLAMD_HOST = ""
    world = make_world()
    co = AssignmentFactory(subtask=world.subtask, unit=UnitFactory(name="Sở Nội vụ"), role=AssignmentRole.CO)
    report = claim(world, files=[pdf_upload()])
    Plan.objects.filter(pk=world.plan.pk).update(status=PlanStatus.DRAFT)
    world.plan.refresh_from_db()
    world.co = co
    world.evidence = report.evidence.get()
    world.people = {
        "lead_staff": world.staff,
        "co_staff": UserFactory(unit=co.unit, roles=[Role.STAFF]),
        "reviewer": world.reviewer,
        "leadership": world.leadership,
        "secretariat": UserFactory(unit=None, roles=[Role.SECRETARIAT]),
    }
    return world


ROUTES = {
    "plan_detail": lambda w: reverse("tasks:plan_detail", args=[w.plan.pk]),
    "plan_export_xlsx": lambda w: reverse("tasks:plan_export_xlsx", args=[w.plan.pk]),
    "subtask_detail": lambda w: reverse("tasks:subtask_detail", args=[w.subtask.pk]),
    "report_form": lambda w: reverse("kpis:report_form", args=[w.lead.pk]),
    "evidence_download": lambda w: reverse("evidence:download", args=[w.evidence.pk]),
    "evidence_preview": lambda w: reverse("evidence:preview", args=[w.evidence.pk]),
    "review_claim": lambda w: reverse("evidence:claim", args=[w.lead.pk]),
}
# Who reaches each route once the plan is in force (the same people, minus the draft).
REACHES = {
    "plan_detail": OTHERS,
    "plan_export_xlsx": OTHERS,
    "subtask_detail": OTHERS,
    "report_form": OTHERS,
    "evidence_download": OTHERS,
    "evidence_preview": OTHERS,
    "review_claim": ["reviewer"],
}


@pytest.mark.parametrize(("route", "who"), [(route, who) for route in ROUTES for who in REACHES[route]])
def test_a_draft_answers_404_to_everyone_but_the_secretariat(draft, route, who):
    url = ROUTES[route](draft)

    assert client_for(draft.people[who]).get(url).status_code == 404

    Plan.objects.filter(pk=draft.plan.pk).update(status=PlanStatus.IN_FORCE)
    assert client_for(draft.people[who]).get(url).status_code == 200


@pytest.mark.parametrize("route", list(ROUTES))
def test_the_secretariat_opens_every_route_of_a_draft(draft, route):
    assert client_for(draft.people["secretariat"]).get(ROUTES[route](draft)).status_code == 200


def test_the_co_ordinating_unit_cannot_open_the_comment_page_of_a_draft(draft):
    url = reverse("kpis:comment_page", args=[draft.co.pk])
    assert client_for(draft.people["co_staff"]).get(url).status_code == 404
    assert client_for(draft.people["secretariat"]).get(url).status_code == 200
    Plan.objects.filter(pk=draft.plan.pk).update(status=PlanStatus.IN_FORCE)
    assert client_for(draft.people["co_staff"]).get(url).status_code == 200


@pytest.mark.parametrize("who", OTHERS)
def test_the_plan_list_leaves_a_draft_out(draft, who):
    html = client_for(draft.people[who]).get(reverse("tasks:plan_list")).content.decode()
    assert draft.plan.title not in html
    assert (
        draft.plan.title
        in client_for(draft.people["secretariat"]).get(reverse("tasks:plan_list")).content.decode()
    )


def test_the_review_queue_leaves_a_draft_out_for_reviewers(draft):
    url = reverse("evidence:queue")
    response = client_for(draft.people["reviewer"]).get(url)
    assert response.context["rows"] == [] and list(response.context["plans"]) == []
    response = client_for(draft.people["secretariat"]).get(url)
    assert [row.assignment_id for row in response.context["rows"]] == [draft.lead.pk]
    assert list(response.context["plans"]) == [draft.plan]


def test_the_helpers_agree(draft):
    staff, co_staff, reviewer = (draft.people[k] for k in ("lead_staff", "co_staff", "reviewer"))
    secretariat = draft.people["secretariat"]
    assert not can_read_assignment(staff, draft.lead) and can_read_assignment(secretariat, draft.lead)
    assert not can_report_on(staff, draft.lead) and can_report_on(secretariat, draft.lead)
    assert not can_comment_on(co_staff, draft.co) and can_comment_on(secretariat, draft.co)
    assert not can_review(reviewer, draft.lead) and can_review(secretariat, draft.lead)
    assert not plans_readable_by(staff).exists() and not subtasks_readable_by(reviewer).exists()
    assert access_plan_for_user(secretariat, draft.plan.pk) == draft.plan
    assert Plan.drafts_visible_to(secretariat)
    assert not any(Plan.drafts_visible_to(draft.people[who]) for who in OTHERS)
