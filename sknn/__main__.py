"""``python -m sknn``: the ``sknn`` command (:mod:`sknn.cli`)."""

import sys

from .cli import main

sys.exit(main())
