"""Cashless payments: orders, provider registry (sandbox gateway), VietQR, receipts and reconciliation.

See ``citizen_app.payments.service`` for how other pillars create orders and register fulfilment callbacks.
"""
