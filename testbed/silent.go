package testbed

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
)

// Silent is a WebSocket server that accepts the handshake (subprotocol
// sip) and then never sends anything: a SIP server that never answers,
// for the placement deadline. It reads and discards what it is sent.
type Silent struct {
	URL string // ws://127.0.0.1:PORT/ws

	ln    net.Listener
	mu    sync.Mutex
	conns map[net.Conn]bool
	n     int // handshakes accepted
	got   int // frames' bytes received
}

// StartSilent starts a Silent server on 127.0.0.1.
func StartSilent() (*Silent, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &Silent{URL: "ws://" + ln.Addr().String() + "/ws", ln: ln, conns: map[net.Conn]bool{}}
	go s.serve()
	return s, nil
}

func (s *Silent) serve() {
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		go s.handle(c)
	}
}

func (s *Silent) handle(c net.Conn) {
	s.mu.Lock()
	s.conns[c] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		s.mu.Unlock()
		c.Close()
	}()
	r := bufio.NewReader(c)
	req, err := http.ReadRequest(r)
	if err != nil || !strings.EqualFold(req.Header.Get("Upgrade"), "websocket") {
		io.WriteString(c, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
		return
	}
	h := sha1.Sum([]byte(req.Header.Get("Sec-WebSocket-Key") + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"))
	io.WriteString(c, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Protocol: sip\r\nSec-WebSocket-Accept: "+base64.StdEncoding.EncodeToString(h[:])+"\r\n\r\n")
	s.mu.Lock()
	s.n++
	s.mu.Unlock()
	buf := make([]byte, 4096)
	for {
		n, err := r.Read(buf)
		s.mu.Lock()
		s.got += n
		s.mu.Unlock()
		if err != nil {
			return
		}
	}
}

// Accepted is how many WebSocket handshakes it accepted, and how many
// bytes it was sent after them.
func (s *Silent) Accepted() (handshakes, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n, s.got
}

// Open is how many connections are open now.
func (s *Silent) Open() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.conns)
}

// Close stops it and closes every connection.
func (s *Silent) Close() error {
	err := s.ln.Close()
	s.mu.Lock()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	return err
}
