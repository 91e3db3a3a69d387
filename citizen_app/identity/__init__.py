"""Identity pillar: accounts, sessions, roles, login providers, profile, passkeys, the ward desk and recovery, the
activity log. The wallet (``citizen_app.wallet``) and digital signing (``citizen_app.signing``) build on it."""
