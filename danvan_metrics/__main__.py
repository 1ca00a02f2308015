"""Entry point for ``python -m danvan_metrics``."""

import sys

from danvan_metrics.cli.main import main

sys.exit(main())
