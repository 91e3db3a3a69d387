"""SD-JWT VC issuing and the strict verifier, including the negative vectors."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from citizen_app.core.errors import DomainError
from citizen_app.core.timeutil import utcnow
from citizen_app.identity.crypto import b64u, b64u_decode, epoch, json_b64, jws_encode, new_p256_key, public_jwk
from citizen_app.wallet import credentials as cr
from citizen_app.wallet.issuer import issuer_id
from citizen_app.wallet.status_list import build_status_list_jwt, encode_bits, read_bit
from tests.unit.identity.helpers import make_user, make_verified_citizen

AUD = "cds:verifier:ward-bc"


@pytest.fixture()
def holder():
    return new_p256_key()


@pytest.fixture()
def citizen(db):
    return make_verified_citizen(db)


def _verify(db, presentation, aud=AUD, nonce="n" * 16, now=None, **kw):
    return cr.strict_verify(presentation, aud, nonce, now or utcnow(), cr.local_trusted_jwks(),
                            cr.local_status_fetcher(db), kw.pop("cache", cr.MemoryReplayCache()), **kw)


def _code(exc_info) -> str:
    return exc_info.value.code


def test_issue_identity_has_required_structure(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "identity", public_jwk(holder))
    issuer_jwt, disclosures = cr.split_sd_jwt(issued.credential)
    header = json.loads(b64u_decode(issuer_jwt.split(".")[0]))
    payload = json.loads(b64u_decode(issuer_jwt.split(".")[1]))
    assert header["typ"] == "dc+sd-jwt" and header["alg"] == "ES256" and header["kid"]
    assert {"iss", "vct", "iat", "nbf", "exp", "cnf", "status", "_sd", "_sd_alg"} <= set(payload)
    assert payload["exp"] - payload["iat"] <= 30 * 86400
    assert payload["cnf"]["jwk"] == public_jwk(holder)
    assert set(payload["status"]["status_list"]) == {"idx", "uri"}
    assert "full_name" not in payload and len(disclosures) == len(payload["_sd"]) == 5
    assert issued.credential.endswith("~")


def test_selective_disclosure_nonce_mode(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "identity", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, ["full_name"], holder, AUD, "n" * 16)
    result = _verify(db, vp)
    assert result.claims == {"full_name": "Nguyễn Văn An"}
    assert result.kind == "identity" and result.mode == "nonce"


def test_age_credential_has_no_birth_date(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    assert "birth_date" not in issued.credential and "1960" not in str(b64u_decode(issued.credential.split(".")[1]))
    vp = cr.build_presentation(issued.credential, [], holder, cr.ONE_TIME_AUD, b64u(b"0123456789ab"))
    result = _verify(db, vp, aud=cr.ONE_TIME_AUD, nonce=None)
    assert result.claims == {"age_over_60": True} and result.mode == "one_time"


def test_age_not_reached_and_level1_refused(db, holder):
    young = make_verified_citizen(db, birth=date(1990, 1, 1), id_number="079090001234")
    with pytest.raises(DomainError) as err:
        cr.issue_credential(db, young.id, "age60", public_jwk(holder))
    assert err.value.code == "identity.credential.age_not_reached"
    nobody = make_user(db)
    with pytest.raises(DomainError) as err:
        cr.issue_credential(db, nobody.id, "age18", public_jwk(holder))
    assert err.value.code == "identity.credential.needs_level2"


def test_official_issues_student_credential_only_with_role(db, citizen, holder):
    claims = {"school": "THPT Lê Quý Đôn", "student_name": "Nguyễn Văn An"}
    with pytest.raises(DomainError):
        cr.issue_credential(db, citizen.id, "student", public_jwk(holder), actor_id=citizen.id, claims=claims)
    official = make_user(db, "Cán bộ", ("official",))
    issued = cr.issue_credential(db, citizen.id, "student", public_jwk(holder), actor_id=official.id, claims=claims)
    vp = cr.build_presentation(issued.credential, ["student", "school"], holder, AUD, "n" * 16)
    assert _verify(db, vp).claims == {"student": True, "school": "THPT Lê Quý Đôn"}


# --- negative vectors ---------------------------------------------------------------------------


def test_reject_replay_nonce_mode(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], holder, AUD, "n" * 16)
    cache = cr.MemoryReplayCache()
    _verify(db, vp, cache=cache)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp, cache=cache)
    assert _code(err) == "identity.verify.replay"


def test_reject_replay_one_time_mode(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], holder, cr.ONE_TIME_AUD, "jti-abc-123")
    cache = cr.DbReplayCache(db)
    _verify(db, vp, aud=cr.ONE_TIME_AUD, nonce=None, cache=cache)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp, aud=cr.ONE_TIME_AUD, nonce=None, cache=cache)
    assert _code(err) == "identity.verify.replay"


def test_reject_stale_one_time_qr(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], holder, cr.ONE_TIME_AUD, "jti-1", iat=epoch(utcnow()) - 61)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp, aud=cr.ONE_TIME_AUD, nonce=None)
    assert _code(err) == "identity.verify.stale_kb"


def test_reject_wrong_nonce(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], holder, AUD, "m" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.wrong_nonce"


def test_reject_wrong_audience(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], holder, "cds:verifier:other", "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.wrong_audience"


def test_reject_expired(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder), now=utcnow() - timedelta(days=31))
    vp = cr.build_presentation(issued.credential, [], holder, AUD, "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.expired"


def test_reject_not_yet_valid(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder), now=utcnow() + timedelta(minutes=5))
    vp = cr.build_presentation(issued.credential, [], holder, AUD, "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.not_yet_valid"


def test_reject_revoked(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], holder, AUD, "n" * 16)
    cr.revoke_credential(db, citizen.id, issued.record.id)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.revoked"


def test_reject_tampered_disclosure(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "identity", public_jwk(holder))
    issuer_jwt, disclosures = cr.split_sd_jwt(issued.credential)
    name_disclosure = next(d for d in disclosures if cr.disclosure_name(d) == "full_name")
    salt, _, _ = json.loads(b64u_decode(name_disclosure))
    forged = json_b64([salt, "full_name", "Kẻ Mạo Danh"])
    vp = cr.build_presentation("~".join([issuer_jwt, forged, ""]), ["full_name"], holder, AUD, "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.bad_disclosure"


def test_reject_duplicate_disclosure(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "identity", public_jwk(holder))
    issuer_jwt, disclosures = cr.split_sd_jwt(issued.credential)
    vp = cr.build_presentation("~".join([issuer_jwt, disclosures[0], disclosures[0], ""]),
                               [cr.disclosure_name(disclosures[0])], holder, AUD, "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.bad_disclosure"


def test_reject_disclosure_added_after_key_binding(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "identity", public_jwk(holder))
    issuer_jwt, disclosures = cr.split_sd_jwt(issued.credential)
    vp = cr.build_presentation(issued.credential, [], holder, AUD, "n" * 16)
    body, kb = vp.rsplit("~", 1)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, f"{body}~{disclosures[0]}~{kb}")
    assert _code(err) == "identity.verify.bad_sd_hash"


def test_reject_wrong_issuer(db, citizen, holder):
    ctype = cr.TYPES["age60"]
    rogue = new_p256_key()
    iat = epoch(utcnow())
    payload = {"iss": issuer_id(), "vct": ctype.vct, "iat": iat, "nbf": iat, "exp": iat + 3600,
               "cnf": {"jwk": public_jwk(holder)}, "age_over_60": True}
    from citizen_app.wallet.issuer import issuer_kid

    forged = jws_encode({"alg": "ES256", "typ": "dc+sd-jwt", "kid": issuer_kid()}, payload, rogue) + "~"
    vp = cr.build_presentation(forged, [], holder, AUD, "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.bad_signature"
    other = jws_encode({"alg": "ES256", "typ": "dc+sd-jwt", "kid": "x"}, {**payload, "iss": "https://evil.example"},
                       rogue) + "~"
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, cr.build_presentation(other, [], holder, AUD, "n" * 16))
    assert _code(err) == "identity.verify.untrusted_issuer"


def test_reject_missing_kb_jwt(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "identity", public_jwk(holder))
    issuer_jwt, disclosures = cr.split_sd_jwt(issued.credential)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, f"{issuer_jwt}~{disclosures[0]}~")
    assert _code(err) == "identity.verify.missing_kb"
    # and with no expected nonce (the reference-library pitfall): still mandatory
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, f"{issuer_jwt}~", aud=cr.ONE_TIME_AUD, nonce=None)
    assert _code(err) == "identity.verify.missing_kb"


def test_reject_kb_signed_by_other_key(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], new_p256_key(), AUD, "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp)
    assert _code(err) == "identity.verify.bad_kb_signature"


def test_reject_alg_none(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    issuer_jwt, _ = cr.split_sd_jwt(issued.credential)
    _, payload_b64, _ = issuer_jwt.split(".")
    unsigned = f"{json_b64({'alg': 'none', 'typ': 'dc+sd-jwt'})}.{payload_b64}."
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, cr.build_presentation(unsigned + "~", [], holder, AUD, "n" * 16))
    assert _code(err) in ("identity.verify.bad_alg", "identity.verify.malformed")
    hs = f"{json_b64({'alg': 'HS256', 'typ': 'dc+sd-jwt', 'kid': 'x'})}.{payload_b64}.{b64u(b'x' * 32)}"
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, cr.build_presentation(hs + "~", [], holder, AUD, "n" * 16))
    assert _code(err) == "identity.verify.bad_alg"
    # an unsigned KB-JWT is refused too
    body = cr.build_presentation(issued.credential, [], holder, AUD, "n" * 16).rsplit("~", 1)[0] + "~"
    kb_none = f"{json_b64({'alg': 'none', 'typ': 'kb+jwt'})}.{json_b64({'aud': AUD, 'nonce': 'n' * 16})}."
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, body + kb_none)
    assert _code(err) in ("identity.verify.bad_alg", "identity.verify.malformed")


def test_reject_wrong_typ_and_wrong_vct(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    vp = cr.build_presentation(issued.credential, [], holder, AUD, "n" * 16)
    with pytest.raises(cr.VerificationError) as err:
        _verify(db, vp, expected_vct=[cr.TYPES["age18"].vct])
    assert _code(err) == "identity.verify.wrong_type"


def test_status_list_bits_lsb_first():
    lst = encode_bits([0, 9, 131071], 131072)
    assert read_bit(lst, 0) == 1 and read_bit(lst, 1) == 0
    assert read_bit(lst, 9) == 1 and read_bit(lst, 8) == 0 and read_bit(lst, 131071) == 1
    import zlib

    raw = zlib.decompress(b64u_decode(lst))
    assert raw[0] == 0b0000_0001 and raw[1] == 0b0000_0010


def test_status_list_jwt_and_random_indices(db, citizen, holder):
    records = [cr.issue_credential(db, citizen.id, "age60", public_jwk(holder)).record for _ in range(5)]
    assert len({r.status_idx for r in records}) == 5
    token = build_status_list_jwt(db, records[0].status_list_id)
    header = json.loads(b64u_decode(token.split(".")[0]))
    assert header["typ"] == "statuslist+jwt"


def test_verify_online_consumes_server_nonce(db, citizen, holder):
    issued = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    request = cr.create_verifier_request(db, AUD)
    nonce, aud = cr.parse_verifier_request(request.qr_text)
    assert (nonce, aud) == (request.nonce, AUD)
    vp = cr.build_presentation(issued.credential, [], holder, aud, nonce)
    assert cr.verify_online(db, vp, nonce=nonce).claims == {"age_over_60": True}
    with pytest.raises(cr.VerificationError) as err:
        cr.verify_online(db, vp, nonce=nonce)
    assert _code(err) == "identity.verify.wrong_nonce"


def test_reissue_with_new_key_revokes_old(db, citizen, holder):
    old = cr.issue_credential(db, citizen.id, "age60", public_jwk(holder))
    new_key = new_p256_key()
    fresh = cr.reissue_credentials(db, citizen.id, public_jwk(new_key))
    assert [f.record.kind for f in fresh] == ["age60"]
    assert old.record.revoked_at is not None
    vp = cr.build_presentation(fresh[0].credential, [], new_key, AUD, "n" * 16)
    assert _verify(db, vp).claims == {"age_over_60": True}


def test_server_held_fallback_key(db, citizen):
    key = cr.server_holder_key(db, citizen.id)
    issued = cr.issue_credential(db, citizen.id, "age18", public_jwk(key), key_mode="server")
    assert issued.record.key_mode == "server"
    vp = cr.present_with_server_key(db, citizen.id, issued.credential, [], AUD, "n" * 16)
    assert _verify(db, vp).claims == {"age_over_18": True}
