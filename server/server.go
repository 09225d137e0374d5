// Package server serves web/ for `make run`, the browser tests and the
// benchmarks: WebAssembly as application/wasm, precompressed .br and .gz
// files to browsers that accept them, the desktop owner's
// adapi-config.json, and a Content-Security-Policy that keeps pages that
// are not allowed from framing the desktop.
package server

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/adapi-go/adapi-go/bridge"
	"github.com/adapi-go/adapi-go/bridge/config"
	"github.com/adapi-go/adapi-go/bridge/dialplan"
)

// Config is adapi-config.json (SPEC.md, "The desktop owner's settings").
type Config struct {
	AllowedOrigins     []string    `json:"allowedOrigins"`
	PlacementTimeoutMs int         `json:"placementTimeoutMs,omitempty"`
	DialPlan           *DialPlan   `json:"dialPlan,omitempty"`
	DialPolicy         *DialPolicy `json:"dialPolicy,omitempty"`
	SIP                *SIP        `json:"sip,omitempty"`
	// TestHooks lets the guard tests make the desktop panic (browsertest
	// sets it; adapi-serve has no flag for it).
	TestHooks bool `json:"testHooks,omitempty"`
}

// SIP is adapi-config.json's sip: with it the desktop's phone is a SIP
// user agent registering at WSURL (SPEC.md, "Real calls over SIP").
type SIP = config.SIP

// ICEServer is one of sip.iceServers, as RTCPeerConnection takes it.
type ICEServer = config.ICEServer

// DialPlan is adapi-config.json's dialPlan.
type DialPlan = dialplan.Plan

// DialPolicy is adapi-config.json's dialPolicy.
type DialPolicy = bridge.DialPolicy

// Validate checks c as the desktop will read it (config.Parse, the
// one reader): adapi-serve refuses to start with a config it cannot
// validate, rather than serve one the desktop would refuse.
func (c Config) Validate() error {
	if c.AllowedOrigins == nil {
		c.AllowedOrigins = []string{}
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	_, err = config.Parse(b)
	return err
}

// LoadConfig reads an adapi-config.json the operator names, strictly
// (config.Parse, as the desktop reads it: unknown keys, wrong
// types, bad origins are errors). Its bytes are read once: the server
// serves the desktop's config from memory, so two servers from one
// checkout never share or overwrite a file on disk.
func LoadConfig(file string) (Config, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return Config{}, err
	}
	f, err := config.Parse(b)
	if err != nil {
		return Config{}, fmt.Errorf("%s: %w", file, err)
	}
	return fromFile(f), nil
}

// fromFile is the config the desktop reads as f.
func fromFile(f config.File) Config {
	c := Config{AllowedOrigins: f.AllowedOrigins, PlacementTimeoutMs: int(f.PlacementTimeout / time.Millisecond), SIP: f.SIP, TestHooks: f.TestHooks}
	if f.DialPlan != (DialPlan{}) {
		c.DialPlan = &f.DialPlan
	}
	if p := f.DialPolicy; p.IsSet() || p.AllowServiceCodes {
		c.DialPolicy = &p
	}
	return c
}

// BrightPatternPaths are where Bright Pattern serves its client script
// (api.js, versions 1.0 and 2.0 of their widget). A CRM app written for
// Bright Pattern loads https://<its domain parameter>/<path>api.js, so the
// server serves adapi.js there, and under each path the files the loader
// loads beside itself (wasm_exec.js, the modules, adapi-config.json) as at
// the root.
var BrightPatternPaths = []string{"/agent/communicator/adapters/", "/agent/crmembedded/adapters/"}

// Handler serves the files in dir with cfg's origins as the only pages
// that may frame the desktop (frame-ancestors), and cfg itself as
// /adapi-config.json, from memory, whatever dir holds.
func Handler(dir string, cfg Config) http.Handler {
	// Only origins that parse as origins reach the header (adapi-serve
	// refuses the others before it starts): a "*", a space or a ";"
	// copied here would allow any page to frame the desktop or inject a
	// directive.
	ancestors := "'self'"
	for _, o := range cfg.AllowedOrigins {
		if _, err := config.ParseOrigin(o); err == nil {
			ancestors += " " + o
		}
	}
	if cfg.AllowedOrigins == nil {
		cfg.AllowedOrigins = []string{} // null is not a list of origins: the desktop would refuse it
	}
	cfgJSON, _ := json.Marshal(cfg)
	connect := "'self'"
	if cfg.SIP != nil {
		if o, err := config.WSOrigin(cfg.SIP.WSURL); err == nil { // adapi-serve refused a bad one before it started
			connect += " " + o
		}
	}
	csp := "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
		"connect-src " + connect + "; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors " + ancestors
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		for _, p := range BrightPatternPaths {
			if rest, ok := strings.CutPrefix(name, p); ok && rest != "" {
				if rest == "api.js" {
					rest = "adapi.js"
				}
				name = "/" + rest
				break
			}
		}
		if strings.HasSuffix(name, "/") {
			name += "index.html"
		}
		if strings.HasSuffix(name, ".br") || strings.HasSuffix(name, ".gz") {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if name == "/adapi-config.json" {
			h.Set("Content-Type", "application/json")
			h.Set("Cache-Control", "no-cache")
			w.Write(cfgJSON)
			return
		}
		h.Set("Content-Security-Policy", csp)
		// The module and its scripts are public; CRM pages on other
		// origins fetch adapi.wasm (streaming instantiation needs CORS).
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		// File names are not content-hashed: revalidate every time, and
		// let Last-Modified make that a cheap 304.
		h.Set("Cache-Control", "no-cache")
		if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
			h.Set("Content-Type", ct)
		}
		if path.Ext(name) == ".wasm" {
			h.Set("Content-Type", "application/wasm")
		}
		full := filepath.Join(dir, filepath.FromSlash(name))
		fi, err := os.Stat(full)
		if err != nil || fi.IsDir() {
			http.NotFound(w, r)
			return
		}
		h.Add("Vary", "Accept-Encoding")
		if f, enc := precompressed(full, fi.ModTime(), r.Header.Get("Accept-Encoding")); f != nil {
			defer f.Close()
			h.Set("Content-Encoding", enc)
			http.ServeContent(w, r, name, fi.ModTime(), f)
			return
		}
		f, err := os.Open(full)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		defer f.Close()
		http.ServeContent(w, r, name, fi.ModTime(), f)
	})
}

// precompressed opens full.br or full.gz when the browser accepts it and it
// is not older than the file itself.
func precompressed(full string, mod time.Time, accept string) (*os.File, string) {
	for _, c := range []struct{ enc, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !accepts(accept, c.enc) {
			continue
		}
		fi, err := os.Stat(full + c.ext)
		if err != nil || fi.ModTime().Before(mod) {
			continue
		}
		if f, err := os.Open(full + c.ext); err == nil {
			return f, c.enc
		}
	}
	return nil, ""
}

func accepts(header, enc string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(name) == enc && strings.ReplaceAll(strings.TrimSpace(params), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// CRMHandler serves the demo CRM page (web/crm.html) for a second origin:
// a CRM integration that embeds the desktop at desktopOrigin. Its policy
// lets it load adapi.js and the module from the desktop and frame it.
func CRMHandler(dir, desktopOrigin string) http.Handler {
	csp := "default-src 'self'; script-src 'self' " + desktopOrigin + " 'wasm-unsafe-eval'; connect-src 'self' " + desktopOrigin +
		"; frame-src " + desktopOrigin + "; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'"
	files := map[string]bool{"/crm.html": true, "/crm.js": true, "/demo-form.js": true, "/style.css": true}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name := path.Clean("/" + r.URL.Path)
		if name == "/" {
			name = "/crm.html"
		}
		if !files[name] {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Cache-Control", "no-cache")
		h.Set("Content-Type", mime.TypeByExtension(path.Ext(name)))
		if path.Ext(name) == ".html" {
			b = []byte(strings.ReplaceAll(string(b), "{{DESKTOP_ORIGIN}}", desktopOrigin))
		}
		w.Write(b)
	})
}
