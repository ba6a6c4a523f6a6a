"""Översikt: where every client company the person may see stands (connection, last import, reconciliation, drafts
waiting for export), read from what the other features keep. Pages call `api`."""
