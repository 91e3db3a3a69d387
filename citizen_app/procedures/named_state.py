"""Thin Reflex state of the read-only record a named person sees (/procedures/named/[record_id])."""

from __future__ import annotations

import reflex as rx

from citizen_app.core.db import read_scope
from citizen_app.core.errors import DomainError
from citizen_app.identity.state import FormErrorMixin, acting_user
from citizen_app.procedures import named
from citizen_app.ui.params import int_param


class NamedRecordState(FormErrorMixin, rx.State):
    found: bool = False
    number: str = ""
    procedure: dict[str, str] = {}
    applicant: str = ""
    agency: dict[str, str] = {}
    place: str = ""
    period: str = ""
    status: dict[str, str] = {}
    submitted_on: str = ""
    result_code: str = ""
    in_wallet: bool = False

    @rx.event
    async def load(self):
        self.error = {}
        user_id, _ = await acting_user(self)
        try:
            with read_scope() as db:
                record = named.my_record(db, user_id, int_param(self, "record_id"))
        except DomainError as exc:
            self.found = False
            self._fail(exc)
            return
        self.found, self.number, self.procedure, self.applicant = True, record.number, record.procedure, \
            record.applicant
        self.agency, self.place, self.status, self.submitted_on = record.agency, record.place, record.status, \
            record.submitted_on
        self.period = f"{record.stay_from} – {record.stay_to}" if record.stay_to else record.stay_from
        self.result_code, self.in_wallet = record.result_code, record.in_wallet
