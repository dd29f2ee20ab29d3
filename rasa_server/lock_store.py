"""The lock store for several Rasa instances: Rasa's Redis lock store, safe for one conversation's messages at once.

endpoints.yml names it (`rasa_server.lock_store.RedisLockStore`) when LOCK_STORE_TYPE says so (docs/operations.md).

Rasa's RedisLockStore keeps each conversation's ticket lock as one JSON value and changes it
by reading, changing and writing it back. Two instances that take a message for the same
conversation at the same moment both read "no lock", both issue themselves ticket 0, and
both handle their message at once: the SQL tracker store then keeps only one of the two
turns (seen in tests/e2e/test_stores.py; Rasa issue #9213; the ConcurrentRedisLockStore that
fixed it, RasaHQ/rasa#11256, was reverted from Rasa Open Source). Here every read-change-write
of a conversation's lock runs under a short Redis mutex for that conversation, so tickets
are issued one at a time and a lock is never deleted while another instance waits on it.
"""

from __future__ import annotations

from typing import Any

from rasa.core import lock_store
from rasa.utils.endpoints import EndpointConfig

# A mutex is held for a few Redis round trips; it expires on its own if its holder dies.
MUTEX_SECONDS = 5
MUTEX_WAIT_SECONDS = 30


class RedisLockStore(lock_store.RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        """Rasa builds a lock store named by its module path from the endpoint config."""
        if endpoint_config is not None:
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs, **settings}
        super().__init__(**settings)

    def _mutex(self, conversation_id: str):
        return self.red.lock(
            f"{self.key_prefix}{conversation_id}:mutex", timeout=MUTEX_SECONDS, blocking_timeout=MUTEX_WAIT_SECONDS
        )

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = lock_store.LOCK_LIFETIME) -> int:
        with self._mutex(conversation_id):
            return super().issue_ticket(conversation_id, lock_lifetime)

    def update_lock(self, conversation_id: str) -> None:
        with self._mutex(conversation_id):
            super().update_lock(conversation_id)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        with self._mutex(conversation_id):
            super().cleanup(conversation_id, ticket_number)
