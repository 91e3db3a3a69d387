"""Connect the city to the feedback board, once per process (``install()``, run by ``registry.install_wiring``).

``feedback.service.REPORT_CLOSED`` -> ``scam.on_report_closed``: when an official closes a resident's scam
report with the outcome "scam confirmed", its link or number joins the city's blacklist in the same
transaction (docs/LINKCHECK.md).
"""

from __future__ import annotations

from citizen_app.city import scam, trustlists
from citizen_app.feedback import service


def install() -> None:
    trustlists.manifest()  # a broken lists manifest stops start-up, not a request
    service.REPORT_CLOSED.connect(scam.on_report_closed)
