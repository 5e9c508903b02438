"""One Spark session for the Spark tests (issue 19): the JVM takes seconds to start.

Import the fixture into a test module (``from haven.people.linkage.tests.spark_fixture
import spark  # noqa: F401``). The session is ``local[2]`` with a small driver and few
shuffle partitions; ``getOrCreate`` means every module of one test process shares it.
Needs Java 17 (scripts/setup installs Debian's openjdk-17-jre-headless).
"""

import pytest


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    import os

    os.environ.setdefault("HAVEN_SPARK_CHECKPOINT_DIR",
                          str(tmp_path_factory.mktemp("spark-checkpoints")))
    from haven.people.linkage.spark import spark_session

    session = spark_session("local[2]", driver_memory="1g", shuffle_partitions=2,
                            app_name="haven-tests")
    yield session
    session.stop()
