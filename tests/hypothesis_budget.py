"""How hard the property tests search: the full budget for `make test`, a fifth of it for `make check`.

`make check` (the inner loop, under a minute on the 2-core dev machine) sets HYPOTHESIS_PROFILE=check; `make test`
and a plain `pytest` run leave it unset and get every example. The properties are the same in both; only the number
of drawn examples changes. Every property test takes its example count through `examples()`, because an explicit
`max_examples` in `@settings` wins over the loaded profile.
"""

from __future__ import annotations

import os

from hypothesis import settings

FULL = "full"
CHECK = "check"
CHECK_SHARE = 5  # `make check` draws one example in five, and at least MIN_CHECK_EXAMPLES
MIN_CHECK_EXAMPLES = 10

# No deadline in either: on a shared machine an example can take a second for no fault of the code (tests never
# depend on wall-clock timing).
settings.register_profile(FULL, deadline=None)
settings.register_profile(CHECK, deadline=None,
                          max_examples=settings.get_profile("default").max_examples // CHECK_SHARE)


def profile() -> str:
    return os.environ.get("HYPOTHESIS_PROFILE", FULL)


def load_profile() -> None:
    """Called by tests/conftest.py before any test module is imported."""
    settings.load_profile(profile())


def examples(full: int) -> int:
    """The examples a property with a full budget of `full` draws under the chosen profile."""
    return max(MIN_CHECK_EXAMPLES, full // CHECK_SHARE) if profile() == CHECK else full
