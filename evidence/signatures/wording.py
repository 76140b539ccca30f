"""The stored signature result, said in Vietnamese: one summary per signature, and a tone for the
badge ("ok" only when everything that was checked passed and the issuer is trusted; revocation is
always said to be unchecked)."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _


@dataclass
class SignatureLine:
    signer: str
    signed_at: str
    timestamp: str
    integrity: str
    issuer: str
    trust: str
    tone: str  # "ok", "warn", "bad"
    problems: list[str] = field(default_factory=list)

    @property
    def sentence(self) -> str:
        parts = [_("Ký số bởi %(signer)s") % {"signer": self.signer}]
        if self.signed_at:
            parts[0] += _(", lúc %(when)s") % {"when": self.signed_at}
        if self.timestamp:
            parts.append(self.timestamp)
        parts += [self.integrity, self.issuer + " (" + self.trust + ")", _("chưa kiểm tra thu hồi")]
        return "; ".join(parts) + "."


@dataclass
class SignatureSummary:
    state: str  # "none", "signed", "error", "unchecked"
    lines: list[SignatureLine]
    note: str  # a sentence about the whole file (no signature, unreadable, not checked)
    tone: str

    @property
    def headline(self) -> str:
        if self.state == "signed":
            if self.tone == "ok":
                return _("Có chữ ký số — nguyên vẹn, tổ chức cấp tin cậy")
            if self.tone == "warn":
                return _("Có chữ ký số — cần lưu ý")
            return _("Có chữ ký số — có vấn đề, xem chi tiết")
        return self.note


def _when(iso: str | None) -> str:
    if not iso:
        return ""
    try:
        moment = datetime.datetime.fromisoformat(iso)
    except ValueError:
        return ""
    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


def _who(names: dict | None) -> str:
    names = names or {}
    common, organisation = names.get("common_name", ""), names.get("organisation", "")
    if common and organisation and organisation != common:
        return f"{common} ({organisation})"
    return common or organisation or names.get("text", "") or _("(không đọc được tên)")


def _integrity(entry: dict) -> tuple[str, str]:
    """What the file's bytes say since this signature, and how bad it is."""
    if not entry.get("intact") or not entry.get("valid"):
        return _("tài liệu đã bị sửa sau khi ký hoặc chữ ký không khớp — chữ ký không hợp lệ"), "bad"
    coverage, modification = entry.get("coverage"), entry.get("modification")
    if coverage == "entire_file":
        return _("tài liệu nguyên vẹn, chữ ký bao trùm toàn bộ tệp"), "ok"
    if coverage == "entire_revision":
        if modification in ("none", "lta_updates"):
            return _("tài liệu nguyên vẹn; sau chữ ký chỉ có bổ sung dữ liệu kiểm tra chữ ký"), "ok"
        if modification in ("form_filling", "annotations"):
            return _("phần đã ký nguyên vẹn, nhưng sau khi ký có điền biểu mẫu/ghi chú thêm"), "warn"
        return _(
            "phần đã ký nguyên vẹn, nhưng sau khi ký tệp đã được thêm nội dung (không thuộc chữ ký)"
        ), "bad"
    return _("chữ ký không bao trùm tài liệu (phạm vi ký không rõ)"), "bad"


def _trust(entry: dict) -> tuple[str, str]:
    trust = entry.get("trust")
    if trust == "trusted":
        return _("tin cậy"), "ok"
    if trust == "not_configured":
        return _("chưa cấu hình danh sách tin cậy"), "warn"
    if trust == "untrusted":
        problem = entry.get("trust_problem", "")
        if entry.get("expired") or problem in ("EXPIRED", "OUT_OF_BOUNDS_NO_POE"):
            return _("không thuộc danh sách tin cậy — chứng thư đã hết hạn"), "bad"
        if entry.get("self_signed"):
            return _("không thuộc danh sách tin cậy — chứng thư tự ký"), "bad"
        return _("không thuộc danh sách tin cậy"), "bad"
    return _("chưa kiểm tra được"), "bad"


def _line(entry: dict) -> SignatureLine:
    if entry.get("error") and "intact" not in entry:
        return SignatureLine(
            signer=_who(entry.get("subject")),
            signed_at="",
            timestamp="",
            integrity=_("cấu trúc chữ ký hỏng, không kiểm tra được"),
            issuer=_("chứng thư do %(issuer)s cấp") % {"issuer": _who(entry.get("issuer"))},
            trust=_("chưa kiểm tra được"),
            tone="bad",
        )
    integrity, tone_i = (
        (_("cấu trúc chữ ký hỏng, không kiểm tra được"), "bad") if entry.get("error") else _integrity(entry)
    )
    trust, tone_t = _trust(entry)
    timestamp = ""
    if entry.get("timestamp_time"):
        timestamp = _("dấu thời gian %(when)s") % {"when": _when(entry["timestamp_time"])}
        if not entry.get("timestamp_intact"):
            timestamp += _(" (dấu thời gian không hợp lệ)")
    problems = []
    if entry.get("expired"):
        problems.append(_("chứng thư hết hạn ngày %(day)s") % {"day": _when(entry.get("not_after"))[-10:]})
    tones = {tone_i, tone_t}
    tone = "bad" if "bad" in tones else ("warn" if "warn" in tones else "ok")
    return SignatureLine(
        signer=_who(entry.get("subject")),
        signed_at=_when(entry.get("signing_time")),
        timestamp=timestamp,
        integrity=integrity,
        issuer=_("chứng thư do %(issuer)s cấp") % {"issuer": _who(entry.get("issuer"))},
        trust=trust,
        tone=tone,
        problems=problems,
    )


def describe(result: dict | None) -> SignatureSummary:
    if not result:
        return SignatureSummary("unchecked", [], _("Chưa kiểm tra chữ ký số"), "warn")
    signatures = result.get("signatures") or []
    if not signatures:
        error = result.get("error", "")
        if error == "timeout":
            return SignatureSummary(
                "error", [], _("Không kiểm tra được chữ ký số: quá thời gian cho phép"), "bad"
            )
        if error:
            return SignatureSummary(
                "error", [], _("Không đọc được cấu trúc chữ ký số của tệp (tệp hỏng hoặc bất thường)"), "bad"
            )
        return SignatureSummary("none", [], _("Không có chữ ký số"), "warn")
    lines = [_line(entry) for entry in signatures]
    tones = {line.tone for line in lines}
    tone = "bad" if "bad" in tones else ("warn" if "warn" in tones else "ok")
    return SignatureSummary("signed", lines, "", tone)
