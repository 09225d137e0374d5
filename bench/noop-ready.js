// The no-op floor page's loader: the plain way to run a Go module.
window.__queued = new Promise(resolve => {
  document.addEventListener('noop:ready', () => {
    performance.mark('adapi:go-main')
    noopStartCall('+1 415 555 0123').then(r => resolve({status: r.status, ms: performance.now()}))
  }, {once: true})
})
performance.mark('adapi:script')
const go = new Go()
WebAssembly.instantiateStreaming(fetch('/bench/noop.wasm'), go.importObject).then(r => {
  performance.mark('adapi:compiled')
  go.run(r.instance)
})
window.__timeline = __queued.then(q => {
  const t = {settled: q.ms}
  for (const m of performance.getEntriesByType('mark')) if (m.name.startsWith('adapi:')) t[m.name.slice(6)] = m.startTime
  for (const e of performance.getEntriesByType('resource')) {
    const f = e.name.split('/').pop()
    if (f === 'noop.wasm') { t['wasm requested'] = e.requestStart || e.startTime; t['wasm fetched'] = e.responseEnd }
    if (f === 'wasm_exec.js') t['wasm_exec.js fetched'] = e.responseEnd
  }
  return t
})
