"""`make bench`: the load benchmark (run.py) and the conversations it sends (conversations.yml)."""
