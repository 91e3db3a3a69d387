"""The read-only record of a dossier that names the citizen ("you were registered for temporary residence at …
from … to …, by …"), linked from their notification and from My dossiers."""

from __future__ import annotations

import reflex as rx

from citizen_app.i18n.state import t, t_var
from citizen_app.procedures.components import back_link, summary_row
from citizen_app.procedures.named_state import NamedRecordState as S
from citizen_app.shell.layout import app_page
from citizen_app.ui.components import error_summary


def _record() -> rx.Component:
    return rx.fragment(
        rx.el.p(t("procedures.ui.named_sentence"), " ", rx.el.strong(t_var(S.procedure)), " ",
                t("procedures.ui.named_by"), " ", rx.el.strong(S.applicant), id="named-summary"),
        rx.el.dl(
            summary_row(t("procedures.ui.dossier_number"), S.number),
            summary_row(t("procedures.ui.agency"), t_var(S.agency)),
            rx.cond(S.place != "", summary_row(t("procedures.ui.place"), rx.el.span(S.place, id="named-place"))),
            rx.cond(S.period != "", summary_row(t("procedures.ui.period"), rx.el.span(S.period, id="named-period"))),
            summary_row(t("procedures.ui.submitted_on"), S.submitted_on),
            summary_row(t("procedures.ui.status_now"), rx.el.span(t_var(S.status), id="named-status")),
            id="named-record",
        ),
        rx.cond(S.result_code != "", rx.el.p(
            t("procedures.ui.verify_code"), ": ",
            rx.link(S.result_code, href="/trust/d/" + S.result_code, id="named-result-code"))),
        rx.cond(S.in_wallet, rx.el.p(t("procedures.ui.named_wallet"), " ",
                                     rx.link(t("procedures.ui.open_wallet"), href="/wallet", id="named-wallet"))),
        rx.el.p(t("procedures.ui.named_not_you"), " ", t_var(S.agency), class_name="cds-hint"),
    )


@app_page("/procedures/named/[record_id]", "procedures.ui.named_title", roles=("citizen",), on_load=[S.load])
def named_record_page() -> rx.Component:
    return rx.el.section(
        back_link("/procedures/mine"),
        rx.heading(t("procedures.ui.named_title"), as_="h1", size="7"),
        error_summary(S.error),
        rx.cond(S.found, _record()),
        class_name="cds-narrow",
    )
