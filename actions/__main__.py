"""`python -m actions`: starts the action server (actions/server.py), the answer reader's encoder loaded first.

Answers past their review-by date are logged once here, as it starts (they still answer).
"""

from actions.server import configure_logging, main
from actions.wiring import log_overdue_content, warm_up

if __name__ == "__main__":
    configure_logging()
    log_overdue_content()
    warm_up()
    main()
