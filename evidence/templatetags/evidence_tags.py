from django import template
from django.utils.translation import gettext as _

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


@register.inclusion_tag("evidence/_attached.html", takes_context=True)
def evidence_attached(context, draft, assignment):
    """The files attached to the draft, with a remove button for who may still change it."""
    user = context.get("user") or getattr(context.get("request"), "user", None)
    files = list(draft.evidence.all()) if draft else []
    return {
        "files": files,
        "assignment": assignment,
        "can_remove": bool(draft) and can_report_on(user, assignment),
        "request": context.get("request"),
    }


@register.inclusion_tag("evidence/_files.html")
def evidence_links(files):
    """A sent report's files as download links (each link goes through the access check)."""
    return {"files": files}


@register.inclusion_tag("evidence/_signatures.html")
def evidence_signatures(file):
    """What the file's digital signatures were found to be (nothing for a file that is not a PDF)."""
    return {"summary": file.signature_summary}
