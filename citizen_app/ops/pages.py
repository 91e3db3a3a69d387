"""Administrator page: background jobs (last run, result, backlog)."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.ops.state import JobsState, JobView
from citizen_app.shell.layout import app_page, heading
from citizen_app.ui.components import error_summary

_COLUMNS = ("ops.jobs.name", "ops.jobs.state", "ops.jobs.every", "ops.jobs.last_started", "ops.jobs.last_finished",
            "ops.jobs.result", "ops.jobs.backlog", "ops.jobs.runs")


def _job_row(job: JobView) -> rx.Component:
    return rx.el.tr(
        rx.el.th(job.name, scope="row"),
        rx.el.td(rx.cond(job.late, rx.el.strong(t_var(job.state)), t_var(job.state))),  # type: ignore[arg-type]
        rx.el.td(job.every),
        rx.el.td(job.last_started),
        rx.el.td(job.last_finished),
        rx.el.td(t_var(job.result)),  # type: ignore[arg-type]
        rx.el.td(job.backlog),
        rx.el.td(job.runs),
        class_name="cds-job-row",
    )


def _table() -> rx.Component:
    return rx.el.div(
        rx.el.table(
            rx.el.thead(rx.el.tr(*[rx.el.th(t(key), scope="col") for key in _COLUMNS])),
            rx.el.tbody(rx.foreach(JobsState.jobs, _job_row)),
            id="ops-jobs",
            style={"border_collapse": "collapse", "min_width": "100%", "font_size": "0.95rem"},
        ),
        style={"overflow_x": "auto"},
        tab_index=0,
        role="region",
        aria_label=t("ops.jobs.title"),
    )


@app_page("/admin/jobs", "ops.jobs.title", roles=("admin",), on_load=[JobsState.load])
def jobs_page() -> rx.Component:
    return rx.el.section(
        heading("ops.jobs.title"),
        rx.el.p(t("ops.jobs.lead"), class_name="cds-lead"),
        error_summary(JobsState.error),
        rx.cond(JobsState.jobs.length() > 0, _table(), rx.el.p(t("ops.jobs.none"), id="ops-jobs-none")),
        rx.el.button(t("ops.jobs.refresh"), on_click=JobsState.load, class_name="cds-button-outline", id="ops-refresh"),
    )
