// The demo widget: Bright Pattern's documented startCall example, as a
// widget author writes it, plus what it shows on the page. Plain
// JavaScript against the public adApi; nothing here knows about Go.
;(function () {
  'use strict'
  const startCallPhoneNumberInput = document.getElementById('startCallPhoneNumberInput')
  const associatedObjectTextarea = document.getElementById('associatedObjectTextarea')
  const startCallButton = document.getElementById('startCallButton')
  const results = document.getElementById('startCallResults')
  const status = document.getElementById('startCallStatus') // optional
  const eventLog = document.getElementById('eventLog') // optional: the desktop page logs events in its Activity

  const idempotencyToggle = document.getElementById('idempotencyToggle')

  // One time format on every log: 24-hour HH:MM:SS, as the desktop's.
  function now () {
    return new Date().toTimeString().slice(0, 8)
  }

  // The documented handler, unchanged but for showing the result and,
  // when the page asks for it, a key that makes a double click one call.
  startCallButton.onclick = () => {
    const phone = startCallPhoneNumberInput.value
    let associatedObject = undefined
    const associatedObjectStr = associatedObjectTextarea.value
    if (associatedObjectStr) {
      try {
        associatedObject = JSON.parse(associatedObjectStr)
      } catch (e) {
        alert('You have syntax error in the associated object structure. Cannot parse JSON.')
        return
      }
    }
    const call = idempotencyToggle && idempotencyToggle.checked
      ? adApi.startCall(phone, associatedObject, { idempotencyKey: 'form ' + phone + ' ' + associatedObjectStr })
      : adApi.startCall(phone, associatedObject)
    pending(phone, +1)
    call.then(result => { pending(phone, -1); show(phone, result) })
  }
  // Enter in the phone field places the call, as the button does.
  startCallPhoneNumberInput.addEventListener('keydown', e => {
    if (e.key === 'Enter' && !e.isComposing) {
      e.preventDefault()
      startCallButton.click()
    }
  })

  // "Calling…" at once, while any call from the form is unanswered.
  let waiting = 0
  function pending (phone, n) {
    waiting += n
    if (!status) return
    status.dataset.kind = waiting > 0 ? 'calling' : ''
    if (waiting > 0) status.textContent = 'Calling ' + phone + '…'
  }

  function show (phone, result) {
    const li = document.createElement('li')
    li.className = 'result ' + result.status
    li.dataset.status = result.status
    const text = result.status === 'success'
      ? (result.data.id === null ? 'success · id null (Deferred Dial: number is in the Dialpad)' : 'success · id ' + result.data.id)
      : 'error ' + result.error.code + ' ' + result.error.name + ' · ' + result.error.message
    li.textContent = phone + ' → ' + text
    results.prepend(li)
    while (results.children.length > 200) results.lastElementChild.remove()
    if (status && waiting === 0) {
      status.dataset.kind = result.status
      status.textContent = result.status === 'success'
        ? (result.data.id === null ? 'In the Dialpad: the agent dials it' : 'Call placed')
        : 'Not placed: ' + result.error.message
    }
  }

  // A widget following interactions, as Bright Pattern's client API does
  // (on a page with an event log: the CRM page).
  function logEvent (name) {
    return function (payload) {
      const li = document.createElement('li')
      li.dataset.event = name
      const what = payload && typeof payload === 'object'
        ? payload.interactionId + ' ' + payload.state +
          (payload.associatedObjects && payload.associatedObjects.list.length
            ? ' · ' + payload.associatedObjects.list[0].displayName : '')
        : String(payload)
      li.textContent = now() + '  ' + name + '  ' + what
      eventLog.prepend(li)
      while (eventLog.children.length > 200) eventLog.lastElementChild.remove()
    }
  }
  if (eventLog) {
    for (const name of ['ON_NEW_INTERACTION', 'ON_INTERACTION_STATE_CHANGE', 'ON_INTERACTION_REMOVED', 'ON_ACTIVE_INTERACTION_SWITCHED']) {
      adApi.on(name, logEvent(name))
    }
  }

  // The desktop page's status: once its bridge is ready, the agent's status
  // as the softphone panel last drew it (a phone not registered first: the
  // agent can take no call then, whatever status they chose). (A CRM page's
  // says whether the desktop in its frame answers: crm.js.)
  const bridgeStatus = document.getElementById('bridgeStatus')
  if (!globalThis.__adApiLoader || __adApiLoader.role !== 'desktop') return
  const panel = document.getElementById('agentDesktop')
  let loaded = false
  function ready () {
    loaded = true
    let text = 'Ready', state = 'ready'
    const pill = document.getElementById('agentStatePill'), select = document.getElementById('agentStateSelect')
    if (panel && panel.dataset.loggedIn === 'false') [text, state] = ['Signed out', 'signed_out']
    else if (pill && !pill.hidden) [text, state] = [pill.textContent, pill.dataset.state]
    else if (select && select.selectedOptions.length) [text, state] = [select.selectedOptions[0].textContent, select.dataset.state]
    if (bridgeStatus.textContent !== text) bridgeStatus.textContent = text
    bridgeStatus.dataset.ready = String(state === 'ready')
    bridgeStatus.dataset.state = state
  }
  if (panel) panel.addEventListener('adapi:drawn', () => loaded && ready())
  if (globalThis.__adApiLoader && globalThis.__adApiLoader.isReady) ready()
  else document.addEventListener('adapi:ready', ready)
})()
