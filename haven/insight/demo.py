"""Demo: build the analytics store from the demo's records (insight seeds last), so the
problem profile and the measures have figures the moment an analyst signs in."""

from haven.insight.services import do_refresh_store


def seed(context):
    do_refresh_store(actor=None)
