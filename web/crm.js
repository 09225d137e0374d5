// The demo CRM page's integration, as a CRM developer writes it against
// Bright Pattern's client API: create the client (which embeds the agent
// desktop), log the wire, and call from the contact card.
;(function () {
  'use strict'
  const api = new brightpattern.AdApi({
    integrationKey: 'acme-crm-demo',
    mountRoot: document.getElementById('desktopMount')
  })
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
