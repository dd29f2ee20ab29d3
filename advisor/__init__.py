"""The HSST advisor's core, with no Rasa import: content, route rules, answer reading, reply text, message checks.

Nothing here reads a file when imported. Functions take the content they need as arguments;
the action server's wiring (actions/wiring.py) is the one place that loads it.
"""
