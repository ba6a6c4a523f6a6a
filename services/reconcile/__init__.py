"""Avstämning: the ledgers against the general ledger, the books on their own, and the people's work on what was
found (marks, corrections, sign-off) until the reconciliation closes. Pages and the command line call `api`."""
