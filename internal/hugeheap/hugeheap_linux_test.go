//go:build !nohugeheap

package hugeheap

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// The 2 MiB of heap this package's init asked about is one huge page now,
// wherever the kernel can do that.
func TestHeapStartIsOneHugePage(t *testing.T) {
	if b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled"); err != nil || strings.Contains(string(b), "[never]") {
		t.Skip("transparent huge pages are off here")
	}
	switch collapseErr {
	case 0:
	case syscall.EINVAL:
		t.Skip("this kernel has no MADV_COLLAPSE (Linux 6.1 and later)")
	case syscall.EAGAIN, syscall.ENOMEM:
		t.Skipf("no huge page to be had just now: %v", collapseErr)
	default:
		t.Fatalf("MADV_COLLAPSE of the heap start failed: %v", collapseErr)
	}
	if collapsed%hugePage != 0 {
		t.Fatalf("asked about %#x, which is not 2 MiB aligned", collapsed)
	}
	kb, err := anonHugeKB(collapsed)
	if err != nil {
		t.Fatal(err)
	}
	if kb < hugePage>>10 {
		t.Errorf("the mapping at %#x has %d kB in huge pages, want at least %d", collapsed, kb, hugePage>>10)
	}
}

// anonHugeKB reads AnonHugePages of the mapping that contains addr.
func anonHugeKB(addr uintptr) (int, error) {
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	in := false
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 2 {
			continue
		}
		if lo, hi, ok := strings.Cut(fields[0], "-"); ok { // a mapping's first line
			a, err1 := strconv.ParseUint(lo, 16, 64)
			b, err2 := strconv.ParseUint(hi, 16, 64)
			in = err1 == nil && err2 == nil && uint64(addr) >= a && uint64(addr) < b
			continue
		}
		if in && fields[0] == "AnonHugePages:" {
			return strconv.Atoi(fields[1])
		}
	}
	if err := s.Err(); err != nil {
		return 0, err
	}
	return 0, fmt.Errorf("no mapping contains %#x", addr)
}
