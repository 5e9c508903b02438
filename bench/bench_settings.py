"""Settings for the HTTP benchmarks only (bench/bench_access_log.py, bench/load/): Haven's own
settings, signed in by API token without a second factor, and the one switch that exists only
here: `HAVEN_BENCH_ACCESS_LOG=off` stops the access log being written, to measure its cost.

`haven.access.log` honours HAVEN_BENCH_ACCESS_LOG_OFF only when this module is the settings
module (and refuses to start otherwise). This file is not part of the installed package
(pyproject: packages `haven*`), so a production installation cannot select it.
"""

import os

from haven.settings import *  # noqa: F403 - Haven's settings, then the bench's changes

# Bench users have API tokens and no authenticator (never outside a benchmark).
HAVEN_REQUIRE_OTP = False
HAVEN_BENCH_ACCESS_LOG_OFF = os.environ.get("HAVEN_BENCH_ACCESS_LOG", "on") == "off"
