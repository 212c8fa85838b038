"""Settings for the published build: pelicanconf.py plus what only production needs."""

import os
import sys

sys.path.append(os.curdir)
from pelicanconf import *  # noqa: E402,F403

# Tiles only when online and configured; offline copies and the demo show boundaries only.
CB_MAPS_TILES = os.environ.get("CB_MAPS_TILES") or None
DELETE_OUTPUT_DIRECTORY = False  # clearbuild.build swaps whole folders instead
