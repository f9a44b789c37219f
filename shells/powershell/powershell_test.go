package powershell_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/powershell"
)

func TestMain(m *testing.M) { shelltest.Main(m) }

func TestName(t *testing.T) {
	if got := powershell.New().Name(); got != "powershell" {
		t.Errorf("Name() = %q", got)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"abc", "'abc'"},
		{"it's", "'it''s'"},
		{"''", "''''''"},
		{"\u2018", "'\u2018\u2018'"},
		{"\u2019", "'\u2019\u2019'"},
		{"\u201a", "'\u201a\u201a'"},
		{"\u201b", "'\u201b\u201b'"},
		{"’; Write-Host pwned; #", "'’’; Write-Host pwned; #'"},
		{"’'", "'’’'''"},
		// Double quotes of every kind, $, ` and newlines are not special.
		{"\"“”„ $x `n $(id)\n", "'\"“”„ $x `n $(id)\n'"},
		{"é 🙂", "'é 🙂'"},
	} {
		got, err := powershell.New().Quote(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Quote(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// firstBad is the offset of the first byte Quote must refuse: NUL or a byte
// that is not part of valid UTF-8; -1 if there is none.
func firstBad(s string) int {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == 0 || (r == utf8.RuneError && size == 1) {
			return i
		}
		i += size
	}
	return -1
}

func TestQuoteErrors(t *testing.T) {
	for _, tc := range []struct {
		in     string
		offset int
		reason string
	}{
		{"\x00", 0, shells.ReasonNUL},
		{"ab\x00", 2, shells.ReasonNUL},
		{"é\x00", 2, shells.ReasonNUL},
		{"\xff", 0, shells.ReasonInvalidUTF8},
		{"abc\x80", 3, shells.ReasonInvalidUTF8},
		{"a\xc3", 1, shells.ReasonInvalidUTF8},
		{"’\xe2\x80", 3, shells.ReasonInvalidUTF8},
		{"\xed\xa0\x80", 0, shells.ReasonInvalidUTF8}, // surrogate half
		{"\xc0\xaf", 0, shells.ReasonInvalidUTF8},     // overlong
		{"x\xff\x00", 1, shells.ReasonInvalidUTF8},
		{"x\x00\xff", 1, shells.ReasonNUL},
	} {
		q, err := powershell.New().Quote(tc.in)
		var qe *shells.QuoteError
		if !errors.As(err, &qe) || qe.Offset != tc.offset || qe.Reason != tc.reason {
			t.Errorf("Quote(%q) = %q, %v; want a *shells.QuoteError %q at %d", tc.in, q, err, tc.reason, tc.offset)
		}
	}
	for _, v := range shelltest.Hostile() {
		_, err := powershell.New().Quote(v.Value)
		if v.InvalidUTF8 != (err != nil) {
			t.Errorf("Quote(%s %q): error %v, want error: %v", v.Label, v.Value, err, v.InvalidUTF8)
		}
	}
}

func TestExportErrors(t *testing.T) { shelltest.CheckExportErrors(t, powershell.New()) }

func TestExportInvalidUTF8(t *testing.T) {
	_, err := shells.Export(powershell.New(), shells.Change{Set: map[string]string{"TOKEN": "ok\xff"}})
	var qe *shells.QuoteError
	if !errors.As(err, &qe) || qe.Offset != 2 || !strings.Contains(err.Error(), "TOKEN") {
		t.Errorf("Export with invalid UTF-8: %v; want a *shells.QuoteError at 2 naming TOKEN", err)
	}
}

func TestExportLayout(t *testing.T) {
	got, err := shells.Export(powershell.New(), shells.Change{
		Set:   map[string]string{"B": "2", "A": "1 1", "C": ""},
		Unset: []string{"Z", "Y", "Z"},
	})
	want := "Remove-Item -LiteralPath Env:Y -ErrorAction Ignore\n" +
		"Remove-Item -LiteralPath Env:Z -ErrorAction Ignore\n" +
		"$env:A = '1 1'\n$env:B = '2'\n$env:C = ''\n"
	if err != nil || got != want {
		t.Errorf("Export = %q, %v; want %q", got, err, want)
	}
	if got, err := shells.Export(powershell.New(), shells.Change{}); err != nil || got != "" {
		t.Errorf("Export(empty) = %q, %v; want \"\"", got, err)
	}
}

func TestExportGolden(t *testing.T) {
	got, err := shells.Export(powershell.New(), shelltest.GoldenChange())
	if err != nil {
		t.Fatal(err)
	}
	shelltest.Golden(t, "testdata/export.golden", got)
}
