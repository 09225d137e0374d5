// Package testbed starts the local SIP test bed that `make test` and
// `make run SIP=1` use: Kamailio (registrar and record-routing proxy, SIP
// over WebSocket for the desktop, TCP and UDP for the far end, digest auth
// against a db_text folder with generated passwords) and the far end
// (package farend) as the trunk behind it. Everything listens on
// 127.0.0.1, on ports chosen at start, so that runs never clash; Kamailio
// runs as a child process (-DD -E) and is stopped by Close (and, on
// Linux, when this process dies).
package testbed

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"text/template"
	"time"

	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/testbed/farend"
)

//go:embed kamailio.cfg
var kamailioCfg string

// Kamailio is where Debian installs it.
const Kamailio = "/usr/sbin/kamailio"

// Options are the test bed's settings; the zero value is usable.
type Options struct {
	// Origin, if set, is the only page origin allowed to open the
	// WebSocket (the desktop's): an origin as config.ParseOrigin takes it.
	Origin string
	// Domain is the SIP domain (default "adapi.test"): a host name.
	Domain string
	// Users are the agents' SIP users (default "agent" and "agent2"), each
	// with a generated password: letters, digits, '.', '_', '-', '+'.
	Users []string
	// Log receives Kamailio's log (nil: kept in memory, shown by Close's
	// error and by Log()).
	Log io.Writer
	// Debug is Kamailio's log level (default 1: errors and warnings).
	Debug   int
	FarEnd  farend.Config
	Timeout time.Duration // for Kamailio to listen (default 15 s)
}

// Bed is a running test bed.
type Bed struct {
	WSURL      string            // ws://127.0.0.1:PORT/ws, the desktop's sip.wsUrl
	Domain     string            // the desktop's sip.domain
	SIPAddr    string            // Kamailio's TCP and UDP address for the far end's side
	Passwords  map[string]string // agent user → password
	FarEnd     *farend.FarEnd
	ControlURL string // the far end's control API (farend.Handler), http://127.0.0.1:PORT

	dir     string
	cfgPath string
	opts    Options
	ctl     *http.Server
	logBuf  *lockedBuffer

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{}
}

// Start starts Kamailio and the far end.
func Start(opts Options) (_ *Bed, err error) {
	if opts.Domain == "" {
		opts.Domain = "adapi.test"
	}
	if len(opts.Users) == 0 {
		opts.Users = []string{"agent", "agent2"}
	}
	if opts.Debug == 0 {
		opts.Debug = 1
	}
	if opts.Timeout == 0 {
		opts.Timeout = 15 * time.Second
	}
	// They go into kamailio.cfg and the subscriber table as they are: a
	// quote, a newline or a ':' there would add config or rows.
	if err := opts.check(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(Kamailio); err != nil {
		return nil, fmt.Errorf("testbed: %s not installed (apt-get install kamailio kamailio-websocket-modules): %w", Kamailio, err)
	}
	ws, _ := filepath.Glob("/usr/lib/*/kamailio/modules/websocket.so")
	if len(ws) == 0 {
		return nil, errors.New("testbed: kamailio's websocket module not installed (apt-get install kamailio-websocket-modules)")
	}
	b := &Bed{Domain: opts.Domain, opts: opts, Passwords: map[string]string{}, logBuf: &lockedBuffer{}}
	defer func() {
		if err != nil {
			b.Close()
		}
	}()
	if b.dir, err = os.MkdirTemp("", "adapi-testbed-"); err != nil {
		return nil, err
	}
	if b.FarEnd, err = farend.Start(opts.FarEnd); err != nil {
		return nil, err
	}
	ctl, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.ControlURL = "http://" + ctl.Addr().String()
	b.ctl = &http.Server{Handler: b.FarEnd.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go b.ctl.Serve(ctl)

	// The db_text folder: the subscriber table with generated passwords.
	dbDir := filepath.Join(b.dir, "db")
	if err := os.Mkdir(dbDir, 0o700); err != nil {
		return nil, err
	}
	sub := "id(int,auto) username(string) domain(string) password(string) ha1(string,null) ha1b(string,null)\n"
	for i, u := range opts.Users {
		p := make([]byte, 12)
		rand.Read(p)
		b.Passwords[u] = hex.EncodeToString(p)
		sub += fmt.Sprintf("%d:%s:%s:%s::\n", i+1, u, opts.Domain, b.Passwords[u])
	}
	if err := os.WriteFile(filepath.Join(dbDir, "subscriber"), []byte(sub), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(filepath.Join(dbDir, "version"), []byte("table_name(string) table_version(int)\nsubscriber:7\n"), 0o600); err != nil {
		return nil, err
	}

	tmpl, err := template.New("kamailio.cfg").Parse(kamailioCfg)
	if err != nil {
		return nil, err
	}
	b.cfgPath = filepath.Join(b.dir, "kamailio.cfg")
	// The ports are found free, then Kamailio binds them: another process
	// on the machine may take one in between; then new ports, twice more.
	for attempt := 0; ; attempt++ {
		wsPort, sipPort, err := freePorts()
		if err != nil {
			return nil, err
		}
		b.WSURL = fmt.Sprintf("ws://127.0.0.1:%d/ws", wsPort)
		b.SIPAddr = fmt.Sprintf("127.0.0.1:%d", sipPort)
		b.FarEnd.SetProxy(b.SIPAddr, opts.Domain)
		var cfg bytes.Buffer
		if err := tmpl.Execute(&cfg, map[string]any{
			"Debug": opts.Debug, "WSPort": wsPort, "SIPPort": sipPort, "FarEndPort": b.FarEnd.Port(),
			"SilentNumber": farend.Silent, "DBDir": dbDir, "ModulesDir": filepath.Dir(ws[0]) + "/", "Domain": opts.Domain, "Origin": opts.Origin,
		}); err != nil {
			return nil, err
		}
		if err := os.WriteFile(b.cfgPath, cfg.Bytes(), 0o600); err != nil {
			return nil, err
		}
		err = b.StartKamailio()
		if err == nil {
			break
		}
		if attempt == 2 || !strings.Contains(err.Error(), "exited") {
			return nil, err
		}
	}
	return b, nil
}

// check refuses an Origin, Domain or user that is not one: each is
// written into kamailio.cfg or the db_text subscriber table unquoted.
func (o Options) check() error {
	if o.Origin != "" {
		if _, err := config.ParseOrigin(o.Origin); err != nil {
			return fmt.Errorf("testbed: Options.Origin: %w", err)
		}
	}
	if !isHostName(o.Domain) {
		return fmt.Errorf("testbed: Options.Domain %q: want a host name (lower-case letters, digits, '-' and '.')", o.Domain)
	}
	for i, u := range o.Users {
		if u == "" || len(u) > 64 || strings.Trim(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+") != "" {
			return fmt.Errorf("testbed: Options.Users[%d] %q: want 1 to 64 letters, digits, '.', '_', '-' or '+'", i, u)
		}
	}
	return nil
}

// isHostName: dot-separated labels of lower-case letters, digits and
// '-' (not at either end), 253 bytes at most.
func isHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	return true
}

// StartKamailio starts Kamailio (again, after StopKamailio) on the same
// ports and waits until it listens.
func (b *Bed) StartKamailio() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd != nil {
		return errors.New("testbed: kamailio already running")
	}
	run := filepath.Join(b.dir, "run")
	os.MkdirAll(run, 0o700)
	cmd := exec.Command(Kamailio, "-DD", "-E", "-f", b.cfgPath, "-Y", run, "-P", filepath.Join(run, "kamailio.pid"),
		"-w", b.dir, "-m", "32", "-M", "4")
	var out io.Writer = b.logBuf
	if b.opts.Log != nil {
		out = io.MultiWriter(b.logBuf, b.opts.Log)
	}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("testbed: start kamailio: %w", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	b.cmd, b.done = cmd, done
	// Kamailio binds every socket before it forks its workers; a
	// connection accepted now is served once they run.
	deadline := time.Now().Add(b.opts.Timeout)
	for _, addr := range []string{strings.TrimSuffix(strings.TrimPrefix(b.WSURL, "ws://"), "/ws"), b.SIPAddr} {
		for {
			c, err := net.DialTimeout("tcp", addr, time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case <-done:
				b.cmd = nil
				return fmt.Errorf("testbed: kamailio exited: %s", b.logBuf.String())
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				b.stopLocked()
				return fmt.Errorf("testbed: kamailio not listening on %s after %v: %s", addr, b.opts.Timeout, b.logBuf.String())
			}
		}
	}
	return nil
}

// StopKamailio stops Kamailio (its WebSockets drop) and waits until it
// has exited; the far end keeps running.
func (b *Bed) StopKamailio() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopLocked()
}

func (b *Bed) stopLocked() {
	if b.cmd == nil {
		return
	}
	// Kamailio's main process stops its workers on SIGTERM; the group
	// kill catches any worker left behind.
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(5 * time.Second):
		killGroup(b.cmd.Process.Pid)
		<-b.done
	}
	killGroup(b.cmd.Process.Pid)
	b.cmd = nil
}

// Log is what Kamailio logged so far.
func (b *Bed) Log() string { return b.logBuf.String() }

// Close stops Kamailio and the far end and removes the temporary folder.
func (b *Bed) Close() error {
	b.StopKamailio()
	if b.ctl != nil {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		b.ctl.Shutdown(ctx)
		cancel()
	}
	if b.FarEnd != nil {
		b.FarEnd.Close()
	}
	if b.dir != "" {
		os.RemoveAll(b.dir)
	}
	return nil
}

// freePorts finds two ports free on 127.0.0.1, both for TCP and the
// second for UDP too: the WebSocket's and the SIP port. The first is
// held while the second is found: freed, it could come back as the
// second, and a Kamailio listening on one port for both would take the
// WebSocket's requests as the trunk's (no auth, no calls out).
func freePorts() (ws, sip int, err error) {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return 0, 0, err
	}
	defer l.Close()
	for range 20 {
		t, err := net.Listen("tcp4", "127.0.0.1:0")
		if err != nil {
			return 0, 0, err
		}
		port := t.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp4", fmt.Sprintf("127.0.0.1:%d", port))
		t.Close()
		if err == nil {
			u.Close()
			return l.Addr().(*net.TCPAddr).Port, port, nil
		}
	}
	return 0, 0, errors.New("testbed: no free port")
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.b.Len() > 1<<20 {
		l.b.Reset()
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
