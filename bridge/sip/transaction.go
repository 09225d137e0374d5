package sip

// clientTx is a client transaction over a reliable transport (RFC 3261
// 17.1, with RFC 6026's Accepted state): the request is sent once; Timer
// B (INVITE, until the first response) or Timer F (others, until the
// final response) stand in a 408 when they fire; a transport failure
// stands in a 503. An INVITE's non-2xx final response is acknowledged
// here, with the same branch; its 2xx goes to the dialog, which sends its
// own ACK, and the transaction stays for 64*T1 to pass on the 2xx
// retransmissions and forks. Everything runs with ua.mu held.
type clientTx struct {
	ua     *UA
	key    string // branch + " " + method
	req    *Message
	onResp func(*Message)
	stop   func() bool
	final  bool
}

// request sends req in a new client transaction: with branch (a CANCEL
// has its INVITE's, and its Via), or "" for a new one (req made by
// newRequest). onResp, if not nil, sees every response (provisional,
// final, and the 408/503 the UA stands in).
func (ua *UA) request(req *Message, branch string, onResp func(*Message)) error {
	if branch == "" {
		branch = ua.newBranch(req)
	}
	tx := &clientTx{ua: ua, key: branch + " " + req.Method, req: req, onResp: onResp}
	// The transaction and its timer exist before the request is on the
	// wire (a test that sees the frame may move its clock at once).
	ua.txs[tx.key] = tx
	tx.stop = ua.afterFunc(TimerB, tx.timeout)
	err := ua.sendMsg(req)
	if err != nil {
		tx.end()
	}
	return err
}

// newBranch fills in the Via of m, made by newRequest (its first header),
// with a new branch, and returns the branch.
func (ua *UA) newBranch(m *Message) string {
	branch := "z9hG4bK" + randomToken(16)
	m.Headers[0].Value = ua.via + " " + ua.host + ";branch=" + branch + ";rport"
	return branch
}

//go:noinline
func (tx *clientTx) stopTimer() {
	if tx.stop != nil {
		tx.stop()
		tx.stop = nil
	}
}

//go:noinline
func (tx *clientTx) end() {
	tx.stopTimer()
	delete(tx.ua.txs, tx.key)
}

// timeout is Timer B or F (a 408 stands in for the answer) or, once a
// 2xx came, Timer M (fail then only ends the transaction).
func (tx *clientTx) timeout() { tx.fail(408, "Request Timeout") }

// fail ends the transaction with a response the UA stands in for.
func (tx *clientTx) fail(code int, reason string) {
	if tx.ua.txs[tx.key] != tx {
		return
	}
	tx.end()
	if tx.final { // Accepted: the 2xx was already passed on
		return
	}
	r := &Message{StatusCode: code, Reason: reason}
	r.copyHeaders(tx.req, "|Via|From|To|Call-ID|CSeq|")
	if tx.onResp != nil {
		tx.onResp(r)
	}
}

func (tx *clientTx) receive(m *Message) {
	invite := tx.req.Method == "INVITE"
	switch {
	case m.StatusCode < 200:
		if tx.final {
			return
		}
		if invite { // Timer B covers the wait for the first response only
			tx.stopTimer()
		}
	case m.StatusCode < 300:
		first := !tx.final
		tx.final = true
		if !invite {
			tx.end()
		} else if first {
			tx.stopTimer()
			tx.stop = tx.ua.afterFunc(TimerB, tx.timeout) // Timer M
		}
	default:
		if tx.final {
			return
		}
		tx.final = true
		if invite {
			tx.ua.sendMsg(inInviteTx(tx.req, "ACK", m.Get("To")))
		}
		tx.end()
	}
	if tx.onResp != nil {
		tx.onResp(m)
	}
}

// inInviteTx builds a request in inv's transaction: the ACK for a non-2xx
// final response (17.1.1.3, to: the response's To) or a CANCEL (9.1, to:
// the INVITE's): the INVITE's Request-URI, top Via, From, Call-ID and
// Route, and CSeq with the method.
func inInviteTx(inv *Message, method, to string) *Message {
	n, _, _ := inv.CSeq()
	m := &Message{Method: method, RequestURI: inv.RequestURI}
	m.copyHeaders(inv, "|Via|Max-Forwards|From|Call-ID|Route|User-Agent|")
	m.Add("To", to)
	m.Add("CSeq", itoa(int(n))+" "+method)
	return m
}
