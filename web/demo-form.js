// The demo widget: Bright Pattern's documented startCall example, as a
// widget author writes it, plus what it shows on the page. Plain
// JavaScript against the public adApi; nothing here knows about Go.
;(function () {
  'use strict'
  const startCallPhoneNumberInput = document.getElementById('startCallPhoneNumberInput')
  const associatedObjectTextarea = document.getElementById('associatedObjectTextarea')
  const startCallButton = document.getElementById('startCallButton')
  const results = document.getElementById('startCallResults')
  const eventLog = document.getElementById('eventLog')

  const idempotencyToggle = document.getElementById('idempotencyToggle')

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
    call.then(result => show(phone, result))
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
  }

  // A widget following interactions, as Bright Pattern's client API does.
  function logEvent (name) {
    return function (payload) {
      const li = document.createElement('li')
      li.dataset.event = name
      const what = payload && typeof payload === 'object'
        ? payload.interactionId + ' ' + payload.state +
          (payload.associatedObjects && payload.associatedObjects.list.length
            ? ' · ' + payload.associatedObjects.list[0].displayName : '')
        : String(payload)
      li.textContent = new Date().toLocaleTimeString() + '  ' + name + '  ' + what
      eventLog.prepend(li)
      while (eventLog.children.length > 200) eventLog.lastChild.remove()
    }
  }
  for (const name of ['ON_NEW_INTERACTION', 'ON_INTERACTION_STATE_CHANGE', 'ON_INTERACTION_REMOVED', 'ON_ACTIVE_INTERACTION_SWITCHED']) {
    adApi.on(name, logEvent(name))
  }

  // The desktop page's status: its bridge is ready. (A CRM page's says
  // whether the desktop in its frame answers: crm.js.)
  const status = document.getElementById('bridgeStatus')
  if (!globalThis.__adApiLoader || __adApiLoader.role !== 'desktop') return
  function ready () {
    status.textContent = 'bridge ready'
    status.dataset.ready = 'true'
  }
  if (globalThis.__adApiLoader && globalThis.__adApiLoader.isReady) ready()
  else document.addEventListener('adapi:ready', ready)
})()
