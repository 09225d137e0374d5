// Types for widget authors: the global adApi and brightpattern.AdApi that
// adapi.js installs, with Bright Pattern's names (their CRM client API's
// published types; SPEC.md). Checked in `make test` by compiling
// typescheck/widget.ts against this file.

export {}

declare global {
  type ResultErrorName =
    | 'not_enough_privileges' | 'not_logged_in' | 'invalid_args' | 'logged_without_phone' | 'banned'
    | 'api_not_answer' | 'invalid_request' | 'timeout' | 'no_chat_in_service' | 'empty_number'
    | 'no_service' | 'self_call' | 'no_interaction' | 'api_method_not_implemented'
    | 'not_suitable_state' | 'no_disposition' | 'object_not_found' | 'unknown_error'

  interface ResultError {
    code: number
    name: ResultErrorName
    message?: string
  }

  /** Bright Pattern's OperationResult. startCall's error results also carry data: {id: null, error}. */
  type OperationResult<T = null> =
    | { status: 'success'; data: T }
    | { status: 'error'; error: ResultError; data?: T }

  /** startCall's data: the new interaction's id; null under Deferred Dial or on error. */
  interface InitiateResult {
    id: string | null
    error?: string
  }

  interface InteractionAssociatedObject {
    id: string
    type: string
    displayName?: string
    displayType?: string
    customFields?: Record<string, string>
  }

  type InteractionState =
    | 'unknown' | 'queued' | 'ivr' | 'delivery_pending' | 'delivered' | 'hold'
    | 'wrap_up' | 'wrap_up_hold' | 'completed'

  interface CallParty {
    id: string
    name: string
    phone: string
    userId?: string
  }

  interface InteractionData {
    interactionId: string
    state: InteractionState
    type: 'voice' | 'chat' | 'email'
    subject: string
    associatedObjects: {
      list: (InteractionAssociatedObject & { source: string })[]
      selected: string[]
    }
    callParties: CallParty[]
    callMuted: boolean
    callRecording: boolean
    attachedData: Record<string, string>
    /** Always empty here (voice only). */
    chatParties: { id: string; type: 'internal' | 'external'; name: string }[]
    internal: boolean
    phoneNumber?: string
    callDirection?: 'inbound' | 'outbound'
    origination?: 'dialpad' | 'integration-api'
    startTime?: number
    endTime?: number
    duration?: number
  }

  type InteractionEvent = 'ON_NEW_INTERACTION' | 'ON_INTERACTION_STATE_CHANGE' | 'ON_INTERACTION_REMOVED'
  /** The events adApi.on delivers: a misspelt name is a type error, not a handler that never runs. */
  type AdApiEvent = InteractionEvent | 'ON_ACTIVE_INTERACTION_SWITCHED' | 'ON_LOGIN' | 'ON_LOGOUT' |
    'ON_AGENT_STATE_CHANGE' | 'ON_SOFTPHONE_STATUS_CHANGE' | 'ON_SERVER_ERROR' | 'ON_PHONE_CAPABILITIES_CHANGE' |
    'ON_AUDIO_DEVICE_CHANGE'

  type AgentState = 'supervising' | 'ready' | 'not_ready' | 'busy' | 'after_call_work' | 'reserved' | 'ringing'

  interface LoginStateData {
    isLoggedIn: boolean
    agentId?: string
    username?: string
    sessionId?: string
  }

  /** login's argument. The password is never logged, shown or put in an event: loggers see '***'. */
  interface LoginData {
    username: string
    password: string
    tenant?: string
  }

  interface AgentStateData {
    state: AgentState
    reservedForIncomingInteraction: boolean
    notReadyReason?: string
  }

  type PhoneDevice =
    | 'phone_type_browser' | 'phone_type_external' | 'phone_type_hard_custom' | 'phone_type_hard_default'
    | 'phone_type_nailed' | 'phone_type_none' | 'phone_type_soft_secure' | 'phone_type_microsoft_teams'
    | 'phone_type_soft_unsecure'

  interface PhoneDeviceData {
    type: PhoneDevice
    phone?: string
  }

  interface InteractionsState {
    activeInteractionId: string | null
    interactions: InteractionData[]
  }

  type ServerErrorName =
    | 'forced_logout_by_other_client' | 'forced_logout_by_supervisor' | 'invalid_request' | 'phone_not_registered'
    | 'phone_not_in_dial_plan' | 'tenant_disabled' | 'destination_user_not_logged' | 'user_disabled_or_deleted'
    | 'user_already_logged_in' | 'invalid_credentials' | 'other_user_logged_with_phone' | 'invalid_token'
    | 'logged_users_limit_reached' | 'already_logged_in_with_the_same_session' | 'not_enough_privileges'
    | 'sip_server_error' | 'unknown_error'

  interface ServerErrorData {
    code: number
    name: ServerErrorName
    timestamp: number
    message?: string
  }

  interface PhoneCapabilities {
    canDial: boolean
    canAnswer: boolean
    canHold: boolean
    canRetrieve: boolean
  }

  /** Beyond Bright Pattern's API, opt-in: a duplicate guard and cancellation. */
  interface StartCallOptions {
    /** A repeat within 60 s returns the first call's result and dials nothing. */
    idempotencyKey?: string
    /** Aborted before dialling starts: nothing is dialled and the promise rejects with signal.reason. */
    signal?: AbortSignal
  }

  type MessageLogger = (message: string, data: any) => void

  interface AdApiClient {
    /** initialObject: one object or an array of them (Bright Pattern's InitialObjects); the first is selected. */
    startCall(phoneNumber: string, initialObject?: InteractionAssociatedObject | InteractionAssociatedObject[], options?: StartCallOptions): Promise<OperationResult<InitiateResult>>
    on(event: InteractionEvent, handler: (interaction: InteractionData) => void): void
    on(event: 'ON_ACTIVE_INTERACTION_SWITCHED', handler: (activatedInteractionId: string | null) => void): void
    on(event: 'ON_LOGIN', handler: (loginState: LoginStateData) => void): void
    on(event: 'ON_LOGOUT', handler: () => void): void
    on(event: 'ON_AGENT_STATE_CHANGE', handler: (state: AgentState, notReadyReason?: string) => void): void
    on(event: 'ON_SOFTPHONE_STATUS_CHANGE', handler: (ready: boolean, error?: string) => void): void
    on(event: 'ON_SERVER_ERROR', handler: (error: ServerErrorData) => void): void
    on(event: 'ON_PHONE_CAPABILITIES_CHANGE', handler: (caps: PhoneCapabilities) => void): void
    /**
     * With a sip section: the agent chose a microphone or speaker in the panel, or the desktop fell back
     * to the default from one that is gone (and back). The names (labels) of the devices now in use;
     * outputDevice is absent where the browser cannot choose the speaker (no setSinkId).
     */
    on(event: 'ON_AUDIO_DEVICE_CHANGE', handler: (inputDevice?: string, outputDevice?: string) => void): void
    remove(event: AdApiEvent, handler: (...args: any[]) => void): void
    /** The 5.19 page's state callback; returns an unsubscribe function. */
    onInteractionStateChange(handler: (interaction: InteractionData) => void): () => void
    injectMessageLogger(callback: MessageLogger): void

    // Call control, served (SPEC.md, "Call control"). An omitted
    // interactionId means the active interaction (accept / reject: the
    // oldest ringing inbound call).
    getLoginState(): Promise<OperationResult<LoginStateData>>
    login(loginData: LoginData, force?: boolean): Promise<OperationResult>
    logout(): Promise<OperationResult>
    getAgentState(): Promise<OperationResult<AgentStateData>>
    /** The agent may choose 'ready' or 'not_ready'; the other states follow the calls (invalid_args here). */
    setAgentState(state: AgentState, notReadyReason?: string): Promise<OperationResult>
    acceptInteraction(interactionId?: string): Promise<OperationResult>
    rejectInteraction(interactionId?: string): Promise<OperationResult>
    leaveInteraction(interactionId?: string): Promise<OperationResult>
    completeInteraction(interactionId?: string): Promise<OperationResult>
    leaveAndCompleteInteraction(disposition?: string, note?: string, interactionId?: string): Promise<OperationResult>
    switchActiveInteraction(interactionId: string): Promise<OperationResult>
    setCallHold(state: boolean, interactionId?: string): Promise<OperationResult>
    setCallMute(state: boolean, interactionId?: string): Promise<OperationResult>
    /** Digits 0-9 * # A-D, at most 32, on a connected call. */
    sendDtmf(dtmf: string, interactionId?: string): Promise<OperationResult>
    getPhoneDevicesList(): Promise<OperationResult<PhoneDevice[]>>
    getPhoneDevice(): Promise<OperationResult<PhoneDeviceData>>
    setPhoneDevice(phoneDevice: PhoneDeviceData): Promise<OperationResult>
    getInteractionsState(): Promise<OperationResult<InteractionsState>>
    getAgentNotReadyReasons(): Promise<OperationResult<string[]>>

    // Bright Pattern's other 5.19 methods: real functions that resolve
    // api_method_not_implemented (14) here.
    startChat(channel: string, address: string, initialObject?: InteractionAssociatedObject): Promise<OperationResult<any>>
    startEmail(email: string, initialObject?: InteractionAssociatedObject): Promise<OperationResult<any>>
    consultCall(phone: string): Promise<OperationResult>
    blindTransfer(phone: string, customTransferData?: Record<string, unknown>, interactionId?: string): Promise<OperationResult>
    transfer(customTransferData?: Record<string, unknown>, mainCallId?: string, consultCallId?: string): Promise<OperationResult>
    inviteToCallConference(phone: string, customTransferData?: Record<string, unknown>, interactionId?: string): Promise<OperationResult>
    removeFromCallConference(partyId: string, interactionId?: string): Promise<OperationResult>
    destroyCallConference(interactionId?: string): Promise<OperationResult>
    getTeams(): Promise<OperationResult<any[]>>
    getTeamMembers(teamId: string): Promise<OperationResult<any[]>>
    getServicesList(): Promise<OperationResult<any[]>>
    setService(service: string): Promise<OperationResult>
    getDispositionsList(target: { service?: string; interactionId?: string }): Promise<OperationResult<any[]>>
    setDisposition(disposition: string, interactionId?: string): Promise<OperationResult>
    setRescheduleWindow(rescheduleData: Record<string, unknown>, interactionId?: string): Promise<OperationResult>
    addNote(note: string, interactionId?: string): Promise<OperationResult>
    updateNote(note: string, interactionId?: string): Promise<OperationResult>
    replaceNote(note: string, interactionId?: string): Promise<OperationResult>
    getConfig(): Promise<OperationResult<any>>
    setVariable(key: string, value: string, interactionId?: string): Promise<OperationResult>
    addInteractionAssociatedObject(object: InteractionAssociatedObject, interactionId?: string): Promise<OperationResult>
    setInteractionActiveScreen(screenData: Record<string, unknown>, interactionId?: string): Promise<OperationResult>
    setCallRecording(state: boolean, interactionId?: string): Promise<OperationResult>
    setScreenRecordingMute(state: boolean): Promise<OperationResult>
    getScreenRecordingState(): Promise<OperationResult<any>>
    setWidgetMinimized(state: boolean): Promise<OperationResult>
    openLogin(): Promise<OperationResult>
    mergeAllCallsIntoConference(customTransferData?: Record<string, unknown>): Promise<OperationResult>
    inviteToChatConference(partyId: string, interactionId?: string): Promise<OperationResult>
    removeFromChatConference(partyId: string, interactionId?: string): Promise<OperationResult>
    getService(): Promise<OperationResult<any>>
    getDIDNumbersList(): Promise<OperationResult<any[]>>
    getDIDNumber(): Promise<OperationResult<any>>
    setDIDNumber(did: string | null): Promise<OperationResult>
    getVariables(keys: string[], interactionId?: string): Promise<OperationResult<Record<string, string>>>
    sendChatMessage(message: string, interactionId?: string): Promise<OperationResult>
    suggestChatMessage(message: string, allowOverwrite?: boolean, interactionId?: string): Promise<OperationResult>
    activatePage(): Promise<OperationResult>
    setCallRecordingMute(state: boolean, interactionId?: string): Promise<OperationResult>
    setDialCandidates(candidates: any[]): Promise<OperationResult>
  }

  /** Bright Pattern's InitOptions. One desktop frame per page: only the first AdApi's options are used. */
  interface AdApiInitOptions {
    integrationKey?: string
    mountRoot?: HTMLElement
    adcFrame?: HTMLIFrameElement
    /** Accepted; no effect here. */
    standalone?: boolean
    /** Accepted; no effect here. */
    disableNewInteractionPopup?: boolean
    /** true: the frame's width follows the desktop's content (its ADC_CONTENT_SIZE messages); otherwise the frame fills mountRoot. */
    adaptiveWidth?: boolean
  }

  interface AdApiInstance extends AdApiClient {
    adcFrame: HTMLIFrameElement | null
  }

  interface Window {
    adApi: AdApiClient
    brightpattern: { AdApi: new (options?: AdApiInitOptions) => AdApiInstance }
  }

  var adApi: AdApiClient
  var brightpattern: { AdApi: new (options?: AdApiInitOptions) => AdApiInstance }
}
