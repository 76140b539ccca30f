"""Unit names in Vietnamese dictionary order, and the report builder's unit picker grouped by kind."""

import pytest

from units.naming import vi_sort_key


def test_names_sort_as_vietnamese_dictionaries_do():
    names = ["Xã Bình Sơn", "Ủy ban nhân dân tỉnh", "Xã Bảo Vinh", "Điện lực tỉnh", "Sở Y tế", "Ban Dân tộc",
             "Công an tỉnh", "Xã Bá", "Xã Ba", "Xã Bà", "xã Bàu Hàm", "Sở Tư pháp", "Sở Tài chính"]  # fmt: skip
    assert sorted(names, key=vi_sort_key) == [
        "Ban Dân tộc",
        "Công an tỉnh",
        "Điện lực tỉnh",  # đ after d, not after z
        "Sở Tài chính",
        "Sở Tư pháp",  # ư after u
        "Sở Y tế",
        "Ủy ban nhân dân tỉnh",  # among the u's
        "Xã Ba",
        "Xã Bà",
        "Xã Bá",  # tones only decide between otherwise equal words: none, grave, …, acute
        "Xã Bảo Vinh",
        "xã Bàu Hàm",  # case does not count
        "Xã Bình Sơn",
    ]


@pytest.mark.django_db
def test_the_report_builder_offers_units_grouped_by_kind_in_that_order():
    from tests.factories import UnitFactory
    from units.models import UnitKind
    from units.selectors import unit_choices

    for name, kind in [("Xã Bình Sơn", "commune"), ("Xã Bảo Vinh", "commune"), ("Sở ngành", "group"),
                       ("Điện lực tỉnh", "agency"), ("Ban Dân tộc", "department"), ("Sở Y tế", "department")]:  # fmt: skip
        UnitFactory(name=name, kind=kind)
    groups = dict(unit_choices())
    labels = [str(UnitKind(k).label) for k in ("group", "department", "commune", "agency")]
    assert list(groups) == labels
    assert [name for _, name in groups[labels[1]]] == ["Ban Dân tộc", "Sở Y tế"]
    assert [name for _, name in groups[labels[2]]] == ["Xã Bảo Vinh", "Xã Bình Sơn"]


@pytest.mark.django_db
def test_unit_pickers_of_the_user_forms_and_the_audit_filter_read_in_that_order():
    from audit.forms import EventFilterForm
    from tests.factories import UnitFactory
    from units.forms import UserFilterForm, UserForm

    for name in [
        "Ủy ban nhân dân tỉnh",
        "Sở Y tế",
        "Điện lực tỉnh",
        "Ban Dân tộc",
        "Xã Bình Sơn",
        "Xã Bảo Vinh",
    ]:
        UnitFactory(name=name)
    expected = [
        "Ban Dân tộc",
        "Điện lực tỉnh",
        "Sở Y tế",
        "Ủy ban nhân dân tỉnh",
        "Xã Bảo Vinh",
        "Xã Bình Sơn",
    ]
    for form in (UserFilterForm(), UserForm(), EventFilterForm()):
        choices = list(form.fields["unit"].choices)
        assert choices[0][0] == ""  # "Tất cả" / "— Không thuộc đơn vị —" stays first
        assert [label for _, label in choices[1:]] == expected
    # The form still validates a unit picked from the sorted list.
    pk = str(UserFilterForm().fields["unit"].queryset.get(name="Điện lực tỉnh").pk)
    form = UserFilterForm({"unit": pk})
    assert form.is_valid() and form.cleaned_data["unit"].name == "Điện lực tỉnh"
