"""Form fields shared by the apps."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_LOOKS_LIKE_A_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}")


class DayFirstDateField(forms.DateField):
    """A date typed as dd/mm/yyyy; one that does not exist (31/02/2026) says so rather than "invalid"."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            # A DateInput with its own format: a TextInput showed a stored date as 2025-11-01
            # under the dd/mm/yyyy placeholder.
            forms.DateInput(
                format="%d/%m/%Y",
                attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"},
            ),
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            text = (value or "").strip()
            if _LOOKS_LIKE_A_DATE.fullmatch(text):
                raise ValidationError(
                    _("Ngày %(value)s không tồn tại. Hãy kiểm tra lại ngày và tháng."),
                    code="nonexistent",
                    params={"value": text},
                ) from None
            raise ValidationError(
                _("Hãy nhập ngày theo dạng dd/mm/yyyy, ví dụ 31/12/2025."), code="invalid"
            ) from None
