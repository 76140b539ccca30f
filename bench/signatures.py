"""Verification time per file for a signed PDF near the upload limit (25 MB).

    .venv/bin/python bench/signatures.py [--megabytes 24.9] [--runs 3]

Builds a one-page PDF holding a raw (incompressible) image of the given size, signs it with a
throw-away certificate authority (the one the tests use), and times the portal's check: in-process
(`verify_pdf`) and as the upload runs it (`verify_pdf_bounded`: a forked child with time and memory
limits). Prints the median and the worst of --runs.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nq57portal.settings.test")

import django  # noqa: E402

django.setup()


def big_pdf(megabytes: float) -> bytes:
    side = int((megabytes * 1024 * 1024 / 3) ** 0.5)
    pixels = os.urandom(side * side * 3)
    content = b"q 500 0 0 700 40 60 cm /Im1 Do Q BT /F1 14 Tf 72 780 Td (So: 12/QD-UBND) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> /XObject << /Im1 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (side, side, len(pixels)) + pixels + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=24.9)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    from evidence.signatures import verify_pdf, verify_pdf_bounded
    from tests.evidence.signing import sign_pdf, standard_world

    ca, signer = standard_world()
    started = time.perf_counter()
    data = sign_pdf(big_pdf(args.megabytes), signer, chain=[ca])
    print(
        f"signed PDF: {len(data):,} bytes ({len(data) / 1024 / 1024:.1f} MB), built and signed in "
        f"{time.perf_counter() - started:.2f} s",
        flush=True,
    )
    now = datetime.datetime.now(datetime.UTC)
    roots = [ca.pem]
    for label, run in (
        ("verify_pdf (in-process)", lambda: verify_pdf(data, now=now, trust_roots=roots)),
        ("verify_pdf_bounded (as the upload runs it)", lambda: verify_pdf_bounded(data, now=now)),
    ):
        times = []
        for _ in range(args.runs):
            started = time.perf_counter()
            result = run()
            times.append(time.perf_counter() - started)
        entry = result["signatures"][0]
        print(
            f"{label}: median {statistics.median(times):.3f} s, worst {max(times):.3f} s over {args.runs} runs "
            f"(intact={entry['intact']}, coverage={entry['coverage']}, trust={entry['trust']})",
            flush=True,
        )


if __name__ == "__main__":
    main()
