// Package elvish is aws-vault's code for elvish (0.19 or later), as a
// module:
//
//	aws-vault hook elvish > ~/.config/elvish/lib/aws-vault.elv
//	use aws-vault                # in rc.elv
//	aws-vault:env work           # credentials into this shell
//	aws-vault:env --unset        # and out again
//
// elvish can evaluate code, but code evaluated from a function cannot set
// the variables of the module that keeps the integration's state; so, like
// nushell, the module applies aws-vault's plans as JSON (see shells.JSON)
// with set-env, unset-env and a map of its own.
//
// # Quoting
//
// Quote is used for the module's own text (the binary's path). Values are
// written in elvish's single quotes, in which nothing is special but the
// single quote itself, written twice. elvish reads its source as UTF-8, so
// invalid UTF-8 and NUL are a *shells.QuoteError.
package elvish

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"github.com/aws-vault/aws-vault/shells"
)

// Shell is elvish. Its zero value is ready to use.
type Shell struct{}

var _ shells.Shell = Shell{}

// New returns elvish.
func New() Shell { return Shell{} }

// Name returns "elvish".
func (Shell) Name() string { return "elvish" }

// Aliases: none.
func (Shell) Aliases() []string { return nil }

// Quote returns an elvish single-quoted string that evaluates to exactly s.
func (Shell) Quote(s string) (string, error) {
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0:
			return "", &shells.QuoteError{Offset: i, Reason: shells.ReasonNUL}
		case r == utf8.RuneError && size == 1:
			return "", &shells.QuoteError{Offset: i, Reason: shells.ReasonInvalidUTF8}
		}
		i += size
	}
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", nil
}

// Apply returns p as JSON, which the module applies.
func (Shell) Apply(p shells.Plan) (string, error) { return shells.JSON(p) }

//go:embed hook.elv
var hookScript string

//go:embed prompt.elv
var promptScript string

//go:embed completion.elv
var completionScript string

// Hook returns the module: the hook (after each cd and before each
// prompt), aws-vault:env and the prompt segment.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.elv", hookScript, "prompt.elv", promptScript, sh.Quote, o)
}

// Prompt returns aws-vault:segment alone.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.elv", promptScript, sh.Quote, o)
}

// Completion returns the completion script.
func (Shell) Completion() (string, error) { return completionScript, nil }

// Usage says how to use it all from elvish.
func (Shell) Usage() shells.Usage {
	return shells.Usage{
		Load:           `aws-vault:env %s   (after: use aws-vault; see aws-vault hook --help)`,
		Hook:           `aws-vault hook elvish > ~/.config/elvish/lib/aws-vault.elv  and add  use aws-vault  to ~/.config/elvish/rc.elv`,
		Completion:     `add  eval (aws-vault completion elvish | slurp)  to ~/.config/elvish/rc.elv`,
		CompletionFile: "aws-vault.elv",
		Prompt:         `set edit:rprompt = { aws-vault:segment }`,
	}
}
