#!/usr/bin/env python
"""Kept for Django tooling; operators use the `haven` command (haven/cli.py)."""
from haven.cli import main

if __name__ == "__main__":
    main()
