// Package posix holds the quoting shared by the Bourne-style shells (bash
// and zsh). It is internal to the shells packages.
package posix

import (
	"errors"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/aws-vault/aws-vault/shells"
)

// Quote quotes s for lang (syntax.LangBash or syntax.LangZsh) so that the
// shell evaluates the result to exactly the bytes of s, in any locale.
//
// It uses syntax.Quote, with one exception. When s needs the $'...' form
// (it has control characters, invalid UTF-8 or non-printable runes) and
// holds any non-ASCII byte, syntax.Quote may write a rune as \uXXXX or
// \UXXXXXXXX. Both shells expand those escapes through the current locale:
// in the C/POSIX locale bash leaves "\u00E9" in the value and zsh fails with
// "character not in range". In that case Quote writes its own $'...' string
// in which every byte outside printable ASCII is a \xHH escape; bash and zsh
// expand \xHH to that byte whatever the locale, so the result is the same in
// every locale, and it is plain ASCII.
//
// A NUL byte is a *shells.QuoteError at its offset: no environment
// variable can hold one.
func Quote(s string, lang syntax.LangVariant) (string, error) {
	if err := shells.NULError(s); err != nil {
		return "", err
	}
	q, err := syntax.Quote(s, lang)
	if err != nil {
		var qe *syntax.QuoteError
		if errors.As(err, &qe) {
			return "", &shells.QuoteError{Offset: qe.ByteOffset, Reason: qe.Message}
		}
		return "", err
	}
	if strings.HasPrefix(q, "$'") && hasNonASCII(s) {
		return ByteEscaped(s), nil
	}
	return q, nil
}

func hasNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// ByteEscaped returns s as an ANSI-C quoted string, $'...', that uses only
// printable ASCII: a backslash and a single quote are escaped with a
// backslash, tab, newline and carriage return use \t, \n and \r, and every
// other byte outside 0x20-0x7E is \xHH with exactly two hex digits (bash and
// zsh read at most two, so a hex digit after it stays literal). s must not
// contain NUL.
func ByteEscaped(s string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	b.Grow(len(s) + 3)
	b.WriteString("$'")
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' || c == '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c >= 0x20 && c < 0x7f:
			b.WriteByte(c)
		default:
			b.WriteString(`\x`)
			b.WriteByte(hex[c>>4])
			b.WriteByte(hex[c&0xf])
		}
	}
	b.WriteByte('\'')
	return b.String()
}
