"""Documents anyone can check: the CA certificates and CRLs, verify-a-PDF, and the registry behind the
verification codes printed on results and receipts (docs/TRUST.md)."""
