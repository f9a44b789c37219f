//go:build !nohugeheap

package hugeheap

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

func thpMode(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		t.Skip("this kernel has no transparent huge pages")
	}
	for _, mode := range []string{"always", "madvise", "never"} {
		if strings.Contains(string(b), "["+mode+"]") {
			return mode
		}
	}
	t.Fatalf("unreadable THP mode %q", b)
	return ""
}

// The 2 MiB of heap this package's init asked about is one huge page now,
// wherever the kernel can do that.
func TestHeapStartIsOneHugePage(t *testing.T) {
	switch thpMode(t) {
	case "never":
		if collapsed != 0 {
			t.Fatalf("asked for a huge page at %#x although THP is off", collapsed)
		}
		t.Skip("transparent huge pages are off here")
	case "always":
		t.Skip("with THP always on, the heap has huge pages anyway: nothing to tell apart")
	}
	if collapsed == 0 || collapsed%hugePage != 0 {
		t.Fatalf("asked about %#x, not a 2 MiB aligned address", collapsed)
	}
	// Whatever the kernel said, the range must be mapped memory: a wrong
	// address would be refused with ENOMEM and must not pass as a skip.
	if _, err := anonHugeKB(collapsed + hugePage - 1); err != nil {
		t.Fatalf("the range asked about is not all mapped: %v", err)
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
	kb, err := anonHugeKB(collapsed)
	if err != nil {
		t.Fatal(err)
	}
	if kb < hugePage>>10 {
		t.Errorf("the mapping at %#x has %d kB in huge pages, want at least %d", collapsed, kb, hugePage>>10)
	}
}

// GODEBUG=disablethp=1 keeps huge pages off the heap, as the runtime
// documents; the test binary is run again with it to see init stand back.
func TestDisableTHPIsHonoured(t *testing.T) {
	if os.Getenv("HUGEHEAP_REPORT") == "1" {
		fmt.Printf("collapsed=%#x\n", collapsed)
		return
	}
	if thpMode(t) == "never" {
		t.Skip("transparent huge pages are off here")
	}
	for _, tc := range []struct {
		godebug string
		asks    bool
	}{
		{"disablethp=1", false},
		{"madvdontneed=1,disablethp=1", false},
		{"disablethp=1,disablethp=0", true},
		{"disablethp=0", true},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDisableTHPIsHonoured$")
		cmd.Env = append(os.Environ(), "HUGEHEAP_REPORT=1", "GODEBUG="+tc.godebug)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", tc.godebug, err, out)
		}
		asked := !strings.Contains(string(out), "collapsed=0x0\n")
		if asked != tc.asks {
			t.Errorf("GODEBUG=%s: init asked for a huge page: %v, want %v\n%s", tc.godebug, asked, tc.asks, out)
		}
	}
}

func TestLastSetting(t *testing.T) {
	for _, tc := range []struct{ list, want string }{
		{"", ""},
		{"disablethp=1", "1"},
		{"x=1,disablethp=1,y=2", "1"},
		{"disablethp=1,disablethp=0", "0"},
		{"notdisablethp=1", ""},
		{"disablethp", ""},
		{",disablethp=1,", "1"},
	} {
		if got := lastSetting(tc.list, "disablethp"); got != tc.want {
			t.Errorf("lastSetting(%q) = %q, want %q", tc.list, got, tc.want)
		}
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
