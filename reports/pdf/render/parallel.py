"""Rendering the parts in forked worker processes and joining them."""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from reports.document import OfficialReport

from .documents import MIN_SLICE_ROWS, Part, PartResult, _html, _lean_html_class, _styles, _write, plan_parts
from .page_numbers import _digits_pdf, _join

# The name the module had before it became a package, so logging settings still find it.
logger = logging.getLogger("reports.pdf.render")

# Worker side: with the fork start method the job is inherited, not pickled. One render at a
# time per process (it takes every core anyway), so a second thread cannot swap the job.
_JOB: tuple[OfficialReport, list[Part]] | None = None
_JOB_LOCK = threading.Lock()


def _render_part(index: int) -> PartResult:
    assert _JOB is not None
    doc, parts = _JOB
    wall, cpu = time.perf_counter(), time.process_time()
    pdf, landscape = _write(_html(doc, parts[index]), numbered=False)
    result = PartResult(pdf, landscape, os.getpid(), time.process_time() - cpu, time.perf_counter() - wall)
    logger.debug(
        "part %d (pid %d): %d pages, cpu %.2f s, wall %.2f s",
        index,
        result.pid,
        len(landscape),
        result.cpu,
        result.wall,
    )
    return result


def _can_fork() -> bool:
    # Daemonic processes (a Celery prefork child) may not start children of their own.
    return "fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def render_report_pdf(
    doc: OfficialReport,
    *,
    workers: int | None = None,
    slices: int | None = None,
    min_slice_rows: int = MIN_SLICE_ROWS,
    on_progress: Callable[[int, int], None] | None = None,
    stats: dict | None = None,
) -> bytes:
    """The report as PDF bytes: the body and slices of the appendix rendered in parallel
    processes and joined. Two slices per worker let the pool even out their differences.

    `on_progress(done, total)` is called in this process as parts finish (for a job's progress
    bar); the join counts as the last step. `stats`, when given, is filled with where the time
    went: each part's process, pages, CPU and wall seconds, and the join's.
    """
    started = time.perf_counter()
    workers = workers or default_workers()
    if not _can_fork():
        workers = 1
    parts = plan_parts(
        doc, slices=slices or (2 * workers if workers > 1 else 1), min_slice_rows=min_slice_rows
    )
    workers = min(workers, len(parts))
    _styles()  # built once, before forking
    _lean_html_class()
    progress = on_progress or (lambda done, total: None)
    with _JOB_LOCK:
        results = _render_parts(doc, parts, workers, progress)
    rendered, join_cpu = time.perf_counter(), time.process_time()
    heads = [n for n, part in enumerate(parts) if part.appendix_head]
    appendix_from = sum(len(r.landscape) for r in results[: heads[0]]) if heads else None
    pdf = _join(doc, results, appendix_from=appendix_from)
    progress(len(parts) + 1, len(parts) + 1)
    if stats is not None:
        stats.update(
            workers=workers,
            parts=[(r.pid, len(r.landscape), r.cpu, r.wall) for r in results],
            render_wall=rendered - started,
            join_wall=time.perf_counter() - rendered,
            join_cpu=time.process_time() - join_cpu,
        )
    logger.debug(
        "%d parts on %d worker(s): rendered in %.2f s, joined in %.2f s",
        len(parts),
        workers,
        rendered - started,
        time.perf_counter() - rendered,
    )
    return pdf


def _render_parts(doc: OfficialReport, parts: list[Part], workers: int, progress) -> list[PartResult]:
    global _JOB
    _JOB = (doc, parts)
    try:
        results = None
        if workers > 1:
            try:
                results = _render_in_pool(parts, workers, progress)
            except (AssertionError, OSError, BrokenProcessPool) as exc:
                # no children here (a daemonic process) or one died: do the work ourselves
                logger.warning("rendering the report's parts in this process: %r", exc)
        if results is None:
            results = []
            for i in range(len(parts)):
                results.append(_render_part(i))
                progress(i + 1, len(parts) + 1)
    finally:
        _JOB = None
    return results


def _render_in_pool(parts: list[Part], workers: int, progress) -> list[PartResult]:
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # the largest parts first, so no worker is left with a long one at the end
        order = sorted(range(len(parts)), key=lambda i: -_weight(parts[i]))
        futures = {pool.submit(_render_part, i): i for i in order}
        _digits_pdf()  # while the workers render
        results: dict[int, PartResult] = {}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            progress(len(results), len(parts) + 1)
        return [results[i] for i in range(len(parts))]


def _weight(part: Part) -> int:
    return (60 if part.body else 0) + sum(len(t) for t in part.tables)
