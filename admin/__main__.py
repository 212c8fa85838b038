"""``python -m admin``: see admin/cli.py and docs/admin.md."""

import sys

from .cli import main

sys.exit(main())
