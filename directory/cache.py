"""A Redis cache that degrades to "no cache" when Redis is unreachable.

The cache holds geocoding results and facet counts: losing it makes pages slower, never broken.
"""

import logging

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


def _tolerant(method, fallback):
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except (RedisError, OSError) as error:
            logger.warning("cache unavailable (%s): %s", method.__name__, error)
            return fallback(*args, **kwargs) if callable(fallback) else fallback

    call.__name__ = method.__name__
    return call


class ResilientRedisCache(RedisCache):
    get = _tolerant(RedisCache.get, lambda key, default=None, version=None: default)
    get_many = _tolerant(RedisCache.get_many, {})
    set = _tolerant(RedisCache.set, None)
    set_many = _tolerant(RedisCache.set_many, [])
    add = _tolerant(RedisCache.add, False)
    delete = _tolerant(RedisCache.delete, False)
    delete_many = _tolerant(RedisCache.delete_many, None)
    touch = _tolerant(RedisCache.touch, False)
    has_key = _tolerant(RedisCache.has_key, False)
    incr = _tolerant(RedisCache.incr, None)
    clear = _tolerant(RedisCache.clear, None)
