"""Secret keys kept outside the database (the access log's anchor key, insight's pseudonym
key): a setting or environment variable, else a key generated once into a file under var/
readable by the service's account only."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.conf import settings


def install_key(name: str, file_name: str) -> bytes:
    """The key `name` from settings or the environment, else var/`file_name` (made once)."""
    configured = getattr(settings, name, "") or os.environ.get(name, "")
    if configured:
        return configured.encode()
    path = Path(settings.VAR_DIR) / file_name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text().strip().encode()
