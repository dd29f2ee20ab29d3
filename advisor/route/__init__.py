"""The route advisor ("which route fits me"): a person's answers in, recommendations out, no Rasa import."""
