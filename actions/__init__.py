"""The action server: rasa-sdk actions that gather answers, call the core (advisor/) and send what it renders.

Run with ``python -m actions``. ``wiring`` loads and checks the content once at start-up;
``faq`` answers questions; ``route_form`` runs the route advisor's questions and advice.
"""
