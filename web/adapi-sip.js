// adapi-sip.js: the browser's side of the desktop's SIP phone. The desktop
// module (wasm/sipglue.go) loads it when adapi-config.json has a sip
// section and takes its functions from this script's element (no global
// is read or written). The SIP user agent stays in Go (bridge/sip); this
// is only what Go did through dozens of JavaScript calls each: the
// WebSocket's events, an RTCPeerConnection's offer and answer with ICE
// gathered, getStats shaped into four values. Go gets strings, numbers
// and promises of them; it never reads a page's value through this file.
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
  let ac = null // the ringtone's AudioContext, made at the first ring
  let osc = [] // its oscillators while it plays
  const rings = new Map() // the ringing calls: id → its Notification, or null
  let notified = 0 // notifications shown
  const live = [] // the calls' media objects now open, newest last
  let stream = null // the microphone, asked for at sign-in (devices.ask)
  let sinkId = '' // the speaker chosen ('' the default)
  let filled = false // the panel's selects listened to
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

  script.adapiSip = {
    // wait settles p for Go (wasm/sipglue.go's await): fn(true, value),
    // or fn(false, "Name: message").
    wait: function (p, fn) {
      p.then(function (v) { fn(true, v) }, function (e) { fn(false, failed('', e).message) })
    },
    // within is p, or a rejection after secs seconds.
    within: function (p, secs) {
      return Promise.race([p, new Promise(function (resolve, reject) {
        setTimeout(function () { reject(failed('', 'no answer within ' + secs + ' s')) }, secs * 1000)
      })])
    },
    // ring is bridge/sip's Ring hook (wasm/sipring.go). It never throws
    // into Go: a failure is logged.
    ring: function (id, from, on) {
      try {
        ringing(id, from, on)
      } catch (e) {
        try { con.error('adApi: ringtone:', e) } catch (_) { /* a console that throws */ }
      }
    },

    // ws opens a WebSocket (subprotocol sip). It returns {next, send,
    // close}, or a string saying why it could not open. next is a promise
    // of the next event, in order: 'o' open; 'f' and a frame; 'c' and
    // "code reason", closed after it opened; 'x' and the same, it never
    // opened (the last event).
    ws: function (url) {
      if (typeof WS !== 'function') return 'this browser has no WebSocket'
      let w
      try {
        w = new WS(url, 'sip')
      } catch (e) {
        return 'cannot open ' + url + ': ' + failed('', e).message
      }
      w.binaryType = 'arraybuffer'
      const queue = [] // events not taken yet
      let taker = null // next's resolve, while Go waits
      const put = function (ev) {
        if (taker) taker(ev)
        else queue.push(ev)
        taker = null
      }
      let open = false
      w.onopen = function () { open = true; put('o') }
      w.onmessage = function (e) {
        let d = e.data
        if (typeof d !== 'string') {
          if (!(d instanceof ArrayBuffer) || d.byteLength > MAX_FRAME) return
          d = new TextDecoder().decode(d)
        }
        if (d.length <= MAX_FRAME) put('f' + d)
      }
      // onerror is always followed by onclose, which says what happened.
      w.onclose = function (e) {
        w.onopen = w.onmessage = w.onclose = null
        const reason = typeof e.reason === 'string' ? e.reason.slice(0, 256) : ''
        put((open ? 'c' : 'x') + String(e.code) + (reason ? ' ' + reason : ''))
      }
      return {
        next: function () {
          return queue.length ? Promise.resolve(queue.shift()) : new Promise(function (resolve) { taker = resolve })
        },
        send: function (text) {
          if (w.readyState !== 1) return false
          w.send(text)
          return true
        },
        close: function (code) { w.close(code) }
      }
    },

    // media is one call's audio: a peer connection sending a clone of the
    // microphone's track (muting one call leaves the next as it is), the
    // far end's audio in a hidden <audio data-adapi="remote-audio"> on the
    // chosen speaker. ice is the config's iceServers as JSON
    // ([[urls, username, credential]], wasm/sipphone.go), or ''. Without
    // a microphone, or when the browser refuses the connection (a bad
    // ICE server), it returns why.
    media: function (ice) {
      if (typeof PC !== 'function') return 'this browser has no RTCPeerConnection'
      if (!stream) return 'no microphone (it is asked for at login)'
      const iceServers = ice ? JSON.parse(ice).map(function (s) {
        const o = { urls: s[0] }
        if (s[1]) o.username = s[1]
        if (s[2]) o.credential = s[2]
        return o
      }) : undefined
      let pc
      try {
        pc = new PC(iceServers ? { iceServers } : {})
      } catch (e) {
        return 'RTCPeerConnection: ' + failed('', e).message
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
      const self = {
        audio,
        sender,
        muted: false,
        // mute turns the call's microphone off (a disabled track sends
        // silence) or back on; no signalling.
        mute: function (on) {
          self.muted = on
          if (sender && sender.track) sender.track.enabled = !on
        },
        // offer: the call's offer (hold undefined), or a re-offer on hold
        // (sendonly) or resumed (sendrecv).
        offer: function (hold) {
          let opts = { offerToReceiveAudio: true }
          if (hold !== undefined) {
            opts = undefined
            for (const t of pc.getTransceivers()) t.direction = hold ? 'sendonly' : 'sendrecv'
          }
          return step('createOffer', pc.createOffer(opts)).then(local)
        },
        // answer: the answer to the far end's offer (an inbound call, or
        // their re-INVITE).
        answer: function (sdp) {
          return step('setRemoteDescription', pc.setRemoteDescription({ type: 'offer', sdp }))
            .then(function () { return step('createAnswer', pc.createAnswer()) })
            .then(local)
        },
        // setAnswer: the far end's answer, or (early) the SDP of its
        // 180/183 as a provisional one: early media.
        setAnswer: function (sdp, early) {
          return step('setRemoteDescription', pc.setRemoteDescription({ type: early ? 'pranswer' : 'answer', sdp }))
        },
        rollback: function () {
          return pc.setLocalDescription({ type: 'rollback' }).catch(function () {})
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
        // dtmf sends digits as RFC 4733 telephone-events; "" or why not.
        dtmf: function (digits) {
          const d = sender && sender.dtmf
          if (!d || !d.canInsertDTMF) return 'this call cannot send DTMF now'
          d.insertDTMF(digits, 100, 70)
          return ''
        },
        close: function () {
          const i = live.indexOf(self)
          if (i >= 0) live.splice(i, 1)
          clearInterval(poll)
          if (sender && sender.track) sender.track.stop()
          pc.ontrack = pc.onicecandidate = pc.onicegatheringstatechange = null
          pc.close()
          audio.srcObject = null
          audio.remove()
        }
      }
      live.push(self)
      return self
    },
    // json is adApiDesktop.media(): the newest open call's json, or null.
    json: function () { return live.length ? live[live.length - 1].json() : 'null' }
  }

  // options gives the select sel the options "id\tlabel" a line, value
  // selected (text as text).
  function options (sel, lines, value, disabled) {
    sel.textContent = ''
    for (const l of lines.split('\n')) {
      const i = l.indexOf('\t')
      if (i < 0) continue
      const o = doc.createElement('option')
      o.value = l.slice(0, i)
      o.textContent = l.slice(i + 1)
      sel.append(o)
    }
    sel.value = value
    sel.disabled = disabled
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

  // devices: the agent's microphone and speaker (wasm/sipdevices.go
  // decides which; this does what takes many calls, and keeps the
  // microphone's stream and the speaker for the calls and the ringtone).
  script.adapiSip.devices = {
    canSink,
    // ask asks for the microphone at sign-in, the remembered one (id) as
    // an ideal, unless the page has it (true when it asked), then for the
    // notification permission.
    ask: function (id) {
      const p = stream ? Promise.resolve(false) : mic(id, false).then(function (s) { stream = s; return true })
      return p.then(function (asked) { askNotify(); return asked })
    },
    // list: enumerateDevices as "kind\tid\tlabel" lines.
    list: function () {
      return md.enumerateDevices().then(function (l) {
        return l.map(function (d) { return [d.kind, d.deviceId, d.label].join('\t').replace(/\n/g, ' ') }).join('\n')
      }, function (e) { throw failed('enumerateDevices', e) })
    },
    // onChange calls fn on devicechange.
    onChange: function (fn) { if (md) md.addEventListener('devicechange', fn) },
    // micId is the id of the microphone in use, '' before sign-in.
    micId: function () {
      if (!stream) return ''
      const t = stream.getAudioTracks()[0]
      return (t && t.getSettings().deviceId) || 'default'
    },
    // pick uses microphone id: every live call goes on with a clone of
    // its track (replaceTrack: no renegotiation; a muted call stays
    // muted; a call that ended meanwhile is skipped), then the old
    // microphone stops.
    pick: function (id) {
      return mic(id, true).then(function (s) {
        const old = stream
        stream = s
        return Promise.all(live.map(function (m) {
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
    },
    // speaker plays the calls and the ringtone on speaker id ('default':
    // the default), waiting for the calls (with none, for an element of
    // its own: a speaker refused is refused now, not at the next call);
    // refused, all go back to the speaker they played on.
    speaker: function (id) {
      if (!canSink) return Promise.reject(failed('', 'this browser cannot choose the speaker'))
      const prev = sinkId
      const all = function (id) {
        sinkId = id
        if (ac) sink(ac, id, false)
        const els = live.length ? live.map(function (m) { return m.audio }) : [doc.createElement('audio')]
        return Promise.all(els.map(function (el) { return sink(el, id, true) }))
      }
      return all(id === 'default' ? '' : id).catch(function (e) { all(prev).catch(ignore); throw e })
    },
    // fill gives the panel's selects their options ("id\tlabel" a line)
    // and the device in use; the speaker's is disabled where the browser
    // cannot choose one, which why then says. The first fill listens to
    // the selects: choose(speaker, id) when the agent picks one.
    fill: function (micSel, micLines, micId, spkSel, spkLines, spkId, why, choose) {
      if (!filled) {
        filled = true
        for (const s of [micSel, spkSel]) s.addEventListener('change', function () { choose(s === spkSel, s.value) })
      }
      options(micSel, micLines, micId, false)
      options(spkSel, spkLines, spkId, !canSink)
      why.textContent = 'This browser plays calls on the system\'s speaker: it cannot choose another.'
      why.hidden = canSink
    }
  }
})()
