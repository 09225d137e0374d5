// Command sipbed runs the SIP test bed (package testbed: Kamailio and the
// far end, on 127.0.0.1, ports chosen at start) for `make run SIP=1`, and
// the command after "--" with the bed's -sip-ws-url and -sip-domain
// appended (adapi-serve, which writes them into adapi-config.json). It
// prints the agent's login and the test numbers, and stops the bed when
// the command ends or on Ctrl-C.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"

	"github.com/adapi-go/adapi-go/testbed"
	"github.com/adapi-go/adapi-go/testbed/farend"
)

func main() {
	origin := flag.String("origin", "", "the desktop's origin, the only page allowed to open the WebSocket (\"\": any)")
	verbose := flag.Bool("v", false, "show Kamailio's log")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: sipbed [-origin http://127.0.0.1:8080] [-v] -- command [args…]")
		flag.PrintDefaults()
	}
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if strings.HasSuffix(*origin, ":0") { // the server's port is not known yet
		*origin = ""
	}
	opts := testbed.Options{Origin: *origin}
	if *verbose {
		opts.Log, opts.Debug = os.Stderr, 2
	}
	bed, err := testbed.Start(opts)
	if err != nil {
		log.Fatal(err)
	}
	code := run(bed, args)
	bed.Close()
	os.Exit(code)
}

func run(bed *testbed.Bed, args []string) int {
	fmt.Printf("SIP test bed: Kamailio at %s (far end's side: %s), domain %s\n", bed.WSURL, bed.SIPAddr, bed.Domain)
	fmt.Printf("  sign in on the desktop as %q with password %s", "agent", bed.Passwords["agent"])
	fmt.Printf(" (or %q, %s)\n", "agent2", bed.Passwords["agent2"])
	fmt.Println("  numbers to call:")
	for _, n := range farend.Numbers {
		fmt.Printf("    %s  %s\n", n.Number, n.Does)
	}
	fmt.Printf("  the far end calls the agent: curl -X POST '%s/dial?to=agent'\n", bed.ControlURL)
	fmt.Printf("  what the far end saw: curl %s/calls\n", bed.ControlURL)
	cmd := exec.Command(args[0], append(args[1:], "-sip-ws-url", bed.WSURL, "-sip-domain", bed.Domain)...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Start(); err != nil {
		log.Print(err)
		return 1
	}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			cmd.Process.Signal(s)
		}
	}()
	err := cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		if ee.ExitCode() < 0 { // ended by the signal we forwarded
			return 0
		}
		return ee.ExitCode()
	} else if err != nil {
		log.Print(strings.TrimSpace(err.Error()))
		return 1
	}
	return 0
}
