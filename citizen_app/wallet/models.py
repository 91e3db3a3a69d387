"""Tables of the identity wallet: issued credentials, status lists, the server-held holder keys and the
verifier's nonces and replay cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from citizen_app.core.timeutil import utcnow


class StatusList(SQLModel, table=True):
    """One Token Status List (bits=1). Indices are handed out at random for herd privacy."""

    __tablename__ = "identity_status_list"

    id: str = Field(primary_key=True, max_length=16)
    size: int = Field(default=131072)
    used: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)


class StatusEntry(SQLModel, table=True):
    __tablename__ = "identity_status_entry"
    __table_args__ = (UniqueConstraint("list_id", "idx"),)

    id: int | None = Field(default=None, primary_key=True)
    list_id: str = Field(foreign_key="identity_status_list.id", max_length=16, index=True)
    idx: int
    status: int = Field(default=0)  # 0 valid, 1 invalid (revoked)
    updated_at: datetime = Field(default_factory=utcnow)


class IssuedCredential(SQLModel, table=True):
    """A credential we issued. The credential itself lives in the wallet; we keep metadata only."""

    __tablename__ = "identity_credential"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=16, index=True)
    vct: str = Field(max_length=120)
    format: str = Field(default="dc+sd-jwt", max_length=16)
    holder_thumbprint: str = Field(max_length=64, index=True)
    key_mode: str = Field(default="browser", max_length=8)  # "browser" (WebCrypto) or "server" (fallback)
    status_list_id: str = Field(max_length=16)
    status_idx: int
    issued_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    revoked_at: datetime | None = None
    issued_by: int | None = Field(default=None, foreign_key="user_account.id")


class ServerHolderKey(SQLModel, table=True):
    """Fallback holder key kept by the server when the browser has no WebCrypto (marked as such)."""

    __tablename__ = "identity_server_holder_key"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", unique=True, index=True)
    sealed_key: str = Field(sa_column=Column(Text, nullable=False))
    thumbprint: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)


class PresentationNonce(SQLModel, table=True):
    """A verifier's single-use challenge (mode B): five minutes, consumed on first use."""

    __tablename__ = "identity_vp_nonce"

    nonce: str = Field(primary_key=True, max_length=64)
    aud: str = Field(max_length=120)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class SeenPresentation(SQLModel, table=True):
    """Replay cache: one-time identifiers (jti / nonce) already accepted, kept until they expire."""

    __tablename__ = "identity_vp_seen"

    key: str = Field(primary_key=True, max_length=100)
    seen_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class VciOffer(SQLModel, table=True):
    """An OpenID4VCI credential offer with a pre-authorized code: one-time, short-lived, bound to the account
    that made it. Only hashes are kept: the code and the transaction code are shown once and never stored."""

    __tablename__ = "identity_vci_offer"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    code_hash: str = Field(max_length=64, unique=True)
    tx_code_hash: str = Field(max_length=64)
    kinds: str = Field(max_length=200)  # comma-separated credential kinds
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    failed_attempts: int = Field(default=0)
    redeemed_at: datetime | None = None
    # SHA-256 of the offer's ``issuer_state`` (its authorization code grant): the same offer, spent either way.
    state_hash: str | None = Field(default=None, max_length=64, unique=True)


class VciAuthCode(SQLModel, table=True):
    """An OpenID4VCI authorization code (authorization code flow with PKCE): single-use, short-lived, its SHA-256
    only, bound to the wallet (client_id, redirect_uri), the PKCE S256 challenge, the citizen who consented and
    the credential types they consented to."""

    __tablename__ = "identity_vci_auth_code"

    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    client_id: str = Field(max_length=200)
    redirect_uri: str = Field(max_length=500)
    code_challenge: str = Field(max_length=43)
    kinds: str = Field(max_length=200)
    details: bool = Field(default=False)  # asked with authorization_details: the token answer lists identifiers
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    used_at: datetime | None = None


class VciToken(SQLModel, table=True):
    """An access token for the credential endpoint (its SHA-256 only), one credential request per kind."""

    __tablename__ = "identity_vci_token"

    token_hash: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    offer_id: int | None = Field(default=None, foreign_key="identity_vci_offer.id")
    # The authorization code it was granted for: a replayed code revokes it (OAuth 2.0 security BCP).
    auth_code_id: int | None = Field(default=None, foreign_key="identity_vci_auth_code.id", index=True)
    kinds: str = Field(max_length=200)
    used_kinds: str = Field(default="", max_length=200)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)


class VciDeferred(SQLModel, table=True):
    """A credential request waiting for an official's approval (OpenID4VCI deferred issuance): the SHA-256 of its
    transaction_id and of the access token that made it, the proved holder keys (public JWKs), the decision and,
    for a refusal, the official's reason."""

    __tablename__ = "identity_vci_deferred"

    id: int | None = Field(default=None, primary_key=True)
    transaction_hash: str = Field(max_length=64, unique=True)
    token_hash: str = Field(max_length=64, index=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    kind: str = Field(max_length=16)
    holder_jwks: str = Field(sa_column=Column(Text, nullable=False))  # JSON list of public JWKs
    status: str = Field(default="pending", max_length=12, index=True)  # pending, approved, refused, issued, revoked
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    decided_by: int | None = Field(default=None, foreign_key="user_account.id")
    decided_at: datetime | None = None
    note: str | None = Field(default=None, max_length=500)  # the official's reason for a refusal, told to the citizen


class VpRequest(SQLModel, table=True):
    """An OpenID4VP request of a registered relying party: its nonce, DCQL query and (once answered) the
    verified result. The id is the random handle in request_uri and response_uri."""

    __tablename__ = "identity_vp_request"

    id: str = Field(primary_key=True, max_length=32)
    client_id: str = Field(max_length=200)
    nonce: str = Field(max_length=64)
    state: str = Field(max_length=64)
    dcql: str = Field(sa_column=Column(Text, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(index=True)
    fetched_at: datetime | None = None
    answered_at: datetime | None = None
    result: str | None = Field(default=None, sa_column=Column(Text, nullable=True))  # JSON of verified claims
    error: str = Field(default="", max_length=80)
    # "direct_post" or "direct_post.jwt" (the answer comes as a JWE to enc_key, a per-request P-256 key sealed
    # with crypto.seal; OpenID4VP 1.0 §8.3)
    response_mode: str = Field(default="direct_post", max_length=20)
    enc_key: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class HeldCredential(SQLModel, table=True):
    """A credential another trusted issuer gave the citizen's wallet (``oid4vci_holder.py``). The credential lives in
    the wallet; the server keeps who holds which type from whom, bound to which key, so that answers through the
    server are checked as the holder's own and the activity log names them."""

    __tablename__ = "identity_held_credential"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    issuer: str = Field(max_length=300)
    configuration_id: str = Field(max_length=100)
    vct: str = Field(max_length=200)
    holder_thumbprint: str = Field(max_length=64, index=True)
    key_mode: str = Field(default="browser", max_length=8)
    received_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
