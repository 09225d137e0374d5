// Package browsertest drives the real demo page, served by the real server,
// in headless Chromium: it calls adApi as a widget does and clicks the page
// as a person does. `make test` builds the module first and installs
// Chromium when it is missing.
package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
		fmt.Println("browsertest: skipped (ADAPI_SKIP_BROWSER is set)")
		return 0
	}
	root, _ := filepath.Abs("..")
	if out, err := exec.Command("make", "-C", root, "--no-print-directory", "build").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "browsertest: make build: %v\n%s", err, out)
		return 1
	}
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		fmt.Fprintln(os.Stderr, "browsertest: no chromium on PATH; `make test` installs it")
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
	}
	files := server.Handler(web, cfg, true)
	go http.Serve(lns[0], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/adapi.wasm" {
			wasmGate.wait()
		}
		if r.URL.Query().Has("nocsp") {
			// Only for refused-frame.html: the desktop without its
			// frame-ancestors, to test the origin check behind it.
			files.ServeHTTP(noCSP{w}, r)
			return
		}
		files.ServeHTTP(w, r)
	}))
	pages := testPages(desktopOrigin)
	crm := http.NewServeMux()
	crm.Handle("/test/", pages)
	crm.Handle("/", server.CRMHandler(web, desktopOrigin))
	go http.Serve(lns[1], crm)
	go http.Serve(lns[2], pages)

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.NoSandbox, // we run as root
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	b, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(b); err != nil {
		fmt.Fprintln(os.Stderr, "browsertest: start chromium:", err)
		return 1
	}
	browser = b
	return m.Run()
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

// tab is one page under test, with what it printed and threw.
type tab struct {
	t   *testing.T
	ctx context.Context

	mu             sync.Mutex
	exceptions     []string
	consoleErrors  []string
	consoleWarns   []string
	dialogs        []string
	expectConsoled bool // the test makes the page log errors on purpose
}

// openTab opens a new tab. before, if set, runs in the page before any of
// its own scripts (as a CRM page's earlier code would).
func openTab(t *testing.T, before string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	tb := &tab{t: t, ctx: ctx}
	t.Cleanup(func() {
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
	if err := chromedp.Listen(ctx, tb.listen); err != nil {
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

func (tb *tab) listen(ev any) {
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil && d.Exception.Description != "" {
			msg += " " + d.Exception.Description
		}
		tb.mu.Lock()
		tb.exceptions = append(tb.exceptions, msg)
		tb.mu.Unlock()
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeWarning {
			return
		}
		var parts []string
		for _, a := range ev.Args {
			if a.Value != nil {
				parts = append(parts, string(a.Value))
			} else {
				parts = append(parts, a.Description)
			}
		}
		tb.mu.Lock()
		if ev.Type == runtime.ConsoleAPICalledTypeWarning {
			tb.consoleWarns = append(tb.consoleWarns, strings.Join(parts, " "))
		} else {
			tb.consoleErrors = append(tb.consoleErrors, strings.Join(parts, " "))
		}
		tb.mu.Unlock()
	case *page.EventJavascriptDialogOpening:
		tb.mu.Lock()
		tb.dialogs = append(tb.dialogs, ev.Message)
		tb.mu.Unlock()
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
// seen the frame load (its hello, or its load event) first.
func (tb *tab) frame(prefix string) *tab {
	tb.t.Helper()
	infos, err := chromedp.Targets(tb.ctx)
	if err != nil {
		tb.t.Fatal(err)
	}
	var id target.ID
	for _, in := range infos {
		if in.Type == "iframe" && strings.HasPrefix(in.URL, prefix) {
			id = in.TargetID // the newest is listed last
		}
	}
	if id == "" {
		tb.t.Fatalf("no frame at %s among %d targets", prefix, len(infos))
	}
	ctx, cancel := chromedp.NewContext(tb.ctx, chromedp.WithTargetID(id))
	tb.t.Cleanup(cancel)
	f := &tab{t: tb.t, ctx: ctx}
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
// decodes its JSON value into T.
func evalJS[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
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
