// crossings.js counts JS↔Go crossings for make bench (loaded before
// adapi.js). Every Go instance made on this page (the loader's module and
// the no-op floor) is counted apart, by the module it runs:
//  - enter: calls from JavaScript into Go (a js.Func's wrapper, each one
//    a _resume of the Go scheduler);
//  - imports: calls from Go into JavaScript (syscall/js.valueGet,
//    copyBytesToGo, runtime.nanotime1… by name);
//  - refs: JavaScript objects, strings and functions handed to Go (each
//    one gets a finalizer in the Go runtime, which costs more than the
//    crossing itself).
// window.__crossings(label, n, call) runs call() n times, sequential and
// awaited, and returns the counts per call of the instance labelled label.
;(function () {
  'use strict'
  const counted = {} // label -> {go, enter, imports: {name: n}, finalized}
  let G
  Object.defineProperty(globalThis, 'Go', {
    configurable: true,
    get () { return G },
    set (C) {
      G = class extends C {
        constructor () {
          super()
          const c = { go: this, enter: 0, imports: {}, finalized: 0 }
          this.__count = c
          const gojs = this.importObject.gojs
          for (const name of Object.keys(gojs)) {
            const f = gojs[name]
            c.imports[name] = 0
            gojs[name] = function (sp) {
              c.imports[name]++
              if (name === 'syscall/js.finalizeRef') c.finalized++
              return f.apply(this, arguments)
            }
          }
        }

        run (instance) {
          // Labelled by what the module exports first: the loader's module
          // runs with __adApiLoader, the floor without.
          this.__count.label = globalThis.__adApiLoader && !counted.bridge ? 'bridge' : 'noop'
          counted[this.__count.label] = this.__count
          return super.run(instance)
        }

        _makeFuncWrapper (id) {
          const f = super._makeFuncWrapper(id)
          const c = this.__count
          return function () {
            c.enter++
            return f.apply(this, arguments)
          }
        }
      }
    }
  })
  // refs is how many JavaScript values Go holds a reference to now, plus
  // those it has let go: the references handed to Go so far.
  function refs (c) {
    let held = 0
    for (const n of c.go._goRefCounts || []) if (n > 0 && n < Infinity) held += n
    return held + c.finalized
  }
  function snapshot (c) {
    return { enter: c.enter, imports: Object.assign({}, c.imports), refs: refs(c) }
  }
  globalThis.__crossings = async function (label, n, call) {
    const c = counted[label]
    if (!c) throw new Error('no Go instance labelled ' + label)
    const a = snapshot(c)
    for (let i = 0; i < n; i++) await call()
    const b = snapshot(c)
    const imports = {}
    let total = 0
    for (const k of Object.keys(b.imports)) {
      const d = b.imports[k] - a.imports[k]
      if (d > 0 && k !== 'syscall/js.finalizeRef') { imports[k.replace(/^syscall\/js\./, '')] = d / n; total += d }
    }
    return { enter: (b.enter - a.enter) / n, imports: total / n, refs: (b.refs - a.refs) / n, byName: imports }
  }
})()
