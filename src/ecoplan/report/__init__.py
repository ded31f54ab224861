"""Reports: the plan workbook (:mod:`.plan_xlsx`) and the evaluation reports.

``build_report_model`` assembles an evaluation report from a plan and its assessment;
``write_report`` renders it as PDF, DOCX, XLSX or HTML (each renderer is imported only when
its format is asked for).
"""

from ecoplan.report.evaluation import (
    REPORT_FORMATS,
    ReportModel,
    air_entry,
    build_report_model,
    write_report,
)

__all__ = ["REPORT_FORMATS", "ReportModel", "air_entry", "build_report_model", "write_report"]
