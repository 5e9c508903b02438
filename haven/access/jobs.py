"""access's periodic jobs (haven/core/jobs.py): seal the access log, prune idempotency keys.

Sealing is first attempted after every transaction that logged (haven.access.log); that
attempt gives way when another sealer is at work, so the worker seals every minute too, and
an idle installation's last entries are not left unsealed for long (ADR 0005).
"""

import datetime as dt

from django_tasks import task

from haven.access.log import seal
from haven.core.idempotency import do_prune_idempotency_keys
from haven.core.jobs import periodic


@periodic(every=dt.timedelta(minutes=1))
@task()
def seal_access_log() -> int | None:
    """Chain the entries not yet sealed; the new head's id, or None (nothing to seal)."""
    sealed = seal()
    return sealed["last_id"] if sealed else None


@periodic(every=dt.timedelta(hours=1))
@task()
def prune_idempotency_keys() -> int:
    """Delete idempotency keys past their retention (count only in the log)."""
    return do_prune_idempotency_keys(actor=None)
