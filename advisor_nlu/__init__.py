"""Custom NLU components for the Rasa pipeline, and the plain code behind them."""
