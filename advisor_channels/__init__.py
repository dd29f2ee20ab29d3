"""Input channels for the Rasa server, each checking what users send before Rasa sees it."""
