"""PDF of an official report (Decree 30/2020/NĐ-CP format), rendered by WeasyPrint."""

from reports.pdf.render import plan_parts, render_report_pdf, render_report_pdf_single

__all__ = ["plan_parts", "render_report_pdf", "render_report_pdf_single"]
