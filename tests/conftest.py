"""Hypothesis profiles: ``dev`` (default) and ``ci`` (fewer examples, no deadline, derandomized).

Choose with ``HYPOTHESIS_PROFILE``; when it is unset, ``ci`` is used if ``$CI`` is set (CI sets it).
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=30, deadline=None, derandomize=True, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
