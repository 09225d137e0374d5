// Package browsertest drives the real demo page, served by the real server,
// in headless Chromium: it calls adApi as a widget does and clicks the page
// as a person does. `make test` builds the module first and installs
// Chromium when it is missing.
package browsertest

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/adapi-go/adapi-go/server"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// testPlacementTimeout is the desktop owner's placement deadline in these
// tests: short, so that the timeout test is quick, long enough for a
// loaded CI machine to start dialling.
const testPlacementTimeout = 1500 * time.Millisecond

var (
	desktopURL string          // the agent desktop's origin, with a trailing /
	desktopTLS string          // the same desktop over HTTPS (a self-signed certificate), host:port
	crmURL     string          // an allowed CRM origin, another site, with a trailing /
	evilURL    string          // an origin that is not allowed, with a trailing /
	browser    context.Context // one Chromium for all tests; each test opens a tab
	wasmGate   = newGate()     // holds /adapi.wasm back while a test asks it to
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("ADAPI_SKIP_BROWSER") != "" {
		// A suite that passes without running is worse than one that fails:
		// nothing here can be skipped and still count as tested.
		fmt.Fprintln(os.Stderr, "browsertest: FAIL: ADAPI_SKIP_BROWSER is set, so the browser tests did not run")
		return 1
	}
	root, _ := filepath.Abs("..")
	// The harness does not build: `make test` and `make test-browser` build
	// first (a second build here raced theirs under -j). It refuses
	// modules that are missing or older than their sources.
	if err := checkBuilt(root); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	chromium, err := findChromium()
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}

	// Three origins on three sites: the desktop (127.0.0.1), a CRM page it
	// allows (localhost) and one it does not (127.0.0.2).
	var lns [3]net.Listener
	for i, addr := range []string{"127.0.0.1:0", "127.0.0.1:0", "127.0.0.2:0"} {
		if lns[i], err = net.Listen("tcp", addr); err != nil {
			fmt.Fprintln(os.Stderr, "browsertest:", err)
			return 1
		}
	}
	port := func(l net.Listener) string { return fmt.Sprintf(":%d", l.Addr().(*net.TCPAddr).Port) }
	desktopURL = "http://" + lns[0].Addr().String() + "/"
	crmURL = "http://localhost" + port(lns[1]) + "/"
	evilURL = "http://" + lns[2].Addr().String() + "/"
	desktopOrigin := strings.TrimSuffix(desktopURL, "/")
	web := filepath.Join(root, "web")
	cfg := server.Config{
		AllowedOrigins:     []string{strings.TrimSuffix(crmURL, "/")},
		PlacementTimeoutMs: int(testPlacementTimeout / time.Millisecond),
		DialPlan:           &server.DialPlan{Country: "US"},
		DialPolicy:         &server.DialPolicy{Deny: []string{"+1900", "+1976"}},
		TestHooks:          true, // TestPanicsAreContained
	}
	files := server.Handler(web, cfg)
	pages := testPages(desktopOrigin)
	go http.Serve(lns[0], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/adapi.wasm" {
			wasmGate.wait()
		}
		if strings.HasPrefix(r.URL.Path, "/test/") {
			// Test pages on the desktop's own origin too (a window there
			// that is not the desktop's frame).
			pages.ServeHTTP(w, r)
			return
		}
		if r.URL.Query().Has("nocsp") {
			// Only for refused-frame.html: the desktop without its
			// frame-ancestors, to test the origin check behind it.
			files.ServeHTTP(noCSP{w}, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	crm := http.NewServeMux()
	crm.Handle("/test/", pages)
	crm.Handle("/", server.CRMHandler(web, desktopOrigin))
	go http.Serve(lns[1], crm)
	// The desktop over HTTPS, as apps written for Bright Pattern load it:
	// https://<their domain parameter>/agent/…/adapters/api.js.
	tlsLn, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	tlsDir, err := os.MkdirTemp("", "adapi-tls")
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	defer os.RemoveAll(tlsDir)
	cert, _, _, err := server.SelfSigned(tlsDir, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest:", err)
		return 1
	}
	desktopTLS = tlsLn.Addr().String()
	go http.Serve(tls.NewListener(tlsLn, &tls.Config{Certificates: []tls.Certificate{cert}}), files)
	evil := http.NewServeMux()
	evil.Handle("/test/", pages)
	evil.Handle("/", server.CRMHandler(web, desktopOrigin)) // the demo CRM page, on an origin the desktop does not allow
	go http.Serve(lns[2], evil)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // we run as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		// Real calls (sip_test.go): a fake microphone granted without a
		// prompt, ICE on 127.0.0.1, host candidates as addresses (no
		// mDNS), remote audio that plays without a gesture.
		chromedp.Flag("use-fake-ui-for-media-stream", true),
		chromedp.Flag("use-fake-device-for-media-stream", true),
		chromedp.Flag("allow-loopback-in-peer-connection", true),
		chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,WebRtcHideLocalIpsWithMdns"), // chromedp's two, and ours
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.Flag("ignore-certificate-errors", true), // the HTTPS desktop's self-signed certificate
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	b, cancelBrowser := chromedp.NewContext(alloc, chromedp.WithErrorf(func(format string, v ...any) {
		msg := fmt.Sprintf(format, v...)
		// A frame's session (attachFrame) gets DOM events before chromedp
		// knows its frame: harmless, and not worth a line per frame.
		if strings.Contains(msg, "DOM.documentUpdated when there's no top-level frame") {
			return
		}
		fmt.Fprintln(os.Stderr, "chromedp: ERROR:", msg)
	}))
	defer cancelBrowser()
	if err := chromedp.Do(b); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest: start chromium:", err)
		return 1
	}
	browser = b
	code := m.Run()
	for i := len(afterAll) - 1; i >= 0; i-- {
		afterAll[i]()
	}
	return code
}

// afterAll is what tests started for all of them (the SIP test bed), stopped
// after the last, newest first.
var afterAll []func()

// chromiumNames are the names Chromium goes by, tried in order after $CHROME.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"}

// findChromium finds the browser: $CHROME (a path or a name on PATH), or
// the first of chromiumNames on PATH.
func findChromium() (string, error) {
	names := chromiumNames
	if c := os.Getenv("CHROME"); c != "" {
		p, err := exec.LookPath(c)
		if err != nil {
			return "", fmt.Errorf("CHROME=%s: %w", c, err)
		}
		return p, nil
	}
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p, nil
		}
	}
	return "", fmt.Errorf("no Chromium on PATH (tried %s; set CHROME to its path); `make test` installs it", strings.Join(names, ", "))
}

// builtFiles are what `make build` writes that the tests load.
var builtFiles = []string{"web/adapi.wasm", "web/adapi-client.wasm"}

// checkBuilt fails unless every built file exists and is newer than every
// source it is built from (the Go files of the module's packages that
// ./wasm imports, with either build tag, and go.mod, go.sum): a test must
// never run yesterday's module.
func checkBuilt(root string) error {
	srcs := []string{filepath.Join(root, "go.mod"), filepath.Join(root, "go.sum")}
	for _, tags := range []string{"", "adapiclient"} {
		cmd := exec.Command("go", "list", "-tags", tags, "-deps", "-f", "{{if not .Standard}}{{.Dir}}{{end}}", "./wasm")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			return fmt.Errorf("go list ./wasm: %w", err)
		}
		for _, dir := range strings.Fields(string(out)) {
			if !strings.HasPrefix(dir, root+string(filepath.Separator)) {
				continue // a module dependency: go.sum covers it
			}
			names, _ := filepath.Glob(filepath.Join(dir, "*.go"))
			srcs = append(srcs, names...)
		}
	}
	var newest time.Time
	var newestName string
	for _, p := range srcs {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return err
		}
		if fi.ModTime().After(newest) {
			newest, newestName = fi.ModTime(), p
		}
	}
	for _, f := range builtFiles {
		fi, err := os.Stat(filepath.Join(root, f))
		if err != nil {
			return fmt.Errorf("%s is missing: run `make build` first (`make test` and `make test-browser` do)", f)
		}
		if fi.ModTime().Before(newest) {
			rel, _ := filepath.Rel(root, newestName)
			return fmt.Errorf("%s is older than %s: run `make build` first (`make test` and `make test-browser` do)", f, rel)
		}
	}
	return nil
}

// gate holds requests while closed.
type gate struct {
	mu   sync.Mutex
	open chan struct{}
}

func newGate() *gate {
	g := &gate{open: make(chan struct{})}
	close(g.open)
	return g
}

func (g *gate) wait() {
	g.mu.Lock()
	ch := g.open
	g.mu.Unlock()
	<-ch
}

// hold closes the gate and returns the function that opens it again.
func (g *gate) hold() (release func()) {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch := make(chan struct{})
	g.open = ch
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}

// tab is one page under test, with what it printed and threw. Every
// cross-site frame inside it (a target of its own, such as the framed
// desktop) is attached as it appears, and what it throws or logs as an
// error fails the test too.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu             sync.Mutex
	exceptions     []string
	consoleErrors  []string
	consoleWarns   []string
	dialogs        []string
	expectConsoled bool // the test makes the page log errors on purpose

	// For a top-level tab: its frames and what they threw and logged.
	frameWG            sync.WaitGroup
	frames             map[target.ID]*tab
	frameErrors        []string // uncaught errors and console errors inside frames
	frameWarns         []string
	expectFrameConsole bool // the test makes a frame log errors on purpose

	// For a frame: the top-level tab that records for it, and its URL.
	top *tab
	url string

	// For a top-level tab: closed when a Go bridge in it (the page's or a
	// frame's) has stopped, with what it printed; every wait in the tab
	// then fails at once instead of at the tab's timeout.
	stopOnce sync.Once
	stopped  chan struct{}
	goCrash  []string
}

// openTab opens a new tab. before, if set, runs in the page before any of
// its own scripts (as a CRM page's earlier code would).
func openTab(t *testing.T, before string) *tab {
	t.Helper()
	tb := &tab{t: t, frames: map[target.ID]*tab{}, stopped: make(chan struct{})}
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithListener(tb.listen))
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	tb.ctx = ctx
	t.Cleanup(func() {
		tb.checkFrames()
		tb.mu.Lock()
		defer tb.mu.Unlock()
		if len(tb.exceptions) > 0 {
			t.Errorf("uncaught errors on the page: %q", tb.exceptions)
		}
		if len(tb.consoleErrors) > 0 && !tb.expectConsoled {
			t.Errorf("console errors on the page: %q", tb.consoleErrors)
		}
		cancelTimeout()
		cancel()
	})
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	if before != "" {
		if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: before})
			return err
		})); err != nil {
			t.Fatal(err)
		}
	}
	return tb
}

// root is the top-level tab that records for tb.
func (tb *tab) root() *tab {
	if tb.top != nil {
		return tb.top
	}
	return tb
}

// attachFrame attaches to a frame's target (once per target), with the
// same listener as a tab: Runtime.enable replays what the frame threw and
// logged before, so nothing it did while loading is missed.
func (tb *tab) attachFrame(info *target.Info) {
	r := tb.root()
	r.mu.Lock()
	if _, ok := r.frames[info.TargetID]; ok {
		r.mu.Unlock()
		return
	}
	f := &tab{t: r.t, top: r, url: info.URL}
	r.frames[info.TargetID] = f
	r.frameWG.Add(1)
	r.mu.Unlock()
	go func() {
		defer r.frameWG.Done()
		ctx, _ := chromedp.NewContext(r.ctx, chromedp.WithTargetID(info.TargetID), chromedp.WithListener(f.listen), chromedp.WithDetachOnCancel())
		f.ctx = ctx
		if err := chromedp.Do(ctx); err != nil && r.ctx.Err() == nil {
			// A frame that went away before we attached is not an error;
			// any other failure is.
			if infos, lerr := chromedp.Targets(r.ctx); lerr == nil && !slices.ContainsFunc(infos, func(in *target.Info) bool { return in.TargetID == info.TargetID }) {
				return
			}
			r.mu.Lock()
			r.frameErrors = append(r.frameErrors, fmt.Sprintf("attach to frame %s: %v", info.URL, err))
			r.mu.Unlock()
		}
	}()
}

// checkFrames waits until every frame seen is attached, makes one round
// trip to each (events come before the answer), and fails the test on any
// error they threw or logged.
func (tb *tab) checkFrames() {
	tb.frameWG.Wait()
	tb.mu.Lock()
	frames := make([]*tab, 0, len(tb.frames))
	for _, f := range tb.frames {
		frames = append(frames, f)
	}
	tb.mu.Unlock()
	for _, f := range frames {
		if f.ctx == nil || f.ctx.Err() != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(f.ctx, 5*time.Second)
		_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: "0"})
			return err
		}))
		cancel()
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.frameErrors) > 0 && !tb.expectFrameConsole {
		tb.t.Errorf("errors inside frames of the page: %q", tb.frameErrors)
	}
}

// frameTargets lists the frames of the tab's page that are targets of
// their own (cross-site frames) with a URL starting with prefix.
func (tb *tab) frameTargets(prefix string) []*target.Info {
	tb.t.Helper()
	r := tb.root()
	infos, err := chromedp.Targets(r.ctx)
	if err != nil {
		tb.t.Fatal(err)
	}
	tg := chromedp.FromContext(r.ctx).Target
	var out []*target.Info
	for _, in := range infos {
		if in.Type == "iframe" && string(in.ParentFrameID) == string(tg.TargetID) && strings.HasPrefix(in.URL, prefix) {
			out = append(out, in)
		}
	}
	return out
}

// frameDocuments is, for each frame of frameTargets(prefix), the URL of the
// document it holds now and whether that document has the adApi loader:
// a frame a page was refused shows the browser's error page, not the
// desktop, even though its target keeps the URL it was asked for.
func (tb *tab) frameDocuments(prefix string) []string {
	tb.t.Helper()
	var out []string
	for _, in := range tb.frameTargets(prefix) {
		ctx, cancel := chromedp.NewContext(tb.root().ctx, chromedp.WithTargetID(in.TargetID), chromedp.WithDetachOnCancel())
		res, err := chromedp.Run(ctx, chromedp.Action[runtime.EvaluateResult](func(ctx context.Context, tg *chromedp.Target) (runtime.EvaluateResult, error) {
			byValue := true
			return cdp.Call(ctx, tg, runtime.Evaluate, runtime.EvaluateParams{Expression: `location.href + ' loader:' + (typeof __adApiLoader)`, ReturnByValue: &byValue})
		}))
		cancel()
		if err != nil {
			tb.t.Fatalf("frame %s: %v", in.URL, err)
		}
		var s string
		if res.Result != nil {
			_ = json.Unmarshal(res.Result.Value, &s)
		}
		out = append(out, s)
	}
	return out
}

func (tb *tab) listen(ev any) {
	r := tb.root()
	where := ""
	if tb.top != nil {
		where = "frame: "
	}
	switch ev := ev.(type) {
	case *target.EventAttachedToTarget:
		if ev.TargetInfo != nil && ev.TargetInfo.Type == "iframe" {
			tb.attachFrame(ev.TargetInfo)
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		r.mu.Lock()
		if tb.top != nil {
			r.frameErrors = append(r.frameErrors, where+msg)
		} else {
			r.exceptions = append(r.exceptions, msg)
		}
		r.mu.Unlock()
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		msg := strings.Join(parts, " ")
		// Go's runtime prints a panic it did not contain with console.log
		// (wasm_exec.js), then exits; the loader then says the bridge
		// stopped.
		if ev.Type == runtime.ConsoleAPICalledTypeLog && strings.HasPrefix(msg, `"panic: `) {
			r.mu.Lock()
			r.goCrash = append(r.goCrash, where+msg)
			r.mu.Unlock()
		}
		if strings.Contains(msg, "adApi: the bridge stopped") {
			r.stopOnce.Do(func() { close(r.stopped) })
		}
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeWarning {
			return
		}
		r.mu.Lock()
		switch {
		case tb.top != nil && ev.Type == runtime.ConsoleAPICalledTypeWarning:
			r.frameWarns = append(r.frameWarns, where+msg)
		case tb.top != nil:
			r.frameErrors = append(r.frameErrors, where+"console.error: "+msg)
		case ev.Type == runtime.ConsoleAPICalledTypeWarning:
			r.consoleWarns = append(r.consoleWarns, msg)
		default:
			r.consoleErrors = append(r.consoleErrors, msg)
		}
		r.mu.Unlock()
	case *page.EventJavascriptDialogOpening:
		r.mu.Lock()
		r.dialogs = append(r.dialogs, where+ev.Message)
		r.mu.Unlock()
		// Answer from another goroutine: this one reads the browser's
		// messages.
		go chromedp.Do(tb.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
			return err
		}))
	}
}

// open loads the desktop page and waits until the bridge is ready.
func (tb *tab) open(path string) {
	tb.t.Helper()
	tb.openURL(desktopURL + path)
}

// openURL loads a page that includes adapi.js and waits until the bridge
// is ready.
func (tb *tab) openURL(url string) {
	tb.t.Helper()
	tb.do(chromedp.Navigate(url))
	tb.waitReady()
}

// frame attaches to the desktop frame inside the tab's page (a cross-site
// iframe is a target of its own) and waits for its bridge. The caller has
// seen the frame load (its hello, or its load event) first. What the frame
// throws or logs is checked by the tab (attachFrame), not through this.
func (tb *tab) frame(prefix string) *tab {
	tb.t.Helper()
	infos, err := chromedp.Targets(tb.ctx)
	if err != nil {
		tb.t.Fatal(err)
	}
	var info *target.Info
	for _, in := range infos {
		if in.Type == "iframe" && strings.HasPrefix(in.URL, prefix) {
			info = in // the newest is listed last
		}
	}
	if info == nil {
		tb.t.Fatalf("no frame at %s among %d targets", prefix, len(infos))
	}
	tb.attachFrame(info) // in case its attach event is still on the way
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(info.TargetID))
	tb.t.Cleanup(cancel)
	// Attach now, with ctx: chromedp ties the session to the context of
	// its first run, and evalJS runs with shorter-lived ones.
	if err := chromedp.Do(ctx); err != nil {
		tb.t.Fatal(err)
	}
	f := &tab{t: tb.t, ctx: ctx, top: tb.root(), url: info.URL}
	f.waitReady()
	return f
}

func (tb *tab) waitReady() {
	tb.t.Helper()
	evalJS[bool](tb, `new Promise(r => __adApiLoader.isReady ? r(true) : document.addEventListener('adapi:ready', () => r(true)))`)
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// evalJS evaluates an expression in the page, awaiting a Promise, and
// decodes its JSON value into T. It fails the test at once when a Go
// bridge in the tab stops (a panic no recover contained): a promise it
// held would never settle.
func evalJS[T any](tb *tab, expr string) T {
	tb.t.Helper()
	return evalCtx[T](tb, tb.ctx, expr)
}

// within is evalJS for an expression that waits for something that should
// happen (a refusal on the panel, an answer): when it has not within
// bound, the test fails saying so, with what names the guard that let
// it go missing. bound only stops a test from hanging until the tab's
// timeout; it is no measure of speed: make it generous.
func within[T any](tb *tab, bound time.Duration, what, expr string) T {
	tb.t.Helper()
	ctx, cancel := context.WithTimeoutCause(tb.ctx, bound, fmt.Errorf("not within %v: %s", bound, what))
	defer cancel()
	return evalCtx[T](tb, ctx, expr)
}

// waitUntil waits until the JavaScript condition cond holds, checking it
// now and after every change to the page's DOM (the panel draws every
// outcome: a refusal in its log, a call in its list). what names what
// should happen, and the guard at fault when it does not within bound.
func waitUntil(tb *tab, bound time.Duration, what, cond string) {
	tb.t.Helper()
	within[bool](tb, bound, what, `new Promise(resolve => {
		const ok = () => (`+cond+`) && (resolve(true), true)
		if (!ok()) new MutationObserver((_, o) => ok() && o.disconnect()).observe(document, {subtree: true, childList: true, attributes: true, characterData: true})
	})`)
}

func evalCtx[T any](tb *tab, ctx context.Context, expr string) T {
	tb.t.Helper()
	r := tb.root()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		select {
		case <-r.stopped:
			r.mu.Lock()
			crash := strings.Join(r.goCrash, "; ")
			r.mu.Unlock()
			cancel(fmt.Errorf("the Go bridge stopped (a panic no recover contained?): %s", crash))
		case <-ctx.Done():
		}
	}()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		if cause := context.Cause(ctx); cause != nil && ctx.Err() != nil {
			err = cause
		}
		tb.t.Fatalf("evaluate %.200s: %v", expr, err)
	}
	return v
}

// OperationResult is Bright Pattern's result, as the page sees it.
type OperationResult struct {
	Status string `json:"status"`
	Data   *struct {
		ID    *string `json:"id"`
		Error *string `json:"error"`
	} `json:"data"`
	Error *struct {
		Code    int    `json:"code"`
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

func (r OperationResult) String() string {
	b, _ := json.Marshal(r)
	return string(b)
}

// id is the result's id, failing the test unless it is a success with one.
func (r OperationResult) id(t *testing.T) string {
	t.Helper()
	if r.Status != "success" || r.Data == nil || r.Data.ID == nil || *r.Data.ID == "" || r.Error != nil {
		t.Fatalf("want success with an id, got %s", r)
	}
	return *r.Data.ID
}

// wantError checks an error result: its code, name, a message starting
// with msg, and the documented data part.
func (r OperationResult) wantError(t *testing.T, code int, name, msg string) {
	t.Helper()
	if r.Status != "error" || r.Error == nil || r.Error.Code != code || r.Error.Name != name || !strings.HasPrefix(r.Error.Message, msg) {
		t.Fatalf("want error %d %s %q…, got %s", code, name, msg, r)
	}
	if r.Data == nil || r.Data.ID != nil || r.Data.Error == nil || *r.Data.Error != r.Error.Message {
		t.Fatalf("want data {id: null, error: message}, got %s", r)
	}
}

// screenshot saves a PNG of the page under browsertest/screenshots, for a
// person to look at: the whole page, or the viewport when it has frames
// from other sites (which a full-page capture does not draw whole).
func (tb *tab) screenshot(name string) {
	tb.t.Helper()
	shot := chromedp.FullScreenshot(100)
	if evalJS[bool](tb, `document.querySelectorAll('iframe').length > 0`) {
		shot = chromedp.CaptureScreenshot()
	}
	png, err := chromedp.Run(tb.ctx, shot)
	if err != nil {
		tb.t.Fatal(err)
	}
	_ = os.MkdirAll("screenshots", 0o755)
	if err := os.WriteFile(filepath.Join("screenshots", name+".png"), png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
}

// noCSP drops the Content-Security-Policy header of a response.
type noCSP struct{ http.ResponseWriter }

func (w noCSP) WriteHeader(code int) {
	w.Header().Del("Content-Security-Policy")
	w.ResponseWriter.WriteHeader(code)
}

func (w noCSP) Write(b []byte) (int, error) {
	w.Header().Del("Content-Security-Policy")
	return w.ResponseWriter.Write(b)
}

// testPages serves testdata/NAME.html at /test/NAME.html, with the
// desktop's origin filled in, and no policy: pages only the tests load.
func testPages(desktopOrigin string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := os.ReadFile(filepath.Join("testdata", filepath.Base(r.URL.Path)))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.ReplaceAll(string(b), "{{DESKTOP_ORIGIN}}", desktopOrigin)))
	})
}
