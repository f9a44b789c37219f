package keyring

import (
	"strings"
	"testing"
)

// A darwin binary cross-built without cgo has no Keychain, and says so
// (in --help, and when --backend keychain is asked for).
func TestKeychainNeedsCgo(t *testing.T) {
	ok, why := builtInFor("darwin", false, Keychain)
	if ok || !strings.Contains(why, "without cgo") {
		t.Errorf("darwin without cgo: %v %q", ok, why)
	}
	if note := notBuiltInNoteFor("darwin", false); !strings.Contains(note, "keychain is not built into this binary") {
		t.Errorf("note = %q", note)
	}
	if note := notBuiltInNoteFor("darwin", true); note != "" {
		t.Errorf("note with cgo = %q", note)
	}
	for _, b := range []string{Pass, Passage, File, OPConnect} {
		if ok, _ := builtInFor("darwin", false, b); !ok {
			t.Errorf("%s not built for darwin", b)
		}
	}
	if ok, _ := builtInFor("linux", false, Keychain); ok {
		t.Error("keychain on linux")
	}
	if ok, _ := builtInFor("windows", false, Passage); ok {
		t.Error("passage on windows")
	}
}

// The automatic order is the fork's for the platform, without keyctl and
// the opt-in 1Password backends.
func TestAutoOrder(t *testing.T) {
	got := strings.Join(AutoOrder(), ",")
	if want := "secret-service,kwallet,pass,passage,file"; strings.Contains(strings.Join(Available(), ","), "kwallet") && got != want {
		t.Errorf("AutoOrder = %s, want %s", got, want)
	}
}
