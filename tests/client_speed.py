"""Client settings every test uses: Fortnox's 25 requests per window with the window scaled down 100 times (the
session sandbox allows far more), and retries after a hundredth of a second, so tests exercise the throttle and
the retries without waiting."""

FAST_CLIENT = {"FORTNOX_RATE_LIMIT": "25/0.05", "FORTNOX_RETRY_DELAY": "0.01"}
