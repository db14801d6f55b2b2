"""``python -m formcheck`` is the same as the ``formcheck`` command."""

import sys

from formcheck.cli import main

sys.exit(main())
