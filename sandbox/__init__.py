"""A local, faithful stand-in for Fortnox: its OAuth2 server and REST API v3, with seeded demo companies.

The sandbox is a foreign system on purpose: it imports nothing from `services/` or `app_pages/`, so a
misunderstanding of Fortnox's contract shows up as a failing test instead of being shared by both sides.
Start it with `python -m sandbox`, in a thread with `sandbox.background.start_server`, or in-process with
`sandbox.server.create_app`.
"""

