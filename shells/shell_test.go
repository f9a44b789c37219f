package shells_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
)

func TestValidName(t *testing.T) {
	for _, n := range []string{"A", "_", "_1", "a", "AWS_ACCESS_KEY_ID", "x9_Y", "__"} {
		if !shells.ValidName(n) {
			t.Errorf("ValidName(%q) = false", n)
		}
	}
	for _, n := range []string{"", "1", "1A", "A-B", "A B", "A=B", "A.B", "$A", "A;", "É", "A\x00", "A\n", " A", "A\u00a0"} {
		if shells.ValidName(n) {
			t.Errorf("ValidName(%q) = true", n)
		}
	}
}

func TestQuoteError(t *testing.T) {
	var err error = &shells.QuoteError{Offset: 7, Reason: shells.ReasonNUL}
	msg := err.Error()
	if msg != "cannot quote value: NUL byte at byte offset 7" {
		t.Errorf("Error() = %q", msg)
	}
	if msg[:1] != strings.ToLower(msg[:1]) {
		t.Errorf("Error() = %q, want a lower-case start", msg)
	}
	if shells.NULError("abc") != nil {
		t.Error("NULError(abc) != nil")
	}
	var qe *shells.QuoteError
	if err := shells.NULError("ab\x00c\x00"); !errors.As(err, &qe) || qe.Offset != 2 || qe.Reason != shells.ReasonNUL {
		t.Errorf("NULError = %v", err)
	}
}

// fake is a Syntax that makes the layout visible.
var fake = shells.Syntax{
	Quote: func(s string) (string, error) {
		if strings.Contains(s, "!") {
			return "", &shells.QuoteError{Offset: strings.Index(s, "!"), Reason: "bang"}
		}
		return "<" + s + ">", nil
	},
	Set:   func(n, q string) string { return "set " + n + " " + q },
	Unset: func(n string) string { return "unset " + n },
}

func TestRenderLayout(t *testing.T) {
	got, err := shells.Render(shells.Change{
		Set:   map[string]string{"b": "2", "A": "1", "_z": "", "a": "x"},
		Unset: []string{"Z", "Y", "Z", "B"},
	}, fake)
	// Unsets first, sorted and deduplicated; then sets, sorted by bytes
	// (upper case before "_" before lower case).
	want := "unset B\nunset Y\nunset Z\nset A <1>\nset _z <>\nset a <x>\nset b <2>\n"
	if err != nil || got != want {
		t.Errorf("Render = %q, %v\nwant %q", got, err, want)
	}
	if got, err := shells.Render(shells.Change{}, fake); got != "" || err != nil {
		t.Errorf("Render(empty) = %q, %v", got, err)
	}
}

func TestRenderDeterministic(t *testing.T) {
	c := shells.Change{Set: map[string]string{}, Unset: []string{"U3", "U1", "U2"}}
	for i := range 50 {
		c.Set[fmt.Sprintf("V%02d", i)] = fmt.Sprint(i)
	}
	first, err := shells.Render(c, fake)
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		if got, _ := shells.Render(c, fake); got != first {
			t.Fatalf("Render is not deterministic:\n%s\n%s", first, got)
		}
	}
	if len(c.Unset) != 3 || c.Unset[0] != "U3" {
		t.Errorf("Render changed the caller's Unset slice: %v", c.Unset)
	}
}

func TestRenderErrors(t *testing.T) {
	for _, tc := range []struct {
		c    shells.Change
		want string
	}{
		{shells.Change{Set: map[string]string{"A-B": "x"}}, `invalid environment variable name "A-B"`},
		{shells.Change{Unset: []string{"1X"}}, `invalid environment variable name "1X"`},
		{shells.Change{Set: map[string]string{"A": "x"}, Unset: []string{"A"}}, "A is both set and unset"},
		// The first invalid name in sorted order is reported, whatever
		// the map's order.
		{shells.Change{Set: map[string]string{"Z-": "", "B-": "", "M-": ""}}, `"B-"`},
	} {
		for range 10 {
			_, err := shells.Render(tc.c, fake)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Render(%+v) error %v, want %q", tc.c, err, tc.want)
			}
		}
	}
	_, err := shells.Render(shells.Change{Set: map[string]string{"OK": "fine", "LOUD": "hey!"}}, fake)
	var qe *shells.QuoteError
	if !errors.As(err, &qe) || qe.Offset != 3 || !strings.Contains(err.Error(), "LOUD") {
		t.Errorf("Render with an unquotable value: %v", err)
	}
}
