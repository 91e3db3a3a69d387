"""Identity pillar: accounts, sessions, roles, login providers (and later the wallet)."""
