//go:build !nohugeheap

package hugeheap

import (
	"syscall"
	"unsafe"
)

// This package imports nothing but syscall and unsafe (not even strings),
// so that it is initialised among the first packages, before most of the
// heap is touched.

const (
	hugePage     = 2 << 20 // the PMD size with 4 KiB pages (x86-64, arm64's usual granule)
	heapChunk    = 4 << 20 // the Go heap is mapped in chunks of this size, aligned to it
	madvHugepage = 14      // MADV_HUGEPAGE
	madvCollapse = 25      // MADV_COLLAPSE (Linux 6.1), not in package syscall
)

// anchor is allocated here so that its address tells where the heap grows
// from at this point of start-up.
var anchor *[16]byte

// collapsed and collapseErr record what init asked for and what the kernel
// said, for the test; collapsed stays 0 when init asked nothing.
var (
	collapsed   uintptr
	collapseErr syscall.Errno
)

func init() {
	if syscall.Getpagesize() != 4096 || !wanted() {
		return
	}
	anchor = new([16]byte)
	addr := uintptr(unsafe.Pointer(anchor))
	anchor = nil
	// The Go runtime maps heap memory in whole 4 MiB chunks aligned to
	// 4 MiB (its random heap base is aligned to them too), so the chunk
	// around a heap object is all heap, mapped read-write.
	base := addr &^ (hugePage - 1)
	chunkEnd := addr&^(heapChunk-1) + heapChunk
	// MADV_COLLAPSE copies what is there into a new huge page: contents
	// are kept. It may compact memory to find one. Any error (EINVAL before
	// Linux 6.1, EAGAIN or ENOMEM when no huge page is to be had) leaves
	// the small pages as they were, which is fine.
	_, _, collapseErr = syscall.Syscall(syscall.SYS_MADVISE, base, hugePage, madvCollapse)
	collapsed = base
	// The rest of the chunk gets a huge page at its first touch, if it is
	// ever touched. Beyond the chunk the heap is mapped later, by an mmap
	// that would drop this advice, and may not be heap at all: left alone.
	if next := base + hugePage; next < chunkEnd {
		syscall.Syscall(syscall.SYS_MADVISE, next, hugePage, madvHugepage)
	}
}

// wanted reports whether huge pages are welcome: not when the administrator
// turned transparent huge pages off (MADV_COLLAPSE would ignore that), nor
// when GODEBUG=disablethp=1 asks the Go runtime to keep them off its heap.
func wanted() bool {
	if debug, ok := syscall.Getenv("GODEBUG"); ok && lastSetting(debug, "disablethp") == "1" {
		return false
	}
	fd, err := syscall.Open("/sys/kernel/mm/transparent_hugepage/enabled", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return false // no THP support in this kernel
	}
	defer syscall.Close(fd)
	var buf [64]byte
	n, _ := syscall.Read(fd, buf[:])
	return n > 0 && !contains(string(buf[:n]), "[never]")
}

// lastSetting returns the value of the last key=value for key in a
// comma-separated list, as the runtime reads GODEBUG.
func lastSetting(list, key string) string {
	value := ""
	for start := 0; start <= len(list); {
		end := start
		for end < len(list) && list[end] != ',' {
			end++
		}
		if item := list[start:end]; len(item) > len(key) && item[:len(key)] == key && item[len(key)] == '=' {
			value = item[len(key)+1:]
		}
		start = end + 1
	}
	return value
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}
