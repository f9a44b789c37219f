// Package zsh is aws-vault's code for the Z shell:
//
//	eval "$(aws-vault env work)"  # credentials into this shell
//	eval "$(aws-vault hook zsh)"  # in ~/.zshrc: .awsprofile directories, the prompt segment
//
// Values are quoted with mvdan.cc/sh/v3/syntax.Quote for LangZsh (see
// Shell.Quote for the one case where it is not used). A set is
//
//	export NAME=VALUE
//
// and an unset is
//
//	unset -v NAME
//
// (-v, parameters only, is zsh's default; it is spelled out to match bash).
// Lines come in the order described in package shells: unsets, then sets,
// each sorted.
//
// The quoting never produces two adjacent single quotes inside a quoted
// word, so it means the same with or without the RC_QUOTES option.
package zsh

import (
	"mvdan.cc/sh/v3/syntax"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/posix"
)

// Shell is the zsh shell. Its zero value is ready to use.
type Shell struct{}

var _ shells.Shell = Shell{}

// New returns the zsh shell.
func New() Shell { return Shell{} }

// Name returns "zsh".
func (Shell) Name() string { return "zsh" }

// Quote returns a zsh word that expands to exactly s, in any locale: the
// result of syntax.Quote(s, syntax.LangZsh), except that a value needing
// $'...' that also holds non-ASCII bytes is written with \xHH byte escapes
// only, because zsh expands syntax.Quote's \uXXXX escapes through the
// locale (in the C locale it fails with "character not in range"). Invalid
// UTF-8 is fine. A NUL byte is a *shells.QuoteError.
func (Shell) Quote(s string) (string, error) { return posix.Quote(s, syntax.LangZsh) }

// Syntax is zsh's statements for shells.RenderPlan. The integration's
// variables are set with typeset -g, so that the hook's eval inside a
// function sets them globally; the kept environment is zsh code, applied
// with eval.
func (sh Shell) Syntax() shells.Syntax {
	return shells.Syntax{
		Quote:      sh.Quote,
		Set:        func(name, q string) string { return "export " + name + "=" + q },
		Unset:      func(name string) string { return "unset -v " + name },
		SetLocal:   func(name, q string) string { return "typeset -g " + name + "=" + q },
		UnsetLocal: func(name string) string { return "unset " + name },
		Restore: func(fallback string) string {
			if fallback == "" {
				fallback = ":\n"
			}
			return "if [[ -n ${" + shells.VarRestore + "+x} ]]; then eval \"$" + shells.VarRestore + "\"; unset " + shells.VarRestore + "\nelse\n" + fallback + "fi"
		},
		// With allexport (set -a), the assignment would export it.
		Keep: func(q string) string {
			return "[[ -n ${" + shells.VarRestore + "+x} ]] || { typeset -g " + shells.VarRestore + "=" + q + "; typeset -g +x " + shells.VarRestore + "; }"
		},
		Status:   func(bool) string { return "false" },
		FailOnly: true,
	}
}

// Apply returns zsh code that applies p; see package shells.
func (sh Shell) Apply(p shells.Plan) (string, error) { return shells.RenderPlan(p, sh.Syntax()) }

// Aliases: none.
func (Shell) Aliases() []string { return nil }
