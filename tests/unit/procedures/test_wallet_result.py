"""The signed result lands in the wallet (a server-key ``result`` credential with a PDF link), and the
citizen's withdraw button authorizes on the server."""

from __future__ import annotations

import hashlib
from types import SimpleNamespace

from citizen_app.identity.activity import list_activity
from citizen_app.procedures import backoffice, flow, service, statuses, wallet_result
from citizen_app.procedures.state import DossierState
from citizen_app.wallet import credentials as cr
from citizen_app.wallet import service as wallet_service
from citizen_app.wallet.models import IssuedCredential
from citizen_app.wallet.qr_transport import decode_from_qr, encode_for_qr
from tests.unit.procedures.test_flow import PASSWORD, _draft, signer  # noqa: F401 - fixture
from tests.unit.procedures.test_state_authorization import _cookie, _seed, _states, _status


def _deliver(db, world, monkeypatch) -> tuple[int, list[str]]:
    issued: list[str] = []
    original = cr.issue_credential

    def spy(*args, **kwargs):
        out = original(*args, **kwargs)
        issued.append(out.credential)
        return out

    monkeypatch.setattr(wallet_result.cr, "issue_credential", spy)
    dossier_id = _draft(db, world)
    view = flow.prepare_signature(db, world.mai.id, dossier_id)
    flow.approve_signature(db, world.mai.id, dossier_id, view.id, PASSWORD)
    service.submit(db, world.mai.id, dossier_id)
    flow.on_fee_paid(db, SimpleNamespace(product_ref=str(dossier_id), amount_vnd=10_000, code="CDSPAID"))
    backoffice.accept(db, world.lan.id, dossier_id)
    backoffice.start_processing(db, world.lan.id, dossier_id)
    flow.approve_and_deliver(db, world.lan.id, dossier_id, "Đủ điều kiện")
    db.commit()
    return dossier_id, issued


def test_delivered_result_is_a_wallet_credential_with_the_pdf_link(db, signer, monkeypatch) -> None:  # noqa: F811
    dossier_id, issued = _deliver(db, signer, monkeypatch)
    assert db.get(service.ProcDossier, dossier_id).status == statuses.DELIVERED
    rows = [r for r in wallet_service.credential_rows(db, signer.mai.id) if r.kind == "result"]
    assert len(rows) == 1
    row = rows[0]
    assert (row.status, row.key_mode, row.link) == ("valid", "server",
                                                     f"/api/procedures/dossiers/{dossier_id}/result.pdf")
    assert db.get(IssuedCredential, row.id).issued_by == signer.lan.id
    assert wallet_result.result_links(db, signer.citizen.id) == {}  # nobody else sees it

    pdf, _ = backoffice.result_pdf(db, signer.mai.id, dossier_id)
    vp = cr.present_with_server_key(db, signer.mai.id, issued[0], ["procedure", "dossier_ref", "result_date",
                                                                   "doc_hash", "outcome"], cr.ONE_TIME_AUD)
    claims = cr.verify_online(db, decode_from_qr(encode_for_qr(vp))).claims
    number = db.get(service.ProcDossier, dossier_id).number
    assert claims["procedure"] == "tam_tru_danh_sach" and claims["dossier_ref"] == number
    assert claims["doc_hash"] == hashlib.sha256(pdf).hexdigest()
    assert claims["outcome"] == "XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ" and len(claims["result_date"]) == 10
    texts = [a.text for a in list_activity(db, signer.mai.id, "en", limit=30)]
    assert any("Credential received: procedure result" in t for t in texts)


async def test_withdraw_button_authorizes_on_the_server(app_db) -> None:
    ids = _seed(app_db)
    other = _states(_cookie(ids["ha"]), {"dossier_id": str(ids["dossier"])})(DossierState)
    other.dossier_id = ids["dossier"]
    await DossierState.withdraw.fn(other, {"reason": "crafted"})
    assert other.error and _status(ids["dossier"]) == statuses.NEW

    owner = _states(_cookie(ids["mai"]), {"dossier_id": str(ids["dossier"])})(DossierState)
    await DossierState.load.fn(owner)
    assert owner.can_withdraw
    await DossierState.withdraw.fn(owner, {"reason": "Đã tìm được chỗ ở khác"})
    assert _status(ids["dossier"]) == statuses.WITHDRAWN
    assert not owner.can_withdraw and owner.notice["en"].startswith("Dossier withdrawn")
    await DossierState.withdraw.fn(owner, {})
    assert owner.error  # not legal any more: clear error, nothing changed
    assert _status(ids["dossier"]) == statuses.WITHDRAWN
