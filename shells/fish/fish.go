// Package fish is aws-vault's code for the fish shell (3.1 or later):
//
//	aws-vault env work | source   # credentials into this shell
//	aws-vault hook fish | source  # in config.fish: .awsprofile directories, the prompt segment
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
// of a variable that does not exist fails with status 4; every script ends
// with true (or false, for a command that failed), so that the status of
// "aws-vault env work | source" is the command's.
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

// Syntax is fish's statements for shells.RenderPlan. The integration's
// variables are global (set -g) and not exported; the kept environment is
// fish code, applied with eval. Every script ends with true or false,
// because its last statement may be an erase of a variable that does not
// exist, which leaves status 4.
func (sh Shell) Syntax() shells.Syntax {
	return shells.Syntax{
		Quote:      sh.Quote,
		Set:        func(name, q string) string { return "set -gx " + name + " " + q },
		Unset:      func(name string) string { return "set -e -g " + name },
		SetLocal:   func(name, q string) string { return "set -g " + name + " " + q },
		UnsetLocal: func(name string) string { return "set -e -g " + name },
		Restore: func(fallback string) string {
			return "if set -q " + shells.VarRestore + "\neval $" + shells.VarRestore + "\nset -e -g " + shells.VarRestore + "\nelse\n" + fallback + "end"
		},
		Keep: func(q string) string {
			return "set -q " + shells.VarRestore + "; or set -g " + shells.VarRestore + " " + q
		},
		Status: func(ok bool) string {
			if ok {
				return "true"
			}
			return "false"
		},
	}
}

// Apply returns fish code that applies p; see package shells.
func (sh Shell) Apply(p shells.Plan) (string, error) { return shells.RenderPlan(p, sh.Syntax()) }

// Aliases: none.
func (Shell) Aliases() []string { return nil }
