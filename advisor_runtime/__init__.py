"""Settings and fixes applied to the Rasa server process at start-up (scripts/rasa_quiet.py)."""
