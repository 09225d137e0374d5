// The demo CRM page's integration, as a CRM developer writes it against
// Bright Pattern's client API: create the client (which embeds the agent
// desktop), log the wire, and call from the contact card.
;(function () {
  'use strict'
  const api = new brightpattern.AdApi({
    integrationKey: 'acme-crm-demo',
    mountRoot: document.getElementById('desktopMount')
  })
  // The status says whether the agent desktop answers this page, not
  // only that the script loaded: a desktop that does not allow this
  // page's origin never says hello to it (nor can it be framed by it).
  const status = document.getElementById('bridgeStatus')
  const desktop = new URL(api.adcFrame.src).origin
  let answered = false
  function show (state, text) {
    status.dataset.state = state
    status.dataset.ready = String(state === 'connected')
    status.textContent = text
  }
  show('connecting', 'connecting to the agent desktop…')
  api.injectMessageLogger(function (type) {
    if (type === 'hello') {
      answered = true
      show('connected', 'agent desktop connected')
    }
  })
  // The client's own deadline for a hello (SPEC: 10 s).
  setTimeout(function () {
    if (!answered) {
      show('unanswered', 'no answer from the agent desktop at ' + desktop + ': does its allowedOrigins list this page (' + location.origin + ')?')
    }
  }, 10000)

  const messages = document.getElementById('messageLog')
  api.injectMessageLogger(function (type, data) {
    const li = document.createElement('li')
    let text
    try { text = JSON.stringify(data) } catch (_) { text = String(data) }
    li.textContent = new Date().toLocaleTimeString() + '  ' + type + '  ' + (text === undefined ? '' : text).slice(0, 300)
    messages.prepend(li)
    while (messages.children.length > 100) messages.lastChild.remove()
  })
  document.getElementById('clickToCall').onclick = function () {
    adApi.startCall('+1 (415) 555-0123', {
      id: '003B000000xyz', type: 'contact', displayName: 'Ada Lovelace', displayType: 'Contact',
      customFields: { account: 'Analytical Engines Ltd' }
    })
  }
})()
