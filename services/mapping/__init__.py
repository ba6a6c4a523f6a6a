"""Kontomappning: the company's accounts against the reference chart, and Fortnox's facts about them. Pages call
`api`."""
