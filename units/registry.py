"""Resolving unit names as written in an appendix to the units of the registry.

A name matches a unit by its name key (units.naming.name_key: case, Unicode form, tone-mark
placement and punctuation ignored), then by an alias. Nothing is guessed: a name that matches
neither is returned unresolved so the secretariat can map it or create the unit.

A cell lists several units separated by commas and "và", but "và" and commas also occur
inside names ("Sở Khoa học và Công nghệ", "UBND xã, phường", "các sở, ngành, địa phương"), so
the list is cut into pieces at every separator and the pieces are joined back greedily into
the longest run that is a known name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import GroupMembership, Unit, UnitAlias
from .naming import clean_text, name_key

# Separators between unit names in a cell. Captured so the written text can be rebuilt.
_SEPARATORS = re.compile(r"(\s*[,;]\s*|\s+và\s+)", re.IGNORECASE)
_MAX_PIECES_IN_NAME = 8
# First words of unit names; an unknown piece after "và" that starts otherwise is
# taken as the tail of the previous unknown name ("Sở Ngoại vụ và Du lịch").
_HEAD_WORDS = frozenset(
    ["sở", "ubnd", "ủy", "uỷ", "ban", "văn", "công", "thanh", "phòng", "trung", "cục", "chi", "bộ", "tỉnh"]
    + ["xã", "phường", "các", "doanh", "dn", "hội", "liên", "đài", "báo", "trường", "bệnh", "điện", "kho"]
    + ["ngân", "đảng", "mặt", "mttq", "quỹ", "cơ", "đơn", "bql", "bảo", "viettel", "vnpt", "mobifone", "tổ"]
)


@dataclass(frozen=True)
class NameMatch:
    """One unit name as written, and the unit it resolves to (None when unknown)."""

    name: str
    unit: Unit | None

    @property
    def resolved(self) -> bool:
        return self.unit is not None


class UnitRegistry:
    """An in-memory index of units by name key and alias key, loaded once per import."""

    def __init__(self, units, aliases=(), memberships=()):
        self._by_name: dict[str, Unit] = {}
        self._by_alias: dict[str, Unit] = {}
        self._by_id: dict[int, Unit] = {}
        for unit in units:
            self._by_name[name_key(unit.name)] = unit
            self._by_id[unit.pk] = unit
        for alias in aliases:
            unit = self._by_id.get(alias.unit_id)
            if unit is not None:
                self._by_alias.setdefault(name_key(alias.name), unit)
        self._members: dict[int, list[int]] = {}
        for group_id, member_id in memberships:
            self._members.setdefault(group_id, []).append(member_id)

    @classmethod
    def load(cls) -> UnitRegistry:
        units = list(Unit.objects.filter(is_active=True))
        aliases = list(UnitAlias.objects.filter(unit__is_active=True))
        memberships = list(
            GroupMembership.objects.filter(member__is_active=True).values_list("group_id", "member_id")
        )
        return cls(units, aliases, memberships)

    def resolve(self, name: str) -> Unit | None:
        key = name_key(name)
        if not key:
            return None
        return self._by_name.get(key) or self._by_alias.get(key)

    def knows(self, name: str) -> bool:
        return self.resolve(name) is not None

    def unit(self, pk: int) -> Unit | None:
        return self._by_id.get(pk)

    def members_of(self, group: Unit) -> list[Unit]:
        """The units a group stands for, groups within groups expanded, in name order."""
        seen: set[int] = {group.pk}
        found: dict[int, Unit] = {}
        stack = list(self._members.get(group.pk, ()))
        while stack:
            pk = stack.pop()
            if pk in seen:
                continue
            seen.add(pk)
            unit = self._by_id.get(pk)
            if unit is None:
                continue
            if unit.is_group:
                stack.extend(self._members.get(pk, ()))
            else:
                found[pk] = unit
        return sorted(found.values(), key=lambda u: u.name)

    def split(self, text: str) -> list[str]:
        """The unit names of a cell, as written, in order."""
        return [match.name for match in self.match_list(text)]

    def match_list(self, text: str) -> list[NameMatch]:
        """Split a cell into unit names and resolve each one."""
        text = clean_text(text).strip(" .;,")
        if not text:
            return []
        parts = _SEPARATORS.split(text)
        pieces = parts[0::2]
        seps = parts[1::2]
        result: list[tuple[str, Unit | None, str]] = []  # (name, unit, separator before it)
        i = 0
        while i < len(pieces):
            taken = None
            for j in range(min(len(pieces), i + _MAX_PIECES_IN_NAME), i, -1):
                candidate = _join(pieces, seps, i, j)
                unit = self.resolve(candidate)
                if unit is not None:
                    taken = (candidate, unit, j)
                    break
            sep_before = seps[i - 1] if i > 0 else ""
            if taken:
                result.append((taken[0], taken[1], sep_before))
                i = taken[2]
            else:
                result.append((pieces[i].strip(), None, sep_before))
                i += 1
        return [NameMatch(name, unit) for name, unit in _rejoin_unknown(result) if name]


def _join(pieces, seps, i, j) -> str:
    text = pieces[i]
    for k in range(i + 1, j):
        text += seps[k - 1] + pieces[k]
    return text.strip()


def _starts_like_unit(name: str) -> bool:
    words = name.casefold().split()
    return bool(words) and words[0] in _HEAD_WORDS


def _rejoin_unknown(items):
    """Join an unknown piece to the name before it when it cannot start a name of its own.

    "ngành" after a comma, or "Du lịch" after "và", is the rest of the previous name, not a
    unit of its own; the whole name is then unknown and reported as written.
    """
    out: list[list] = []
    for name, unit, sep in items:
        if out and unit is None and name:
            is_and = sep.strip().casefold() == "và"
            after_unknown = out[-1][1] is None and name[:1].islower()
            if after_unknown or (is_and and not _starts_like_unit(name)):
                # "Sở Ngoại vụ và Du lịch": the known "Sở Ngoại vụ" is only part of an unknown
                # name, so the whole is reported rather than half of it guessed.
                out[-1] = [out[-1][0] + sep + name, None]
                continue
        out.append([name, unit])
    return [(name.strip(), unit) for name, unit in out]
