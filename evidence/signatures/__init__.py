"""Digital signatures in evidence PDFs (ký số): what was found, checked offline, and how to say it.

`verify_pdf(data, now=…)` reads a PDF's signatures and returns a plain dict (stored as JSON on the
evidence row); `describe(result)` turns it into the Vietnamese lines the pages show. Revocation is
never checked (the portal works offline): the result says so, and nothing here calls a signature
"valid" beyond what was checked.
"""

from .verify import SIGNATURE_RESULT_VERSION, trust_roots_from_settings, verify_pdf, verify_pdf_bounded
from .wording import describe

__all__ = [
    "SIGNATURE_RESULT_VERSION",
    "describe",
    "trust_roots_from_settings",
    "verify_pdf",
    "verify_pdf_bounded",
]
