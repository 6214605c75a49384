"""Run the command line: ``python -m atlas.cli``."""

import sys

from atlas.cli.main import main

sys.exit(main())
