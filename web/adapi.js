// adapi.js: the one script a page includes to get adApi.startCall.
//
// It installs adApi at once (keeping whatever the page already put on its
// adApi object), queues calls made before the WebAssembly module is ready,
// loads wasm_exec.js and adapi.wasm beside itself (streaming instantiation)
// and hands the queue over when Go has registered its startCall.
//
// It is also the wall between the page and Go. A widget's arguments are
// copied here, inside try/catch, into plain data that keeps each value's
// type (snapshot below): a getter or Proxy that throws, a BigInt, a Symbol,
// a 10 MB string, a cycle, all become data that Go can judge and name in an
// invalid_args error, instead of an exception unwinding through Go's frames.
// Go never reads a page value itself.
;(function () {
  'use strict'

  const script = document.currentScript
  const base = new URL('.', script && script.src ? script.src : location.href)

  // The bridge's limits are 4096 characters a string and 100 custom
  // fields (bridge/object.go); copying one more lets Go say "too long"
  // without copying megabytes.
  const STRING_COPY = 4097
  const FIELDS_COPY = 101
  // The properties of an initialObject that startCall reads
  // (bridge.AssociatedObjectFields); any other is ignored, never read.
  const OBJECT_FIELDS = ['id', 'type', 'displayName', 'displayType', 'customFields']
  const EVENTS = ['ON_NEW_INTERACTION', 'ON_INTERACTION_STATE_CHANGE', 'ON_INTERACTION_REMOVED', 'ON_ACTIVE_INTERACTION_SWITCHED']

  // ---- adApi: the page's object if it has one, with our members added.
  let adApi = globalThis.adApi
  if ((typeof adApi !== 'object' && typeof adApi !== 'function') || adApi === null) {
    adApi = {}
    globalThis.adApi = adApi
  }

  // ---- Results: Bright Pattern's OperationResult<InitiateResult>.
  function success (id) {
    return { status: 'success', data: { id: id === undefined ? null : id } }
  }
  function failure (code, name, message) {
    return { status: 'error', error: { code, name, message }, data: { id: null, error: message } }
  }

  // ---- Snapshot: page values to plain data (the shape of bridge.Value).
  function typeOf (v) {
    if (v === null) return 'null'
    const t = typeof v
    if (t === 'object' && Array.isArray(v)) return 'array' // may throw: revoked Proxy
    return t
  }
  function thrown (e) {
    let s
    try { s = String(e) } catch (_) { s = 'an exception that cannot be printed' }
    return { t: 'error', s: s.slice(0, 200) }
  }
  // leaf copies a value without looking inside it.
  function leaf (v) {
    try {
      const t = typeOf(v)
      switch (t) {
        case 'string':
          return v.length > STRING_COPY ? { t, s: v.slice(0, STRING_COPY), l: v.length } : { t, s: v, l: v.length }
        case 'number':
        case 'boolean':
          return { t, s: String(v) }
        case 'array':
          return { t, l: v.length >>> 0 }
        default:
          return { t }
      }
    } catch (e) {
      return thrown(e)
    }
  }
  function read (o, k) {
    let v
    try { v = o[k] } catch (e) { return thrown(e) }
    return leaf(v)
  }
  function customFields (o) {
    let cf
    try { cf = o.customFields } catch (e) { return thrown(e) }
    try {
      if (typeOf(cf) !== 'object') return leaf(cf)
      const keys = Object.keys(cf)
      const n = Math.min(keys.length, FIELDS_COPY)
      const k = new Array(n)
      const v = new Array(n)
      for (let i = 0; i < n; i++) {
        k[i] = keys[i].length > STRING_COPY ? keys[i].slice(0, STRING_COPY) : keys[i]
        v[i] = read(cf, keys[i])
      }
      return { t: 'object', l: keys.length, k, v }
    } catch (e) {
      return thrown(e)
    }
  }
  function associatedObject (o) {
    try {
      if (typeOf(o) !== 'object') return leaf(o)
      const v = new Array(OBJECT_FIELDS.length)
      for (let i = 0; i < OBJECT_FIELDS.length; i++) {
        const f = OBJECT_FIELDS[i]
        v[i] = f === 'customFields' ? customFields(o) : read(o, f)
      }
      return { t: 'object', l: OBJECT_FIELDS.length, k: OBJECT_FIELDS, v }
    } catch (e) {
      return thrown(e)
    }
  }
  // snapshot never throws.
  function snapshot (phoneNumber, initialObject) {
    return { p: leaf(phoneNumber), o: associatedObject(initialObject) }
  }

  // ---- startCall: queued until Go is ready, then Go's, behind the wall.
  let goStartCall = null
  let broken = null // why the module cannot serve calls, once it cannot
  const queue = []

  // callGo calls a Go entry with args and a settle function that resolves
  // the promise once with an OperationResult.
  function callGo (fn, args, resolve) {
    let settled = false
    const settle = function (id, code, name, message) {
      if (settled) return
      settled = true
      resolve(code ? failure(code, name, message) : success(id))
    }
    if (broken) return settle(null, 99, 'unknown_error', broken)
    try {
      fn(...args, settle)
    } catch (e) {
      // "Go program has already exited" and the like: this call fails,
      // and so will the next ones, with the reason.
      settle(null, 99, 'unknown_error', 'adApi: the bridge failed: ' + thrown(e).s)
    }
  }

  function startCall (phoneNumber, initialObject) {
    const args = snapshot(phoneNumber, initialObject) // now, as the caller left them
    return new Promise(function (resolve) {
      if (goStartCall || broken) callGo(goStartCall, [args], resolve)
      else queue.push([args, resolve])
    })
  }
  adApi.startCall = startCall

  // ---- Events: adApi.on / adApi.remove, as Bright Pattern's client API.
  // Go emits each event as JSON; handlers get it as a later task, so a
  // widget's own then/await for startCall runs before any handler hears
  // about that interaction.
  const handlers = new Map() // event name -> handler[]
  const pending = [] // [name, json] not yet delivered
  let flushScheduled = false

  function on (eventName, handler) {
    if (typeof eventName !== 'string' || typeof handler !== 'function') {
      throw new TypeError('adApi.on(eventName, handler): want a string and a function')
    }
    const list = handlers.get(eventName) || []
    if (!list.includes(handler)) handlers.set(eventName, list.concat([handler]))
  }
  function remove (eventName, handler) {
    const list = handlers.get(eventName)
    if (!list) return
    const rest = list.filter(h => h !== handler)
    if (rest.length) handlers.set(eventName, rest)
    else handlers.delete(eventName)
  }
  function flush () {
    flushScheduled = false
    const batch = pending.splice(0, pending.length)
    for (const [name, json] of batch) {
      const list = handlers.get(name)
      if (!list) continue
      const payload = JSON.parse(json)
      for (const h of list) {
        try {
          h(payload)
        } catch (e) {
          console.error('adApi: a handler for ' + name + ' threw:', e)
        }
      }
    }
  }
  adApi.on = on
  adApi.remove = remove
  // The 5.19 page's name for the state callback; returns an unsubscribe.
  adApi.onInteractionStateChange = function (handler) {
    on('ON_INTERACTION_STATE_CHANGE', handler)
    return function () { remove('ON_INTERACTION_STATE_CHANGE', handler) }
  }

  // ---- The loader's side of the handshake with Go (wasm/main.go).
  const loader = {
    config: {},
    wrapStartCall (fn) {
      goStartCall = fn
      return startCall
    },
    isReady: false,
    ready () {
      loader.isReady = true
      for (const [args, resolve] of queue.splice(0, queue.length)) callGo(goStartCall, [args], resolve)
      document.dispatchEvent(new CustomEvent('adapi:ready'))
    },
    // wrapControl makes adApiDesktop, the reference desktop's controls for
    // tests and developers (wasm/control.go). Arguments are copied to
    // plain data here, like startCall's.
    wrapControl (fn) {
      const get = op => JSON.parse(fn(op, null, function () {}))
      const act = (op, copy) => new Promise(function (resolve) {
        let arg
        try {
          arg = copy()
        } catch (e) {
          return resolve(failure(3, 'invalid_args', op + ': could not be read: ' + thrown(e).s))
        }
        callGo(fn, [op, arg], resolve)
      })
      const id = op => x => act(op, () => String(x))
      return Object.freeze({
        settings: () => get('settings'),
        interactions: () => get('interactions'),
        update: patch => act('update', () => JSON.parse(JSON.stringify(patch === undefined ? {} : patch))),
        setDialpad: number => act('setDialpad', () => String(number)),
        dial: () => act('dial', () => null),
        connect: id('connect'),
        hold: id('hold'),
        resume: id('resume'),
        hangUp: id('hangup'),
        complete: id('complete')
      })
    },
    emit (name, json) {
      pending.push([name, json])
      if (!flushScheduled) {
        flushScheduled = true
        setTimeout(flush, 0)
      }
    },
    events: EVENTS
  }
  Object.defineProperty(globalThis, '__adApiLoader', { value: loader })

  function fail (why) {
    broken = why
    console.error(why)
    for (const [args, resolve] of queue.splice(0, queue.length)) callGo(goStartCall, [args], resolve)
  }

  function loadScript (src) {
    return new Promise(function (resolve, reject) {
      const s = document.createElement('script')
      s.src = src
      s.onload = resolve
      s.onerror = function () { reject(new Error('cannot load ' + src)) }
      document.head.appendChild(s)
    })
  }

  async function boot () {
    const config = fetch(new URL('adapi-config.json', base), { cache: 'no-cache' })
      .then(r => (r.ok ? r.json() : {}))
      .catch(() => ({}))
    const module = fetch(new URL('adapi.wasm', base))
    await loadScript(new URL('wasm_exec.js', base).href)
    const go = new globalThis.Go()
    const { instance } = await WebAssembly.instantiateStreaming(module, go.importObject)
    loader.config = await config
    go.run(instance).then(function () {
      fail('adApi: the bridge stopped')
    })
  }
  boot().catch(function (e) {
    fail('adApi: the module could not be loaded: ' + thrown(e).s)
  })
})()
