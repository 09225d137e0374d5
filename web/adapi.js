// adapi.js: the one script a page includes to get Bright Pattern's adApi.
//
// Its role comes from where it was loaded (SPEC.md, "Across frames"):
//  - from the page's own origin it is the agent DESKTOP: adApi.startCall is
//    served in the page by the Go module and its softphone, and the desktop
//    answers Bright Pattern's postMessage protocol for allowed origins;
//  - from another origin it is a CLIENT of the desktop at that origin:
//    brightpattern.AdApi embeds the desktop in an iframe (adc_frame) and
//    talks to it with postMessage; one frame per page, which every
//    instance and the global adApi share.
//
// Either way it installs adApi at once (keeping whatever the page already
// put on its adApi object), queues calls made before the WebAssembly module
// is ready, loads wasm_exec.js and adapi.wasm beside itself (streaming
// instantiation) and hands the queue over when Go is ready.
//
// It is also the wall between the page and Go. A widget's arguments are
// copied here, inside try/catch, into plain data that keeps each value's
// type (snapshot below): a getter or Proxy that throws, a BigInt, a Symbol,
// a 10 MB string, a cycle, all become data that Go can judge and name in an
// invalid_args error, instead of an exception unwinding through Go's frames.
// Go never reads a page value itself.
;(function () {
  'use strict'

  // The built-ins this script uses, as they are when it loads: a page that
  // later replaces JSON.stringify, Promise or TextEncoder's encodeInto
  // (hurting itself) does not make startCall throw or reject. Everything
  // below reads these names, which shadow the page's globals.
  const Object = globalThis.Object
  const JSON = Object.freeze({ stringify: globalThis.JSON.stringify, parse: globalThis.JSON.parse })
  const ObjectKeys = Object.keys
  const isArray = globalThis.Array.isArray
  const String = globalThis.String
  const Promise = globalThis.Promise
  const setTimeout = globalThis.setTimeout
  const uncurry = f => globalThis.Function.prototype.call.bind(f)
  const abortedOf = uncurry(Object.getOwnPropertyDescriptor(globalThis.AbortSignal.prototype, 'aborted').get)
  const reasonOf = uncurry(Object.getOwnPropertyDescriptor(globalThis.AbortSignal.prototype, 'reason').get)
  const listen = uncurry(globalThis.EventTarget.prototype.addEventListener)
  let storage = null // localStorage, when this document may use it
  try { storage = globalThis.localStorage } catch (_) { /* blocked */ }
  const getItem = uncurry(globalThis.Storage.prototype.getItem)
  const setItem = uncurry(globalThis.Storage.prototype.setItem)
  const removeItem = uncurry(globalThis.Storage.prototype.removeItem)
  const storageGet = k => { if (!storage) throw new Error('no storage'); return getItem(storage, k) }
  const storageSet = (k, v) => setItem(storage, k, v)
  const storageRemove = k => removeItem(storage, k)
  const ResizeObserverOf = globalThis.ResizeObserver
  const getComputedStyleOf = typeof globalThis.getComputedStyle === 'function' ? globalThis.getComputedStyle.bind(globalThis) : null
  const unlisten = uncurry(globalThis.EventTarget.prototype.removeEventListener)

  const script = document.currentScript
  // Start-up marks (adapi:script, :wasm_exec, :compiled, :config,
  // :go-main, :ready) for a profiler and make bench; a page's own
  // performance.mark is taken once, here, and may throw.
  const perf = globalThis.performance
  const perfMark = perf && typeof perf.mark === 'function' ? perf.mark : null
  function mark (name) {
    try { if (perfMark) perfMark.call(perf, 'adapi:' + name) } catch (_) { /* the page's */ }
  }
  mark('script')
  const base = new URL('.', script && script.src ? script.src : location.href)
  const desktopOrigin = base.origin
  const role = desktopOrigin === location.origin ? 'desktop' : 'client'

  // The bridge's limits are 4096 characters a string and 100 custom
  // fields (bridge/object.go); copying one more lets Go say "too long"
  // without copying megabytes.
  const STRING_COPY = 4097
  const FIELDS_COPY = 101
  const OBJECTS_COPY = 17 // bridge.MaxInitialObjects + 1
  // A received message is copied generically, within these bounds: its
  // shape, and the total work (values copied, characters copied), so that
  // a small message that contains itself costs no more than a big one.
  const MESSAGE_DEPTH = 8
  const MESSAGE_KEYS = 128
  const MESSAGE_ITEMS = 64
  const MESSAGE_NODES = 2048
  const MESSAGE_CHARS = 1 << 20
  // The properties of an initialObject that startCall reads
  // (bridge.AssociatedObjectFields); any other is ignored, never read.
  const OBJECT_FIELDS = ['id', 'type', 'displayName', 'displayType', 'customFields']
  // METHODS is Bright Pattern's published client API (AgentDesktopClientAPI
  // in their crm-client-api-example, src/brightpattern-client-api-types.d.ts),
  // in their order: each method's name, its request message across frames
  // (their requestMessages), on/remove/injectMessageLogger aside, and, for
  // the methods the bridge serves (api.Methods; SPEC.md, "Call
  // control"), how its arguments are copied: startCall's own copy
  // (startCallArgs), or per argument the properties read from an object
  // (any other is never read; [] and the rest: copied as leaves).
  // Every one is a real function on the global adApi and on every
  // brightpattern.AdApi instance. Those not served resolve
  // api_method_not_implemented (14). Named one by one: a catch-all Proxy
  // would also answer `then`, and `await adApi` would hang.
  const LEAVES = []
  const METHODS = [
    ['getLoginState', 'GET_LOGIN_STATE', LEAVES], ['login', 'LOGIN', [['username', 'password', 'tenant']]],
    ['openLogin', 'OPEN_LOGIN'], ['logout', 'LOGOUT', LEAVES],
    ['getAgentState', 'GET_AGENT_STATE', LEAVES], ['setAgentState', 'SET_AGENT_STATE', LEAVES],
    ['acceptInteraction', 'ACCEPT_INTERACTION', LEAVES], ['rejectInteraction', 'REJECT_INTERACTION', LEAVES],
    ['startCall', 'START_CALL', startCallArgs], ['startChat', 'START_CHAT'], ['startEmail', 'START_EMAIL'],
    ['sendDtmf', 'SEND_DTMF', LEAVES],
    ['consultCall', 'CONSULT_CALL'], ['blindTransfer', 'BLIND_TRANSFER'], ['transfer', 'TRANSFER'],
    ['leaveInteraction', 'LEAVE_INTERACTION', LEAVES], ['completeInteraction', 'COMPLETE_INTERACTION', LEAVES],
    ['leaveAndCompleteInteraction', 'LEAVE_AND_COMPLETE_INTERACTION', LEAVES],
    ['switchActiveInteraction', 'SWITCH_ACTIVE_INTERACTION', LEAVES],
    ['inviteToCallConference', 'INVITE_TO_CALL_CONFERENCE'], ['removeFromCallConference', 'REMOVE_FROM_CALL_CONFERENCE'],
    ['destroyCallConference', 'DESTROY_CALL_CONFERENCE'], ['mergeAllCallsIntoConference', 'MERGE_ALL_CALLS_INTO_CONFERENCE'],
    ['inviteToChatConference', 'INVITE_TO_CHAT_CONFERENCE'], ['removeFromChatConference', 'REMOVE_FROM_CHAT_CONFERENCE'],
    ['getTeams', 'GET_TEAMS'], ['getTeamMembers', 'GET_TEAM_MEMBERS'],
    ['getServicesList', 'GET_SERVICES_LIST'], ['getService', 'GET_SERVICE'], ['setService', 'SET_SERVICE'],
    ['getDIDNumbersList', 'GET_DID_LIST'], ['getDIDNumber', 'GET_DID'], ['setDIDNumber', 'SET_DID'],
    ['getDispositionsList', 'GET_DISPOSITIONS_LIST'], ['setDisposition', 'SET_DISPOSITION'],
    ['setRescheduleWindow', 'SET_RESCHEDULE'], ['addNote', 'ADD_NOTE'], ['updateNote', 'UPDATE_NOTE'], ['replaceNote', 'REPLACE_NOTE'],
    ['getConfig', 'GET_CONFIG'], ['setVariable', 'SET_VARIABLE'], ['getVariables', 'GET_VARIABLES'],
    ['addInteractionAssociatedObject', 'ADD_INTERACTION_ASSOCIATED_OBJECT'],
    ['setInteractionActiveScreen', 'SET_INTERACTION_ACTIVE_SCREEN'],
    ['getPhoneDevicesList', 'GET_PHONE_DEVICES_LIST', LEAVES], ['getPhoneDevice', 'GET_PHONE_DEVICE', LEAVES],
    ['setPhoneDevice', 'SET_PHONE_DEVICE', [['type', 'phone']]],
    ['setCallHold', 'SET_CALL_HOLD', LEAVES], ['setCallRecording', 'SET_CALL_RECORDING'], ['setCallMute', 'SET_CALL_MUTE', LEAVES],
    ['setScreenRecordingMute', 'SET_SCREEN_RECORDING_MUTE'], ['getScreenRecordingState', 'GET_SCREEN_RECORDING_STATE'],
    ['setWidgetMinimized', 'SET_WIDGET_MINIMIZED'], ['sendChatMessage', 'SEND_CHAT_MESSAGE'],
    ['suggestChatMessage', 'SUGGEST_CHAT_MESSAGE'], ['getAgentNotReadyReasons', 'GET_AGENT_NOT_READY_REASONS', LEAVES],
    ['activatePage', 'ACTIVATE_PAGE'], ['getInteractionsState', 'GET_INTERACTIONS_STATE', LEAVES],
    ['setCallRecordingMute', 'SET_CALL_RECORDING_MUTE'], ['setDialCandidates', 'SET_DIAL_CANDIDATES']
  ]
  const MAX_ARGS = 3 // the most any served method takes

  // ---- Results: Bright Pattern's OperationResult<InitiateResult>.
  function success (id) {
    return { status: 'success', data: { id: id === undefined ? null : id } }
  }
  function failure (code, name, message) {
    return { status: 'error', error: { code, name, message }, data: { id: null, error: message } }
  }

  // ---- Snapshot: page values to plain data (the shape of jsval.Value).
  function typeOf (v) {
    if (v === null) return 'null'
    const t = typeof v
    if (t === 'object' && isArray(v)) return 'array' // may throw: revoked Proxy
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
  // entries copies an object's own enumerable properties, at most max of
  // them (l says how many there were), each value by value(o, key).
  function entries (o, max, value) {
    const keys = ObjectKeys(o)
    const n = Math.min(keys.length, max)
    const k = new Array(n)
    const v = new Array(n)
    for (let i = 0; i < n; i++) {
      k[i] = keys[i].length > STRING_COPY ? keys[i].slice(0, STRING_COPY) : keys[i]
      v[i] = value(o, keys[i])
    }
    return { t: 'object', l: keys.length, k, v }
  }
  function customFields (o) {
    let cf
    try { cf = o.customFields } catch (e) { return thrown(e) }
    try {
      return typeOf(cf) === 'object' ? entries(cf, FIELDS_COPY, read) : leaf(cf)
    } catch (e) {
      return thrown(e)
    }
  }
  // initialObject may be one object or an array of them (Bright Pattern's
  // InitialObjects): at most OBJECTS_COPY are copied, l says how many.
  function initialObjects (o) {
    try {
      if (typeOf(o) !== 'array') return associatedObject(o)
      const n = Math.min(o.length >>> 0, OBJECTS_COPY)
      const v = new Array(n)
      for (let i = 0; i < n; i++) {
        let x
        try { x = o[i] } catch (e) { v[i] = thrown(e); continue }
        v[i] = associatedObject(x)
      }
      return { t: 'array', l: o.length >>> 0, v }
    } catch (e) {
      return thrown(e)
    }
  }
  function associatedObject (o) {
    return fieldsOf(o, OBJECT_FIELDS, (o, f) => (f === 'customFields' ? customFields(o) : read(o, f)))
  }
  // message copies a received message, within bounds; it never throws.
  // Structured-clone data has no getters or Proxies, but may be anything
  // else: deep, wide, BigInt, Map, cyclic. Past the budget (values and
  // characters copied in all) the copy stops, and the message is an error
  // value, which Go ignores as malformed.
  const TOO_LARGE = { t: 'error', s: 'message too large' }
  function message (v) {
    try {
      return deep(v, MESSAGE_DEPTH, { nodes: MESSAGE_NODES, chars: MESSAGE_CHARS })
    } catch (e) {
      return e === TOO_LARGE ? TOO_LARGE : thrown(e)
    }
  }
  function scalar (v, budget) {
    const c = leaf(v)
    if (c.s && (budget.chars -= c.s.length) < 0) throw TOO_LARGE
    return c
  }
  function deep (v, depth, budget) {
    if (--budget.nodes < 0 || budget.chars < 0) throw TOO_LARGE
    try {
      const t = typeOf(v)
      if (t === 'array') {
        const n = Math.min(v.length, MESSAGE_ITEMS)
        if (depth <= 0 && (budget.nodes -= n) < 0) throw TOO_LARGE
        const items = new Array(n)
        for (let i = 0; i < n; i++) items[i] = depth > 0 ? deep(v[i], depth - 1, budget) : scalar(v[i], budget)
        return { t, l: v.length, v: items }
      }
      if (t !== 'object' || depth <= 0) return scalar(v, budget)
      return entries(v, MESSAGE_KEYS, (o, key) => { budget.chars -= key.length; return deep(o[key], depth - 1, budget) })
    } catch (e) {
      if (e === TOO_LARGE) throw e
      return thrown(e)
    }
  }
  // options copies startCall's third argument (ours, opt-in):
  // {idempotencyKey, signal}. Without it, behaviour is Bright Pattern's.
  // Everything is read inside try/catch: a getter, a revoked Proxy, a
  // "signal" that only looks like one (Object.create(AbortSignal.prototype),
  // a Proxy of a real one) is invalid_args, never an exception.
  function options (o) {
    if (o === undefined || o === null) return null
    let key, signal
    try {
      if (typeof o !== 'object') return { bad: 'options: want object, got ' + typeOf(o) }
      key = o.idempotencyKey
      signal = o.signal
    } catch (e) {
      return { bad: 'options: could not be read: ' + thrown(e).s }
    }
    if (signal === undefined || signal === null) signal = null
    else {
      try {
        abortedOf(signal) // AbortSignal's own getter: it throws for anything but a real one
      } catch (e) {
        let t
        try { t = typeOf(signal) } catch (_) { t = 'a revoked Proxy' }
        return { bad: 'options.signal: want AbortSignal, got ' + t }
      }
    }
    return { key: key === undefined ? null : leaf(key), signal }
  }

  // withAbort runs a call that may be aborted: an aborted signal rejects
  // with its reason, as fetch does (the one rejection: the caller asked for
  // it), and cancel(token) tells Go to drop the call if it has not started
  // dialling. start(onToken, settle) starts the call.
  // signal is a real AbortSignal (options checked it); it is used through
  // the built-ins captured at load.
  function withAbort (signal, resolve, reject, start, cancel) {
    if (signal && abortedOf(signal)) return reject(reasonOf(signal))
    let token = null
    const onAbort = function () {
      reject(reasonOf(signal)) // first: dropping the call settles it in Go at once
      if (token !== null) cancel(token)
    }
    if (signal) listen(signal, 'abort', onAbort, { once: true })
    start(function (t) { token = t }, function (r) {
      if (signal) unlisten(signal, 'abort', onAbort)
      resolve(r)
    })
  }

  // ---- Go: calls before the module is ready wait here.
  let go = null // the entries Go registered (wasm/main.go)
  let broken = null // why the module cannot serve calls, once it cannot
  const waiting = [] // thunks to run once Go is ready

  function whenGo (thunk) {
    if (go || broken) thunk()
    else waiting.push(thunk)
  }
  // runWaiting runs what waited for Go; one that fails does not stop the
  // others (each call settles on its own).
  function runWaiting () {
    for (const thunk of waiting.splice(0, waiting.length)) {
      try { thunk() } catch (e) { console.error('adApi: a queued call failed:', e) }
    }
  }

  // decodeResult turns Go's one-string result (wasm/settle.go) into
  // Bright Pattern's OperationResult: startCall's (initiate) with its
  // InitiateResult data, a method's with the data as JSON. A result that
  // is none of Go's shapes is refused as broken (unknown_error, naming
  // what was wrong), never taken for a success or a code of 0.
  function decodeResult (r, initiate) {
    const broken = why => errorResult(initiate, 99, 'unknown_error', 'adApi: the bridge gave a broken result (' + why + ')')
    if (typeof r !== 'string' || r === '') return broken('empty')
    if (r[0] === 's') {
      if (initiate) return success(r.length > 1 ? r.slice(1) : null)
      try { return { status: 'success', data: JSON.parse(r.slice(1)) } } catch (_) { return broken('its data is not JSON') }
    }
    const a = r.indexOf(':', 1)
    const b = a < 0 ? -1 : r.indexOf(':', a + 1)
    const code = +r.slice(1, a)
    if (r[0] !== 'e') return broken('neither a success nor an error')
    if (b < 0 || !(code > 0) || code % 1 || b === a + 1) return broken('an error without its code and name')
    return errorResult(initiate, code, r.slice(a + 1, b), r.slice(b + 1))
  }
  function errorResult (initiate, code, name, message) {
    return initiate ? failure(code, name, message) : { status: 'error', error: { code, name, message } }
  }

  // callGo calls the Go entry name with (token, ...args) and resolves the
  // call once with an OperationResult. The token is picked here, and the
  // call registered under it, before Go runs: Go runs every goroutine it
  // can before it returns to JavaScript, so a call it settles from a
  // goroutine (a phone that fails at once) may be settled
  // (loader.settle) before the entry returns. The entry returns the
  // result, as a string or its length in the desktop's shared buffer, or
  // "p<key>": the result comes later, and onPending(key) gets what
  // cancels the call (the token when key is empty).
  const calls = new Map() // token -> settle, for every call Go may still answer
  let lastToken = 0
  let io = null // the desktop's shared buffer
  let decodeIO = null
  function callGo (name, args, initiate, resolve, onPending) {
    if (broken) return resolve(errorResult(initiate, 99, 'unknown_error', broken))
    const token = ++lastToken
    calls.set(token, function (r) {
      calls.delete(token)
      // Forgotten first: a decode that throws (a page that replaced
      // String.prototype's methods) fails this call, never leaves it pending.
      let out
      try { out = decodeResult(r, initiate) } catch (_) { out = errorResult(initiate, 99, 'unknown_error', 'adApi: the bridge\'s result could not be read (a built-in of the page threw)') }
      resolve(out)
    })
    let r
    try {
      r = go[name](token, ...args)
    } catch (e) {
      // "Go program has already exited" and the like: this call fails,
      // and so will the next ones, with the reason.
      r = 'e99:unknown_error:adApi: the bridge failed: ' + thrown(e).s
    }
    if (typeof r === 'number') r = decodeIO(io.subarray(0, r))
    if (typeof r === 'string' && r[0] === 'p') {
      if (onPending && calls.has(token)) onPending(r.length > 1 ? r.slice(1) : token)
    } else {
      settleCall(token, r)
    }
  }
  // unbound is Go's entries, each callable as go.name(…) without handing
  // Go a `this`: every JavaScript value that crosses into Go costs a
  // finalizer there (a method call would hand it the entries object).
  function unbound (entries) {
    const out = {}
    for (const k of ObjectKeys(entries)) {
      const f = entries[k]
      out[k] = typeof f === 'function' ? (...a) => f(...a) : f
    }
    return out
  }
  // settleCall answers call token, at most once: loader.settle for Go.
  function settleCall (token, r) {
    const settle = calls.get(token)
    if (settle) settle(r)
  }

  // ---- Events: on / remove, as Bright Pattern's client API. Events come
  // from Go as JSON; handlers get them as a later task, so a widget's own
  // then/await for startCall runs before any handler hears about that
  // interaction. A handler that throws is reported and does not stop the
  // others.
  function makeHub () {
    const handlers = new Map() // event name -> handler[]
    const pending = [] // [name, json of params] not yet delivered
    let scheduled = false
    function deliver (name, params) {
      const list = handlers.get(name)
      if (!list) return
      for (const h of list) {
        try {
          h(...params)
        } catch (e) {
          console.error('adApi: a handler for ' + name + ' threw:', e)
        }
      }
    }
    function flush () {
      scheduled = false
      for (const [name, json] of pending.splice(0, pending.length)) {
        if (handlers.has(name)) deliver(name, JSON.parse(json))
      }
      if (hub.take) {
        for (const [name, params] of JSON.parse(hub.take())) deliver(name, params)
      }
    }
    function schedule () {
      if (!scheduled) {
        scheduled = true
        setTimeout(flush, 0)
      }
    }
    const hub = {
      on (eventName, handler) {
        if (typeof eventName !== 'string' || typeof handler !== 'function') {
          throw new TypeError('adApi.on(eventName, handler): want a string and a function')
        }
        const list = handlers.get(eventName) || []
        if (!list.includes(handler)) handlers.set(eventName, list.concat([handler]))
        if (hub.onListening && handlers.size === 1 && list.length === 0) hub.onListening(true)
      },
      remove (eventName, handler) {
        const list = handlers.get(eventName)
        if (!list) return
        const rest = list.filter(h => h !== handler)
        if (rest.length) handlers.set(eventName, rest)
        else handlers.delete(eventName)
        if (hub.onListening && handlers.size === 0) hub.onListening(false)
      },
      // emit queues one event (the client's, from another frame).
      emit (name, json) {
        pending.push([name, json])
        schedule()
      },
      // wake says Go has a batch of events for take() (the desktop's).
      wake: schedule,
      take: null,
      onListening: null,
      listening: () => handlers.size > 0
    }
    return hub
  }

  // addMembers puts the API's methods on obj, the page's adApi, once, when
  // this script runs: a member this script serves replaces the page's
  // (the loader's queueing startCall among them); an unserved one is added
  // only where the page has no member of that name. Nothing touches a page
  // object after this: by the time the module is ready, the page may have
  // made window.adApi its own brightpattern.AdApi instance, or anything
  // else, and it is the page's.
  // A page object that refuses a member (a Proxy whose set or has throws,
  // a frozen object) keeps its own; the rest still load.
  function addMembers (obj, api) {
    for (const name in api) {
      try {
        if (!stubs.has(api[name]) || !(name in obj)) obj[name] = api[name]
      } catch (e) {
        console.warn('adApi: the page\'s adApi refused ' + name + ':', e)
      }
    }
  }
  const stubs = new WeakSet() // the functions that resolve api_method_not_implemented
  function notImplemented (name) {
    const f = function () {
      return Promise.resolve({ status: 'error', error: { code: 14, name: 'api_method_not_implemented', message: name + ' is not served by adApi-go' } })
    }
    stubs.add(f)
    return f
  }
  // baseMembers is every method of METHODS the bridge does not serve, and
  // the events (serve adds the rest).
  function baseMembers (hub) {
    const api = {}
    for (const [name, , copy] of METHODS) if (!copy) api[name] = notImplemented(name)
    api.on = hub.on
    api.remove = hub.remove
    // The 5.19 page's name for the state callback; returns an unsubscribe.
    api.onInteractionStateChange = function (handler) {
      hub.on('ON_INTERACTION_STATE_CHANGE', handler)
      return function () { hub.remove('ON_INTERACTION_STATE_CHANGE', handler) }
    }
    return api
  }

  // serve puts every method of METHODS that the bridge serves on api. Each
  // copies its arguments now, as the caller left them, into the one JSON
  // string Go reads (jsval.DecodeSnapshots), and hands it to
  // run(name, json, initiate, resolve, reject, signal) once Go is ready;
  // initiate is true for startCall, whose OperationResult carries an
  // InitiateResult. now(), if given, runs at the call. A method never
  // throws, and its promise always settles.
  function serve (api, run, now) {
    for (const [name, , copy] of METHODS) {
      if (!copy) continue
      const initiate = name === 'startCall'
      const copyArgs = typeof copy === 'function' ? copy : argsWith(copy)
      api[name] = function () {
        const a = arguments
        return new Promise(function (resolve, reject) {
          const fail = e => resolve(errorResult(initiate, 99, 'unknown_error', 'adApi: ' + thrown(e).s))
          try {
            if (now) now()
            const c = copyArgs(a)
            if (c.bad) return resolve(errorResult(initiate, 3, 'invalid_args', c.bad))
            const json = JSON.stringify(c.args)
            whenGo(function () {
              try { run(name, json, initiate, resolve, reject, c.signal) } catch (e) { fail(e) }
            })
          } catch (e) {
            fail(e)
          }
        })
      }
    }
  }
  // startCallArgs copies startCall's arguments: [phoneNumber,
  // initialObject, idempotencyKey or null], and options' signal.
  function startCallArgs (a) {
    const o = options(a[2])
    if (o && o.bad) return o
    return { args: [leaf(a[0]), initialObjects(a[1]), o && o.key ? o.key : null], signal: o && o.signal }
  }
  // argsWith copies a method's arguments, at most MAX_ARGS: argument i
  // an object of which only the properties fields[i] are read, or a leaf.
  function argsWith (fields) {
    return function (a) {
      const n = Math.min(a.length, MAX_ARGS)
      const args = new Array(n)
      for (let i = 0; i < n; i++) args[i] = fields[i] ? fieldsOf(a[i], fields[i]) : leaf(a[i])
      return { args }
    }
  }
  // fieldsOf copies an object's properties fields, each by get(o, name),
  // and no other; anything but an object, as a leaf.
  function fieldsOf (o, fields, get = read) {
    try {
      if (typeOf(o) !== 'object') return leaf(o)
      const v = new Array(fields.length)
      for (let i = 0; i < fields.length; i++) v[i] = get(o, fields[i])
      return { t: 'object', l: fields.length, k: fields, v }
    } catch (e) {
      return thrown(e)
    }
  }
  // redact is what a logger or log sees of a request's params: LOGIN's
  // password is '***'.
  function redact (type, params) {
    if (type !== 'LOGIN' || !isArray(params) || typeof params[0] !== 'object' || params[0] === null) return params
    return [Object.assign({}, params[0], { password: '***' })].concat(params.slice(1))
  }

  // Loaded twice (a page that includes it and also inserts it, or both of
  // Bright Pattern's paths): the first copy serves the page.
  if (globalThis.__adApiLoader) {
    console.warn('adApi: adapi.js was loaded twice; the first copy serves this page')
    return
  }

  // ---- The page's adApi: the page's object if it has one.
  let adApi
  try { adApi = globalThis.adApi } catch (_) { /* a getter that throws: the page's */ }
  if ((typeof adApi !== 'object' && typeof adApi !== 'function') || adApi === null) {
    adApi = {}
    try {
      globalThis.adApi = adApi
    } catch (e) {
      console.warn('adApi: window.adApi could not be set:', e)
    }
  }

  const loader = {
    role,
    mark,
    settle: settleCall, // Go's answer to a call that waited (callGo)
    isReady: false,
    framed: window.parent !== window,
    sipScript: new URL('adapi-sip.js', base).href // the SIP phone's browser side (wasm/sipglue.go)
  }
  Object.defineProperty(globalThis, '__adApiLoader', { value: loader })
  loader.fail = function (why) { fail(String(why)) }

  if (role === 'desktop') desktop()
  else client()
  // Framed by a CRM page, the desktop page shows the agent desktop only.
  if (role === 'desktop' && loader.framed) document.documentElement.dataset.framed = 'true'

  // ================================================================ DESKTOP
  function desktop () {
    const hub = makeHub()
    const api = baseMembers(hub)
    // The per-call path crosses with numbers only: the arguments are
    // written into `io`, a buffer Go was given once, and Go writes its
    // result there. A string or function crossing into Go gets a
    // finalizer in the Go runtime, and registering finalizers was most of
    // a call's cost when measured (runtime.addspecial). Arguments too big
    // for the buffer take the string path: (token, -1, string).
    io = new Uint8Array(64 << 10)
    const encoder = new TextEncoder()
    const decoder = new TextDecoder()
    const encodeInto = globalThis.TextEncoder.prototype.encodeInto.bind(encoder)
    decodeIO = globalThis.TextDecoder.prototype.decode.bind(decoder)
    loader.io = io
    function ioArgs (payload) {
      const w = encodeInto(payload, io)
      return w.read < payload.length ? [-1, payload] : [w.written]
    }
    serve(api, function (name, json, initiate, resolve, reject, signal) {
      withAbort(signal, resolve, reject, function (onPending, settle) {
        callGo('call', ioArgs(name + json), initiate, settle, onPending)
      }, function (token) { go.cancel(token) })
    })
    // No message crosses in the page: a logger is accepted and never called.
    api.injectMessageLogger = function () {}
    addMembers(adApi, api)

    // The content's size, for a CRM page that made its AdApi with
    // adaptiveWidth: true (its client sizes the frame; no other page acts
    // on it). The page marks its content with data-adc-content and says
    // the width it wants in the CSS property --adc-width; the height is
    // what the content takes. Sent to the parent (once per allowed origin,
    // as hello) whenever either changes.
    function reportSize (origins) {
      const content = document.querySelector('[data-adc-content]')
      if (!content || typeof ResizeObserverOf !== 'function' || !getComputedStyleOf) return
      let last = ''
      const send = function () {
        let width = 0
        let height = 0
        try {
          width = Math.ceil(parseFloat(getComputedStyleOf(content).getPropertyValue('--adc-width')) || 0)
          height = Math.ceil(content.scrollHeight)
        } catch (_) { return }
        const key = width + 'x' + height
        if (key === last || !width) return
        last = key
        for (const o of origins) {
          try {
            window.parent.postMessage({ uid: Math.random().toString(16).substring(2), type: 'ADC_CONTENT_SIZE', params: [{ width, height }] }, o)
          } catch (_) { /* a malformed origin */ }
        }
      }
      new ResizeObserverOf(send).observe(content)
      // The width it wants can change without the content's size (a
      // section opened): look again after any toggle.
      listen(document, 'toggle', function () { setTimeout(send, 0) }, true)
    }

    // Who may change state (SPEC.md): the origin of a message is checked
    // first, against the owner's allowedOrigins as Go validated them; a
    // message from any other origin changes nothing here (no window
    // remembered or forgotten, nothing queued, nothing copied). Until Go
    // is ready no origin is allowed: no client sends before the hello Go
    // sends.
    let allowed = Object.create(null) // origin -> true
    // Windows of allowed origins, by the small ids Go knows them by.
    // Bounded per origin: an origin's oldest window is forgotten for a newer
    // one of the same origin, never for another origin's.
    const PEERS_PER_ORIGIN = 32
    const peers = new Map() // window -> {id, origin}
    const windows = new Map() // id -> window
    const byOrigin = new Map() // origin -> ids, oldest first
    let nextPeer = 1
    function peerId (w, origin) {
      const p = peers.get(w)
      if (p && p.origin === origin) return p.id
      if (p) forget(p.id) // the window navigated to another (allowed) origin
      const id = nextPeer++
      peers.set(w, { id, origin })
      windows.set(id, w)
      const list = byOrigin.get(origin) || []
      list.push(id)
      byOrigin.set(origin, list)
      if (list.length > PEERS_PER_ORIGIN) forget(list[0])
      return id
    }
    function forget (id) {
      const w = windows.get(id)
      const p = peers.get(w)
      windows.delete(id)
      if (p && p.id === id) {
        peers.delete(w)
        const list = byOrigin.get(p.origin)
        list.splice(list.indexOf(id), 1)
      }
    }
    // refuse answers a request from an origin that is not allowed with
    // not_enough_privileges, so that a developer sees why, looking only at
    // the envelope's uid and type; at most 20 a second, the rest are
    // ignored unread. Nothing is remembered.
    let refusals = 0
    let refusalsSince = 0
    let warned = false
    function refuse (e, origin) {
      const now = Date.now()
      if (now - refusalsSince >= 1000) { refusalsSince = now; refusals = 0 }
      if (++refusals > 20 || origin === 'null' || !e.source) return
      try {
        const m = e.data
        if (typeof m !== 'object' || m === null) return
        const uid = m.uid
        const type = m.type
        if (typeof uid !== 'string' || uid === '' || uid.length > 128 || typeof type !== 'string' ||
          !/^[A-Za-z0-9_]{1,64}$/.test(type) || type === 'hi' || type === 'hello' || /_RESPONSE$/.test(type)) return
        const why = 'origin ' + origin + ' is not allowed to use this agent desktop'
        e.source.postMessage({ uid, type: type + '_RESPONSE', params: failure(1, 'not_enough_privileges', why) }, origin)
        if (!warned) {
          warned = true
          console.warn('adApi: refusing messages from origins not in adapi-config.json allowedOrigins, e.g. ' + origin)
        }
      } catch (_) { /* nothing to answer */ }
    }
    window.addEventListener('message', function (e) {
      const origin = e.origin
      if (e.source === window) return
      if (allowed[origin] !== true) return refuse(e, origin)
      if (!e.source || broken) return
      const id = peerId(e.source, origin)
      const data = JSON.stringify(message(e.data))
      try {
        go.desktopReceive(origin, id, data)
      } catch (err) {
        console.error('adApi: a message could not be handled:', err)
      }
    })

    Object.assign(loader, {
      // Go's side of the handshake (wasm/main.go).
      ready (entries) {
        go = unbound(entries)
        for (const o of entries.allowedOrigins || []) allowed[o] = true
        loader.isReady = true
        mark('ready')
        hub.take = go.takeEvents // unbound: called as hub.take(), Go gets no `this`
        hub.onListening = go.listening
        go.listening(hub.listening())
        runWaiting()
        try { document.dispatchEvent(new CustomEvent('adapi:ready')) } catch (_) { /* the page's CustomEvent */ }
      },
      wake: hub.wake,
      // The per-origin guards' shared memory (bridge.Store): this origin's
      // localStorage, which its frames and reloads under one top-level
      // site share. null when storage cannot be used (blocked, full):
      // Go then counts in this document only.
      storeGet (key) {
        try {
          const v = storageGet(key)
          return v === null ? '' : v
        } catch (_) { return null }
      },
      storeSet (key, value) {
        try {
          if (value === '') storageRemove(key)
          else storageSet(key, value)
        } catch (_) { /* full or blocked: the next storeGet says so */ }
      },
      postPeer (id, origin, json) {
        const w = windows.get(id)
        if (w) w.postMessage(JSON.parse(json), origin)
      },
      // hello goes to the parent once per allowed origin: the desktop
      // cannot read its parent's origin, and postMessage drops a message
      // whose targetOrigin does not match.
      // It goes after this document's load event, so that the client sees
      // the frame's load (which it takes as "a new desktop, wait for its
      // hello") before the hello.
      hello (origins, json) {
        if (!loader.framed) return
        const post = function () {
          for (const o of origins) {
            try { window.parent.postMessage(JSON.parse(json), o) } catch (_) { /* a malformed origin */ }
          }
        }
        const start = function () { setTimeout(function () { post(); reportSize(origins) }, 0) }
        if (document.readyState === 'complete') start()
        else window.addEventListener('load', start, { once: true })
      },
      // wrapControl makes adApiDesktop, the reference desktop's controls
      // for tests and developers (wasm/control.go). Arguments are copied to
      // plain data here, like startCall's.
      wrapControl () {
        const get = op => JSON.parse(go.inspect(op))
        const act = (op, copy) => new Promise(function (resolve) {
          let arg
          try {
            arg = copy()
          } catch (e) {
            return resolve(failure(3, 'invalid_args', op + ': could not be read: ' + thrown(e).s))
          }
          callGo('control', [op, arg], true, resolve)
        })
        const id = op => x => act(op, () => String(x))
        const control = Object.freeze({
          settings: () => get('settings'),
          interactions: () => get('interactions'),
          peers: () => get('peers'),
          media: () => get('media'),
          stats: () => get('stats'),
          update: patch => act('update', () => JSON.parse(JSON.stringify(patch === undefined ? {} : patch))),
          setDialpad: number => act('setDialpad', () => String(number)),
          dial: () => act('dial', () => null),
          records: () => get('records'),
          // an inbound call rings from number (name: the caller's); the
          // result's data.id is the interaction's, null when the agent
          // could not take it (the caller heard 480)
          ring: (number, name) => act('ring', () => [String(number), name === undefined ? '' : String(name)]),
          // the far end hangs up (status 0) or fails (486 Busy Here…)
          farHangup: (x, status, reason) => act('farHangup', () => [String(x), (status | 0), reason === undefined ? '' : String(reason)]),
          connect: id('connect'),
          hold: id('hold'),
          resume: id('resume'),
          hangUp: id('hangup'),
          complete: id('complete')
        })
        try {
          globalThis.adApiDesktop = control
        } catch (e) {
          console.warn('adApi: window.adApiDesktop could not be set:', e)
        }
      }
    })
    boot(true)
  }

  // ================================================================= CLIENT
  // A client page has one desktop frame and one Go client (id 1), made by
  // its first brightpattern.AdApi, or by its first call on the global adApi
  // when it calls before making any: one agent, one softphone. Every
  // instance, and the global, are the same API on that frame: the same
  // functions, handlers and message loggers.
  function client () {
    const CONN = 1 // the Go client's id (wasm/client.go)
    const hub = makeHub()
    const loggers = []
    let frame = null
    let adaptive = false // the page asked for adaptiveWidth

    function log (type, data) {
      if (!loggers.length) return
      // A later microtask, in order: a logger that calls back into adApi
      // must not run inside Go.
      queueMicrotask(function () {
        for (const fn of loggers) {
          try { fn(type, data) } catch (e) { console.error('adApi: a message logger threw:', e) }
        }
      })
    }

    // connect makes the page's desktop frame, once, from the first
    // InitOptions (Bright Pattern's): integrationKey (sent in hi, shown on
    // the desktop), adcFrame (an iframe of the page's own, which the
    // desktop is loaded into) or mountRoot (where adc_frame goes; body by
    // default), adaptiveWidth (true: the frame's width follows the
    // desktop's content, from the desktop's ADC_CONTENT_SIZE messages;
    // otherwise nothing here ever sizes an element of the page).
    // standalone and disableNewInteractionPopup are accepted and have no
    // effect here (README).
    function connect (opts) {
      if (frame) return frame
      let key = ''
      let given = null
      let root = null
      try {
        if (opts.integrationKey !== undefined && opts.integrationKey !== null) key = String(opts.integrationKey)
        if (opts.adcFrame instanceof HTMLIFrameElement) given = opts.adcFrame
        if (opts.mountRoot instanceof Element) root = opts.mountRoot
        adaptive = opts.adaptiveWidth === true
      } catch (e) {
        console.error('adApi: the AdApi options could not be read:', e)
      }
      frame = given || document.createElement('iframe')
      if (!given) {
        frame.id = 'adc_frame'
        frame.title = 'Agent Desktop'
        // It fills its mountRoot, as Bright Pattern's does (their example
        // app sizes only the mount node and lets its width follow the
        // frame's). Its floor is 340 px, their widget's width, where there
        // is room: the larger of the mount's width (a padded page on a 320
        // px phone keeps the frame inside it) and the window's less 48 px
        // (their app's mount is a flex item with no width of its own, which
        // a floor of 100% alone let shrink the desktop to a sliver). Set
        // through CSSOM, which a page's style-src policy allows.
        frame.style.display = 'block'
        frame.style.width = '100%'
        frame.style.minWidth = 'max(min(340px, 100%), min(340px, 100vw - 48px))'
        frame.style.height = '100%'
        frame.style.border = '0'
      }
      frame.allow = 'microphone; autoplay'
      let loads = 0
      frame.addEventListener('load', function () {
        // The first load is the desktop's; any later one is a new desktop.
        if (loads++ > 0) whenGo(function () { if (!broken) go.clientFrameLoaded(CONN) })
      })
      frame.src = desktopOrigin + '/'
      if (!given) {
        const mount = function () { (root || document.body).appendChild(frame) }
        if (root || document.body) mount()
        else document.addEventListener('DOMContentLoaded', mount)
      }
      whenGo(function () { if (!broken) go.clientNew(CONN, key) })
      return frame
    }

    // fitFrame gives the frame the width the desktop's content wants, never
    // more than its container's (adaptiveWidth only).
    function fitFrame (params) {
      try {
        const w = isArray(params) && params[0] ? Number(params[0].width) : NaN
        if (!(w >= 200 && w <= 4000)) return
        frame.style.width = Math.ceil(w) + 'px'
        frame.style.maxWidth = '100%'
      } catch (_) { /* a frame the page locked */ }
    }

    const api = baseMembers(hub)
    // An unserved method answers here, without a message; its answer is
    // logged as <MESSAGE>_RESPONSE, so an app whose only view of results
    // is its message logger (as Bright Pattern's example app) shows it.
    for (const [name, message, copy] of METHODS) {
      if (copy) continue
      const stub = api[name]
      const logged = function () {
        return stub().then(function (r) { log(message + '_RESPONSE', r); return r })
      }
      stubs.add(logged)
      api[name] = logged
    }
    // A served call refused here (its arguments checked before any message
    // leaves the page) is logged as its answer would be, as the unserved
    // ones are.
    const messages = Object.create(null)
    for (const [name, message] of METHODS) messages[name] = message
    serve(api, function (name, json, initiate, resolve, reject, signal) {
      withAbort(signal, resolve, reject, function (onPending, settle) {
        let sent = false
        callGo('clientCall', [CONN, name + json], initiate, function (r) {
          if (!sent) log(messages[name] + '_RESPONSE', r)
          settle(r)
        }, function (uid) { sent = true; onPending(uid) })
      }, function (uid) { go.clientCancel(CONN, uid) })
    }, function () { connect({}) })
    api.injectMessageLogger = function (fn) {
      if (typeof fn === 'function') loggers.push(fn)
    }

    class AdApi {
      constructor (opts) {
        const made = frame !== null
        const f = connect(opts || {})
        if (made) console.warn('adApi: one desktop frame per page: this AdApi shares the first one\'s frame; its options are not used')
        for (const name in api) this[name] = api[name]
        this.adcFrame = f
      }
    }
    if (typeof globalThis.brightpattern !== 'object' || globalThis.brightpattern === null) globalThis.brightpattern = {}
    globalThis.brightpattern.AdApi = AdApi
    addMembers(adApi, api)

    window.addEventListener('message', function (e) {
      if (e.origin !== desktopOrigin || !e.source || !frame || frame.contentWindow !== e.source) return
      const data = JSON.stringify(message(e.data))
      const m = e.data
      if (m && typeof m === 'object') {
        const type = String(m.type)
        log(type, type.startsWith('ON_') && isArray(m.params) ? m.params[0] : m.params)
        if (type === 'ADC_CONTENT_SIZE') return adaptive && fitFrame(m.params)
      }
      whenGo(function () { if (!broken) go.clientReceive(CONN, data) })
    })

    Object.assign(loader, {
      ready (entries) {
        go = unbound(entries)
        loader.isReady = true
        mark('ready')
        runWaiting()
        try { document.dispatchEvent(new CustomEvent('adapi:ready')) } catch (_) { /* the page's CustomEvent */ }
      },
      post (id, json) {
        const m = JSON.parse(json)
        log(m.type, redact(m.type, m.params))
        if (frame && frame.contentWindow) frame.contentWindow.postMessage(m, desktopOrigin)
      },
      emitTo (id, name, json) {
        hub.emit(name, json)
      }
    })
    boot(false)
  }

  // ================================================================== BOOT
  function fail (why) {
    broken = why
    console.error(why)
    runWaiting()
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

  async function boot (withConfig) {
    try {
      // The module first: it is the long pole (a CRM page needs no
      // softphone or panel: it loads the smaller module). Compiling it
      // with compileStreaming before wasm_exec.js has loaded, then
      // instantiating, measured no faster than instantiateStreaming once
      // wasm_exec.js is in (make bench's timeline): the bytes are still
      // arriving when it is.
      const module = fetch(new URL(role === 'client' ? 'adapi-client.wasm' : 'adapi.wasm', base))
      // The desktop owner's settings come from the desktop's own origin,
      // never from the URL or a message. Go reads the text strictly
      // (config.Parse); a file it cannot read fails closed there.
      const config = withConfig
        ? fetch(new URL('adapi-config.json', base), { cache: 'no-cache' })
          .then(r => (r.ok ? r.text().then(text => ({ text })) : { error: 'adapi-config.json could not be read: HTTP ' + r.status }))
          .catch(e => ({ error: 'adapi-config.json could not be read: ' + thrown(e).s }))
          .then(c => { mark('config'); return c })
        : Promise.resolve({ text: '{}' })
      await loadScript(new URL('wasm_exec.js', base).href)
      mark('wasm_exec')
      const g = new globalThis.Go()
      const { instance } = await WebAssembly.instantiateStreaming(module, g.importObject)
      mark('compiled')
      const c = await config
      loader.configText = c.text === undefined ? null : c.text
      loader.configError = c.error === undefined ? null : c.error
      loader.wasmMemory = instance.exports.mem // for make bench
      g.run(instance).then(function () { fail('adApi: the bridge stopped') })
    } catch (e) {
      fail('adApi: the module could not be loaded: ' + thrown(e).s)
    }
  }
})()
