// Command adapi-serve serves the demo for `make run`: the agent desktop
// page and its module from web/, with adapi-config.json written from the
// flags.
package main

import (
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"strings"

	"github.com/adapi-go/adapi-go/server"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "where to serve the agent desktop")
	dir := flag.String("dir", "web", "the folder to serve")
	allow := flag.String("allow", "", "comma-separated origins allowed to embed the desktop and call it")
	crmAddr := flag.String("crm-addr", "localhost:8081", "where to serve the demo CRM page, on another site (\"\" for none)")
	timeout := flag.Int("placement-timeout-ms", 5000, "placement deadline for startCall, in ms")
	deny := flag.String("deny", "+1900,+1976", "comma-separated number prefixes never dialled (dialPolicy.deny): premium-rate lines by default")
	allowNumbers := flag.String("allow-numbers", "", "comma-separated number prefixes that alone may be dialled (dialPolicy.allow); empty: any")
	perMinute := flag.Int("max-calls-per-minute", 0, "calls a minute per origin (dialPolicy.maxCallsPerMinute); 0: no cap")
	country := flag.String("country", "US", "the desktop's country (dialPlan.country): its international and trunk prefixes make numbers canonical; \"\" for none")
	extDigits := flag.Int("extension-digits", 0, "numbers of at most this many digits are internal extensions (dialPlan.extensionDigits); 0: the default, 6")
	sipWS := flag.String("sip-ws-url", "", "the SIP server's WebSocket URL (sip.wsUrl): the desktop's phone is then a SIP phone (make run SIP=1 sets it)")
	sipDomain := flag.String("sip-domain", "", "the agents' SIP domain (sip.domain)")
	flag.Parse()

	cfg := server.Config{AllowedOrigins: list(*allow), PlacementTimeoutMs: *timeout}
	if *country != "" || *extDigits != 0 {
		cfg.DialPlan = &server.DialPlan{Country: *country, ExtensionDigits: *extDigits}
	}
	if d, a := list(*deny), list(*allowNumbers); len(d)+len(a) > 0 || *perMinute > 0 {
		cfg.DialPolicy = &server.DialPolicy{Deny: d, Allow: a, MaxCallsPerMinute: *perMinute}
	}
	if *sipWS != "" {
		cfg.SIP = &server.SIP{WSURL: *sipWS, Domain: *sipDomain}
	}
	if err := server.WriteConfig(*dir, cfg); err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	desktop := "http://" + ln.Addr().String()
	fmt.Printf("adApi-go demo: agent desktop at %s/\n", desktop)
	if *crmAddr != "" {
		crm, err := net.Listen("tcp", *crmAddr)
		if err != nil {
			log.Fatal(err)
		}
		host, port, _ := net.SplitHostPort(*crmAddr)
		_, realPort, _ := net.SplitHostPort(crm.Addr().String())
		if port == "0" {
			port = realPort
		}
		fmt.Printf("adApi-go demo: CRM page (another site, embeds the desktop) at http://%s/\n", net.JoinHostPort(host, port))
		go func() { log.Fatal(http.Serve(crm, server.CRMHandler(*dir, desktop))) }()
	}
	log.Fatal(http.Serve(ln, server.Handler(*dir, cfg, false)))
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
