// The pure-JavaScript reference for `make bench`: the same validation,
// normalisation and OperationResult as the Go bridge's startCall, written
// the way a JS library would, placing nothing. It is the yardstick the Go
// path is measured against, in the same browser, in the same run.
;(function () {
  'use strict'
  const FIELDS = ['id', 'type', 'displayName', 'displayType']
  let seq = 0
  function fail (code, name, message) {
    return Promise.resolve({ status: 'error', error: { code, name, message }, data: { id: null, error: message } })
  }
  function kind (v) { return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v }
  function phone (p) {
    if (p === null || p === undefined) return [10, 'phoneNumber: empty']
    if (typeof p !== 'string') return [3, 'phoneNumber: want string, got ' + kind(p)]
    if (p.length > 64) return [3, 'phoneNumber: too long']
    const s = p.trim()
    if (!s) return [10, 'phoneNumber: empty']
    const n = s.replace(/[ \-.()]/g, '')
    if (!/^\+?[0-9*#]+$/.test(n)) return [3, 'phoneNumber: invalid character']
    if (n[0] === '+' && (!/^\+[0-9]{1,15}$/.test(n))) return [3, 'phoneNumber: not E.164']
    return [0, n]
  }
  function object (o) {
    if (o === null || o === undefined) return null
    if (kind(o) !== 'object') return 'initialObject: want object, got ' + kind(o)
    for (const f of FIELDS) {
      const v = o[f]
      if ((f === 'id' || f === 'type') && (v === undefined || v === null || v === '')) return 'initialObject.' + f + ': required'
      if (v !== undefined && v !== null && (typeof v !== 'string' || v.length > 4096)) return 'initialObject.' + f + ': want string'
    }
    const cf = o.customFields
    if (cf !== undefined && cf !== null) {
      if (kind(cf) !== 'object') return 'initialObject.customFields: want object of strings'
      const keys = Object.keys(cf)
      if (keys.length > 100) return 'initialObject.customFields: too many fields'
      for (const k of keys) if (typeof cf[k] !== 'string' || cf[k].length > 4096) return 'initialObject.customFields.' + k + ': want string'
    }
    return null
  }
  globalThis.referenceStartCall = function (phoneNumber, initialObject) {
    try {
      const [code, n] = phone(phoneNumber)
      if (code) return fail(code, code === 10 ? 'empty_number' : 'invalid_args', n)
      const bad = object(initialObject)
      if (bad) return fail(3, 'invalid_args', bad)
      return Promise.resolve({ status: 'success', data: { id: 'ref-' + (++seq) } })
    } catch (e) {
      return fail(3, 'invalid_args', 'arguments could not be read: ' + e)
    }
  }
})()
