// Package fish renders environment changes for the fish shell, to be used as
//
//	aws-vault env work | source
//
// # Quoting
//
// Values are single-quoted. Inside fish single quotes only two escapes
// exist, \\ and \', and nothing else is special: no variable or command
// expansion, no globbing, no brace expansion, and newlines are literal. So
// Quote escapes exactly those two characters and wraps the result in single
// quotes. The empty string becomes a pair of quotes, which sets an empty
// (one empty element) variable, not an unset one. fish keeps bytes that are
// not valid UTF-8 (and characters it reserves for itself) as encoded
// private-use characters and writes them back out as the original bytes, so
// every value without a NUL byte round-trips; the round-trip and fuzz tests
// check this against the real fish, in the C and C.UTF-8 locales.
//
// # Scope
//
// A set is
//
//	set -gx NAME 'VALUE'
//
// global and exported. It shadows a universal variable of the same name for
// this session only. An unset is
//
//	set -e -g NAME
//
// which erases the global variable (where exported environment variables
// live). Universal variables (set -U) are never touched: they are
// persistent, shared with every other running and future fish session, and
// an "env" command must not edit the user's configuration. If a universal
// variable NAME exists, it is visible again after the erase. "set -e -g"
// of a variable that does not exist fails with status 4, which is harmless
// when sourcing; since unsets come before sets (see package shells), the
// status of a script that sets anything is that of its last set.
//
// A name ending in "PATH" is a fish path variable: "set -gx FOO_PATH 'a:b'"
// holds the list (a b) but is exported and quoted-expanded as "a:b" again,
// so the environment still gets exactly the value.
package fish

import (
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

// Shell is the fish shell. Its zero value is ready to use.
type Shell struct{}

var _ shells.Shell = Shell{}

// New returns the fish shell.
func New() Shell { return Shell{} }

// Name returns "fish".
func (Shell) Name() string { return "fish" }

// Quote returns a fish single-quoted string that evaluates to exactly s:
// "\" becomes "\\" and "'" becomes "\'", nothing else changes. Invalid UTF-8
// is kept as it is. A NUL byte is a *shells.QuoteError.
func (Shell) Quote(s string) (string, error) {
	if err := shells.NULError(s); err != nil {
		return "", err
	}
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '\'':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// Export returns a fish script that applies c; see the package
// documentation.
func (sh Shell) Export(c shells.Change) (string, error) {
	return shells.Render(c, shells.Syntax{
		Quote: sh.Quote,
		Set:   func(name, q string) string { return "set -gx " + name + " " + q },
		Unset: func(name string) string { return "set -e -g " + name },
	})
}
