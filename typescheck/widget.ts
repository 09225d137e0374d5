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
  // @ts-expect-error not a method of the API
  void adApi.startCalls('100')
  console.log(s)
}
void misuse
