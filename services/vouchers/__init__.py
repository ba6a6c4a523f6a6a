"""Verifikationer: year-end vouchers written, checked, exported to Fortnox exactly once, and as SIE 4I. Pages call
`api`."""
