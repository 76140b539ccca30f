"""Offline verification of the signatures in a PDF, with pyHanko.

What is checked, per signature: the signed bytes still hash to what was signed (intact), the
signature value matches the signer's certificate (valid), how much of the file it covers and what
was added after it (pyHanko's difference analysis), the signer's and the issuer's names, the
signing time (as the signer's computer stated it) and an embedded timestamp's time, and whether
the certificate chains to one of the trust roots the province configured (EVIDENCE_TRUST_ROOTS_DIR).
Never checked: revocation (no CRL or OCSP is fetched) — the result says `"revocation": "not_checked"`.

A PDF is hostile input: any error while reading a signature becomes a finding in the result,
never an exception; `verify_pdf_bounded` runs the check in a child process limited in time and
memory, so a structure built to make the parser loop or swell costs the upload nothing but a
"could not be checked" line.
"""

import asyncio
import concurrent.futures
import contextlib
import datetime
import io
import logging
import multiprocessing
import resource
from pathlib import Path

from django.conf import settings

from .docinfo import first_page_facts

log = logging.getLogger(__name__)
# pyHanko logs each failed path or broken signature with a traceback; the finding is in the result.
logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)

SIGNATURE_RESULT_VERSION = 1
MAX_SIGNATURES = 20
DEFAULT_TIMEOUT_SECONDS = 60.0
DEFAULT_MEMORY_BYTES = 1024 * 1024 * 1024

COVERAGE = {
    "ENTIRE_FILE": "entire_file",
    "ENTIRE_REVISION": "entire_revision",
    "CONTIGUOUS_BLOCK_FROM_START": "partial",
    "UNCLEAR": "unclear",
}
MODIFICATION = {
    "NONE": "none",
    "LTA_UPDATES": "lta_updates",
    "FORM_FILLING": "form_filling",
    "ANNOTATIONS": "annotations",
    "OTHER": "other",
}


def trust_roots_from_settings() -> tuple[list[bytes], str]:
    """The DER/PEM certificates in EVIDENCE_TRUST_ROOTS_DIR and a short state: "configured",
    "not_configured" (no folder set, or no certificate in it) or "unreadable"."""
    folder = getattr(settings, "EVIDENCE_TRUST_ROOTS_DIR", "") or ""
    if not folder:
        return [], "not_configured"
    path = Path(folder)
    if not path.is_dir():
        return [], "unreadable"
    roots = []
    for item in sorted(path.iterdir()):
        if item.suffix.lower() in {".pem", ".crt", ".cer", ".der"} and item.is_file():
            roots.extend(_split_certificates(item.read_bytes()))
    return roots, ("configured" if roots else "not_configured")


def _split_certificates(data: bytes) -> list[bytes]:
    from asn1crypto import pem

    if pem.detect(data):
        return [der for kind, _headers, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
    return [data]


def _load_roots(blobs) -> list:
    """asn1crypto certificates from DER or PEM bytes; what does not parse is left out."""
    from asn1crypto import x509

    roots = []
    for blob in blobs:
        for der in _split_certificates(blob):
            try:
                cert = x509.Certificate.load(der)
                cert.subject  # noqa: B018 - parses now, so a broken file is skipped here
            except Exception:  # noqa: BLE001
                log.warning("a trust root could not be read and is ignored")
                continue
            roots.append(cert)
    return roots


def _aware_iso(value) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return value.astimezone(datetime.UTC).isoformat()


def _name_parts(name) -> dict:
    """Common name, organisation and the whole name as written, from an asn1crypto Name."""
    native = {}
    try:
        native = name.native or {}
    except Exception:  # noqa: BLE001 - a garbled name is shown as unreadable, not raised
        return {"common_name": "", "organisation": "", "text": ""}

    def first(key):
        value = native.get(key, "")
        return ", ".join(map(str, value)) if isinstance(value, list) else str(value or "")

    try:
        text = name.human_friendly
    except Exception:  # noqa: BLE001
        text = ""
    return {
        "common_name": first("common_name"),
        "organisation": first("organization_name"),
        "text": text,
    }


def _certificate_facts(cert, now) -> dict:
    if cert is None:
        return {}
    facts = {
        "subject": _name_parts(cert.subject),
        "issuer": _name_parts(cert.issuer),
        "self_signed": cert.self_signed != "no",
        "serial": format(cert.serial_number, "X"),
    }
    try:
        validity = cert["tbs_certificate"]["validity"]
        not_before = validity["not_before"].native
        not_after = validity["not_after"].native
        facts["not_before"] = _aware_iso(not_before)
        facts["not_after"] = _aware_iso(not_after)
        facts["expired"] = now > not_after
        facts["not_yet_valid"] = now < not_before
    except Exception:  # noqa: BLE001
        facts["expired"] = None
    return facts


def call_outside_event_loop(fn, *args, **kwargs):
    """pyHanko's synchronous calls use asyncio.run, which refuses to start inside a running event
    loop (an ASGI server, a browser driver in the same thread): run them on a thread of their own
    then."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return fn(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn, *args, **kwargs).result()


def _one_signature(embedded, context, trust_state, now) -> dict:
    from pyhanko.sign.validation import validate_pdf_signature

    entry: dict = {"field": "", "error": ""}
    with contextlib.suppress(Exception):
        entry["field"] = str(embedded.field_name or "")
    try:
        entry.update(_certificate_facts(embedded.signer_cert, now))
    except Exception as exc:  # noqa: BLE001
        entry["error"] = f"certificate: {type(exc).__name__}"
        return entry
    try:
        status = call_outside_event_loop(validate_pdf_signature, embedded, context)
    except Exception as exc:  # noqa: BLE001 - a broken signature is a finding
        entry["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        entry.update(intact=False, valid=False, trust="not_checked")
        return entry
    entry["intact"] = bool(status.intact)
    entry["valid"] = bool(status.valid)
    coverage = getattr(status, "coverage", None)
    entry["coverage"] = COVERAGE.get(coverage.name, "unclear") if coverage is not None else "unclear"
    level = getattr(status, "modification_level", None)
    entry["modification"] = MODIFICATION.get(level.name, "other") if level is not None else None
    entry["docmdp_ok"] = getattr(status, "docmdp_ok", None)
    entry["signing_time"] = _aware_iso(status.signer_reported_dt)
    timestamp = status.timestamp_validity
    if timestamp is not None:
        entry["timestamp_time"] = _aware_iso(timestamp.timestamp)
        entry["timestamp_intact"] = bool(timestamp.intact and timestamp.valid)
        entry["timestamp_trusted"] = bool(timestamp.trusted) if trust_state == "configured" else None
    problem = status.trust_problem_indic
    entry["trust_problem"] = problem.name if problem is not None else ""
    if trust_state != "configured":
        entry["trust"] = "not_configured"
    else:
        entry["trust"] = "trusted" if status.trusted else "untrusted"
    if status.validation_path is not None and status.trusted:
        with contextlib.suppress(Exception):
            entry["root"] = _name_parts(status.validation_path.trust_anchor.authority.name)
    return entry


def verify_pdf(data: bytes, *, now=None, trust_roots=None, trust_state=None) -> dict:
    """Every signature of a PDF, checked offline. Never raises for what the file contains."""
    from django.utils import timezone
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext

    now = now or timezone.now()
    if trust_roots is None:
        trust_roots, trust_state = trust_roots_from_settings()
    trust_state = trust_state or ("configured" if trust_roots else "not_configured")
    result = {
        "version": SIGNATURE_RESULT_VERSION,
        "checked_at": _aware_iso(now),
        "trust_roots": trust_state,
        "revocation": "not_checked",
        "signatures": [],
        "error": "",
    }
    result["document"] = first_page_facts(data)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        found = reader.embedded_signatures
    except Exception as exc:  # noqa: BLE001 - an unreadable structure is a finding
        result["error"] = f"{type(exc).__name__}: {str(exc)[:200]}"
        return result
    if len(found) > MAX_SIGNATURES:
        result["error"] = f"too_many_signatures: {len(found)}"
        found = found[:MAX_SIGNATURES]
    anchors = _load_roots(trust_roots)
    for embedded in found:
        # A fresh context per signature: pyHanko caches paths and revocation state inside it.
        # trust_roots=[] (never None): None would fall back to the operating system's TLS roots.
        context = ValidationContext(
            trust_roots=list(anchors), allow_fetching=False, moment=now, revocation_mode="soft-fail"
        )
        result["signatures"].append(_one_signature(embedded, context, trust_state, now))
    return result


def _child(conn, data, now, trust_roots, trust_state, memory_bytes):
    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        conn.send(verify_pdf(data, now=now, trust_roots=trust_roots, trust_state=trust_state))
    except BaseException as exc:  # noqa: BLE001 - MemoryError, RecursionError: say it and go
        with contextlib.suppress(Exception):
            conn.send({"error": f"{type(exc).__name__}"})
    finally:
        conn.close()


def _preload() -> None:
    """Imports what the check uses, in the parent, once: a forked child inherits the modules instead
    of importing pyHanko anew for every file (about half a second each: most of an upload's time,
    and minutes of the demo's hundreds of claims)."""
    import pyhanko.pdf_utils.reader  # noqa: F401
    import pyhanko.sign.validation  # noqa: F401
    import pyhanko_certvalidator  # noqa: F401
    import pypdf  # noqa: F401 - first_page_facts
    from asn1crypto import pem, x509  # noqa: F401


def verify_pdf_bounded(data: bytes, *, now=None, timeout=None, memory_bytes=None) -> dict:
    """`verify_pdf` in a forked child with a time limit and an address-space limit. A child that
    overruns is killed and the result says "timeout"."""
    from django.utils import timezone

    _preload()

    now = now or timezone.now()
    timeout = timeout or float(getattr(settings, "EVIDENCE_SIGNATURE_TIMEOUT", DEFAULT_TIMEOUT_SECONDS))
    if memory_bytes is None:
        memory_bytes = int(getattr(settings, "EVIDENCE_SIGNATURE_MAX_MEMORY", DEFAULT_MEMORY_BYTES))
    trust_roots, trust_state = trust_roots_from_settings()
    base = {
        "version": SIGNATURE_RESULT_VERSION,
        "checked_at": _aware_iso(now),
        "trust_roots": trust_state,
        "revocation": "not_checked",
        "signatures": [],
    }
    try:
        ctx = multiprocessing.get_context("fork")
        receive, send = ctx.Pipe(duplex=False)
        child = ctx.Process(
            target=_child, args=(send, data, now, trust_roots, trust_state, memory_bytes), daemon=True
        )
        child.start()
    except (OSError, AssertionError, ValueError):
        # No fork here (a daemonic worker process, a platform without it): check in-process.
        log.warning("signature check not isolated: could not start a child process")
        return verify_pdf(data, now=now, trust_roots=trust_roots, trust_state=trust_state)
    send.close()
    try:
        if receive.poll(timeout):
            try:
                answer = receive.recv()
            except (EOFError, OSError):
                answer = {"error": "crashed"}
        else:
            answer = {"error": "timeout"}
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receive.close()
    if "signatures" not in answer:
        return {**base, **answer}
    return answer


def first_signature_byte_range(data: bytes) -> tuple[int, ...] | None:
    """The /ByteRange of the earliest signature in the file, or None when there is none."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        found = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001
        return None
    if not found:
        return None
    try:
        return tuple(int(n) for n in found[0].sig_object["/ByteRange"])
    except Exception:  # noqa: BLE001
        return None
