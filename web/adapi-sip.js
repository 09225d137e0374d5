// adapi-sip.js: the browser's side of the desktop's SIP phone. The desktop
// module (wasm/sipglue.go) loads it when adapi-config.json has a sip
// section and takes its functions from this script's element (no global
// is read or written). The SIP user agent stays in Go (bridge/sip); this
// is the browser's choreography that took Go dozens of JavaScript calls
// each: the WebSocket's events, each call's RTCPeerConnection (offer and
// answer with ICE gathered, getStats shaped), the ringtone, and the
// agent's microphone and speaker (listed, chosen, remembered, shown in
// the panel). Go gets strings, numbers and promises of them; it never
// reads a page's value through this file.
;(function () {
  'use strict'
  const script = document.currentScript
  if (!script) return
  const WS = globalThis.WebSocket
  const PC = globalThis.RTCPeerConnection
  const AC = globalThis.AudioContext
  const Notif = globalThis.Notification
  const doc = document
  const MAX_FRAME = 65536 // a larger frame is dropped (a WebRTC INVITE is 2-4 KB)
  const GATHER_MS = 1000 // ICE gathering cap: the offer goes with what was found by then
  const STATS_MS = 500 // getStats while a call lasts
  const RING_CYCLES = 20 // the ringtone's on/off cycles scheduled at once (2 minutes)
  const MAX_DEVICES = 32 // per kind: more are not offered
  const MAX_TEXT = 256 // characters of a device's id or label kept
  const MIC = 'adapi.mic' // the chosen devices' keys in the desktop origin's storage
  const SPK = 'adapi.speaker'
  let ac = null // the ringtone's AudioContext, made at the first ring
  let osc = [] // its oscillators while it plays
  const rings = new Map() // the ringing calls: id → its Notification, or null
  let notified = 0 // notifications shown
  const live = new Map() // the calls' media now open, by Go's id, newest last
  let stream = null // the microphone, asked for at sign-in (signIn)
  let sinkId = '' // the speaker chosen ('' the default)
  let host = null // init's: the loader (its store) and Go's tell
  let iceServers // the config's, for each call's RTCPeerConnection
  const md = globalThis.navigator ? navigator.mediaDevices : undefined
  const HM = globalThis.HTMLMediaElement
  const canSink = typeof HM === 'function' && typeof HM.prototype.setSinkId === 'function'
  const ignore = function () {}
  const con = console

  // failed is a rejection Go's await reads as "what: Name: message".
  function failed (what, e) {
    let m = 'failed'
    try {
      m = String(e && e.message !== undefined ? e.message : e).slice(0, 1024)
      if (e && typeof e.name === 'string') m = e.name.slice(0, 64) + ': ' + m
    } catch (_) { /* a value that will not say */ }
    return { message: what ? what + ': ' + m : m }
  }

  // sink plays el (a call's <audio>, the ringtone's AudioContext) on
  // speaker id ('' the default) where it can: a promise when asked to
  // wait, else null.
  function sink (el, id, wait) {
    const p = el && typeof el.setSinkId === 'function' ? el.setSinkId(id) : Promise.resolve()
    if (!wait) return p.catch(ignore) && null
    return p.catch(function (e) { throw failed('setSinkId', e) })
  }

  // tone plays the ringtone (on) or stops it: a generated 440+480 Hz
  // tone, 2 s on, 4 s off, through WebAudio (silent until the page has
  // had a user gesture), on the chosen speaker.
  function tone (on) {
    if (!on || osc.length > 0) {
      for (const o of osc) { o.stop(); o.disconnect() }
      osc = []
      if (!on) return
    }
    if (typeof AC !== 'function') return
    if (!ac) {
      ac = new AC()
      if (sinkId) sink(ac, sinkId, false)
    }
    if (ac.state === 'suspended') ac.resume().catch(ignore)
    const t0 = ac.currentTime
    const gain = ac.createGain()
    const g = gain.gain
    g.setValueAtTime(0, t0)
    for (let i = 0; i < RING_CYCLES; i++) {
      g.setValueAtTime(0.1, t0 + i * 6)
      g.setValueAtTime(0, t0 + i * 6 + 2)
    }
    gain.connect(ac.destination)
    for (const hz of [440, 480]) {
      const o = ac.createOscillator()
      o.frequency.value = hz
      o.connect(gain)
      o.start(t0)
      o.stop(t0 + RING_CYCLES * 6)
      osc.push(o)
    }
  }

  // mark: the desktop's <html> data-adapi-ringing (the ringing calls'
  // count, absent at 0) and data-adapi-notified (notifications shown).
  function mark () {
    const root = doc.documentElement
    if (rings.size) root.setAttribute('data-adapi-ringing', rings.size)
    else root.removeAttribute('data-adapi-ringing')
    root.setAttribute('data-adapi-notified', notified)
  }

  // askNotify asks for the notification permission (sign-in) if the
  // browser has not been asked; the answer is never waited on.
  function askNotify () {
    if (typeof Notif === 'function' && Notif.permission === 'default') {
      const p = Notif.requestPermission()
      if (p && typeof p.catch === 'function') p.catch(ignore)
    }
  }

  // ringing: call id rings (on: a ringtone, and "Incoming call" shown
  // when the tab is hidden and notifications are allowed) until it stops
  // ringing (off; id '' every call).
  function ringing (id, from, on) {
    if (on) {
      if (rings.has(id)) return
      let n = null
      if (typeof Notif === 'function' && doc.hidden && Notif.permission === 'granted') {
        try { // throws where only a service worker may show one (Chrome on Android)
          n = new Notif('Incoming call', { body: from.slice(0, 64), tag: id, requireInteraction: true })
          notified++
        } catch (_) { /* it rings all the same */ }
      }
      rings.set(id, n)
      if (rings.size === 1) tone(true)
      mark()
      return
    }
    for (const [k, n] of rings) {
      if (k !== id && id !== '') continue
      rings.delete(k)
      if (n) n.close()
      if (rings.size === 0) tone(false)
      mark()
    }
  }

  // within is p, or a rejection after secs seconds.
  function within (p, secs) {
    let timer = 0
    return Promise.race([p, new Promise(function (resolve, reject) {
      timer = setTimeout(function () { reject(failed('', 'no answer within ' + secs + ' s')) }, secs * 1000)
    })]).finally(function () { clearTimeout(timer) })
  }

  // tell is Go's (wasm/sipphone.go): a line for the panel's log (refused:
  // a failure), and with labels, ON_AUDIO_DEVICE_CHANGE(...labels): the
  // microphone's, and the speaker's where the browser can choose one.
  function tell (refused, line, ...labels) {
    host.tell(refused, line, ...labels)
  }

  // call makes call id's audio: a peer connection sending a clone of the
  // microphone's track (muting one call leaves the next as it is), the
  // far end's audio in a hidden <audio data-adapi="remote-audio"> on the
  // chosen speaker. Without a microphone, or when the browser refuses the
  // connection (a bad ICE server), it throws why.
  function call (id) {
    if (typeof PC !== 'function') throw failed('', 'this browser has no RTCPeerConnection')
    if (!stream) throw failed('', 'no microphone (it is asked for at login)')
    let pc
    try {
      pc = new PC(iceServers ? { iceServers } : {})
    } catch (e) {
      throw failed('RTCPeerConnection', e)
    }
    let sender = null
    const track = stream.getAudioTracks()[0]
    if (track) sender = pc.addTrack(track.clone(), stream)
    const audio = doc.createElement('audio')
    audio.autoplay = true
    audio.setAttribute('data-adapi', 'remote-audio')
    doc.body.appendChild(audio)
    if (sinkId) sink(audio, sinkId, false)
    pc.ontrack = function (e) {
      if (e.streams && e.streams.length > 0) audio.srcObject = e.streams[0]
    }
    // local applies a description made here and resolves to it with
    // the candidates gathered within GATHER_MS (no trickle over SIP).
    function local (desc) {
      return new Promise(function (resolve, reject) {
        let timer = 0
        const done = function () {
          clearTimeout(timer)
          pc.onicegatheringstatechange = pc.onicecandidate = null
          const d = pc.localDescription
          if (d && typeof d.sdp === 'string') resolve(d.sdp)
          else reject(failed('', 'no local description'))
        }
        pc.onicegatheringstatechange = function () { if (pc.iceGatheringState === 'complete') done() }
        pc.onicecandidate = function (e) { if (!e.candidate) done() }
        pc.setLocalDescription(desc).then(function () {
          if (pc.iceGatheringState === 'complete') done()
          else timer = setTimeout(done, GATHER_MS)
        }, function (e) { reject(failed('setLocalDescription', e)) })
      })
    }
    // The audio's counters, read twice a second while the call lasts
    // (adApiDesktop.media(), json below): [packetsReceived,
    // packetsSent, packetsLost, iceConnectionState].
    let latest = null
    let reading = false
    function read () {
      if (reading) return
      reading = true
      const ice = pc.iceConnectionState
      pc.getStats().then(function (report) {
        const st = [0, 0, 0, ice]
        const num = function (v) { return typeof v === 'number' ? Math.trunc(v) : 0 }
        report.forEach(function (s) {
          if (typeof s.kind === 'string' && s.kind !== 'audio') return
          if (s.type === 'inbound-rtp') {
            st[0] += num(s.packetsReceived)
            st[2] += num(s.packetsLost)
          } else if (s.type === 'outbound-rtp') {
            st[1] += num(s.packetsSent)
          }
        })
        latest = st
      }, ignore).then(function () { reading = false })
    }
    read()
    const poll = setInterval(read, STATS_MS)
    function step (what, p) {
      return p.catch(function (e) { throw failed(what, e) })
    }
    function remote (type, sdp) {
      return within(step('setRemoteDescription', pc.setRemoteDescription({ type, sdp })), 10)
    }
    const self = {
      audio,
      sender,
      muted: false,
      // offer: the call's offer.
      offer: function () {
        return step('createOffer', pc.createOffer({ offerToReceiveAudio: true })).then(local)
      },
      // hold: a re-offer on hold (sendonly) or resumed (sendrecv).
      hold: function (on) {
        for (const t of pc.getTransceivers()) t.direction = on ? 'sendonly' : 'sendrecv'
        return step('createOffer', pc.createOffer()).then(local)
      },
      // answer: the answer to the far end's offer (an inbound call, or
      // their re-INVITE).
      answer: function (sdp) {
        return step('setRemoteDescription', pc.setRemoteDescription({ type: 'offer', sdp }))
          .then(function () { return step('createAnswer', pc.createAnswer()) })
          .then(local)
      },
      // remote: the far end's answer; early: the SDP of its 180/183 as a
      // provisional one (early media).
      remote: function (sdp) { return remote('answer', sdp) },
      early: function (sdp) { return remote('pranswer', sdp) },
      // rollback drops an offer the far end refused.
      rollback: function () {
        return within(pc.setLocalDescription({ type: 'rollback' }).catch(ignore), 5)
      },
      // mute turns the call's microphone off (a disabled track sends
      // silence) or back on; no signalling.
      mute: function (on) {
        self.muted = on
        if (sender && sender.track) sender.track.enabled = !on
      },
      // dtmf sends digits as RFC 4733 telephone-events; "" or why not.
      dtmf: function (digits) {
        const d = sender && sender.dtmf
        if (!d || !d.canInsertDTMF) return 'this call cannot send DTMF now'
        d.insertDTMF(digits, 100, 70)
        return ''
      },
      // json: the latest counters and whether the call sends the
      // microphone (its track enabled: not muted), or null before the
      // first reading.
      json: function () {
        if (!latest) return 'null'
        const t = sender && sender.track
        return JSON.stringify({
          packetsReceived: latest[0],
          packetsSent: latest[1],
          packetsLost: latest[2],
          iceState: latest[3],
          micEnabled: !!(t && t.enabled)
        })
      },
      // close stops the call's audio: the peer connection closes, the
      // <audio> goes; the microphone stays for the next call.
      close: function () {
        live.delete(id)
        clearInterval(poll)
        if (sender && sender.track) sender.track.stop()
        pc.ontrack = pc.onicecandidate = pc.onicegatheringstatechange = null
        pc.close()
        audio.srcObject = null
        audio.remove()
      }
    }
    live.set(id, self)
    return self
  }

  // mic asks for a microphone: the default (id ''), or id as an ideal
  // (sign-in: a device that is gone gives the default) or exactly.
  function mic (id, exact) {
    if (!md || typeof md.getUserMedia !== 'function') {
      return Promise.reject(failed('', 'this page cannot use a microphone (getUserMedia needs a secure context)'))
    }
    return md.getUserMedia({ audio: id ? { deviceId: exact ? { exact: id } : id } : true, video: false })
      .catch(function (e) { throw failed('microphone', e) })
  }

  // The agent's microphone and speaker, with a sip section (issue 15):
  // the panel's Microphone and Speaker (web/index.html's
  // audioDevicesTemplate, which wasm/sipphone.go puts after the agent bar)
  // list the browser's devices (enumerateDevices: named once the
  // microphone is allowed, at sign-in; listed again on devicechange).
  // Choosing a microphone asks for it and moves every live call onto it
  // (replaceTrack: the call goes on); choosing a speaker plays the calls
  // and the ringtone on it (setSinkId, where the browser has it). The
  // choice is remembered in the desktop origin's storage ("id\nlabel")
  // and used at the next sign-in; a chosen device that is gone (at
  // sign-in, or unplugged while in use) gives way to the default, with a
  // line in the log; a device the browser refuses is forgotten, the one
  // in use stays. Each change is ON_AUDIO_DEVICE_CHANGE(microphone,
  // speaker): their labels (the speaker's absent where the browser cannot
  // choose one), sent by Go (tell).
  const DEFAULT = { id: 'default', label: 'Default' }
  const offered = [[DEFAULT], [DEFAULT]] // the microphones, the speakers (offer)
  const inUse = [{ id: '', label: '' }, DEFAULT] // the microphone (once signed in), the speaker
  let changes = Promise.resolve() // one change at a time (change)
  let sels = null // the panel's selects and the reason, listened to once found

  // offer is what the panel offers of one kind, in the browser's order:
  // the devices with an id (before the microphone permission a browser
  // lists one anonymous device per kind), at most MAX_DEVICES, each with a
  // name (its id when the browser gives none); none: the default.
  function offer (all, kind) {
    const out = []
    for (const d of all) {
      if (d.kind === kind && d.id && d.id.length <= MAX_TEXT && out.length < MAX_DEVICES) {
        let l = d.label || d.id
        if (l.length > MAX_TEXT) l = l.slice(0, (l.charCodeAt(MAX_TEXT - 1) >> 10) === 0x36 ? MAX_TEXT - 1 : MAX_TEXT) // not half a pair
        out.push({ id: d.id, label: l })
      }
    }
    return out.length ? out : [DEFAULT]
  }

  // choose decides which of options to use, given the id the agent chose
  // (want, '' the default) and the one in use: the chosen one when it is
  // listed; else, it being gone, the one in use while it is listed (no
  // switch for nothing); else the default, else the first. It returns
  // [use, change (use is not the one in use), fellBack (the chosen one is
  // not listed: the desktop says so)].
  function choose (options, want, used) {
    want = want || 'default'
    const ids = [want, used, 'default']
    for (let i = 0; i < 3; i++) {
      for (const d of options) if (d.id === ids[i]) return [d, d.id !== used, i > 0 && want !== 'default']
    }
    const use = options[0] || { id: '', label: '' }
    return [use, use.id !== used, want !== 'default']
  }

  // recall is the device remembered under key: "id\nlabel"; anything else
  // (nothing, absurdly long) is the default.
  function recall (key) {
    let s = host.loader.storeGet(key)
    if (typeof s !== 'string') s = ''
    const i = s.indexOf('\n')
    const d = i < 0 ? { id: s, label: '' } : { id: s.slice(0, i), label: s.slice(i + 1) }
    return d.id.length > MAX_TEXT || d.label.length > MAX_TEXT ? { id: '', label: '' } : d
  }

  // remember keeps d as the choice for key (the default: nothing).
  function remember (key, d) {
    host.loader.storeSet(key, d.id && d.id !== 'default' ? d.id + '\n' + d.label : '')
  }

  // micId is the id of the microphone in use, '' before sign-in.
  function micId () {
    if (!stream) return ''
    const t = stream.getAudioTracks()[0]
    return (t && t.getSettings().deviceId) || 'default'
  }

  // pick uses microphone id: every live call goes on with a clone of its
  // track (replaceTrack: no renegotiation; a muted call stays muted; a
  // call that ended meanwhile is skipped), then the old microphone stops.
  function pick (id) {
    return mic(id, true).then(function (s) {
      const old = stream
      stream = s
      return Promise.all([...live.values()].map(function (m) {
        if (!m.sender) return null
        const c = s.getAudioTracks()[0].clone()
        const prev = m.sender.track
        c.enabled = !m.muted
        return m.sender.replaceTrack(c).then(function () {
          if (prev) prev.stop()
          c.enabled = !m.muted // muted or unmuted meanwhile
        }, function () { c.stop() })
      })).then(function () {
        if (old) for (const t of old.getTracks()) t.stop()
      })
    })
  }

  // speaker plays the calls and the ringtone on speaker id ('default':
  // the default), waiting for the calls (with none, for an element of its
  // own: a speaker refused is refused now, not at the next call);
  // refused, all go back to the speaker they played on.
  function speaker (id) {
    if (!canSink) return Promise.reject(failed('', 'this browser cannot choose the speaker'))
    const prev = sinkId
    const all = function (id) {
      sinkId = id
      if (ac) sink(ac, id, false)
      const els = live.size ? [...live.values()].map(function (m) { return m.audio }) : [doc.createElement('audio')]
      return Promise.all(els.map(function (el) { return sink(el, id, true) }))
    }
    return all(id === 'default' ? '' : id).catch(function (e) { all(prev).catch(ignore); throw e })
  }

  // settle uses the device of one kind (out: the speaker) the agent chose,
  // and says whether the one in use changed or the chosen one is gone
  // (login: at sign-in, where finding the remembered ones says nothing).
  function settle (out, login) {
    const k = out ? 1 : 0
    const name = out ? 'Speaker' : 'Microphone'
    const key = out ? SPK : MIC
    const want = recall(key)
    const [use, change, fellBack] = choose(offered[k], want.id, out ? inUse[1].id : micId())
    const used = function () {
      inUse[k] = use
      if (fellBack && (login || change)) tell(true, name + ' “' + want.label + '” is not there: using ' + use.label)
      return (change && !login) || (fellBack && (login || change))
    }
    if (!change) return used()
    return within(out ? speaker(use.id) : pick(use.id), 10).then(used, function (e) {
      tell(true, name + ' ' + use.label + ': ' + failed('', e).message)
      remember(key, inUse[k]) // refused: forgotten, the one in use stays the choice
      return false
    })
  }

  // change lists the devices and uses the ones chosen, after the changes
  // before it (fn first, if any): at sign-in (login), on devicechange,
  // when the agent chooses one.
  function change (login, fn) {
    changes = changes.then(async function () {
      if (fn) fn()
      const l = await within(md.enumerateDevices().catch(function (e) { throw failed('enumerateDevices', e) }), 10)
      const all = l.map(function (d) { return { kind: String(d.kind), id: String(d.deviceId), label: String(d.label) } })
      offered[0] = offer(all, 'audioinput')
      offered[1] = offer(all, 'audiooutput')
      if (micId()) {
        const m = await settle(false, login)
        if ((await settle(true, login)) || m) {
          const [i, o] = inUse
          if (canSink) tell(false, 'Microphone: ' + i.label + ' · Speaker: ' + o.label, i.label, o.label)
          else tell(false, 'Microphone: ' + i.label, i.label)
        }
      }
      fill()
    }).catch(function (e) { tell(true, 'audio devices: ' + failed('', e).message) })
  }

  // options gives select sel the devices, value selected.
  function options (sel, devices, value, disabled) {
    sel.textContent = ''
    for (const d of devices) {
      const o = doc.createElement('option')
      o.value = d.id
      o.textContent = d.label
      sel.append(o)
    }
    sel.value = value
    sel.disabled = disabled
  }

  // fill shows the devices listed and the ones in use in the panel's
  // selects (the speaker's disabled, with the reason, where the browser
  // cannot choose one); the first fill listens to them.
  function fill () {
    if (!sels) {
      const s = [doc.getElementById('micSelect'), doc.getElementById('speakerSelect'), doc.getElementById('audioDevicesWhy')]
      if (!s[0] || !s[1] || !s[2]) return // a page without the panel
      sels = s
      for (const k of [0, 1]) {
        s[k].addEventListener('change', function () {
          const id = s[k].value
          change(false, function () {
            for (const d of offered[k]) if (d.id === id) remember(k ? SPK : MIC, d)
          })
        })
      }
    }
    options(sels[0], offered[0], inUse[0].id, false)
    options(sels[1], offered[1], inUse[1].id, !canSink)
    sels[2].textContent = 'This browser plays calls on the system\'s speaker: it cannot choose another.'
    sels[2].hidden = canSink
  }

  script.adapiSip = {
    // init: the loader (its store: the chosen devices), the config's
    // iceServers (urls joined by NUL, username, credential: three strings
    // a server) and Go's tell.
    init: function (loader, ice, fn) {
      host = { loader, tell: fn }
      if (ice.length) {
        iceServers = []
        for (let i = 0; i + 2 < ice.length; i += 3) {
          const o = { urls: ice[i].split('\0') }
          if (ice[i + 1]) o.username = ice[i + 1]
          if (ice[i + 2]) o.credential = ice[i + 2]
          iceServers.push(o)
        }
      }
    },
    // wait settles p for Go (wasm/sipglue.go's await): fn('', value), or
    // fn("Name: message").
    wait: function (p, fn) {
      Promise.resolve(p).then(function (v) { fn('', v) }, function (e) { fn(failed('', e).message) })
    },
    // signIn asks for the microphone (the remembered one as an ideal)
    // unless the page has it, then for the notification permission, and
    // lists the devices (not waited for).
    signIn: function () {
      if (stream) return Promise.resolve(askNotify())
      return mic(recall(MIC).id, false).then(function (s) {
        stream = s
        askNotify()
        if (md) md.addEventListener('devicechange', function () { change(false) })
        change(true)
      }, function (e) { throw failed('cannot sign in without a microphone', e) })
    },
    // ring is bridge/sip's Ring hook (wasm/sipphone.go). It never throws
    // into Go: a failure is logged.
    ring: function (id, from, on) {
      try {
        ringing(id, from, on)
      } catch (e) {
        try { con.error('adApi: ringtone:', e) } catch (_) { /* a console that throws */ }
      }
    },

    // ws opens a WebSocket (subprotocol sip): {open, next, send, close}.
    // open is a promise that it opened (rejected: why not); next a
    // promise of the next frame, in order, rejected once it has closed
    // (with why); send '' or why it could not.
    ws: function (url) {
      const queue = [] // [ok, frame or why] not taken yet
      let taker = null // next's [resolve, reject], while Go waits
      const put = function (ok, v) {
        if (taker) taker[ok ? 0 : 1](v)
        else queue.push([ok, v])
        taker = null
      }
      let opened = null
      const open = new Promise(function (resolve, reject) { opened = [resolve, reject] })
      let w = null
      try {
        if (typeof WS !== 'function') throw failed('', 'this browser has no WebSocket')
        w = new WS(url, 'sip')
      } catch (e) {
        opened[1](failed('', e))
      }
      let up = false
      if (w) {
        w.binaryType = 'arraybuffer'
        w.onopen = function () { up = true; opened[0]() }
        w.onmessage = function (e) {
          let d = e.data
          if (typeof d !== 'string') {
            if (!(d instanceof ArrayBuffer) || d.byteLength > MAX_FRAME) return
            d = new TextDecoder().decode(d)
          }
          if (d.length <= MAX_FRAME) put(true, d)
        }
        // onerror is always followed by onclose, which says what happened.
        w.onclose = function (e) {
          w.onopen = w.onmessage = w.onclose = null
          const reason = typeof e.reason === 'string' ? e.reason.slice(0, 256) : ''
          const why = 'closed (' + e.code + (reason ? ' ' + reason : '') + ')'
          if (up) put(false, { message: 'websocket ' + url + ' ' + why })
          else opened[1]({ message: why })
        }
      }
      return {
        open,
        next: function () {
          if (!queue.length) return new Promise(function (resolve, reject) { taker = [resolve, reject] })
          const [ok, v] = queue.shift()
          return ok ? Promise.resolve(v) : Promise.reject(v)
        },
        send: function (text) {
          if (!w || w.readyState !== 1) return 'websocket ' + url + ' not open'
          w.send(text)
          return ''
        },
        close: function (code) { if (w) w.close(code) }
      }
    },

    // media runs op on call id's audio (wasm/sipglue.go's rtcMedia): the
    // call is made by its first offer or answer. offer, hold, answer,
    // remote, early and rollback are promises; mute, dtmf and close are
    // done at once.
    media: function (op, id, arg) {
      let m = live.get(id)
      if (!m && (op === 'offer' || op === 'answer')) {
        try {
          m = call(id)
        } catch (e) {
          return Promise.reject(e)
        }
      }
      if (m) return m[op](arg)
      if (op === 'dtmf') return 'no peer connection'
      if (op !== 'mute' && op !== 'close') return Promise.reject(failed('', 'no peer connection'))
    },
    // json is adApiDesktop.media(): the newest open call's json, or null.
    json: function () {
      let m = null
      for (const v of live.values()) m = v
      return m ? m.json() : 'null'
    }
  }
})()
