import unicodedata

import pytest
from django.core.management import call_command

from units.loading import DEMO_COMMUNES_CSV, UNITS_CSV, load_units
from units.models import GroupMembership, Unit, UnitAlias, UnitKind
from units.registry import UnitRegistry

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry():
    load_units([UNITS_CSV, DEMO_COMMUNES_CSV])
    return UnitRegistry.load()


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Sở Tư Pháp", "Sở Tư pháp"),
        ("SỞ TƯ PHÁP", "Sở Tư pháp"),
        (unicodedata.normalize("NFD", "Sở Tư pháp"), "Sở Tư pháp"),
        ("Văn phòng Tỉnh uỷ", "Văn phòng Tỉnh ủy"),
        (unicodedata.normalize("NFD", "Văn phòng Tỉnh uỷ"), "Văn phòng Tỉnh ủy"),
        ("Văn phòng Tỉnh", "Văn phòng Tỉnh ủy"),
        ("Sở Văn hoá, Thể thao và Du lịch", "Sở Văn hóa, Thể thao và Du lịch"),
        ("Sở Văn hóa Thể thao và Du lịch.", "Sở Văn hóa, Thể thao và Du lịch"),
        ("UBND xã, phường", "UBND xã phường"),
        ("UBND  xã phường", "UBND xã phường"),
        ("UBND cấp xã", "UBND xã phường"),
        ("các sở, ngành, địa phương", "Các sở, ngành, địa phương"),
        ("Các sở ngành địa phương", "Các sở, ngành, địa phương"),
        ("MTTQ tỉnh", "Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh"),
        ("Văn phòng UBND tỉnh", "Văn phòng Ủy ban nhân dân tỉnh"),
        ("Liên hiệp các hội KHKT", "Liên hiệp các Hội Khoa học và Kỹ thuật tỉnh"),
        ("Cơ quan liên quan", "Các cơ quan, đơn vị liên quan"),
        ("các đơn vị liên quan", "Các cơ quan, đơn vị liên quan"),
    ],
)
def test_each_variant_resolves_to_its_unit(registry, written, canonical):
    unit = registry.resolve(written)
    assert unit is not None, written
    assert unit.name == canonical


def test_an_unknown_name_is_not_guessed(registry):
    assert registry.resolve("Sở Ngoại giao") is None
    assert registry.resolve("Sở Khoa học") is None  # a prefix of a known name is not that name


def test_a_list_splits_on_commas_and_va_without_breaking_known_names(registry):
    text = "Sở Tài chính, Sở Tư pháp, Sở Khoa học và Công nghệ và các sở, ngành, địa phương"
    assert registry.split(text) == [
        "Sở Tài chính",
        "Sở Tư pháp",
        "Sở Khoa học và Công nghệ",
        "các sở, ngành, địa phương",
    ]
    assert registry.split("Sở ngành, UBND\nxã, phường") == ["Sở ngành", "UBND xã, phường"]
    assert registry.split("Văn phòng Tỉnh\nuỷ, Sở Nông\nnghiệp và Môi\ntrường") == [
        "Văn phòng Tỉnh uỷ",
        "Sở Nông nghiệp và Môi trường",
    ]


def test_unknown_names_in_a_list_are_reported_whole(registry):
    matches = registry.match_list("Sở Y tế, Sở Ngoại vụ và Du lịch, Ban Dân vận")
    assert [(m.name, m.resolved) for m in matches] == [
        ("Sở Y tế", True),
        ("Sở Ngoại vụ và Du lịch", False),
        ("Ban Dân vận", False),
    ]


def test_groups_stand_for_their_members(registry):
    communes = registry.members_of(registry.resolve("UBND xã phường"))
    assert len(communes) == 95
    assert all(u.kind == UnitKind.COMMUNE and u.is_demo for u in communes)
    departments = registry.members_of(registry.resolve("Sở ngành"))
    assert {u.kind for u in departments} == {UnitKind.DEPARTMENT}
    everyone = registry.members_of(registry.resolve("các sở, ngành, địa phương"))
    assert len(everyone) == len(departments) + 95
    assert registry.members_of(registry.resolve("Cơ quan liên quan")) == []


def test_the_units_csv_names_every_body_of_the_appendix(registry, appendix_json):
    import json

    data = json.loads(appendix_json.read_text(encoding="utf-8"))
    names = {
        name
        for section in data["sections"]
        for task in section["tasks"]
        for sub in task["subtasks"]
        for name in sub["lead_units"] + sub["co_units"]
    }
    assert [n for n in sorted(names) if registry.resolve(n) is None] == []


def test_load_units_is_idempotent_and_says_what_changed(capsys):
    call_command("load_units")
    first = capsys.readouterr().out
    counts = (Unit.objects.count(), UnitAlias.objects.count(), GroupMembership.objects.count())
    call_command("load_units")
    second = capsys.readouterr().out
    assert (Unit.objects.count(), UnitAlias.objects.count(), GroupMembership.objects.count()) == counts
    assert "0 đơn vị mới, 0 cập nhật" in second
    assert "136 đơn vị mới" in first or "đơn vị mới" in first
    assert Unit.objects.filter(is_demo=True, kind=UnitKind.COMMUNE).count() == 95


def test_load_units_updates_by_name_key(tmp_path):
    csv_path = tmp_path / "u.csv"
    csv_path.write_text(
        "name,short_name,kind,aliases,groups,is_demo\nSở Tư pháp,STP,department,,,0\n", encoding="utf-8"
    )
    load_units([csv_path])
    csv_path.write_text(
        "name,short_name,kind,aliases,groups,is_demo\nSở Tư Pháp,Tư pháp,department,Sở TP,,0\n",
        encoding="utf-8",
    )
    result = load_units([csv_path])
    assert Unit.objects.count() == 1
    assert result.updated == ["Sở Tư Pháp"]
    unit = Unit.objects.get()
    assert unit.short_name == "Tư pháp"
    assert list(unit.aliases.values_list("name", flat=True)) == ["Sở TP"]
