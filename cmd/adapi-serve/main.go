// Command adapi-serve serves the demo for `make run`: the agent desktop
// page and its module from web/ (the client script also at Bright
// Pattern's paths, so an app written for Bright Pattern works by pointing
// its domain parameter here), the desktop's adapi-config.json from its
// flags or from a file the operator names (from memory: nothing is written
// to disk), and a demo CRM page on another site. With -tls or
// -tls-cert/-tls-key it serves HTTPS.
package main

import (
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/adapi-go/adapi-go/server"
)

func main() {
	d, err := setup(os.Args[1:], os.Stdout)
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		// A value it cannot validate stops it, naming the value.
		fmt.Fprintln(os.Stderr, "adapi-serve:", err)
		os.Exit(2)
	}
	log.Fatal(d.serve())
}

// demo is the servers setup made, listening, not yet serving.
type demo struct {
	desktop, crm net.Listener // crm is nil without a CRM page
	tls          *tls.Config  // nil: plain HTTP
	files, page  http.Handler
	desktopURL   string // the desktop's origin
	crmURL       string // the CRM page's origin, or ""
}

func setup(args []string, out io.Writer) (*demo, error) {
	fs := flag.NewFlagSet("adapi-serve", flag.ContinueOnError)
	fs.SetOutput(out)
	addr := fs.String("addr", "127.0.0.1:8080", "where to serve the agent desktop")
	dir := fs.String("dir", "web", "the folder to serve")
	allow := fs.String("allow", "", "comma-separated origins allowed to embed the desktop and call it")
	crmAddr := fs.String("crm-addr", "localhost:8081", "where to serve the demo CRM page, on another site (\"\" for none); allow its origin with -allow")
	configFile := fs.String("config", "", "serve this adapi-config.json (read once, served from memory) instead of one made from the flags below")
	timeout := fs.Int("placement-timeout-ms", 5000, "placement deadline for startCall, in ms")
	deny := fs.String("deny", "+1900,+1976", "comma-separated number prefixes never dialled (dialPolicy.deny): premium-rate lines by default")
	allowNumbers := fs.String("allow-numbers", "", "comma-separated number prefixes that alone may be dialled (dialPolicy.allow); empty: any")
	perMinute := fs.Int("max-calls-per-minute", 0, "calls a minute per origin (dialPolicy.maxCallsPerMinute); 0: no cap")
	country := fs.String("country", "US", "the desktop's country (dialPlan.country): its international and trunk prefixes make numbers canonical; \"\" for none")
	extDigits := fs.Int("extension-digits", 0, "numbers of at most this many digits are internal extensions (dialPlan.extensionDigits); 0: the default, 6")
	sipWS := fs.String("sip-ws-url", "", "the SIP server's WebSocket URL (sip.wsUrl): the desktop's phone is then a SIP phone (make run SIP=1 sets it)")
	sipDomain := fs.String("sip-domain", "", "the agents' SIP domain (sip.domain)")
	useTLS := fs.Bool("tls", false, "serve HTTPS with a self-signed certificate for localhost, made once in -tls-dir and reused")
	tlsDir := fs.String("tls-dir", ".tls", "where -tls keeps its certificate (cert.pem) and key")
	tlsCert := fs.String("tls-cert", "", "serve HTTPS with this certificate (PEM; with -tls-key)")
	tlsKey := fs.String("tls-key", "", "the key for -tls-cert (PEM)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	// Every value is checked before anything is served: a bad one is an
	// error naming it, never a silent default.
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q (flags only; -h lists them)", fs.Args())
	}
	if fi, err := os.Stat(*dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("-dir %q: not a folder", *dir)
	}
	if *timeout < 1 {
		return nil, fmt.Errorf("-placement-timeout-ms %d: want a positive number of milliseconds", *timeout)
	}
	if *perMinute < 0 {
		return nil, fmt.Errorf("-max-calls-per-minute %d: want 0 (no cap) or more", *perMinute)
	}
	if *extDigits < 0 {
		return nil, fmt.Errorf("-extension-digits %d: want 0 (the default) or more", *extDigits)
	}

	var cfg server.Config
	if *configFile != "" {
		c, err := server.LoadConfig(*configFile)
		if err != nil {
			return nil, err
		}
		cfg = c
	} else {
		cfg = server.Config{AllowedOrigins: list(*allow), PlacementTimeoutMs: *timeout}
		if *country != "" || *extDigits != 0 {
			cfg.DialPlan = &server.DialPlan{Country: *country, ExtensionDigits: *extDigits}
		}
		if d, a := list(*deny), list(*allowNumbers); len(d)+len(a) > 0 || *perMinute != 0 {
			cfg.DialPolicy = &server.DialPolicy{Deny: d, Allow: a, MaxCallsPerMinute: *perMinute}
		}
		if *sipWS != "" {
			cfg.SIP = &server.SIP{WSURL: *sipWS, Domain: *sipDomain}
		}
		if err := cfg.Validate(); err != nil {
			return nil, fmt.Errorf("%v (from the flags; -h lists them)", err)
		}
	}

	d := &demo{}
	scheme := "http"
	switch {
	case *tlsCert != "" || *tlsKey != "":
		cert, err := tls.LoadX509KeyPair(*tlsCert, *tlsKey)
		if err != nil {
			return nil, fmt.Errorf("-tls-cert/-tls-key: %w", err)
		}
		d.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
	case *useTLS:
		var hosts []string
		for _, a := range []string{*addr, *crmAddr} {
			if h, _, err := net.SplitHostPort(a); err == nil && h != "" {
				hosts = append(hosts, h)
			}
		}
		cert, file, missing, err := server.SelfSigned(*tlsDir, hosts)
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "adApi-go demo: HTTPS with the self-signed certificate %s (trust it once: README, \"HTTPS\")\n", file)
		if len(missing) > 0 {
			fmt.Fprintf(out, "adApi-go demo: warning: %s does not name %s; remove %s to make one that does\n", file, strings.Join(missing, ", "), *tlsDir)
		}
		d.tls = &tls.Config{Certificates: []tls.Certificate{cert}}
	}
	if d.tls != nil {
		scheme = "https"
	}

	var err error
	if d.desktop, err = net.Listen("tcp", *addr); err != nil {
		return nil, err
	}
	d.desktopURL = scheme + "://" + d.desktop.Addr().String()
	d.files = server.Handler(*dir, cfg)
	fmt.Fprintf(out, "adApi-go demo: agent desktop at %s/\n", d.desktopURL)
	fmt.Fprintf(out, "adApi-go demo: for an app written for Bright Pattern, its domain parameter is %s (it loads %s%sapi.js)\n",
		d.desktop.Addr().String(), d.desktopURL, server.BrightPatternPaths[0])
	if *crmAddr != "" {
		if d.crm, err = net.Listen("tcp", *crmAddr); err != nil {
			d.desktop.Close()
			return nil, err
		}
		host, port, _ := net.SplitHostPort(*crmAddr)
		_, realPort, _ := net.SplitHostPort(d.crm.Addr().String())
		if port == "0" {
			port = realPort
		}
		d.crmURL = scheme + "://" + net.JoinHostPort(host, port)
		d.page = server.CRMHandler(*dir, d.desktopURL)
		fmt.Fprintf(out, "adApi-go demo: CRM page (another site, embeds the desktop) at %s/\n", d.crmURL)
		if !slices.Contains(cfg.AllowedOrigins, d.crmURL) {
			fix := fmt.Sprintf("add it with -allow (make run ALLOW=%s)", strings.Join(append(slices.Clone(cfg.AllowedOrigins), d.crmURL), ","))
			if *configFile != "" {
				fix = "add it to allowedOrigins in " + *configFile
			}
			fmt.Fprintf(out, "adApi-go demo: warning: the desktop does not allow the CRM page's origin %s (allowedOrigins: %q): it will refuse it; %s\n",
				d.crmURL, cfg.AllowedOrigins, fix)
		}
	}
	return d, nil
}

// serve serves until a server fails.
func (d *demo) serve() error {
	errs := make(chan error, 2)
	start := func(ln net.Listener, h http.Handler) {
		srv := &http.Server{Handler: h}
		if d.tls != nil {
			// Each server its own copy: serving sets up HTTP/2 in it.
			srv.TLSConfig = d.tls.Clone()
			errs <- srv.ServeTLS(ln, "", "")
		} else {
			errs <- srv.Serve(ln)
		}
	}
	if d.crm != nil {
		go start(d.crm, d.page)
	}
	go start(d.desktop, d.files)
	return <-errs
}

func list(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
