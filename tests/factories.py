"""Factories shared by every test module."""

import datetime

import factory

from kpis.models import Kpi
from tasks.models import Assignment, AssignmentRole, GeneralTask, Plan, PlanStatus, Section, SubTask
from units.models import Role, Unit, UnitKind, User, UserRole


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Sở Thử nghiệm {n}")
    kind = UnitKind.DEPARTMENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.vn")
    unit = factory.SubFactory(UnitFactory)
    password = factory.PostGenerationMethodCall("set_password", "mat-khau-thu-nghiem-1")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        for role in extracted or [Role.STAFF]:
            UserRole.objects.get_or_create(user=self, role=role)
        self.save()


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    code = factory.Sequence(lambda n: f"{n}-KH/BCĐ")
    title = factory.Sequence(lambda n: f"Kế hoạch chuyển đổi số {n}")
    issuer = "Ban Chỉ đạo tỉnh"
    issue_date = datetime.date(2025, 11, 1)
    status = PlanStatus.IN_FORCE


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    code = factory.Sequence(lambda n: f"S{n}")
    title = "Về chuyển đổi số"
    order = factory.Sequence(int)


class GeneralTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GeneralTask

    section = factory.SubFactory(SectionFactory)
    code = factory.Sequence(lambda n: str(n + 1))
    title = "Triển khai chuyển đổi số nhanh, đồng bộ"
    order = factory.Sequence(int)


class SubTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SubTask

    general_task = factory.SubFactory(GeneralTaskFactory)
    plan = factory.LazyAttribute(lambda o: o.general_task.section.plan)
    code = factory.Sequence(lambda n: f"1.{n + 1}")
    title = "Rà soát, đánh giá thủ tục hành chính"
    output = "Báo cáo rà soát"
    start_date = datetime.date(2025, 11, 1)
    deadline = datetime.date(2025, 12, 31)
    deadline_text = "31/12/2025"
    order = factory.Sequence(int)


class KpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Kpi

    subtask = factory.SubFactory(SubTaskFactory)
    text = "100% TTHC được rà soát"


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    subtask = factory.SubFactory(SubTaskFactory)
    unit = factory.SubFactory(UnitFactory)
    role = AssignmentRole.LEAD
