"""The filter form of a plan page: unit (or group), role, section, deadline window, search."""

from django import forms
from django.utils.translation import gettext_lazy as _

from nq57portal.fields import DayFirstDateField
from units.models import UnitKind

from .models import AssignmentRole
from .selectors import SubtaskFilters


class SubtaskFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Tìm kiếm"),
        required=False,
        max_length=200,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Từ khóa, có dấu hoặc không dấu"),
                "autocomplete": "off",
            }
        ),
    )
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(
        label=_("Vai trò"),
        required=False,
        choices=[("", _("Mọi vai trò")), *AssignmentRole.choices],
    )
    section = forms.TypedChoiceField(label=_("Mục"), required=False, coerce=int, empty_value=None)
    deadline_from = DayFirstDateField(label=_("Thời hạn từ ngày"), required=False)
    deadline_to = DayFirstDateField(label=_("đến ngày"), required=False)

    def __init__(self, data=None, *, units, sections, **kwargs):
        super().__init__(data, **kwargs)
        self._units = {unit.pk: unit for unit in units}
        self._sections = {section.pk: section for section in sections}
        self.fields["unit"].choices = _unit_choices(units)
        self.fields["section"].choices = [
            ("", _("Tất cả các mục")),
            *((s.pk, f"{s.code}. {s.title}") for s in sections),
        ]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("deadline_from"), cleaned.get("deadline_to")
        if start and end and end < start:
            self.add_error("deadline_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return cleaned

    def filters(self) -> SubtaskFilters:
        """What the valid fields ask for: a field with an error is left out, the others still apply."""
        if not self.is_bound:
            return SubtaskFilters()
        self.is_valid()
        data = self.cleaned_data
        return SubtaskFilters(
            q=data.get("q") or "",
            unit=self._units.get(data.get("unit")),
            role=data.get("role") or "",
            section=self._sections.get(data.get("section")),
            deadline_from=data.get("deadline_from"),
            deadline_to=data.get("deadline_to"),
        )


def _unit_choices(units):
    """Groups first (they are what the appendix names most), then the units by kind."""
    by_kind = {}
    for unit in units:
        by_kind.setdefault(unit.kind, []).append((unit.pk, unit.name))
    order = [UnitKind.GROUP, *(kind for kind in UnitKind.values if kind != UnitKind.GROUP)]
    choices = [("", _("Tất cả đơn vị"))]
    for kind in order:
        if by_kind.get(kind):
            choices.append((UnitKind(kind).label, by_kind[kind]))
    return choices
