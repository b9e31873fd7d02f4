"""frontline: map who controls what from war reporting, offline.

The pipeline is ``documents`` -> ``gazetteer`` + ``toponyms`` -> ``dates`` -> ``events`` ->
``store`` -> ``control`` -> ``render`` / ``export``. Import the stage you need; this package
module only re-exports the main entry points and does no work at import time.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
