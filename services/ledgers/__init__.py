"""Kund- och leverantörsreskontra: open items at a balance date, ageing, per party. Pages call `api`."""
