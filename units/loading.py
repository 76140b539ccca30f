"""Loading the units registry from CSV (name, short_name, kind, aliases, groups, is_demo).

Idempotent: a row updates the unit with the same name key, aliases and group memberships are
added when missing and never removed (the secretariat may have added more since), and the
result says what changed so a re-run that changes nothing says so.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import GroupMembership, Unit, UnitAlias, UnitKind
from .naming import clean_text, name_key

DATA_DIR = Path(__file__).resolve().parent / "data"
UNITS_CSV = DATA_DIR / "units.csv"
DEMO_COMMUNES_CSV = DATA_DIR / "demo_communes.csv"
COLUMNS = ("name", "short_name", "kind", "aliases", "groups", "is_demo")


class UnitsCsvError(ValueError):
    pass


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    aliases_added: int = 0
    memberships_added: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.aliases_added or self.memberships_added)

    def summary(self) -> str:
        return (
            f"{len(self.created)} đơn vị mới, {len(self.updated)} cập nhật, {self.unchanged} không đổi, "
            f"{self.aliases_added} tên gọi khác mới, {self.memberships_added} thành viên nhóm mới"
        )


def _split(value: str) -> list[str]:
    return [clean_text(v) for v in (value or "").split("|") if clean_text(v)]


def read_units_csv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in ("name", "kind") if c not in (reader.fieldnames or [])]
        if missing:
            raise UnitsCsvError(f"{path.name}: thiếu cột {', '.join(missing)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            name = clean_text(row.get("name"))
            if not name:
                continue
            kind = clean_text(row.get("kind")).lower() or UnitKind.AGENCY
            if kind not in UnitKind.values:
                raise UnitsCsvError(f"{path.name} dòng {line}: loại đơn vị không hợp lệ “{kind}”")
            rows.append(
                {
                    "line": line,
                    "name": name,
                    "short_name": clean_text(row.get("short_name")),
                    "kind": kind,
                    "aliases": _split(row.get("aliases")),
                    "groups": _split(row.get("groups")),
                    "is_demo": clean_text(row.get("is_demo")).lower() in {"1", "true", "yes", "x"},
                }
            )
        return rows


@transaction.atomic
def load_units(paths) -> LoadResult:
    result = LoadResult()
    rows = []
    for path in paths:
        rows.extend(read_units_csv(Path(path)))
    by_key = {u.key: u for u in Unit.objects.all()}
    alias_owner = dict(UnitAlias.objects.values_list("key", "unit_id"))

    for row in rows:
        unit = by_key.get(name_key(row["name"]))
        values = {k: row[k] for k in ("name", "short_name", "kind", "is_demo")}
        if unit is None:
            unit = Unit.objects.create(**values)
            by_key[unit.key] = unit
            result.created.append(unit.name)
            continue
        changed = {k: v for k, v in values.items() if getattr(unit, k) != v}
        if changed:
            for k, v in changed.items():
                setattr(unit, k, v)
            unit.save()
            result.updated.append(unit.name)
        else:
            result.unchanged += 1

    def find(name: str) -> Unit | None:
        key = name_key(name)
        if key in by_key:
            return by_key[key]
        owner = alias_owner.get(key)
        return next((u for u in by_key.values() if u.pk == owner), None) if owner else None

    for row in rows:
        unit = by_key[name_key(row["name"])]
        for alias in row["aliases"]:
            key = name_key(alias)
            if key == unit.key or alias_owner.get(key) == unit.pk:
                continue
            other = by_key.get(key)
            if other is not None or key in alias_owner:
                result.problems.append(
                    f"Dòng {row['line']}: tên gọi khác “{alias}” của “{unit.name}” đã là tên của đơn vị khác, bỏ qua"
                )
                continue
            UnitAlias.objects.create(unit=unit, name=alias)
            alias_owner[key] = unit.pk
            result.aliases_added += 1

    existing = set(GroupMembership.objects.values_list("group_id", "member_id"))
    for row in rows:
        unit = by_key[name_key(row["name"])]
        for group_name in row["groups"]:
            group = find(group_name)
            if group is None or group.kind != UnitKind.GROUP:
                result.problems.append(
                    f"Dòng {row['line']}: “{group_name}” không phải là một nhóm đơn vị đã khai báo, bỏ qua"
                )
                continue
            if (group.pk, unit.pk) in existing or group.pk == unit.pk:
                continue
            GroupMembership.objects.create(group=group, member=unit)
            existing.add((group.pk, unit.pk))
            result.memberships_added += 1
    return result
