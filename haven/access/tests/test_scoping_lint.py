"""A view or API that reaches a sensitive table directly skips scoping and the access log.

Like the NHS breast-screening service's linter: the edges (views.py, api.py) must fetch
sensitive records through the room's scoped accessors, never `Model.objects` directly.
"""

import re
from pathlib import Path

HAVEN = Path(__file__).resolve().parents[2]
SENSITIVE = ["Person", "SourceRecord", "Address", "Entry", "Incident", "Involvement",
             "Assessment", "LegacyRecord", "AccessLogEntry", "Draft", "EnrolmentToken"]
PATTERN = re.compile(r"\b(" + "|".join(SENSITIVE) + r")\.objects\b")
# The auditor's search is the one place that reads the log itself, after require().
ALLOWED = {("access", "views.py", "AccessLogEntry")}


def edge_files():
    for path in sorted(HAVEN.glob("*/views*.py")) + sorted(HAVEN.glob("*/api*.py")):
        yield path
    for path in sorted(HAVEN.glob("*/views/*.py")) + sorted(HAVEN.glob("*/api/*.py")):
        yield path


def test_views_and_apis_do_not_query_sensitive_tables_directly():
    offences = []
    for path in edge_files():
        room = path.relative_to(HAVEN).parts[0]
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in PATTERN.finditer(line):
                if (room, path.name, match.group(1)) not in ALLOWED:
                    offences.append(f"{path.relative_to(HAVEN)}:{number}: {match.group(0)}")
    assert offences == [], "use the room's access_…/scoped_… functions:\n" + "\n".join(offences)
