"""Shared test settings.

Under CI (the `CI` environment variable, set by .ci/run's caller) hypothesis runs
derandomized, so a submission's result never depends on the draw; locally it
explores new examples every run.
"""

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
