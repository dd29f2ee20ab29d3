"""`python -m actions`: starts the action server (actions/server.py), the answer reader's encoder loaded first."""

from actions.server import main
from actions.wiring import warm_up

if __name__ == "__main__":
    warm_up()
    main()
