"""A bulk job's pause of the cyclic garbage collector ends with the job, however it ends."""

import gc

import pytest

from haven.core.bulk import without_cyclic_gc


@pytest.fixture
def collector_on():
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_inside_and_running_again_after(collector_on):
    with without_cyclic_gc():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_job_that_fails_still_leaves_the_collector_running(collector_on):
    with pytest.raises(RuntimeError), without_cyclic_gc():
        raise RuntimeError("the relink failed")
    assert gc.isenabled()


def test_a_collector_paused_before_the_job_stays_paused(collector_on):
    gc.disable()
    with without_cyclic_gc():
        pass
    assert not gc.isenabled()
