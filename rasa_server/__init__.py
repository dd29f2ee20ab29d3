"""What the Rasa server loads: its launcher, input channels, NLU components, lock store and one patch.

Rasa finds the plug-ins by dotted path: the channels in credentials.yml
(``rasa_server.channels.*``), the sentence-encoder featurizer in config.yml
(``rasa_server.nlu.featurizer``) and the lock store in endpoints.yml
(``rasa_server.lock_store.RedisLockStore``). ``python -m rasa_server`` is the rasa command
line with the patch installed and the settings read from the environment. The private Rasa
and engine.io internals these rely on are listed in docs/architecture.md ("The cost of a Rasa
upgrade") and checked by tests/unit/test_rasa_internals.py.
"""
