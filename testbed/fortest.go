package testbed

import "os"

// TB is what StartTest needs of a test (a *testing.T).
type TB interface {
	Helper()
	Skip(args ...any)
	Fatal(args ...any)
	Logf(format string, args ...any)
	Cleanup(func())
	Failed() bool
}

// StartTest starts the test bed for t, closed when t ends, with
// Kamailio's log shown if t failed; it skips t where Kamailio is not
// installed (make test installs it).
func StartTest(t TB, opts Options) *Bed {
	t.Helper()
	if _, err := os.Stat(Kamailio); err != nil {
		t.Skip("kamailio not installed (make test installs it)")
	}
	bed, err := Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		bed.Close()
		if t.Failed() {
			t.Logf("kamailio log:\n%s", bed.Log())
		}
	})
	return bed
}
