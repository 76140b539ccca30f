"""The read API, version 1. Every endpoint: a client token, the client's scopes (404 outside them),
its rate, an audit row per request; lists paged by cursor."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from budget.selectors import rollup, totals
from kpis.flags import flag_kinds
from kpis.models import Status
from nq57portal.replicas import replica_reads
from targets.models import TargetValue
from targets.selectors import with_standing
from tasks.models import AssignmentRole, PlanStatus
from tasks.selectors import plan_outline_as_of, subtask_ids_as_of, subtasks_as_of

from . import filters, selectors, serializers
from .auth import ClientRateThrottle, ClientTokenAuthentication, HasScope, IsClient
from .figures import unit_figures
from .models import Scope
from .pagination import IdCursorPagination
from .services import client_use_record


class ClientApiMixin:
    authentication_classes = [ClientTokenAuthentication]
    permission_classes = [IsClient, HasScope]
    throttle_classes = [ClientRateThrottle]
    pagination_class = IdCursorPagination
    required_scope = Scope.FIGURES

    @property
    def client(self):
        return self.request.auth

    def initial(self, request, *args, **kwargs):
        # The client is recognised, limited and refused on the primary; what it reads may lag.
        super().initial(request, *args, **kwargs)
        self._replica_reads = replica_reads()
        self._replica_reads.__enter__()

    def finalize_response(self, request, response, *args, **kwargs):
        reads, self._replica_reads = getattr(self, "_replica_reads", None), None
        if reads is not None:
            reads.__exit__(None, None, None)
        response = super().finalize_response(request, response, *args, **kwargs)
        client = getattr(request, "auth", None)
        if client is not None and hasattr(client, "token_hash"):
            client_use_record(
                client=client,
                method=request.method,
                path=request.path,
                query=request.META.get("QUERY_STRING", ""),
                status=response.status_code,
            )
        return response


class ReadOnlyViewSet(
    ClientApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    lookup_value_converter = "int"


CHANGED = [filters.CHANGED_SINCE]


class PlanAsOfMixin:
    """`as_of`: the plan as it stood at the end of that day (tasks.selectors: the amendments recorded
    by then, read back as the official report reads its cut-off)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        found = filters.as_of_day_end(request.query_params)
        self.as_of_at = found[1] if found else None


def _items(args, kwargs) -> list:
    return list(args[0]) if kwargs.get("many") else [args[0]]


@extend_schema_view(
    list=extend_schema(
        summary="Kế hoạch",
        parameters=[
            *CHANGED,
            OpenApiParameter("status", str, enum=[PlanStatus.IN_FORCE, PlanStatus.CLOSED], required=False),
            filters.PLAN_AS_OF,
        ],
    ),
    retrieve=extend_schema(
        summary="Một kế hoạch với các mục và nhiệm vụ tổng quát (như tại một ngày, nếu có as_of)",
        parameters=[filters.PLAN_AS_OF],
    ),
)
class PlanViewSet(PlanAsOfMixin, ReadOnlyViewSet):
    def get_serializer_class(self):
        return serializers.PlanDetailSerializer if self.action == "retrieve" else serializers.PlanSerializer

    def get_serializer(self, *args, **kwargs):
        if args:
            items = _items(args, kwargs)
            context = self.get_serializer_context()
            context["amendments"] = selectors.amendments_in_force([p.pk for p in items], at=self.as_of_at)
            if self.action == "retrieve" and self.as_of_at is not None:
                context["outline"] = plan_outline_as_of(plan=items[0], at=self.as_of_at)
            kwargs["context"] = context
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self):
        if self.action == "retrieve":
            if self.as_of_at is not None:
                return selectors.plans_for(self.client)
            return selectors.plan_detail_queryset(self.client)
        qs = selectors.plans_for(self.client)
        params = self.request.query_params
        status = filters.choice(params, "status", [PlanStatus.IN_FORCE, PlanStatus.CLOSED])
        if status:
            qs = qs.filter(status=status)
        since = filters.changed_since(params)
        if since:
            qs = qs.filter(updated_at__gte=since)
        return qs


@extend_schema_view(
    list=extend_schema(
        summary="Tiểu nhiệm vụ (đang áp dụng, hoặc như tại một ngày với as_of)",
        parameters=[filters.PLAN, filters.UNIT, *CHANGED, filters.PLAN_AS_OF, filters.REMOVED],
    ),
    retrieve=extend_schema(
        summary="Một tiểu nhiệm vụ (như tại một ngày, nếu có as_of)", parameters=[filters.PLAN_AS_OF]
    ),
)
class SubTaskViewSet(PlanAsOfMixin, ReadOnlyViewSet):
    """A sub-task an amendment removed is not listed as current (`removed=true` lists those); with
    `as_of` the list is what was in force at the end of that day (with `removed=true`, what had been
    removed by then), each sub-task as it read then (tasks.selectors.subtasks_as_of, the official
    report's reading); by id, a sub-task not in force then answers 404."""

    serializer_class = serializers.SubTaskSerializer

    def get_serializer(self, *args, **kwargs):
        if args and self.as_of_at is not None:
            ids = [s.pk for s in _items(args, kwargs)]
            kwargs["context"] = {
                **self.get_serializer_context(),
                "facts": subtasks_as_of(ids=ids, at=self.as_of_at),
            }
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self):
        qs = selectors.subtask_list(self.client)
        if self.action != "list":
            if self.as_of_at is not None:
                pk = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
                if pk is None or int(pk) > filters.LARGEST_ID:
                    raise NotFound()
                qs = qs.filter(pk__in=subtask_ids_as_of(rows=qs.filter(pk=pk), at=self.as_of_at))
            return qs
        params = self.request.query_params
        removed = bool(filters.boolean(params, "removed"))
        plan = filters.plan_id(params, self.client)
        if plan:
            qs = qs.filter(plan_id=plan)
        unit = filters.unit_id(params, self.client)
        if unit:
            qs = qs.filter(assignments__unit_id=unit).distinct()
        since = filters.changed_since(params)
        if since:
            qs = qs.filter(updated_at__gte=since)
        if self.as_of_at is not None:
            return qs.filter(pk__in=subtask_ids_as_of(rows=qs, at=self.as_of_at, removed=removed))
        return qs.filter(closed_at__isnull=not removed)


STATUS_PARAM = OpenApiParameter("status", str, enum=Status.values, required=False, description="Trạng thái.")
ROLE_PARAM = OpenApiParameter("role", str, enum=AssignmentRole.values, required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Phân công (trạng thái, tỷ lệ được công nhận)",
        parameters=[filters.PLAN, filters.UNIT, STATUS_PARAM, ROLE_PARAM, *CHANGED],
    ),
    retrieve=extend_schema(summary="Một phân công"),
)
class AssignmentViewSet(ReadOnlyViewSet):
    serializer_class = serializers.AssignmentSerializer

    def get_queryset(self):
        qs = selectors.assignment_list(self.client)
        if self.action != "list":
            return qs
        params = self.request.query_params
        plan = filters.plan_id(params, self.client)
        if plan:
            qs = qs.filter(subtask__plan_id=plan)
        unit = filters.unit_id(params, self.client)
        if unit:
            qs = qs.filter(unit_id=unit)
        role = filters.choice(params, "role", AssignmentRole.values)
        if role:
            qs = qs.filter(role=role)
        status = filters.choice(params, "status", Status.values)
        if status == Status.NOT_STARTED:
            qs = qs.leads().filter(Q(state__isnull=True) | Q(state__status=status))
        elif status:
            qs = qs.filter(state__status=status)
        since = filters.changed_since(params)
        if since:
            qs = qs.filter(selectors.changed_since_q(since, "created_at", "state__updated_at"))
        return qs


@extend_schema_view(
    list=extend_schema(
        summary="Báo cáo tiến độ đã gửi",
        parameters=[filters.PLAN, filters.PERIOD, filters.UNIT, *CHANGED],
    ),
    retrieve=extend_schema(summary="Một báo cáo tiến độ"),
)
class ProgressReportViewSet(ReadOnlyViewSet):
    serializer_class = serializers.ProgressReportSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "texts": self.client.has_scope(Scope.TEXTS)}

    def get_queryset(self):
        qs = selectors.report_list(self.client)
        if self.action != "list":
            return qs
        params = self.request.query_params
        plan = filters.plan_id(params, self.client)
        if plan:
            qs = qs.filter(assignment__subtask__plan_id=plan)
        period = filters.period(params, self.client)
        if period:
            qs = qs.filter(period=period)
        unit = filters.unit_id(params, self.client)
        if unit:
            qs = qs.filter(assignment__unit_id=unit)
        since = filters.changed_since(params)
        if since:
            qs = qs.filter(updated_at__gte=since)
        return qs


class ProgressReportTextsView(ClientApiMixin, APIView):
    """The unit's own words in one report: only for clients with the 'texts' scope (404 otherwise)."""

    required_scope = Scope.TEXTS

    @extend_schema(
        summary="Nội dung một báo cáo (phạm vi 'texts')", responses=serializers.ReportTextsSerializer
    )
    def get(self, request, pk: int):
        if pk > filters.LARGEST_ID:
            raise NotFound()
        report = get_object_or_404(selectors.report_list(self.client), pk=pk)
        return Response(serializers.ReportTextsSerializer(report).data)


FLAG_STATE = OpenApiParameter("status", str, enum=["open", "resolved"], required=False)
FLAG_KIND = OpenApiParameter("kind", str, enum=flag_kinds(), required=False)


@extend_schema_view(
    list=extend_schema(
        summary="Cảnh báo đỏ",
        parameters=[filters.PLAN, filters.PERIOD, filters.UNIT, FLAG_STATE, FLAG_KIND, *CHANGED],
    ),
    retrieve=extend_schema(summary="Một cảnh báo đỏ"),
)
class RedFlagViewSet(ReadOnlyViewSet):
    serializer_class = serializers.RedFlagSerializer

    def get_queryset(self):
        qs = selectors.flag_list(self.client)
        if self.action != "list":
            return qs
        params = self.request.query_params
        plan = filters.plan_id(params, self.client)
        if plan:
            qs = qs.filter(Q(subtask__plan_id=plan) | Q(target__plan_id=plan))
        period = filters.period(params, self.client)
        if period:
            # A no-report flag names its period; the others, raised within it.
            qs = qs.filter(
                Q(period=period)
                | Q(period__isnull=True, raised_at__date__gte=period.start, raised_at__date__lte=period.end)
            )
        unit = filters.unit_id(params, self.client)
        if unit:
            qs = qs.filter(unit_id=unit)
        state = filters.choice(params, "status", ["open", "resolved"])
        if state:
            qs = qs.filter(resolved_at__isnull=state == "open")
        kind = filters.choice(params, "kind", flag_kinds())
        if kind:
            qs = qs.filter(kind=kind)
        since = filters.changed_since(params)
        if since:
            qs = qs.filter(
                selectors.changed_since_q(since, "raised_at", "resolved_at", "escalation__escalated_at")
            )
        return qs


@extend_schema_view(
    list=extend_schema(summary="Kỳ báo cáo", parameters=[filters.PLAN]),
    retrieve=extend_schema(summary="Một kỳ báo cáo"),
)
class PeriodViewSet(ReadOnlyViewSet):
    serializer_class = serializers.PeriodSerializer

    def get_queryset(self):
        qs = selectors.period_list(self.client)
        if self.action == "list":
            plan = filters.plan_id(self.request.query_params, self.client)
            if plan:
                qs = qs.filter(plan_id=plan)
        return qs


@extend_schema_view(list=extend_schema(summary="Đơn vị"), retrieve=extend_schema(summary="Một đơn vị"))
class UnitViewSet(ReadOnlyViewSet):
    serializer_class = serializers.UnitSerializer

    def get_queryset(self):
        return selectors.unit_list(self.client)


class UnitFiguresView(ClientApiMixin, APIView):
    """The dashboard's figures per unit (its ranking), for a plan and a reporting period: the same
    summary rows and the same selectors as the province and unit dashboards."""

    @extend_schema(
        summary="Số liệu theo đơn vị của một kỳ (như bảng điều hành)",
        parameters=[filters.PLAN, filters.PERIOD, filters.UNIT],
        responses=serializers.FiguresSerializer,
    )
    def get(self, request):
        params = request.query_params
        plan = filters.plan_id(params, self.client)
        period = filters.period(params, self.client)
        unit = filters.unit_id(params, self.client)
        if self.client.unit_id is not None:
            unit = self.client.unit_id
        data = unit_figures(plan_id=plan, period=period, unit_id=unit)
        return Response(serializers.FiguresSerializer(data).data)


@extend_schema(exclude=True)
class NotFoundView(ClientApiMixin, APIView):
    """Any other path under /api/v1/: the API's own 404 (JSON), after the token is checked like
    everywhere else."""

    def get(self, request, rest: str = ""):
        raise NotFound()

    post = put = patch = delete = get


@extend_schema_view(
    list=extend_schema(
        summary="Chỉ tiêu của kế hoạch và kết quả thực hiện (như bảng điều hành và báo cáo chính thức)",
        parameters=[filters.PLAN, filters.TARGET_UNIT, *CHANGED, filters.TARGET_AS_OF],
    ),
    retrieve=extend_schema(summary="Một chỉ tiêu và kết quả thực hiện", parameters=[filters.TARGET_AS_OF]),
)
class TargetViewSet(ReadOnlyViewSet):
    """A plan's targets (targets app): measure, direction, baseline, milestones, responsible units,
    data source, and where each stands on a day — read by the targets app's own selectors
    (targets_of, with_standing, standing_of), as its pages, the dashboards and the official report.
    A unit client reads the targets its unit is responsible for."""

    serializer_class = serializers.PlanTargetSerializer

    def initial(self, request, *args, **kwargs):
        # As the official report at its cut-off: the periods ended by the day, the values approved
        # by its end (a value approved later is not in the figures of that day).
        super().initial(request, *args, **kwargs)
        found = filters.as_of_day_end(request.query_params)
        self.standing_day, self.approved_by = found if found else (timezone.localdate(), None)

    def get_serializer(self, *args, **kwargs):
        if args:
            with_standing(_items(args, kwargs), self.standing_day)
            kwargs["context"] = {**self.get_serializer_context(), "as_of": self.standing_day}
        return super().get_serializer(*args, **kwargs)

    def get_queryset(self):
        params = self.request.query_params
        if self.action != "list":
            return selectors.target_list(self.client, approved_by=self.approved_by)
        plan = filters.plan_id(params, self.client)
        qs = selectors.target_list(self.client, plan=plan, approved_by=self.approved_by)
        unit = filters.unit_id(params, self.client)
        if unit:
            qs = qs.filter(units=unit)
        since = filters.changed_since(params)
        if since:
            changed = TargetValue.objects.filter(target=OuterRef("pk")).filter(
                Q(reported_at__gte=since) | Q(decided_at__gte=since)
            )
            qs = qs.filter(Q(updated_at__gte=since) | Q(created_at__gte=since) | Exists(changed))
        return qs


@extend_schema_view(
    list=extend_schema(
        summary="Số liệu chỉ tiêu đã được công nhận, theo đơn vị và kỳ",
        parameters=[filters.PLAN, filters.TARGET, filters.UNIT, filters.PERIOD, *CHANGED],
    ),
    retrieve=extend_schema(summary="Một số liệu chỉ tiêu đã được công nhận"),
)
class TargetValueViewSet(ReadOnlyViewSet):
    """The values responsible units reported, once a reviewer approved them (only those count); the
    unit's note and the reviewer's words only with the texts scope; a unit client, its own values."""

    serializer_class = serializers.TargetValueSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "texts": self.client.has_scope(Scope.TEXTS)}

    def get_queryset(self):
        params = self.request.query_params
        if self.action != "list":
            return selectors.target_value_list(self.client)
        qs = selectors.target_value_list(self.client, plan=filters.plan_id(params, self.client))
        target = filters.target_id(params, selectors.target_list(self.client))
        if target:
            qs = qs.filter(target_id=target)
        unit = filters.unit_id(params, self.client)
        if unit:
            qs = qs.filter(unit_id=unit)
        period = filters.period(params, self.client)
        if period:
            qs = qs.filter(period=period)
        since = filters.changed_since(params)
        if since:
            qs = qs.filter(Q(reported_at__gte=since) | Q(decided_at__gte=since))
        return qs


BUDGET_FILTERS = [filters.PLAN, filters.UNIT, filters.YEAR]


def _budget_filters(request, client) -> dict:
    params = request.query_params
    return {
        "plan": filters.plan_id(params, client),
        "unit": filters.unit_id(params, client),
        "year": filters.year(params),
    }


@extend_schema_view(
    list=extend_schema(
        summary="Dự toán theo dòng (phân công, năm, loại chi, cấp ngân sách)", parameters=BUDGET_FILTERS
    ),
    retrieve=extend_schema(summary="Một dòng dự toán"),
)
class BudgetLineViewSet(ReadOnlyViewSet):
    """The budget pages' allocation lines, with the same sums (budget.selectors.allocation_lines)."""

    serializer_class = serializers.BudgetLineSerializer

    def get_queryset(self):
        if self.action != "list":
            return selectors.budget_lines(self.client)
        return selectors.budget_lines(self.client, **_budget_filters(self.request, self.client))


@extend_schema_view(
    list=extend_schema(summary="Giải ngân theo kỳ", parameters=[*BUDGET_FILTERS, filters.PERIOD]),
)
class DisbursementViewSet(ClientApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = serializers.DisbursementSerializer

    def get_queryset(self):
        period = filters.period(self.request.query_params, self.client)
        return selectors.disbursement_list(
            self.client, period=period, **_budget_filters(self.request, self.client)
        )


ROLLUP_BY = OpenApiParameter(
    "by", str, enum=["section", "unit", "kind", "level"], required=True, description="Tổng hợp theo."
)


class BudgetRollupView(ClientApiMixin, APIView):
    """The budget page's roll-ups (budget.selectors.rollup and totals): by section, lead unit, kind of
    spending or budget level, for a year (default: this year), as of a day when given."""

    @extend_schema(
        summary="Tổng hợp kinh phí (như trang Kinh phí)",
        parameters=[ROLLUP_BY, *BUDGET_FILTERS, filters.AS_OF],
        responses=serializers.BudgetRollupSerializer,
    )
    def get(self, request):
        params = request.query_params
        by = filters.rollup_by(params)
        scope_filters = _budget_filters(request, self.client)
        scope_filters["year"] = scope_filters["year"] or timezone.localdate().year
        as_of = filters.as_of(params)
        scope = selectors.budget_scope(self.client, **scope_filters)
        found = totals(as_of=as_of, **scope)
        rows = [
            {"key": str(row["key"]), "label": row["label"], **_money(row)}
            for row in rollup(by, as_of=as_of, **scope)
        ]
        data = {"by": by, "year": scope["year"], "as_of": as_of, "totals": _money(found), "rows": rows}
        return Response(serializers.BudgetRollupSerializer(data).data)


def _money(row) -> dict:
    rate = row["rate"]
    return {
        "allocated": int(row["allocated"]),
        "disbursed": int(row["disbursed"]),
        "rate": float(rate) if rate is not None else None,
    }
