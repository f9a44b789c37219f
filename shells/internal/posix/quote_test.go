package posix

import (
	"strings"
	"testing"

	"mvdan.cc/sh/v3/syntax"
)

func TestByteEscapedIsPrintableASCII(t *testing.T) {
	var all []byte
	for b := 1; b < 256; b++ {
		all = append(all, byte(b))
	}
	q := ByteEscaped(string(all))
	for i := 0; i < len(q); i++ {
		if q[i] < 0x20 || q[i] > 0x7e {
			t.Fatalf("ByteEscaped output has byte %#x at %d: %q", q[i], i, q)
		}
	}
	if !strings.HasPrefix(q, "$'") || !strings.HasSuffix(q, "'") {
		t.Errorf("ByteEscaped = %q", q)
	}
}

// TestQuoteNeverUnicodeEscapes checks the reason this package exists: no
// output may contain a \u or \U escape, which bash and zsh expand through
// the locale.
func TestQuoteNeverUnicodeEscapes(t *testing.T) {
	for _, s := range []string{"\u200f", "é\n", "\u00a0", "\ufeff", "\U0010ffff", "a\u0085b", "\ufffd\x01"} {
		for _, lang := range []syntax.LangVariant{syntax.LangBash, syntax.LangZsh} {
			q, err := Quote(s, lang)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(q, `\u`) || strings.Contains(q, `\U`) {
				t.Errorf("Quote(%q, %v) = %s", s, lang, q)
			}
		}
	}
}
