// Package bash renders environment changes for GNU Bash, to be used as
//
//	eval "$(aws-vault env work)"
//
// Values are quoted with mvdan.cc/sh/v3/syntax.Quote for LangBash (see
// Shell.Quote for the one case where it is not used). A set is
//
//	export NAME=VALUE
//
// and an unset is
//
//	unset -v NAME
//
// where -v makes sure that unset never removes a shell function of the same
// name when no such variable exists (plain "unset NAME" would). Lines come
// in the order described in package shells: unsets, then sets, each sorted.
package bash

import (
	"mvdan.cc/sh/v3/syntax"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/posix"
)

// Shell is the bash shell. Its zero value is ready to use.
type Shell struct{}

var _ shells.Shell = Shell{}

// New returns the bash shell.
func New() Shell { return Shell{} }

// Name returns "bash".
func (Shell) Name() string { return "bash" }

// Quote returns a bash word that expands to exactly s, in any locale: the
// result of syntax.Quote(s, syntax.LangBash), except that a value needing
// $'...' that also holds non-ASCII bytes is written with \xHH byte escapes
// only, because bash expands syntax.Quote's \uXXXX escapes through the
// locale (in the C locale it leaves "\u00E9" as is). Invalid UTF-8 is fine.
// A NUL byte is a *shells.QuoteError.
func (Shell) Quote(s string) (string, error) { return posix.Quote(s, syntax.LangBash) }

// Export returns a bash script that applies c; see the package documentation.
func (sh Shell) Export(c shells.Change) (string, error) {
	return shells.Render(c, shells.Syntax{
		Quote: sh.Quote,
		Set:   func(name, q string) string { return "export " + name + "=" + q },
		Unset: func(name string) string { return "unset -v " + name },
	})
}
