"""Form fields for choosing a unit: units listed in Vietnamese dictionary order.

The database orders names by code point ("Điện lực" after "Xã Yên", "Ủy ban" last); a person
looks a unit up as in a dictionary, so the choices are sorted by units.naming.vi_sort_key.
"""

from django import forms
from django.forms.models import ModelChoiceIterator

from .naming import vi_sort_key


class VietnameseOrderIterator(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for unit in sorted(self.queryset, key=lambda u: vi_sort_key(u.name)):
            yield self.choice(unit)


class UnitChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField of units whose choices read in Vietnamese order."""

    iterator = VietnameseOrderIterator
