// gas_emulator V8 runtime prelude: evaluated first in every execution's fresh context.
// It turns the Python services into JavaScript objects (one generic wrapper per Python class),
// points Date and Math.random at the emulator's clock and seeded random source, installs the
// not-emulated services, and defines the hidden entry point that calls a user function.
// Values cross the bridge as primitives or as one JSON "typed tree" (see runtime/bridge.py).
(function (global) {
  'use strict';
  var call = global.__gasCall, now = global.__gasNow, init = JSON.parse(global.__gasInit);
  var zone = global.__gasZone;
  delete global.__gasCall; delete global.__gasNow; delete global.__gasInit; delete global.__gasZone;
  var MARK = init.mark, ML = MARK.length, HKEY = '__gasHandle';
  var RealDate = Date, RealError = Error, isArray = Array.isArray, stringify = JSON.stringify;
  var parse = JSON.parse, keysOf = Object.keys, defineProperty = Object.defineProperty;
  // Maps, not arrays: reading past an array's end or a hole (new Array(n)) misses its inline cache,
  // and in a fresh context every such miss walks all of the isolate's contexts, up to 256
  // (Isolate::IsInAnyContext: 7% of bench/sim.py's JavaScript run, measured with perf).
  var classes = new Map(), handles = new Map();

  // ---------------------------------------------------------------- values: JS -> Python
  function enc(v, seen) {
    if (v === null) return null;
    switch (typeof v) {
      case 'string': case 'boolean': return v;
      case 'number': return isFinite(v) ? v : ['n', String(v)];
      case 'undefined': return ['u'];
      case 'function': return ['f', String(v)];
      case 'bigint': return String(v);
      case 'symbol': return ['u'];
    }
    if (v instanceof RealDate) return ['d', v.getTime(), String(v)];
    var h = v.__gasHandle;  // named loads: a keyed one may walk every context (see handles)
    if (typeof h === 'number') return ['h', h];
    if (seen.indexOf(v) >= 0) return ['o', {}];  // a cycle: cut it
    seen.push(v);
    var out;
    if (isArray(v)) {
      out = [];  // packed, not new Array(n): see handles
      for (var i = 0; i < v.length; i++) out.push(enc(v[i], seen));
      out = ['a', out];
    } else {
      var o = {}, ks = keysOf(v);
      for (var j = 0; j < ks.length; j++) o[ks[j]] = enc(v[ks[j]], seen);
      out = ['o', o];
    }
    seen.pop();
    return out;
  }

  // ---------------------------------------------------------------- values: Python -> JS
  function dec(v) {
    if (v === null || typeof v !== 'object') return v;
    switch (v[0]) {
      case 'a': return v[1].map(dec);
      case 'o':
        var o = {}, ks = keysOf(v[1]);
        for (var i = 0; i < ks.length; i++) o[ks[i]] = dec(v[1][ks[i]]);
        return o;
      case 'd': return new RealDate(v[1]);
      case 'n': return Number(v[1]);
      case 'u': return undefined;
      case 'h': return wrapper(v);
    }
    throw new RealError('gas_emulator: bad value from Python: ' + stringify(v));
  }

  function wrapper(v) {
    var w = handles.get(v[1]);
    if (w !== undefined) return w;
    var C = classes.get(v[2]);
    if (C === undefined) classes.set(v[2], C = makeClass(v[3], v[4]));
    w = Object.create(C.prototype);
    defineProperty(w, HKEY, {value: v[1]});
    handles.set(v[1], w);
    return w;
  }

  // ---------------------------------------------------------------- service classes
  function makeClass(name, spec) {
    var C = function () { throw new TypeError('Illegal constructor'); };
    defineProperty(C, 'name', {value: name});
    var proto = C.prototype;
    spec.m.forEach(function (m) { defineProperty(proto, m, {value: method(m), writable: true}); });
    keysOf(spec.c).forEach(function (k) { defineProperty(proto, k, {value: dec(spec.c[k]), enumerable: true}); });
    // methods a class writes in JavaScript (JS_METHODS: HtmlTemplate.evaluate runs its scriptlets
    // here), evaluated in the global scope, sloppy mode (templates use `with`)
    keysOf(spec.j || {}).forEach(function (k) { defineProperty(proto, k, {value: (0, eval)('(' + spec.j[k] + ')'), writable: true}); });
    if (spec.m.indexOf('toString') < 0) {
      defineProperty(proto, 'toString', {value: function toString() { return name; }, writable: true});
    }
    return C;
  }

  function method(name) {
    // No keyed element loads (args[i], a[0]) here: each call site's first miss, in every fresh
    // context, walks all of the isolate's contexts (see handles); builtins (at, pop, map, spread)
    // do the same work without an inline cache.
    var f = function (...args) {
      var h = this == null ? undefined : this.__gasHandle;
      if (typeof h !== 'number') throw new TypeError('Illegal invocation: ' + name);
      while (args.length > 0 && args.at(-1) === undefined) args.pop();
      var mask = 0, r;
      var a = args.map(function (x, i) {
        if (x !== null && (typeof x === 'object' || typeof x === 'function') && i < 31) {
          mask |= 1 << i;
          return stringify(enc(x, []));
        }
        if (typeof x === 'string' && i < 31 && !x.isWellFormed()) {
          mask |= 1 << i;  // a lone surrogate: STPyV8 would make it U+FFFD; JSON escapes keep it
          return stringify(x);
        }
        return x;
      });
      r = call(h, name, mask, ...a);
      if (typeof r === 'string' && r.charCodeAt(0) === 0 && r.length > ML && r.startsWith(MARK)) {
        if (r.charCodeAt(ML) === 104) return handles.get(+r.substring(ML + 1));  // 'h': a known handle
        return special(parse(r.substring(ML)), f);
      }
      return r;
    };
    defineProperty(f, 'name', {value: name});
    return f;
  }

  function special(v, f) {
    if (isArray(v) && v[0] === 'e') {
      var e = new RealError(v[1]);
      e.name = v[2];
      RealError.captureStackTrace(e, f);
      throw e;
    }
    if (isArray(v) && v[0] === 't') {
      for (;;) {}  // the host requested termination: the next interrupt check ends the script
    }
    return dec(v);
  }

  // ---------------------------------------------------------------- Date and Math.random
  function GasDate(y, m, d, h, mi, s, ms) {
    if (!new.target) return String(new RealDate(Math.floor(now())));
    var args = arguments.length === 0 ? [Math.floor(now())] : arguments;
    return Reflect.construct(RealDate, args, new.target);
  }
  GasDate.prototype = RealDate.prototype;
  defineProperty(RealDate.prototype, 'constructor', {value: GasDate, writable: true, configurable: true});
  defineProperty(GasDate, 'now', {value: function now_() { return Math.floor(now()); }, writable: true});
  defineProperty(GasDate.now, 'name', {value: 'now'});
  GasDate.parse = RealDate.parse;
  GasDate.UTC = RealDate.UTC;
  defineProperty(global, 'Date', {value: GasDate, writable: true, configurable: true});

  // ---------------------------------------------------------------- Intl: the script's time zone
  // Date's local time follows the isolate's zone, but Intl reads ICU's process-wide default zone
  // at each call (see runtime/icu.py), so a format without a timeZone option gets the script's.
  function zoned(options) {
    if (options === undefined) return {timeZone: zone};
    if (options !== null && typeof options === 'object' && options.timeZone === undefined) {
      return Object.create(options, {timeZone: {value: zone, enumerable: true}});
    }
    return options;
  }
  var RealDateTimeFormat = Intl.DateTimeFormat;
  function DateTimeFormat(locales, options) {
    if (new.target) return Reflect.construct(RealDateTimeFormat, [locales, zoned(options)], new.target);
    return RealDateTimeFormat.call(this, locales, zoned(options));
  }
  defineProperty(DateTimeFormat, 'length', {value: 0});
  defineProperty(DateTimeFormat, 'prototype', {value: RealDateTimeFormat.prototype});
  defineProperty(DateTimeFormat, 'supportedLocalesOf', {value: RealDateTimeFormat.supportedLocalesOf,
                                                        writable: true, configurable: true});
  defineProperty(RealDateTimeFormat.prototype, 'constructor', {value: DateTimeFormat, writable: true,
                                                               configurable: true});
  defineProperty(Intl, 'DateTimeFormat', {value: DateTimeFormat, writable: true, configurable: true});
  ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString'].forEach(function (name) {
    var real = RealDate.prototype[name];
    var f = function (locales, options) { return real.call(this, locales, zoned(options)); };
    defineProperty(f, 'name', {value: name});
    defineProperty(f, 'length', {value: 0});
    defineProperty(RealDate.prototype, name, {value: f, writable: true, configurable: true});
  });

  var s0 = init.seed[0] >>> 0, s1 = init.seed[1] >>> 0, s2 = init.seed[2] >>> 0, s3 = init.seed[3] >>> 0;
  function next32() {  // xoshiro128** (Blackman and Vigna), seeded from the execution's rng
    var r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0, t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    return r;
  }
  function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }
  defineProperty(Math, 'random', {value: function random() {
    return ((next32() >>> 5) * 67108864 + (next32() >>> 6)) / 9007199254740992;  // 53 bits, like V8
  }, writable: true, configurable: true});

  // ---------------------------------------------------------------- globals
  // Taken before the services are installed: a service or stub global is an object, never a
  // function, so leaving them out changes no answer of run() below, and reading them here would
  // build every one of them.
  // Map and Reflect.get: a keyed load from the global object misses its inline cache, and every
  // miss walks all of the isolate's contexts (Isolate::IsInAnyContext; 9% of bench/sim.py).
  var builtins = new Map(), reflectGet = Reflect.get;
  Object.getOwnPropertyNames(global).forEach(function (k) { builtins.set(k, reflectGet(global, k)); });

  // Each service global is built on first use (most scripts touch two or three of them): an
  // accessor that replaces itself with the plain data property the eager version defined.
  function lazyGlobal(name, make) {
    function settle(value) {
      defineProperty(global, name, {value: value, writable: true, configurable: true});
      return value;
    }
    defineProperty(global, name, {get: function () { return settle(make()); }, set: settle,
                                  configurable: true});
  }
  init.globals.forEach(function (name) {
    lazyGlobal(name, function () { return dec(parse(call(-1, name, 0))); });
  });
  keysOf(init.notEmulated).forEach(function (name) {
    lazyGlobal(name, function () { return notEmulated(name, init.notEmulated[name]); });
  });
  init.absent.forEach(function (name) { delete global[name]; });

  function notEmulated(name, message) {
    var stub = new Proxy({}, {get: function (t, p) {
      if (typeof p === 'symbol') return undefined;
      if (p === 'toString') return function toString() { return name; };
      var e = new RealError(message);
      e.name = 'Exception';
      RealError.captureStackTrace(e, stub);
      throw e;
    }});
    return stub;
  }

  // ---------------------------------------------------------------- the entry point
  function describe(e) {
    try {
      if (e instanceof RealError || (e && typeof e === 'object' && 'stack' in e && 'message' in e)) {
        return ['err', String(e.message), String(e.name), String(e.stack)];
      }
      return ['err', String(e), '', ''];
    } catch (inner) {
      return ['err', 'Uncaught exception', '', ''];
    }
  }

  function run(name, argsJson) {
    var fn = global[name];
    if (typeof fn !== 'function' || (builtins.has(name) && builtins.get(name) === fn)) return stringify(['nf']);
    try {
      var v = fn.apply(undefined, dec(parse(argsJson)));
      if (v !== null && typeof v === 'object' && typeof v.__gasHandle === 'number') return stringify(['h', v.__gasHandle]);
      var text;
      try { text = stringify(v); } catch (cycle) { text = stringify(String(v)); }
      return '["ok",' + (text === undefined ? 'null' : text) + ']';
    } catch (e) {
      return stringify(describe(e));
    }
  }
  defineProperty(global, '__gasRun', {value: run});
})(this);
