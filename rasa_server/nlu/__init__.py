"""The NLU pieces the Rasa server loads: the MiniLM sentence-encoder featurizer, and the spaCy pipeline's config.

spacy_pipeline.cfg is assembled offline into build/spacy/pipeline (`make spacy`), with the
domain terms of content/terms.yml as entity-ruler patterns (tools/build_spacy_patterns.py).
"""
