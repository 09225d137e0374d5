// Command adapi-bench is `make bench`: it builds the modules, serves the
// real pages, drives headless Chromium and prints one table of speed and
// footprint, each figure beside its anchors measured in the same run (a
// pure-JS reference, a Go no-op floor, minimal modules), and writes the
// figures to bench/results.json. It reports; it never fails on a time.
package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/adapi-go/adapi-go/server"
	"github.com/andybalholm/brotli"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/heapprofiler"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// stat is per-call microseconds, as the bench pages report them.
type stat struct {
	P50    float64 `json:"p50"`
	P99    float64 `json:"p99"`
	PerSec float64 `json:"perSec"`
}

// crossings are a call's JS↔Go crossings, as bench/crossings.js counts
// them: calls into Go, calls from Go into JavaScript (imports, the clock's
// among them), and the JavaScript values handed to Go (each one a
// finalizer in the Go runtime).
type crossings struct {
	Enter   float64            `json:"enter"`
	Imports float64            `json:"imports"`
	Refs    float64            `json:"refs"`
	ByName  map[string]float64 `json:"byName"`
}

// redraw is the panel's redraw after one interaction changed (ms).
type redraw struct {
	P50  float64 `json:"p50"`
	Max  float64 `json:"max"`
	Rows int     `json:"rows"`
}

type size struct {
	Raw    int `json:"raw"`
	Gzip   int `json:"gzip"`
	Brotli int `json:"brotli"`
	// BrotliShifted is the mean brotli size of the file behind 0 to
	// shifts-1 zero bytes (desktop modules only): brotli's matches depend
	// on where bytes fall, and one module's figure moves by up to 3 KB
	// with a change of a few bytes anywhere, so differences between two
	// modules are read from this mean as well.
	BrotliShifted float64 `json:"brotli_shifted,omitempty"`
}

// shifts is how many shifted copies BrotliShifted averages.
const shifts = 4

type results struct {
	Machine   string                     `json:"machine"`
	Go        string                     `json:"go"`
	Chromium  string                     `json:"chromium"`
	When      string                     `json:"when"`
	Calls     map[string]map[string]stat `json:"calls"` // with/without object -> go/js/noop
	Sizes     map[string]size            `json:"sizes"`
	ReadyMs   float64                    `json:"ready_ms_median"`
	ReadyRuns int                        `json:"ready_runs"`
	QueuedMs  float64                    `json:"queued_call_ms_median"` // since navigation
	NoopMs    float64                    `json:"noop_floor_call_ms_median"`
	Timeline  map[string]float64         `json:"timeline_ms_median"`
	NoopLine  map[string]float64         `json:"noop_timeline_ms_median"`
	Packages  pkgBytes                   `json:"desktop_packages"`
	RunStart  float64                    `json:"make_run_start_s"`
	ServeOnly float64                    `json:"server_start_s"`
	Redraw    map[string]redraw          `json:"panel_redraw_ms"` // by interactions shown
	Memory    map[string]float64         `json:"memory"`
	CrossCall stat                       `json:"cross_frame_startcall"`
	Crossings map[string]crossings       `json:"crossings_per_call"`
	CrossPing stat                       `json:"cross_frame_ping"`
}

func main() {
	quick := flag.Bool("quick", false, "fewer samples (a smoke run)")
	out := flag.String("out", "bench/results.json", "where to write the figures")
	only := flag.String("only", "", "run only these sections, comma-separated: calls, memory, ready, cross, panel, run (sizes always)")
	flag.Parse()
	log.SetFlags(0)
	root, _ := os.Getwd()
	tmp, err := os.MkdirTemp("", "adapi-bench")
	check(err)
	defer os.RemoveAll(tmp)

	r := results{Go: runtime.Version(), When: time.Now().UTC().Format(time.RFC3339), Calls: map[string]map[string]stat{}, Sizes: map[string]size{}, Memory: map[string]float64{}}
	r.Machine = machine()

	// Footprint: every module built by this toolchain with the same flags.
	log.Println("building modules…")
	for _, m := range []struct{ name, pkg string }{
		{"adapi.wasm (bridge)", "./wasm"},
		{"adapi.wasm without SIP", "./wasm"}, // -tags adapinosip (wasm/nosip.go): what SIP adds (issue 14)
		{"adapi-client.wasm", "./wasm"},
		{"floor: vert + dom/v2", "./bench/floor"},
		{"floor: vert only", "./bench/vertonly"},
		{"hello world", "./bench/hello"},
		{"noop startCall", "./bench/noop"},
	} {
		file := filepath.Join(tmp, strings.NewReplacer(" ", "", ":", "", "+", "", "/", "", "(", "", ")", "").Replace(m.name)+".wasm")
		tags := map[bool]string{true: "adapiclient"}[strings.HasPrefix(m.name, "adapi-client")]
		if strings.HasSuffix(m.name, "without SIP") {
			tags = "adapinosip"
		}
		build(m.pkg, file, tags)
		r.Sizes[m.name] = measureSize(file)
		if strings.HasPrefix(m.name, "adapi.wasm") {
			sz := r.Sizes[m.name]
			sz.BrotliShifted = brotliShifted(file)
			r.Sizes[m.name] = sz
		}
	}
	// The SIP phone's browser side, loaded beside the module when the
	// config has a sip section.
	r.Sizes["adapi-sip.js"] = measureSize(filepath.Join(root, "web", "adapi-sip.js"))
	check(os.Rename(filepath.Join(tmp, "noopstartCall.wasm"), filepath.Join(tmp, "noop.wasm")))
	// The floor page gets its module compressed as the desktop's is.
	check(exec.Command("go", "run", "./cmd/precompress", filepath.Join(tmp, "noop.wasm")).Run())
	// Where the desktop module's bytes go, by package: once more without -s.
	names := filepath.Join(tmp, "names.wasm")
	buildFlags(names, "./wasm", "-trimpath", "-ldflags=-w")
	r.Packages, err = wasmPackages(names)
	check(err)

	// Servers: the desktop (with /bench/ pages) and a CRM origin on another site.
	desk, crm := listen("127.0.0.1:0"), listen("127.0.0.1:0")
	deskURL := "http://" + desk.Addr().String()
	crmURL := fmt.Sprintf("http://localhost:%d", crm.Addr().(*net.TCPAddr).Port)
	cfg := server.Config{AllowedOrigins: []string{crmURL}}
	web := server.Handler(filepath.Join(root, "web"), cfg)
	files := http.StripPrefix("/bench/", http.FileServer(http.Dir(filepath.Join(root, "bench"))))
	// Cross-origin isolation gives performance.now() microsecond
	// resolution instead of 100 µs.
	benchFiles := http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if strings.HasSuffix(req.URL.Path, "bench.html") {
			w.Header().Set("Cross-Origin-Opener-Policy", "same-origin")
			w.Header().Set("Cross-Origin-Embedder-Policy", "require-corp")
		}
		files.ServeHTTP(w, req)
	})
	noop := http.StripPrefix("/bench", server.Handler(tmp, cfg))
	go http.Serve(desk, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		switch {
		case req.URL.Path == "/bench/noop.wasm":
			noop.ServeHTTP(w, req)
		case req.URL.Path == "/":
			// The desktop page, with bench/desk-echo.js added: the
			// across-origins bench frames it.
			rec := httptest.NewRecorder()
			web.ServeHTTP(rec, req)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			body := strings.Replace(rec.Body.String(), "</head>", `<script src="/bench/desk-echo.js"></script><script src="/bench/panel-bench.js"></script></head>`, 1)
			w.WriteHeader(rec.Code)
			w.Write([]byte(body))
		case strings.HasPrefix(req.URL.Path, "/bench/"):
			benchFiles.ServeHTTP(w, req)
		default:
			web.ServeHTTP(w, req)
		}
	}))
	go http.Serve(crm, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, err := os.ReadFile(filepath.Join(root, "bench", "crm-bench.html"))
		if err != nil {
			http.NotFound(w, req)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write([]byte(strings.ReplaceAll(string(b), "{{DESKTOP_ORIGIN}}", deskURL)))
	}))

	alloc, cancel := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium()), chromedp.NoSandbox, chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("no-first-run", true))...)
	defer cancel()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	check(chromedp.Do(browser))
	if v, err := exec.Command(chromium(), "--version").Output(); err == nil {
		r.Chromium = strings.TrimSpace(string(v))
	}

	want := func(section string) bool { return *only == "" || strings.Contains(","+*only+",", ","+section+",") }
	batches, per, readyRuns := 200, 100, 10
	if *quick {
		batches, per, readyRuns = 20, 20, 5
	}

	// 1. Per call, beside the pure-JS reference and the no-op floor.
	log.Println("per-call time…")
	tab := newTab(browser)
	if want("calls") || want("memory") {
		check(chromedp.Do(tab, chromedp.Navigate(deskURL+"/bench/bench.html")))
		eval[bool](tab, `new Promise(r => __adApiLoader.isReady ? r(true) : document.addEventListener('adapi:ready', () => r(true))).then(() => __noopReady).then(() => new Promise(r => setTimeout(r, 0))).then(() => adApiDesktop.update({answerDelayMs: 0})).then(() => true)`)
	}
	if want("calls") {
		r.Crossings = map[string]crossings{}
		for _, c := range crossingCalls {
			r.Crossings[c.name] = eval[crossings](tab, fmt.Sprintf(`__crossings(%q, 200, %s)`, c.module, c.call))
		}
	}
	for _, obj := range []bool{false, true} {
		if !want("calls") {
			break
		}
		key := map[bool]string{false: "without object", true: "with object"}[obj]
		r.Calls[key] = map[string]stat{}
		for _, fn := range []string{"go", "js", "noop"} {
			r.Calls[key][fn] = eval[stat](tab, fmt.Sprintf(`__measure(%q, %v, %d, %d)`, fn, obj, batches, per))
		}
	}

	// 4. Memory over many calls and their events.
	n := 100000
	if *quick {
		n = 4000
	}
	if !want("memory") {
		n = 0
	}
	if n > 0 {
		log.Printf("memory over %d calls…", n)
		heap := func() float64 {
			u, err := chromedp.Run(tab, chromedp.Action[cdpruntime.GetHeapUsageResult](func(ctx context.Context, t *chromedp.Target) (cdpruntime.GetHeapUsageResult, error) {
				if _, err := cdp.Call(ctx, t, heapprofiler.CollectGarbage, cdp.Empty{}); err != nil {
					return cdpruntime.GetHeapUsageResult{}, err
				}
				return cdp.Call(ctx, t, cdpruntime.GetHeapUsage, cdp.Empty{})
			}))
			check(err)
			return u.UsedSize
		}
		eval[int](tab, fmt.Sprintf(`__churn(%d)`, n/2))
		h1, w1, g1 := heap(), float64(eval[int](tab, `__wasmBytes()`)), eval[map[string]float64](tab, `__goStats()`)
		events := eval[int](tab, fmt.Sprintf(`__churn(%d)`, n/2))
		h2, w2, g2 := heap(), float64(eval[int](tab, `__wasmBytes()`)), eval[map[string]float64](tab, `__goStats()`)
		r.Memory = map[string]float64{"calls": float64(n), "events": float64(events), "js_heap_half": h1, "js_heap_end": h2, "wasm_half": w1, "wasm_end": w2,
			"go_heap_half": g1["heapAlloc"], "go_heap_end": g2["heapAlloc"], "goroutines_half": g1["goroutines"], "goroutines_end": g2["goroutines"]}
	}

	// 3. Time to a usable adApi.startCall, cold, a queued call, the
	// start-up timeline; and the same first call on the no-op floor page.
	log.Println("time to ready…")
	var readies, queued, noops []float64
	lines, noopLines := map[string][]float64{}, map[string][]float64{}
	cold := func(url string) context.Context {
		t := newTab(browser)
		check(chromedp.Do(t, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true})
			return err
		}), chromedp.Navigate(url)))
		return t
	}
	for i := 0; i < readyRuns && want("ready"); i++ {
		t := cold(deskURL + "/bench/ready.html")
		readies = append(readies, eval[float64](t, `__ready`))
		q := eval[map[string]any](t, `__queued`)
		queued = append(queued, q["ms"].(float64))
		for k, v := range eval[map[string]float64](t, `__timeline`) {
			lines[k] = append(lines[k], v)
		}
		chromedp.Cancel(t)
		t = cold(deskURL + "/bench/noop-ready.html")
		noops = append(noops, eval[map[string]any](t, `__queued`)["ms"].(float64))
		for k, v := range eval[map[string]float64](t, `__timeline`) {
			noopLines[k] = append(noopLines[k], v)
		}
		chromedp.Cancel(t)
	}
	if len(readies) > 0 {
		r.ReadyMs, r.QueuedMs, r.NoopMs, r.ReadyRuns = median(readies), median(queued), median(noops), len(readies)
		r.Timeline, r.NoopLine = map[string]float64{}, map[string]float64{}
		for k, v := range lines {
			r.Timeline[k] = median(v)
		}
		for k, v := range noopLines {
			r.NoopLine[k] = median(v)
		}
	}

	// 5. Across origins: startCall beside a raw postMessage ping-pong.
	if want("cross") {
		log.Println("across origins…")
		ct := newTab(browser)
		check(chromedp.Do(ct, chromedp.Navigate(crmURL+"/")))
		cross := eval[map[string]stat](ct, fmt.Sprintf(`new Promise(r => __adApiLoader.isReady ? r() : document.addEventListener('adapi:ready', r)).then(() => __crossFrame(%d, %d, 30))`, batches/4, 10))
		r.CrossCall, r.CrossPing = cross["startCall"], cross["ping"]
	}

	// 7. The panel's redraw with 1, 100, 1,000 interactions, one changed.
	if want("panel") {
		log.Println("panel redraw…")
		pt := newTab(browser)
		check(chromedp.Do(pt, chromedp.Navigate(deskURL+"/")))
		samples := 9
		if *quick {
			samples = 5
		}
		r.Redraw = eval[map[string]redraw](pt, fmt.Sprintf(`__panelRedraw([1, 100, 1000], %d)`, samples))
		chromedp.Cancel(pt)
	}

	// 6. make run with nothing changed, to serving.
	if want("run") {
		log.Println("make run start…")
		r.RunStart, r.ServeOnly = runStart(root, tmp)
	}

	printTable(r)
	b, _ := json.MarshalIndent(r, "", "  ")
	check(os.WriteFile(*out, append(b, '\n'), 0o644))
	fmt.Printf("\nfigures written to %s\n", *out)
}

func printTable(r results) {
	fmt.Printf("\nadApi-go bench · %s · %s · %s\n", r.Machine, r.Go, r.Chromium)
	fmt.Println("\n1. per call (µs, sequential awaited calls; p50 / p99 of batch means)")
	fmt.Printf("   %-16s %-28s %-28s %-28s %s\n", "", "Go bridge (adApi.startCall)", "pure-JS reference", "Go no-op floor", "bridge / floor")
	for _, k := range []string{"without object", "with object"} {
		c := r.Calls[k]
		cell := func(s stat) string { return fmt.Sprintf("%7.1f / %7.1f  %8.0f/s", s.P50, s.P99, s.PerSec) }
		fmt.Printf("   %-16s %-28s %-28s %-28s %.2fx (JS: %.1fx)\n", k, cell(c["go"]), cell(c["js"]), cell(c["noop"]), c["go"].P50/c["noop"].P50, c["go"].P50/c["js"].P50)
	}
	if len(r.Crossings) > 0 {
		fmt.Println("   JS↔Go crossings per call (bench/crossings.js): into Go, from Go into JS (clock reads among them), JS values handed to Go (a finalizer each)")
		for _, c := range crossingCalls {
			x := r.Crossings[c.name]
			fmt.Printf("   %-34s %4.1f in  %5.1f out (clock %4.1f)  %4.1f values\n", c.name, x.Enter, x.Imports, x.ByName["runtime.nanotime1"]+x.ByName["runtime.walltime"], x.Refs)
		}
	}
	fmt.Println("\n2. module size (bytes)")
	names := make([]string, 0, len(r.Sizes))
	for n := range r.Sizes {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		s := r.Sizes[n]
		fmt.Printf("   %-24s raw %9d   gzip %8d   brotli %8d\n", n, s.Raw, s.Gzip, s.Brotli)
	}
	b, c, f, v := r.Sizes["adapi.wasm (bridge)"], r.Sizes["adapi-client.wasm"], r.Sizes["floor: vert + dom/v2"], r.Sizes["floor: vert only"]
	fmt.Printf("   desktop module / its floor (vert + dom/v2), brotli: %.2fx\n", float64(b.Brotli)/float64(f.Brotli))
	fmt.Printf("   CRM page module / the vert-only floor, brotli:     %.2fx (it needs neither vert nor dom/v2)\n", float64(c.Brotli)/float64(v.Brotli))
	if ns, ok := r.Sizes["adapi.wasm without SIP"]; ok {
		sip := b.Brotli - ns.Brotli
		verdict := "within"
		// Both figures must hold: the one a server sends, and the mean
		// that layout noise does not move.
		if sip > sipBudget || b.BrotliShifted-ns.BrotliShifted > sipBudget {
			verdict = "OVER"
		}
		fmt.Printf("   SIP in the desktop module (issue 14), brotli: %d with - %d without = %d bytes (%.1f KB): %s the %d KB budget; adapi-sip.js %d more, loaded only with SIP\n",
			b.Brotli, ns.Brotli, sip, float64(sip)/1000, verdict, sipBudget/1000, r.Sizes["adapi-sip.js"].Brotli)
		fmt.Printf("   the same, each module's brotli averaged over %d copies shifted by 0-%d bytes (brotli moves by up to 3 KB with layout): %.1f KB\n",
			shifts, shifts-1, (b.BrotliShifted-ns.BrotliShifted)/1000)
	}
	if len(r.Packages.Code) > 0 {
		fmt.Println("   where the desktop module's bytes go (built once more without -s; code by package):")
		printPackages("adapi.wasm", r.Packages, 14)
	}
	if r.ReadyRuns > 0 {
		fmt.Printf("\n3. ready, cold, median of %d (ms since navigation): adApi.startCall usable at %.1f; a call queued at once settles at %.1f; on the no-op floor page (wasm_exec.js + no-op module, one call) at %.1f: %.2fx\n", r.ReadyRuns, r.ReadyMs, r.QueuedMs, r.NoopMs, r.QueuedMs/r.NoopMs)
		if len(r.Timeline) > 0 {
			fmt.Printf("   %-22s %9s %9s\n", "start-up timeline", "adapi.js", "floor")
			keys := make([]string, 0, len(r.Timeline))
			for k := range r.Timeline {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool { return r.Timeline[keys[i]] < r.Timeline[keys[j]] })
			for _, k := range keys {
				floor := "-"
				if v, ok := r.NoopLine[k]; ok {
					floor = fmt.Sprintf("%9.1f", v)
				}
				fmt.Printf("   %-22s %9.1f %9s\n", k, r.Timeline[k], floor)
			}
		}
	}
	if len(r.Memory) > 0 {
		m := r.Memory
		fmt.Printf("\n4. memory over %.0f calls and %.0f events (each call hung up and completed):\n", m["calls"], m["events"])
		fmt.Printf("   JS heap after GC: %.2f MB at half, %.2f MB at the end (growth %+.3f MB)\n", m["js_heap_half"]/1e6, m["js_heap_end"]/1e6, (m["js_heap_end"]-m["js_heap_half"])/1e6)
		fmt.Printf("   wasm memory:      %.2f MB at half, %.2f MB at the end (growth %+.3f MB; it never shrinks)\n", m["wasm_half"]/1e6, m["wasm_end"]/1e6, (m["wasm_end"]-m["wasm_half"])/1e6)
		fmt.Printf("   Go heap in use:   %.2f MB at half, %.2f MB at the end (growth %+.3f MB); goroutines %.0f → %.0f\n", m["go_heap_half"]/1e6, m["go_heap_end"]/1e6, (m["go_heap_end"]-m["go_heap_half"])/1e6, m["goroutines_half"], m["goroutines_end"])
	}
	if r.CrossPing.P50 > 0 {
		fmt.Printf("\n5. across origins, CRM page ↔ desktop frame, the desktop showing 30 calls (µs p50 / p99 of batch means): startCall round trip %.0f / %.0f, raw postMessage round trip between the same frames (panel idle) %.0f / %.0f: %.2fx\n",
			r.CrossCall.P50, r.CrossCall.P99, r.CrossPing.P50, r.CrossPing.P99, r.CrossCall.P50/r.CrossPing.P50)
	}
	if r.Redraw != nil {
		fmt.Printf("\n6. the panel's redraw after one interaction changed (ms, p50 / max, as the panel times its draw):")
		for _, n := range []string{"1", "100", "1000"} {
			fmt.Printf("  %s shown %.2f / %.2f;", n, r.Redraw[n].P50, r.Redraw[n].Max)
		}
		fmt.Println()
	} else {
		fmt.Println("\n6. the panel's redraw: not measured (no adApiDesktop.stats().panel)")
	}
	if r.RunStart > 0 {
		fmt.Printf("\n7. make run with nothing changed, to serving (median of 5): %.2f s (the server alone %.2f s)\n", r.RunStart, r.ServeOnly)
	}

	fmt.Println("\ngoals (issue 13), each a ratio within this run:")
	goal := func(name string, v float64, unit, g string) {
		if v == 0 || v != v {
			fmt.Printf("   %-62s %10s   goal %s\n", name, "not run", g)
			return
		}
		fmt.Printf("   %-62s %9.2f%s   goal %s\n", name, v, unit, g)
	}
	goal("cross-frame startCall / raw postMessage, 30 calls shown", r.CrossCall.P50/r.CrossPing.P50, "x", "≤ 2x (1.5x)")
	goal("per call with an object / no-op Go floor", r.Calls["with object"]["go"].P50/r.Calls["with object"]["noop"].P50, "x", "≤ 1.5x (1.25x)")
	goal("first call after navigation / no-op floor page", r.QueuedMs/r.NoopMs, "x", "≤ 1.5x (1.2x)")
	goal("desktop module brotli / vert+dom floor", float64(b.Brotli)/float64(f.Brotli), "x", "≤ 1.25x (1.1x)")
	goal("  the same / (vert+dom floor + SIP's 60 KB budget)", float64(b.Brotli)/float64(f.Brotli+sipBudget), "x", "≤ 1.25x (1.1x)")
	if ns, ok := r.Sizes["adapi.wasm without SIP"]; ok {
		goal("SIP added to the desktop module, brotli (KB)", float64(b.Brotli-ns.Brotli)/1000, " KB", "≤ 60 KB")
		goal("  the same, averaged over shifted copies (KB)", (b.BrotliShifted-ns.BrotliShifted)/1000, " KB", "≤ 60 KB")
	}
	goal("make run, nothing changed, to serving", r.RunStart, " s", "≤ 2 s")
	goal("panel redraw, 1,000 interactions, one changed", r.Redraw["1000"].P50, " ms", "≤ 1 ms")
}

// crossingCalls are the calls whose crossings the bench counts.
var crossingCalls = []struct{ name, module, call string }{
	{"no-op floor", "noop", `() => noopStartCall('+1 (415) 555-0123', contact)`},
	{"startCall", "bridge", `() => adApi.startCall('+1 (415) 555-0123')`},
	{"startCall with an object", "bridge", `() => adApi.startCall('+1 (415) 555-0123', contact)`},
	{"startCall, object, AbortSignal", "bridge", `() => adApi.startCall('+1 (415) 555-0123', contact, {signal: new AbortController().signal})`},
	{"startCall, object, idempotencyKey", "bridge", `() => adApi.startCall('+1 (415) 555-0123', contact, {idempotencyKey: 'k' + Math.random()})`},
	{"getAgentState", "bridge", `() => adApi.getAgentState()`},
}

// sipBudget is what SIP may add to the desktop module, brotli (issue 14).
const sipBudget = 60_000

func build(pkg, out, tags string) {
	flags := []string{"-trimpath", "-ldflags=-s -w"}
	if tags != "" {
		flags = append(flags, "-tags", tags)
	}
	buildFlags(out, pkg, flags...)
}

func buildFlags(out, pkg string, flags ...string) {
	cmd := exec.Command("go", append(append([]string{"build", "-o", out}, flags...), pkg)...)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		log.Fatalf("build %s: %v\n%s", pkg, err, b)
	}
}

func measureSize(file string) size {
	raw, err := os.ReadFile(file)
	check(err)
	var gz, br bytes.Buffer
	gw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	gw.Write(raw)
	gw.Close()
	bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
	bw.Write(raw)
	bw.Close()
	return size{Raw: len(raw), Gzip: gz.Len(), Brotli: br.Len()}
}

// brotliShifted is the mean brotli size of file behind 0..shifts-1 zero
// bytes, compressed in parallel.
func brotliShifted(file string) float64 {
	raw, err := os.ReadFile(file)
	check(err)
	sizes := make(chan int, shifts)
	for i := 0; i < shifts; i++ {
		go func() {
			var br bytes.Buffer
			bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
			bw.Write(make([]byte, i))
			bw.Write(raw)
			bw.Close()
			sizes <- br.Len()
		}()
	}
	sum := 0
	for i := 0; i < shifts; i++ {
		sum += <-sizes
	}
	return float64(sum) / shifts
}

// newTab opens a tab; it closes with the browser.
func newTab(browser context.Context) context.Context {
	t, _ := chromedp.NewContext(browser)
	return t
}

func eval[T any](ctx context.Context, expr string) T {
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		log.Fatalf("evaluate %.80s: %v", expr, err)
	}
	return v
}

func listen(addr string) net.Listener {
	l, err := net.Listen("tcp", addr)
	check(err)
	return l
}

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

func chromium() string {
	p, err := exec.LookPath("chromium")
	if err != nil {
		log.Fatal("no chromium on PATH: `make bench` installs it")
	}
	return p
}

func machine() string {
	cpu := "?"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "model name") {
				cpu = strings.TrimSpace(strings.SplitN(l, ":", 2)[1])
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores", cpu, runtime.NumCPU())
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// runStart times `make run` with nothing changed, to serving, as its two
// halves: make bringing its prerequisites up to date (build and the server
// binary), then the server until it prints its URL (serving from a scratch
// folder, so that the bench leaves web/adapi-config.json alone). Median of
// five; the second figure is the server alone.
func runStart(root, tmp string) (total, serve float64) {
	var totals, serves []float64
	for i := 0; i < 5; i++ {
		t0 := time.Now()
		if b, err := exec.Command("make", "-C", root, "--no-print-directory", "-s", "build", "bin/adapi-serve").CombinedOutput(); err != nil {
			log.Fatalf("make build: %v\n%s", err, b)
		}
		made := time.Since(t0)
		t1 := time.Now()
		cmd := exec.Command(filepath.Join(root, "bin", "adapi-serve"), "-addr", "127.0.0.1:0", "-crm-addr", "127.0.0.1:0", "-dir", tmp)
		out, err := cmd.StdoutPipe()
		check(err)
		check(cmd.Start())
		sc := bufio.NewScanner(out)
		for sc.Scan() && !strings.Contains(sc.Text(), "agent desktop at") {
		}
		served := time.Since(t1)
		cmd.Process.Kill()
		cmd.Wait()
		totals = append(totals, (made + served).Seconds())
		serves = append(serves, served.Seconds())
	}
	return median(totals), median(serves)
}
