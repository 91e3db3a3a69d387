"""Thin Reflex states of the public trust pages: /trust, /trust/verify and /trust/d/[code]. Nobody needs to be
signed in; nothing here reads or stores personal data beyond what ``service.check_code`` lets the page show."""

from __future__ import annotations

import asyncio

import reflex as rx

from citizen_app.core.config import settings
from citizen_app.core.db import read_scope
from citizen_app.core.errors import DomainError
from citizen_app.i18n.state import both
from citizen_app.identity.state import FormErrorMixin
from citizen_app.trust import service
from citizen_app.ui.params import param


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def pdfsig_commands(base: str) -> str:
    """What a stranger types to check a result with poppler's pdfsig (tests/e2e run exactly this)."""
    return (f"curl -fO {base}/trust/ca/root.pem -fO {base}/trust/ca/issuing.pem -fO {base}/trust/crl/issuing.crl\n"
            "mkdir nss && certutil -N -d sql:nss --empty-password\n"
            "certutil -A -d sql:nss -n cds-root -t CT,C,C -i root.pem\n"
            "certutil -A -d sql:nss -n cds-issuing -t ,, -i issuing.pem\n"
            "crlutil -I -d sql:nss -i issuing.crl\n"
            "pdfsig -nssdir sql:nss ket-qua.pdf")


def pyhanko_snippet(base: str) -> str:
    return (f"# curl -fO {base}/trust/ca/root.pem\n"
            "from pyhanko.keys import load_cert_from_pemder\n"
            "from pyhanko.pdf_utils.reader import PdfFileReader\n"
            "from pyhanko.sign.validation import validate_pdf_signature\n"
            "from pyhanko_certvalidator import ValidationContext\n\n"
            "context = ValidationContext(trust_roots=[load_cert_from_pemder('root.pem')],\n"
            "                            allow_fetching=True, revocation_mode='hard-fail')\n"
            "with open('ket-qua.pdf', 'rb') as f:\n"
            "    for sig in PdfFileReader(f).embedded_signatures:\n"
            "        print(validate_pdf_signature(sig, context).pretty_print_details())")


class TrustPageState(rx.State):
    authorities: list[dict[str, str]] = []
    pdfsig_commands: str = ""
    pyhanko_snippet: str = ""

    @rx.event
    def load(self):
        base = settings().public_url
        self.pdfsig_commands, self.pyhanko_snippet = pdfsig_commands(base), pyhanko_snippet(base)
        self.authorities = [{"name": a.name, "subject": a.subject, "vi": a.role_vi, "en": a.role_en,
                             "sha256": a.sha256, "serial": a.serial, "valid": f"{a.valid_from} – {a.valid_to}",
                             "crl": a.crl} for a in service.authorities()]


class CodeEntryState(FormErrorMixin, rx.State):
    """The "type the code printed on the paper" form, on /trust and /trust/verify."""

    @rx.event
    def go(self, form_data: dict):
        code = service.normalize_code(str(form_data.get("code", ""))[:40])
        if len(code) != service.CODE_LENGTH:
            self.error = both("trust.check.unknown")
            return None
        self.error = {}
        return rx.redirect(service.VERIFY_PATH + service.display_code(code))


class DocumentState(rx.State):
    """/trust/d/[code]: what we know about the document carrying this code."""

    found: bool = False
    loaded: bool = False
    code: str = ""
    state: str = ""
    headline: dict[str, str] = {}
    title: dict[str, str] = {}
    facts: list[dict[str, str]] = []
    personal: list[dict[str, str]] = []
    sha256: str = ""
    revoked_on: str = ""
    reason: str = ""

    @rx.event
    def load(self):
        self.code = param(self, "code")[:40]
        try:
            with read_scope() as db:
                check = service.check_code(db, self.code)
        except DomainError:
            self.found, self.loaded, self.facts, self.personal = False, True, [], []
            return
        self.found, self.loaded, self.code, self.state = True, True, service.display_code(check.code), check.state
        self.headline, self.title = check.headline, {"vi": check.title_vi, "en": check.title_en}
        self.facts, self.personal, self.sha256 = check.facts, check.personal, check.sha256
        self.revoked_on, self.reason = check.revoked_on, check.revoke_reason


def _report(data: bytes) -> service.PdfReport:
    with read_scope() as db:
        return service.verify_pdf(db, data)


class VerifyState(FormErrorMixin, rx.State):
    """/trust/verify: the uploaded PDF is read into memory, checked and dropped."""

    verdict: str = ""
    headline: dict[str, str] = {}
    sha256: str = ""
    signatures: list[dict[str, str]] = []
    registered: bool = False
    registered_code: str = ""
    registered_title: dict[str, str] = {}
    registered_facts: list[dict[str, str]] = []

    @rx.event
    def reset_report(self):
        self.error, self.verdict, self.headline, self.signatures = {}, "", {}, []
        self.registered, self.registered_code, self.registered_facts = False, "", []

    @rx.event
    async def check(self, files: list[rx.UploadFile]):
        self.reset_report()
        try:
            data = await files[0].read() if files else b""
            service.check_upload(data)
            report = await asyncio.to_thread(_report, data)  # pyHanko runs its own event loop
        except DomainError as exc:
            self._fail(exc)
            return rx.clear_selected_files("trust-pdf")
        self.verdict, self.headline, self.sha256 = report.verdict, report.headline, report.sha256
        self.signatures = [{"signer": s.signer, "signed_at": s.signed_at, "intact": _yes_no(s.intact),
                            "trusted": _yes_no(s.trusted), "not_revoked": _yes_no(not s.revoked),
                            "whole": _yes_no(s.whole_document), "ok": _yes_no(s.ok)} for s in report.signatures]
        if report.registered is not None:
            self.registered, self.registered_code = True, service.display_code(report.registered.code)
            self.registered_title = {"vi": report.registered.title_vi, "en": report.registered.title_en}
            self.registered_facts = report.registered.facts
        return rx.clear_selected_files("trust-pdf")
