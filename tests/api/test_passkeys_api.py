"""HTTP-level tests of the passkey routes on a Starlette app built from identity/api.py ROUTES."""

from __future__ import annotations

import pytest

from citizen_app.identity import api as identity_api
from citizen_app.identity.service import open_session, ticket_binding
from tests.api.helpers import route_client
from tests.unit.identity.helpers import make_verified_citizen
from tests.unit.identity.softauthn import SoftAuthenticator


@pytest.fixture()
def client(engine, monkeypatch):
    return route_client(engine, monkeypatch, identity_api)


@pytest.fixture()
def citizen_cookie(db):
    citizen = make_verified_citizen(db)
    token = open_session(db, citizen.id)
    db.commit()
    return citizen, token


def test_passkey_register_and_login_over_http(client, citizen_cookie):
    from citizen_app.identity import passkeys

    _, token = citizen_cookie
    device = SoftAuthenticator(passkeys.rp_id(), passkeys.rp_origin())
    opts = client.post("/api/identity/passkeys/register/options", cookies={"cds_sid": token}).json()
    import json

    done = client.post("/api/identity/passkeys/register/verify", cookies={"cds_sid": token},
                       json={"challenge_id": opts["challenge_id"], "name": "Điện thoại",
                             "credential": device.create(json.dumps(opts["options"]))})
    assert done.json()["ok"], done.text
    opts = client.post("/api/identity/passkeys/login/options").json()
    verified = client.post("/api/identity/passkeys/login/verify",
                           json={"challenge_id": opts["challenge_id"], "next": "/vi-dien-tu",
                                 "credential": device.get(json.dumps(opts["options"]))})
    login = verified.json()
    assert login["ticket_url"].startswith("/auth/session?ticket=")
    # only the browser that made the passkey login may open the ticket URL (identity.cookies.bind_ticket)
    ticket = login["ticket_url"].split("=", 1)[1]
    binding = verified.headers["set-cookie"].lower()
    assert f"cds_login={ticket_binding(ticket)}" in binding and "path=/auth/session" in binding
    assert "httponly" in binding
