"""The tests of this fault suite run in a random order (they share one sandbox)."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared"))
from sandbox_helpers import shuffle_tests as pytest_collection_modifyitems  # noqa: E402,F401  pylint: disable=wrong-import-position,unused-import
