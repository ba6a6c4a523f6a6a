"""A thin, typed client for Fortnox's REST API v3 and its OAuth2 server.

One concern per module: `config` (settings), `auth` (OAuth2 token calls), `client` (httpx, bearer auth, errors),
`paginate`, `resources` (typed calls), `errors` (the exception hierarchy), `jsonio` (exact JSON numbers).
"""
