//go:build !linux

package browsertest

import (
	"os"
	"syscall"
)

func viteAttr() *syscall.SysProcAttr { return nil }

// signalGroup signals p alone: elsewhere than Linux the dev server's
// children are left to end with it.
func signalGroup(p *os.Process, sig syscall.Signal) {
	if sig == syscall.SIGKILL {
		p.Kill()
	} else {
		p.Signal(os.Interrupt)
	}
}
