"""The simulator benchmark's Python workload: six service calls per execution (bench/sim.py)."""


def six_calls(ex):
    """User lock, read and write a user property, release, then put and get a cache entry."""
    lock = ex.LockService.getUserLock()
    lock.waitLock(30000)
    props = ex.PropertiesService.getUserProperties()
    value = int(props.getProperty("count") or "0") + 1
    props.setProperty("count", str(value))
    lock.releaseLock()
    cache = ex.CacheService.getUserCache()
    key = f"id-{value}"
    cache.put(key, str(value), 600)
    return [value, cache.get(key)]
