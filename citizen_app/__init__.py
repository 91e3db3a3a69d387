"""Công dân số — the HCMC digital citizen app."""
