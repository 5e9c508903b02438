"""`haven policy`: print every policy setting (key, type and bounds, default, basis) as the
Markdown table published in docs/policy.md, from haven.forces.policy.DEFAULTS."""

import json

from django.core.management.base import BaseCommand

from haven.forces.policy import DEFAULTS


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


class Command(BaseCommand):
    help = "Print the policy settings a force may override, with their bounds and defaults."

    def handle(self, *args, **options):
        self.stdout.write("| key | type and bounds | default | basis |")
        self.stdout.write("|---|---|---|---|")
        for key in sorted(DEFAULTS):
            setting = DEFAULTS[key]
            default = json.dumps(setting.default)
            self.stdout.write(f"| `{key}` | {_cell(setting.describe())} | `{_cell(default)}` | "
                              f"{_cell(setting.basis)} |")
