// Package bash is aws-vault's code for GNU Bash (4.2 or later):
//
//	eval "$(aws-vault env work)"   # credentials into this shell
//	eval "$(aws-vault hook bash)"  # in ~/.bashrc: .awsprofile directories, the prompt segment
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

// Syntax is bash's statements for shells.RenderPlan. The integration's
// variables are set with declare -g, so that the hook's eval inside a
// function sets them globally; the kept environment is bash code, applied
// with eval.
func (sh Shell) Syntax() shells.Syntax {
	return shells.Syntax{
		Quote:      sh.Quote,
		Set:        func(name, q string) string { return "export " + name + "=" + q },
		Unset:      func(name string) string { return "unset -v " + name },
		SetLocal:   func(name, q string) string { return "declare -g " + name + "=" + q },
		UnsetLocal: func(name string) string { return "unset -v " + name },
		Restore: func(fallback string) string {
			if fallback == "" {
				fallback = ":\n"
			}
			return "if [[ -n ${" + shells.VarRestore + "+x} ]]; then eval \"$" + shells.VarRestore + "\"; unset -v " + shells.VarRestore + "\nelse\n" + fallback + "fi"
		},
		// With allexport (set -a), the assignment would export it.
		Keep: func(q string) string {
			return "[[ -n ${" + shells.VarRestore + "+x} ]] || { declare -g " + shells.VarRestore + "=" + q + "; export -n " + shells.VarRestore + "; }"
		},
		Status:   func(bool) string { return "false" },
		FailOnly: true,
	}
}

// Apply returns bash code that applies p; see package shells.
func (sh Shell) Apply(p shells.Plan) (string, error) { return shells.RenderPlan(p, sh.Syntax()) }

// Aliases: none.
func (Shell) Aliases() []string { return nil }
