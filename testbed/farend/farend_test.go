package farend

import (
	"bufio"
	"fmt"
	"net"
	"strings"
	"testing"
)

// Far ends started one after another in one process (the tests of a
// package, -count): starting one must not touch what another's
// connections read. (Start wrote sipgo's global SIPDebug while the
// previous far end's connection goroutine read it: a data race that
// failed TestPhoneAgainstTestBed under -race about once in 60 runs.)
func TestFarEndsOneAfterAnother(t *testing.T) {
	a, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c, err := net.Dial("tcp4", fmt.Sprintf("127.0.0.1:%d", a.Port()))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A request read and answered: a's connection goroutine is running.
	fmt.Fprint(c, "OPTIONS sip:farend@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK1\r\n"+
		"From: <sip:test@127.0.0.1>;tag=1\r\nTo: <sip:farend@127.0.0.1>\r\nCall-ID: 1\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n")
	if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || !strings.HasPrefix(line, "SIP/2.0 200") {
		t.Fatalf("OPTIONS: %q %v", line, err)
	}
	b, err := Start(Config{})
	if err != nil {
		t.Fatal(err)
	}
	b.Close()
}
