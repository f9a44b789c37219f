//go:build !nohugeheap

package hugeheap

import (
	"syscall"
	"unsafe"
)

const (
	hugePage     = 2 << 20 // the x86-64 and arm64 (4 KiB granule) PMD size
	madvHugepage = 14      // MADV_HUGEPAGE
	madvCollapse = 25      // MADV_COLLAPSE, not in package syscall
)

// anchor is allocated here so that its address tells where the heap grows
// from at this point of start-up.
var anchor *[16]byte

// collapsed and collapseErr record what init asked for and what the kernel
// said, for the test.
var (
	collapsed   uintptr
	collapseErr syscall.Errno
)

func init() {
	anchor = new([16]byte)
	base := uintptr(unsafe.Pointer(anchor)) &^ (hugePage - 1)
	anchor = nil
	// The Go heap is mapped in aligned 4 MiB chunks, so the aligned 2 MiB
	// around a heap object is all heap. Errors (EINVAL on old kernels or
	// with THP disabled, EAGAIN or ENOMEM under memory pressure) leave the
	// pages as they are; there is nothing to report.
	_, _, collapseErr = syscall.Syscall(syscall.SYS_MADVISE, base, hugePage, madvCollapse)
	collapsed = base
	syscall.Syscall(syscall.SYS_MADVISE, base+hugePage, hugePage, madvHugepage)
}
