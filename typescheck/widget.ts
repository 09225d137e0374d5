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
