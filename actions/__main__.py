"""`python -m actions`: starts the action server (actions/server.py)."""

from actions.server import main

if __name__ == "__main__":
    main()
