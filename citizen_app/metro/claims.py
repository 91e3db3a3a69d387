"""Seam to the identity wallet: which concession claims the rider holds right now.

Reads only the metadata of credentials the app issued (kind, not revoked, not expired). No claim value
other than a yes/no is read, so no birth date, school or name ever reaches the metro pillar.
"""

from __future__ import annotations

from sqlmodel import Session

# wallet credential kind -> the claim name products ask for (data/metro/metro.json "requires_claim")
CLAIM_OF_KIND: dict[str, str] = {"student": "student", "age60": "age_over_60"}


def verified_claims(db: Session, user_id: int | None) -> dict[str, bool]:
    """``{"student": bool, "age_over_60": bool}`` from the user's valid credentials (all False if anonymous)."""
    claims = dict.fromkeys(CLAIM_OF_KIND.values(), False)
    if user_id is None:
        return claims
    from citizen_app.wallet.credentials import active_kinds

    for kind in active_kinds(db, user_id):
        claim = CLAIM_OF_KIND.get(kind)
        if claim:
            claims[claim] = True
    return claims
