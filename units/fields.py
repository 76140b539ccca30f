"""Form fields for choosing a unit: units listed in Vietnamese dictionary order.

The database orders names by code point ("Điện lực" after "Xã Yên", "Ủy ban" last); a person
looks a unit up as in a dictionary, so the choices are sorted by units.naming.vi_sort_key.
"""

from django import forms
from django.forms.models import ModelChoiceIterator

from .naming import in_vi_order


class VietnameseOrderIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for unit in in_vi_order(self.queryset):
            yield self.choice(unit)


class UnitChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField of units whose choices read in Vietnamese order."""

    iterator = VietnameseOrderIterator
