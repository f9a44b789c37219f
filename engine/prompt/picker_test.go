package prompt

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

func keys(s string) []key { return parseKeys([]byte(s)) }

func TestPickerFilterAndMove(t *testing.T) {
	items := []string{"team.dev_admin", "prod", "dev", "team_ops", "development"}
	for _, tc := range []struct {
		typed string
		want  string
		err   error
	}{
		{"\r", "team.dev_admin", nil},                            // first as given
		{"dev\r", "dev", nil},                                    // names starting with it first
		{"dev\x1b[B\r", "development", nil},                      // then down
		{"dev\x1b[B\x1b[B\x1b[B\x1b[B\r", "team.dev_admin", nil}, // down stops at the last
		{"DEV\x1b[B\x1b[A\r", "dev", nil},                        // case-insensitive, up
		{"ops\r", "team_ops", nil},                               // inside the name
		{"xyz\r\x7f\x7f\x7fprod\r", "prod", nil},                 // Enter with no match does nothing; backspace
		{"zz\x15pr\r", "prod", nil},                              // Ctrl-U clears
		{"de\x10\x0e\r", "development", nil},                     // Ctrl-P, Ctrl-N
		{"\x1b", "", ErrPickCancelled},
		{"abc\x03", "", ErrPickCancelled},
		{"\x04", "", ErrPickCancelled},
	} {
		p := newPicker("Profile", items)
		var got string
		var err error
		done := false
		for _, k := range keys(tc.typed) {
			if done, got, err = p.key(k); done {
				break
			}
		}
		if !done || got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("%q: done %v, %q, %v; want %q, %v", tc.typed, done, got, err, tc.want, tc.err)
		}
	}
}

func TestPickerView(t *testing.T) {
	var items []string
	for _, c := range "abcdefghijklmnop" {
		items = append(items, "p-"+string(c))
	}
	items = append(items, "evil\x1b[31m")
	p := newPicker("Profile", items)
	for range 12 {
		p.key(key{name: "down"})
	}
	v := p.view(5)
	if len(v) != 6 || !strings.HasPrefix(v[0], "Profile (17 of 17;") || v[5] != "> p-m" || v[1] != "  p-i" {
		t.Errorf("view:\n%s", strings.Join(v, "\n"))
	}
	p = newPicker("Profile", items)
	for _, k := range keys("evil") {
		p.key(k)
	}
	if v := p.view(5); v[1] != "> evil?[31m" {
		t.Errorf("a control character reached the terminal: %q", v[1])
	}
	p = newPicker("Profile", items)
	for _, k := range keys("zzz") {
		p.key(k)
	}
	if v := p.view(5); len(v) != 2 || !strings.Contains(v[1], "no profile matches") {
		t.Errorf("no match: %q", v)
	}
}

// TestPickOnTerminal drives the picker on a real pseudo-terminal: it
// draws the list, reads raw keys (typed once the list is shown), and
// clears what it drew.
func TestPickOnTerminal(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	defer ptmx.Close()
	defer tty.Close()
	var mu sync.Mutex
	var shown strings.Builder
	go func() {
		buf := make([]byte, 4096)
		typed := false
		for {
			n, err := ptmx.Read(buf)
			mu.Lock()
			shown.Write(buf[:n])
			ready := strings.Contains(shown.String(), "Profile (2 of 2;")
			mu.Unlock()
			if ready && !typed {
				typed = true
				ptmx.Write([]byte("pr\r"))
			}
			if err != nil {
				return
			}
		}
	}()
	type result struct {
		s   string
		err error
	}
	res := make(chan result, 1)
	go func() {
		s, err := PickOn(tty, "Profile", []string{"dev", "prod"})
		res <- result{s, err}
	}()
	select {
	case r := <-res:
		if r.err != nil || r.s != "prod" {
			t.Errorf("PickOn = %q, %v", r.s, r.err)
		}
	case <-time.After(10 * time.Second):
		mu.Lock()
		defer mu.Unlock()
		t.Fatalf("the picker did not finish; it showed %q", shown.String())
	}
	time.Sleep(50 * time.Millisecond)
	mu.Lock()
	out := shown.String()
	mu.Unlock()
	if !strings.Contains(out, "> dev") || !strings.HasSuffix(out, "\r\x1b[J") {
		t.Errorf("it showed %q", out)
	}
}
