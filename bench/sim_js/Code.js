/** The simulator benchmark's JavaScript workload: the same six calls as bench/sim_workload.py. */
function sixCalls() {
  var lock = LockService.getUserLock();
  lock.waitLock(30000);
  var props = PropertiesService.getUserProperties();
  var value = Number(props.getProperty('count') || 0) + 1;
  props.setProperty('count', String(value));
  lock.releaseLock();
  var cache = CacheService.getUserCache();
  var key = 'id-' + value;
  cache.put(key, String(value), 600);
  return [value, cache.get(key)];
}

/** The call-heavy workload: 100 service calls per execution (50 cache puts and 50 gets), no lock. */
function hundredCalls() {
  var cache = CacheService.getUserCache();
  var hits = 0;
  for (var i = 0; i < 50; i++) {
    cache.put('k' + i, String(i), 600);
    if (cache.get('k' + i) === String(i)) hits++;
  }
  return hits;
}
