"""The action server package: Rasa custom actions and the plain-Python modules they use."""
