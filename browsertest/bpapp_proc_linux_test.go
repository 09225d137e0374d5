package browsertest

import (
	"os"
	"syscall"
)

// viteAttr puts the app's dev server in a process group of its own (so
// that stopping it stops what it started, esbuild) and kills it when the
// test process dies first.
func viteAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}

// signalGroup sends sig to p's process group.
func signalGroup(p *os.Process, sig syscall.Signal) { syscall.Kill(-p.Pid, sig) }
