// make bench adds this script to the agent desktop page it frames in the
// CRM bench page (cmd/adapi-bench). It answers the bench page's own
// messages in the desktop frame, ahead of adapi.js (a capturing listener
// that stops the message there), so that a raw postMessage round trip is
// measured between the same two frames as a cross-frame startCall:
//   {bench: 'ping'}     echoed at once;
//   {bench: 'keep', n}  hangs up and completes all but the newest n
//                       interactions, waits until the panel is idle, then
//                       answers.
addEventListener('message', e => {
  const m = e.data
  if (!m || typeof m !== 'object' || typeof m.bench !== 'string') return
  e.stopImmediatePropagation()
  if (m.bench === 'ping') return e.source.postMessage(m, e.origin)
  if (m.bench === 'keep') keep(m.n).then(() => e.source.postMessage(m, e.origin))
}, true)

async function keep (n) {
  const all = adApiDesktop.interactions()
  for (const i of all.slice(0, Math.max(0, all.length - n))) {
    await adApiDesktop.hangUp(i.interactionId)
    await adApiDesktop.complete(i.interactionId)
  }
  // Idle: the panel has drawn what changed (it draws at most every
  // ~100 ms) and nothing is scheduled.
  await new Promise(resolve => setTimeout(resolve, 250))
  await new Promise(resolve => requestAnimationFrame(() => requestAnimationFrame(resolve)))
}
