"""Conversation stores for running several Rasa instances (docs/deploy.md).

endpoints.yml names `advisor_stores.RedisLockStore` as the lock store type when
LOCK_STORE_TYPE is set to it.
"""

from advisor_stores.redis_lock_store import RedisLockStore

__all__ = ["RedisLockStore"]
