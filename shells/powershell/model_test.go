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

// This file holds a small model of how PowerShell's tokenizer reads a
// verbatim (single-quoted) string, written from the tokenizer's source
// (ScanStringLiteral and CharExtensions.IsSingleQuote in
// System.Management.Automation/engine/parser) rather than from the code
// under test:
//
//   - the string starts at any of five single-quote characters: U+0027 and
//     the typographic U+2018, U+2019, U+201A, U+201B;
//   - inside it, a single-quote character followed by another one is an
//     escaped pair: the first is dropped and the second is kept (so ’' reads
//     as ' and '’ as ’);
//   - any other single-quote character ends the string;
//   - every other character, newlines included, is taken as it is;
//   - the end of the input before the closing quote is an error.
//
// PowerShell reads UTF-16 code units; none of the five is a surrogate, so
// reading runes gives the same token boundaries.

func modelIsSingleQuote(r rune) bool {
	return r == 0x27 || r == 0x2018 || r == 0x2019 || r == 0x201a || r == 0x201b
}

var errUnterminated = errors.New("missing terminator: '")

// lexVerbatim reads the verbatim string at the start of src and returns its
// value and the number of bytes it spans.
func lexVerbatim(src string) (value string, n int, err error) {
	r, size := utf8.DecodeRuneInString(src)
	if !modelIsSingleQuote(r) {
		return "", 0, errors.New("not a verbatim string")
	}
	var b strings.Builder
	for i := size; ; {
		if i >= len(src) {
			return "", 0, errUnterminated
		}
		r, size := utf8.DecodeRuneInString(src[i:])
		if modelIsSingleQuote(r) {
			next, nsize := utf8.DecodeRuneInString(src[i+size:])
			if nsize == 0 || !modelIsSingleQuote(next) {
				return b.String(), i + size, nil
			}
			i += size // drop the first of the pair, keep the second
			size = nsize
		}
		b.WriteString(src[i : i+size])
		i += size
	}
}

func TestModel(t *testing.T) {
	for _, tc := range []struct {
		src, value string
		n          int
	}{
		{"''", "", 2},
		{"'abc' rest", "abc", 5},
		{"'it''s'", "it's", 7},
		{"‘typographic’", "typographic", len("‘typographic’")},
		{"'a’’b'", "a’b", len("'a’’b'")},
		{"'a'’b'", "a’b", len("'a'’b'")},
		{"'a’'b'", "a'b", len("'a’'b'")},
		{"'x’; Write-Host pwned; #'", "x", len("'x’")},
		{"'line\nbreak'", "line\nbreak", 12},
	} {
		v, n, err := lexVerbatim(tc.src)
		if err != nil || v != tc.value || n != tc.n {
			t.Errorf("lexVerbatim(%q) = %q, %d, %v; want %q, %d", tc.src, v, n, err, tc.value, tc.n)
		}
	}
	for _, src := range []string{"'", "'abc", "'it''", "’'’", "x"} {
		if v, n, err := lexVerbatim(src); err == nil {
			t.Errorf("lexVerbatim(%q) = %q, %d; want an error", src, v, n)
		}
	}
}

// checkModel fails unless the model reads Quote(s) back as exactly one
// verbatim string equal to s that spans all of the quoted text; for values
// Quote must refuse, it checks the error instead.
func checkModel(t *testing.T, s string) {
	t.Helper()
	q, err := powershell.New().Quote(s)
	if bad := firstBad(s); bad >= 0 {
		var qe *shells.QuoteError
		if !errors.As(err, &qe) || qe.Offset != bad {
			t.Fatalf("Quote(%q) = %q, %v; want a *shells.QuoteError at %d", s, q, err, bad)
		}
		return
	}
	if err != nil {
		t.Fatalf("Quote(%q): %v", s, err)
	}
	v, n, err := lexVerbatim(q)
	if err != nil || v != s || n != len(q) {
		t.Fatalf("Quote(%q) = %q, which PowerShell reads as %q spanning %d of %d bytes (%v)", s, q, v, n, len(q), err)
	}
}

func TestQuoteModelHostile(t *testing.T) {
	for _, v := range shelltest.Hostile() {
		checkModel(t, v.Value)
	}
}

// TestModelCatchesNaiveQuoting shows that the model test can fail: a quoter
// that doubles only the ASCII apostrophe lets a typographic quote end the
// string early.
func TestModelCatchesNaiveQuoting(t *testing.T) {
	s := "’; Write-Host pwned; #"
	naive := "'" + strings.ReplaceAll(s, "'", "''") + "'"
	v, n, err := lexVerbatim(naive)
	if err == nil && v == s && n == len(naive) {
		t.Fatalf("model accepted naive quoting %q", naive)
	}
	if rest := naive[n:]; !strings.HasPrefix(rest, "; Write-Host pwned") {
		t.Errorf("expected the string to end before the injected command, rest %q", rest)
	}
}

// TestExportModel reads every set line of an Export with the model: after
// "$env:NAME = " there must be exactly one verbatim string holding the
// value, and nothing after it on the statement.
func TestExportModel(t *testing.T) {
	vs := shelltest.Valid(shelltest.Hostile())
	c := shelltest.TableChange(vs)
	script, err := shells.Export(powershell.New(), c)
	if err != nil {
		t.Fatal(err)
	}
	rest := script
	seen := map[string]bool{}
	for rest != "" {
		line, after, _ := strings.Cut(rest, "\n")
		if strings.HasPrefix(line, "Remove-Item ") {
			rest = after
			continue
		}
		name, quoted, ok := strings.Cut(rest, " = ")
		name, found := strings.CutPrefix(name, "$env:")
		if !ok || !found || !shells.ValidName(name) {
			t.Fatalf("unexpected statement at %q", line)
		}
		v, n, err := lexVerbatim(quoted)
		if err != nil || v != c.Set[name] {
			t.Fatalf("%s: model read %q (%v), want %q", name, v, err, c.Set[name])
		}
		if !strings.HasPrefix(quoted[n:], "\n") {
			t.Fatalf("%s: statement goes on after the string: %q", name, quoted[n:])
		}
		seen[name] = true
		rest = quoted[n+1:]
	}
	if len(seen) != len(c.Set) {
		t.Errorf("model saw %d assignments, want %d", len(seen), len(c.Set))
	}
}

func FuzzQuote(f *testing.F) {
	f.Add("’; Write-Host pwned; #")
	f.Fuzz(checkModel)
}
