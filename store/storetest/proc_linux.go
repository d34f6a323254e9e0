package storetest

import "syscall"

// procAttr has the kernel kill the server if the test binary dies first
// (a panic, go test's -timeout), so no stray redis-server outlives it.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
