"""The rasa command line, without walls of deprecation warnings.

Sanic 21.12 (pinned by Rasa 3.6) switches DeprecationWarning back on when it is
imported, overriding PYTHONWARNINGS. The warnings concern Rasa's own dependencies
and nothing a user of this project can act on, so they are silenced again here.
"""

import sys
import warnings

import sanic  # noqa: F401  (imported first so that its warning filter can be overridden)

warnings.filterwarnings("ignore", category=DeprecationWarning)

from rasa.__main__ import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
