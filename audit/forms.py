from django import forms
from django.utils.translation import gettext_lazy as _

from nq57portal.fields import DayFirstDateField
from units.fields import UnitChoiceField
from units.models import Unit

from .labels import ACTION_LABELS, action_label
from .selectors import known_object_types


class EventFilterForm(forms.Form):
    actor = forms.CharField(label=_("Người thực hiện"), required=False)
    unit = UnitChoiceField(
        label=_("Đơn vị"), queryset=Unit.objects.all(), required=False, empty_label=_("Tất cả")
    )
    object_type = forms.ChoiceField(label=_("Loại đối tượng"), required=False)
    object_id = forms.CharField(label=_("Mã đối tượng"), required=False, max_length=64)
    action = forms.ChoiceField(label=_("Hành động"), required=False)
    date_from = DayFirstDateField(label=_("Từ ngày"), required=False, input_formats=["%d/%m/%Y"])
    date_to = DayFirstDateField(label=_("Đến ngày"), required=False, input_formats=["%d/%m/%Y"])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Choices from what the code knows (the action labels, the models), not from the trail.
        types = [(t, f"{label} ({t})") for t, label in known_object_types()]
        actions = sorted(((a, action_label(a)) for a in ACTION_LABELS), key=lambda pair: pair[1])
        # An action or type with no name (another app's, or older) still filters when a link asks.
        for name, choices in (("object_type", types), ("action", actions)):
            asked = (self.data.get(name) or "").strip() if self.is_bound else ""
            if asked and asked not in dict(choices) and len(asked) <= 64:
                choices.append((asked, asked))
            self.fields[name].choices = [("", _("Tất cả")), *choices]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu."))
        return data

    def filters(self) -> dict:
        """The valid filters only, as on the plan page and the review queue: a field with an error
        is left out (the page says so and shows the error beside the field), the others apply."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
