import pytest


@pytest.fixture(autouse=True)
def _insight_store(settings, tmp_path):
    """Each test builds its own store with its own pseudonym key (never var/)."""
    settings.HAVEN_INSIGHT_STORE = str(tmp_path / "insight.duckdb")
    settings.HAVEN_INSIGHT_KEY = "test-insight-key"
