"""An ingest batch's commit does not wait for the disk; every other commit still does."""

import pytest
from django.db import connection, transaction

from haven.core.bulk import commit_without_waiting

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="synchronous_commit is PostgreSQL's; SQLite has nothing to do"),
]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_only_the_batch_that_asks_commits_without_waiting():
    with transaction.atomic():
        commit_without_waiting()
        assert _synchronous_commit() == "off"
    with transaction.atomic():
        # the next transaction (the ingest's access-log entry) waits for the disk again
        assert _synchronous_commit() == "on"


def test_outside_a_transaction_it_refuses_rather_than_change_the_connection():
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        commit_without_waiting()
    assert _synchronous_commit() == "on"
