"""The shared Decree 30 checker on a report, and what it cannot know.

The checker reads page numbers as running through the whole file; the Decree numbers an appendix's
pages on their own ("Số trang của phụ lục được đánh riêng theo từng phụ lục"), so on a report with an
appendix its page-number check objects to the appendix's pages, and only to them. The body alone
(every page before the appendix's) passes every check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

CHECKER = Path(__file__).resolve().parents[3] / "shared" / "tools" / "check_decree30.py"
PAGE_NUMBER_CHECK = "FAIL  page numbers centred at the top from page 2"
# The top margin, where the page number stands (20 mm), in pt.
TOP_BAND = 20 * 72 / 25.4


def run_checker(path: Path) -> tuple[int, str]:
    result = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True)
    return result.returncode, result.stdout


def appendix_from(path: Path) -> int | None:
    """The index of the appendix's first page (the first landscape page), None without one."""
    from pypdf import PdfReader

    for index, page in enumerate(PdfReader(path).pages):
        if page.mediabox.width > page.mediabox.height:
            return index
    return None


def page_numbers(path: Path) -> list[str]:
    """What pdftotext reads in each page's top margin (the page number, or nothing)."""
    from pypdf import PdfReader

    out = []
    for n, page in enumerate(PdfReader(path).pages, start=1):
        width = float(page.mediabox.width)
        text = subprocess.run(
            ["pdftotext", "-f", str(n), "-l", str(n), "-x", "0", "-y", "0", "-W", str(int(width)),
             "-H", str(int(TOP_BAND)), "-layout", str(path), "-"],
            capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        out.append(" ".join(text.split()))
    return out


def expected_page_numbers(pages: int, appendix: int | None) -> list[str]:
    """None on the first page; the appendix from 1 again, its first page showing none."""
    body = appendix if appendix is not None else pages
    numbers = ["" if i == 0 else str(i + 1) for i in range(body)]
    return numbers + ["" if i == 0 else str(i + 1) for i in range(pages - body)]


def assert_passes_decree30(path: Path, tmp_path: Path) -> None:
    """Every check on the body; on the whole report, every check but the running page numbers
    where the appendix starts again from 1."""
    from pypdf import PdfReader, PdfWriter

    code, out = run_checker(path)
    appendix = appendix_from(path)
    if appendix is None:
        assert code == 0 and out.strip().splitlines()[-1] == "16/16 format checks pass", out
        return
    failed = [line for line in out.splitlines() if line.startswith("FAIL")]
    assert [line.split(":")[0] for line in failed] == [PAGE_NUMBER_CHECK], out
    wrong = re.findall(r"page (\d+)", failed[0].split("wrong:")[-1])
    assert wrong and all(int(n) > appendix for n in wrong), out  # pages from 1
    body = PdfWriter()
    for page in PdfReader(path).pages[:appendix]:
        body.add_page(page)
    body_path = tmp_path / f"{path.stem}-body.pdf"
    with open(body_path, "wb") as handle:
        body.write(handle)
    code, out = run_checker(body_path)
    assert code == 0 and out.strip().splitlines()[-1] == "16/16 format checks pass", out
    assert page_numbers(path) == expected_page_numbers(len(PdfReader(path).pages), appendix)
