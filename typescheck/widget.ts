// A small click-to-call widget, written against web/adapi.d.ts as a CRM
// developer would: `make test` compiles it (tsc --noEmit) to keep the
// types honest.
/// <reference path="../web/adapi.d.ts" />

const client = new brightpattern.AdApi({ integrationKey: 'acme', mountRoot: document.body })
client.injectMessageLogger((type, data) => console.debug(type, data))

async function callContact (phone: string): Promise<string | null> {
  const r: OperationResult<InitiateResult> = await adApi.startCall(phone, {
    id: '003B000000xyz', type: 'contact', displayName: 'Ada Lovelace', displayType: 'Contact',
    customFields: { tier: 'gold' }
  }, { idempotencyKey: 'contact-003B000000xyz' })
  if (r.status === 'error') {
    const code: number = r.error.code
    const name: ResultErrorName = r.error.name
    console.warn(code, name, r.error.message)
    return null
  }
  return r.data.id // null under Deferred Dial
}

const follow = (d: InteractionData): void => {
  const state: InteractionState = d.state
  const who = d.associatedObjects.list.map(o => o.displayName ?? o.id).join(', ')
  console.log(d.interactionId, state, d.phoneNumber, who, d.duration)
}
adApi.on('ON_INTERACTION_STATE_CHANGE', follow)
adApi.on('ON_ACTIVE_INTERACTION_SWITCHED', (id: string | null) => console.log('active', id))
const unsubscribe: () => void = adApi.onInteractionStateChange(follow)
unsubscribe()
adApi.remove('ON_INTERACTION_STATE_CHANGE', follow)
void adApi.getLoginState().then(r => r.status)
void callContact('+1 (415) 555-0123')

// Call control: a CRM's script, each method with Bright Pattern's types.
async function callControl (): Promise<void> {
  const login: OperationResult<LoginStateData> = await adApi.getLoginState()
  if (login.status === 'success' && !login.data.isLoggedIn) await adApi.login({ username: 'ada', password: 'secret' }, true)
  const st = await adApi.getAgentState()
  if (st.status === 'success') {
    const s: AgentState = st.data.state
    console.log(s, st.data.reservedForIncomingInteraction, st.data.notReadyReason)
  }
  const reasons = await adApi.getAgentNotReadyReasons()
  await adApi.setAgentState('not_ready', reasons.status === 'success' ? reasons.data[0] : undefined)
  await adApi.setAgentState('ready')
  await adApi.startCall('+1 415 555 0100', [{ id: 'c1', type: 'contact' }, { id: 'k9', type: 'case' }])
  await adApi.setCallHold(true)
  await adApi.setCallHold(false, undefined)
  await adApi.setCallMute(true)
  await adApi.sendDtmf('123#')
  await adApi.switchActiveInteraction('ia-1')
  await adApi.leaveInteraction()
  await adApi.completeInteraction()
  await adApi.leaveAndCompleteInteraction('SUCCESS', 'spoke to Ada', 'ia-1')
  await adApi.acceptInteraction()
  await adApi.rejectInteraction('ia-2')
  const devices = await adApi.getPhoneDevicesList()
  if (devices.status === 'success') {
    const d: PhoneDevice = devices.data[0]
    await adApi.setPhoneDevice({ type: d })
  }
  const dev = await adApi.getPhoneDevice()
  if (dev.status === 'success') console.log(dev.data.type, dev.data.phone)
  const all = await adApi.getInteractionsState()
  if (all.status === 'success') console.log(all.data.activeInteractionId, all.data.interactions.map(i => i.state))
  await adApi.logout()
  adApi.on('ON_LOGIN', (s: LoginStateData) => console.log(s.username))
  adApi.on('ON_LOGOUT', () => console.log('logged out'))
  adApi.on('ON_AGENT_STATE_CHANGE', (s: AgentState, reason?: string) => console.log(s, reason))
  adApi.on('ON_SOFTPHONE_STATUS_CHANGE', (ready: boolean, error?: string) => console.log(ready, error))
  adApi.on('ON_SERVER_ERROR', (e: ServerErrorData) => console.log(e.code, e.name, e.timestamp, e.message))
  adApi.on('ON_PHONE_CAPABILITIES_CHANGE', (c: PhoneCapabilities) => console.log(c.canDial, c.canAnswer, c.canHold, c.canRetrieve))
  adApi.on('ON_AUDIO_DEVICE_CHANGE', (input?: string, output?: string) => console.log(input, output))
}
void callControl

// What must NOT compile: each line below is an error against the d.ts. If
// one stops being an error (a declaration loosened to `any`, a catch-all
// overload), its @ts-expect-error is unused, and tsc fails.
async function misuse (): Promise<void> {
  // @ts-expect-error the number is a string
  await adApi.startCall(42)
  // @ts-expect-error the object needs id and type
  await adApi.startCall('100', { displayName: 'Ada' })
  // @ts-expect-error customFields are strings
  await adApi.startCall('100', { id: 'c', type: 'contact', customFields: { age: 42 } })
  // @ts-expect-error idempotencyKey is a string
  await adApi.startCall('100', undefined, { idempotencyKey: 7 })
  // @ts-expect-error the result is an OperationResult, not a string
  const s: string = await adApi.startCall('100')
  const r = await adApi.startCall('100')
  // @ts-expect-error data is there only on success (narrow on status first)
  console.log(r.data.id.length)
  if (r.status === 'error') {
    // @ts-expect-error an error's code is a number
    const c: string = r.error.code
    console.log(c)
  }
  // @ts-expect-error no such event
  adApi.on('ON_TYPO', (d: InteractionData) => console.log(d))
  // @ts-expect-error ON_NEW_INTERACTION hands over InteractionData, not a string
  adApi.on('ON_NEW_INTERACTION', (id: number) => console.log(id))
  // @ts-expect-error no such event
  adApi.remove('ON_TYPO', follow)
  // @ts-expect-error integrationKey is a string
  void new brightpattern.AdApi({ integrationKey: 1, mountRoot: document.body })
  // @ts-expect-error setCallHold takes a boolean
  await adApi.setCallHold('on')
  // @ts-expect-error login needs a password
  await adApi.login({ username: 'ada' })
  // @ts-expect-error not an agent state
  await adApi.setAgentState('asleep')
  // @ts-expect-error ON_AGENT_STATE_CHANGE hands over a state, not InteractionData
  adApi.on('ON_AGENT_STATE_CHANGE', (d: InteractionData) => console.log(d))
  // @ts-expect-error not a method of the API
  void adApi.startCalls('100')
  console.log(s)
}
void misuse
