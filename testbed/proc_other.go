//go:build !linux

package testbed

import "syscall"

func procAttr() *syscall.SysProcAttr { return nil }

func killGroup(pid int) {}
