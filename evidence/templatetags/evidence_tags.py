from django import template
from django.utils.translation import gettext as _

from kpis.models import ReportStatus
from units.permissions import can_report_on

from ..validation import UploadPolicy, allowed_upload_extensions
from ..validation.errors import human_size

register = template.Library()


@register.simple_tag
def evidence_accept() -> str:
    """For the file picker's `accept`: the extensions allowed by EVIDENCE_ALLOWED_TYPES."""
    return ",".join(allowed_upload_extensions())


@register.simple_tag
def evidence_rules() -> str:
    policy = UploadPolicy.from_settings()
    return _("Nhận %(kinds)s; tối đa %(file_size)s mỗi tệp, %(report_size)s cho cả báo cáo.") % {
        "kinds": policy.allowed_label(),
        "file_size": human_size(policy.max_file_bytes),
        "report_size": human_size(policy.max_report_bytes),
    }


def document_rows(files, post=None) -> list[dict]:
    """Per attached file, the output-document fields as the form shows them: what was just typed
    (a refused save keeps it), else what the unit confirmed, else what the PDF's page 1 says."""
    post = post or {}
    chosen = post.get("output_document") if "output_document" in post else None
    rows = []
    for file in files:
        proposal = file.document_proposal
        saved_date = file.document_date.strftime("%d/%m/%Y") if file.document_date else ""
        proposed_date = ""
        if proposal.get("date"):
            y, m, d = proposal["date"].split("-")
            proposed_date = f"{d}/{m}/{y}"

        def value(key, saved, proposed, file=file):
            name = f"doc_{key}_{file.pk}"
            if name in post:
                return post.get(name, "")
            return saved if file.output_document else (saved or proposed)

        rows.append(
            {
                "file": file,
                "checked": (chosen == str(file.pk)) if chosen is not None else file.output_document,
                "number": value("number", file.document_number, proposal.get("number", "")),
                "date": value("date", saved_date, proposed_date),
                "issuer": value("issuer", file.document_issuer, proposal.get("issuer", "")),
                "proposed": any(proposal.get(k) for k in ("number", "date", "issuer")),
            }
        )
    return rows


@register.inclusion_tag("evidence/_attached.html", takes_context=True)
def evidence_attached(context, draft, assignment):
    """The files attached to the draft, with a remove button for who may still change it, and the
    choice of the file that is the required output document."""
    request = context.get("request")
    user = context.get("user") or getattr(request, "user", None)
    files = list(draft.evidence.all()) if draft else []
    post = request.POST if request is not None and request.method == "POST" else None
    return {
        "files": files,
        "rows": document_rows(files, post),
        "assignment": assignment,
        "can_remove": bool(draft) and draft.status == ReportStatus.DRAFT and can_report_on(user, assignment),
        "request": request,
    }


@register.inclusion_tag("evidence/_files.html")
def evidence_links(files):
    """A sent report's files as download links (each link goes through the access check)."""
    return {"files": files}


@register.inclusion_tag("evidence/_signatures.html")
def evidence_signatures(file):
    """What the file's digital signatures were found to be (nothing for a file that is not a PDF)."""
    return {"summary": file.signature_summary}


@register.inclusion_tag("evidence/_output_document.html")
def output_document(files):
    """The file the unit named as the required output document, with its number, date, issuer."""
    return {"file": next((f for f in files if f.output_document), None)}


@register.inclusion_tag("evidence/_returns_by_reason.html")
def returns_by_reason_tile():
    from ..selectors import returns_by_reason

    rows = returns_by_reason()
    return {"rows": rows, "total": sum(n for _c, _l, n in rows)}
