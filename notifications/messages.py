"""The words of each notification, written from its parameters in the active language.

A notification is stored as it was sent (subject and body in Vietnamese, what the e-mail said) with
the parameters it was written from; the portal shows it again in the reader's language from those.
Writing it in Vietnamese reproduces the stored text, so there is one source for both.
"""

import datetime

from django.utils import translation
from django.utils.translation import gettext, ngettext

from kpis.flags import kind_label, message_for, target_kinds

# Flags listed by a grouped notification (the rest are counted).
FLAGS_LISTED = 10


def write(template: str, params: dict) -> tuple[str, str]:
    """(subject, body) of a notification in the active language."""
    return _WRITERS[template](params)


def write_vi(template: str, params: dict) -> tuple[str, str]:
    with translation.override("vi"):
        return write(template, params)


def _reviewer(p) -> list[str]:
    return [gettext("Người thẩm định: %(reviewer)s") % p] if p.get("reviewer") else []


def _flag(p):
    subject = gettext("Cảnh báo đỏ — %(kind)s: %(code)s %(title)s") % {**p, "kind": kind_label(p["kind"])}
    about = gettext("Chỉ tiêu %(code)s: %(title)s") if p.get("about") == "target" else None
    body = [
        message_for(p["kind"], p["numbers"]),
        (about or gettext("Tiểu nhiệm vụ %(code)s: %(title)s")) % p,
        gettext("Đơn vị: %(unit)s") % p,
    ]
    return subject, "\n".join(body)


def _kinds(pairs) -> str:
    return ", ".join(f"{n} {kind_label(k).lower()}" for k, n in pairs)


def _flags(p):
    if "open" in p:
        # The unit's figures are those of its flag page at that moment: flagged tasks, each under
        # its most severe flag (and targets, each with its own); then how many flags are new.
        if any(k in target_kinds() for k, _n in p["open"]["kinds"]):
            words = gettext(
                "%(unit)s: %(total)s nhiệm vụ, chỉ tiêu có cảnh báo đỏ (%(kinds)s), %(count)s cảnh báo mới"
            )
        else:
            words = gettext("%(unit)s: %(total)s nhiệm vụ có cảnh báo đỏ (%(kinds)s), %(count)s cảnh báo mới")
        subject = words % {**p, "total": p["open"]["total"], "kinds": _kinds(p["open"]["kinds"])}
    else:  # written before the notices counted as the flag page does
        subject = gettext("%(count)s cảnh báo đỏ mới của %(unit)s (%(kinds)s)") % {
            **p,
            "kinds": _kinds(p["kinds"]),
        }
    lines = [f"• {i['code']} {i['title']}: {message_for(i['kind'], i['numbers'])}" for i in p["items"]]
    if p["count"] > len(p["items"]):
        lines.append(gettext("… và %(n)s cảnh báo khác.") % {"n": p["count"] - len(p["items"])})
    return subject, "\n".join(lines)


def _approved(p):
    subject = gettext("Được công nhận hoàn thành: %(code)s %(title)s") % p
    body = [gettext("Tổ thẩm định đã công nhận hoàn thành tiểu nhiệm vụ %(code)s: %(title)s.") % p]
    if p.get("reason"):
        body.append(gettext("Ghi chú: %(reason)s") % p)
    return subject, "\n".join(body + _reviewer(p))


def _returned(p):
    subject = gettext("Đề nghị hoàn thành bị trả lại: %(code)s %(title)s") % p
    body = [
        gettext(
            "Đề nghị công nhận hoàn thành tiểu nhiệm vụ %(code)s: %(title)s đã bị trả lại (chờ hoàn thiện)."
        )
        % p,
        gettext("Lý do: %(reason)s") % p,
        gettext("Đơn vị cần hoàn thiện và gửi lại đề nghị."),
    ]
    return subject, "\n".join(body + _reviewer(p))


def _deadline(p):
    days = p["days_left"]
    when = (
        gettext("hôm nay") if days == 0 else ngettext("còn %(n)s ngày", "còn %(n)s ngày", days) % {"n": days}
    )
    deadline = datetime.date.fromisoformat(p["deadline"])
    values = {**p, "when": when, "deadline": f"{deadline:%d/%m/%Y}"}
    subject = gettext("Sắp đến hạn (%(when)s): %(code)s %(title)s") % values
    body = (
        gettext(
            "Tiểu nhiệm vụ %(code)s: %(title)s có thời hạn hoàn thành %(deadline)s (%(when)s). Đơn vị chủ trì "
            "cần hoàn thành, gửi báo cáo kèm minh chứng để được thẩm định."
        )
        % values
    )
    return subject, body


def _report(p):
    from kpis.models import Period

    label = Period(kind=p["period_kind"], end=datetime.date.fromisoformat(p["period_end"])).label.lower()
    due = f"{datetime.date.fromisoformat(p['due']):%d/%m/%Y}"
    subject = gettext("Nhắc báo cáo %(period)s — hạn %(due)s") % {"period": label, "due": due}
    body = gettext(
        "Đơn vị còn %(missing)s tiểu nhiệm vụ chủ trì chưa gửi báo cáo %(period)s của kế hoạch %(plan)s. "
        "Hạn gửi: %(due)s."
    ) % {**p, "period": label, "due": due}
    return subject, body


def _escalated(p):
    subject = (
        ngettext(
            "%(count)s cảnh báo đỏ cần lãnh đạo quyết định (đơn vị chưa xác nhận)",
            "%(count)s cảnh báo đỏ cần lãnh đạo quyết định (đơn vị chưa xác nhận)",
            p["count"],
        )
        % p
    )
    lines = [gettext("Thủ trưởng đơn vị chưa xác nhận và nêu biện pháp khắc phục trong thời hạn quy định:")]
    lines += [
        f"• {i['code']} {i['title']} — {i['unit']} ({kind_label(i['kind']).lower()})" for i in p["items"]
    ]
    if p["count"] > len(p["items"]):
        lines.append(gettext("… và %(n)s cảnh báo khác.") % {"n": p["count"] - len(p["items"])})
    return subject, "\n".join(lines)


def _what(p) -> str:
    if p.get("claim"):
        return (
            gettext("Đề nghị công nhận hoàn thành %(code)s: %(title)s (%(period)s, phiên bản %(version)s)")
            % p
        )
    return gettext("Báo cáo tiến độ %(code)s: %(title)s (%(period)s, phiên bản %(version)s)") % p


def _signoff(p):
    subject = gettext("Chờ thủ trưởng duyệt: %(code)s %(title)s") % p
    body = [
        _what(p),
        gettext("Người lập: %(by)s") % p,
        gettext("Báo cáo chỉ được gửi Tổ thẩm định sau khi thủ trưởng đơn vị duyệt."),
    ]
    return subject, "\n".join(body)


def _signoff_wait(p):
    since = f"{datetime.date.fromisoformat(p['since']):%d/%m/%Y}"
    subject = (
        ngettext(
            "%(count)s báo cáo đang chờ thủ trưởng duyệt",
            "%(count)s báo cáo đang chờ thủ trưởng duyệt",
            p["count"],
        )
        % p
    )
    body = gettext(
        "Đơn vị có %(count)s báo cáo chờ thủ trưởng duyệt, báo cáo đầu tiên từ ngày %(since)s; "
        "báo cáo chưa được duyệt thì chưa đến Tổ thẩm định."
    ) % {**p, "since": since}
    return subject, body


def _sent_back(p):
    subject = gettext("Thủ trưởng trả lại báo cáo: %(code)s %(title)s") % p
    body = [
        _what(p),
        gettext("Ý kiến của thủ trưởng (%(head)s): %(note)s") % p,
        gettext("Hãy sửa rồi gửi lại để thủ trưởng duyệt."),
    ]
    return subject, "\n".join(body)


def _coordination(p):
    until = f"{datetime.date.fromisoformat(p['until']):%d/%m/%Y}"
    subject = gettext("Đề nghị xác nhận hoàn thành: %(code)s %(title)s") % p
    body = [
        gettext(
            "Đơn vị chủ trì %(lead)s đề nghị công nhận hoàn thành tiểu nhiệm vụ %(code)s: %(title)s, "
            "mà đơn vị bạn phối hợp."
        )
        % p,
        gettext(
            "Đơn vị có thể xác nhận hoặc phản đối (nêu lý do) đến hết ngày %(until)s; Tổ thẩm định "
            "xem ý kiến trước khi kết luận, và không chờ nếu đơn vị không cho ý kiến."
        )
        % {"until": until},
    ]
    return subject, "\n".join(body)


def _day(value: str) -> str:
    return f"{datetime.date.fromisoformat(value):%d/%m/%Y}" if value else "—"


def _document(p) -> str:
    if not p.get("document"):
        return ""
    if p.get("document_date"):
        return gettext("văn bản số %(number)s ngày %(date)s") % {
            "number": p["document"],
            "date": _day(p["document_date"]),
        }
    return gettext("văn bản số %(number)s") % {"number": p["document"]}


def _deadline_change_what(p) -> str:
    scope = gettext("cả tiểu nhiệm vụ") if p.get("whole") else gettext("riêng đơn vị %(unit)s") % p
    return gettext("Thời hạn %(before)s → %(new)s (%(scope)s).") % {
        "before": _day(p["before"]),
        "new": _day(p["new"]),
        "scope": scope,
    }


def _deadline_requested(p):
    subject = gettext("Đề nghị điều chỉnh thời hạn: %(code)s %(title)s") % p
    body = [
        gettext("%(unit)s đề nghị điều chỉnh thời hạn tiểu nhiệm vụ %(code)s: %(title)s.") % p,
        _deadline_change_what(p),
        gettext("Lý do: %(reason)s") % p,
    ]
    if _document(p):
        body.append(gettext("Căn cứ: %(document)s") % {"document": _document(p)})
    body.append(
        gettext(
            "Thường trực hoặc lãnh đạo Ban Chỉ đạo chấp thuận hoặc không chấp thuận trên trang tiểu nhiệm vụ."
        )
    )
    return subject, "\n".join(body)


def _deadline_decided(p):
    if p.get("approved"):
        subject = gettext("Đã chấp thuận điều chỉnh thời hạn: %(code)s %(title)s") % p
    else:
        subject = gettext("Không chấp thuận điều chỉnh thời hạn: %(code)s %(title)s") % p
    body = [_deadline_change_what(p)]
    if p.get("note"):
        body.append(gettext("Ý kiến (%(by)s): %(note)s") % p)
    return subject, "\n".join(body)


_WRITERS = {
    "deadline_requested": _deadline_requested,
    "deadline_decided": _deadline_decided,
    "signoff": _signoff,
    "signoff_wait": _signoff_wait,
    "sent_back": _sent_back,
    "coordination": _coordination,
    "escalated": _escalated,
    "flag": _flag,
    "flags": _flags,
    "approved": _approved,
    "returned": _returned,
    "deadline": _deadline,
    "report": _report,
}
