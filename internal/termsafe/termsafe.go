// Package termsafe shows text from outside aws-vault (directory and file
// names, what a file says, errors quoting them) on a terminal without
// letting it act on the terminal: control characters, which can move the
// cursor, rewrite what is shown, retitle the window or fake a line of
// output, are shown escaped, as \x1b, \n, \u009b, \u202e.
package termsafe

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line escapes every control character of s, newlines included, so that
// it stays on one line. Invalid UTF-8 shows as \xNN.
func Line(s string) string { return escape(s, false) }

// Text escapes like Line but keeps newlines: for a message of several
// lines.
func Text(s string) string { return escape(s, true) }

func escape(s string, keepNewlines bool) string {
	if clean(s, keepNewlines) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n' && keepNewlines:
			b.WriteByte('\n')
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case !unicode.IsPrint(r) && r != ' ':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}

// clean reports whether s needs no escaping (the common case, checked
// without allocating).
func clean(s string, keepNewlines bool) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return cleanUnicode(s[i:], keepNewlines)
		}
		if (c < 0x20 && !(c == '\n' && keepNewlines)) || c == 0x7f {
			return false
		}
	}
	return true
}

func cleanUnicode(s string, keepNewlines bool) bool {
	for _, r := range s {
		if r == '\n' && keepNewlines {
			continue
		}
		if r == utf8.RuneError || (r != ' ' && !unicode.IsPrint(r)) {
			return false
		}
	}
	return true
}

// Writer escapes what is written through it as Text does (for the debug
// log). Each Write is escaped on its own.
func Writer(w io.Writer) io.Writer { return writer{w} }

type writer struct{ w io.Writer }

func (w writer) Write(p []byte) (int, error) {
	if _, err := io.WriteString(w.w, Text(string(p))); err != nil {
		return 0, err
	}
	return len(p), nil
}
