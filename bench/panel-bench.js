// make bench's panel redraw: run in the agent desktop page (with its
// panel) by cmd/adapi-bench. For each count n it fills the softphone up to
// n interactions, lets the panel settle, then changes one interaction
// (hold, resume, …) and reads how long the redraw that follows took
// (adApiDesktop.stats().panel.lastDrawMs, timed by the panel itself).
window.__panelRedraw = async (counts, samples) => {
  await new Promise(resolve => __adApiLoader.isReady ? resolve() : document.addEventListener('adapi:ready', resolve, {once: true}))
  await new Promise(resolve => setTimeout(resolve, 0)) // adApiDesktop comes just after ready
  const stats = () => adApiDesktop.stats().panel
  if (!stats()) return null // a panel without the hook
  await adApiDesktop.update({answerDelayMs: 0})
  const root = document.getElementById('agentDesktop')
  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms))
  const drawn = () => new Promise(resolve => {
    root.addEventListener('adapi:drawn', () => resolve(true), {once: true})
    setTimeout(() => resolve(false), 3000)
  })
  const out = {}
  for (const n of counts) {
    while (adApiDesktop.interactions().length < n) {
      const r = await adApi.startCall('+1 (415) 555-0123')
      if (r.status !== 'success') throw new Error(JSON.stringify(r))
    }
    await sleep(400) // answered, drawn, quiet
    const first = adApiDesktop.interactions()[0]
    const id = first.interactionId
    if (first.state === 'delivery_pending') await adApiDesktop.connect(id)
    await sleep(200)
    const ms = []
    for (let k = 0; k < samples; k++) {
      const d = drawn()
      const held = adApiDesktop.interactions()[0].state === 'hold'
      const r = await (held ? adApiDesktop.resume(id) : adApiDesktop.hold(id))
      if (r.status !== 'success') throw new Error(JSON.stringify(r))
      if (!(await d)) throw new Error('no redraw after a change (is the page hidden?)')
      ms.push(stats().lastDrawMs)
      await sleep(150)
    }
    ms.sort((a, b) => a - b)
    out[n] = {p50: ms[Math.floor(ms.length / 2)], max: ms[ms.length - 1], rows: stats().rows}
  }
  return out
}
