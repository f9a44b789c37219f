// Package nushell is aws-vault's code for nushell (0.100 or later), as a
// file nushell sources at start-up:
//
//	aws-vault hook nu | save -f ($nu.data-dir | path join vendor autoload aws-vault.nu)
//	aws-vault env work     # credentials into this shell
//	aws-vault env --unset  # and out again
//
// nushell cannot evaluate code from a string, so aws-vault prints its plans
// as JSON (see shells.JSON), which the sourced file applies with load-env
// and hide-env. Its "aws-vault env" command, defined with --env, stands in
// for the binary's own (^aws-vault env prints the JSON). The integration's
// own variables live in $env._aws_vault, a record: nushell passes only
// strings to other programs, so it is never exported.
//
// # Quoting
//
// Quote is used for the file's own text (the binary's path). Values are
// written as raw strings, r#'...'#, with as many # as it takes for the
// closing quote not to occur in the value; nothing inside is special.
// nushell reads its source as UTF-8, so invalid UTF-8 and NUL are a
// *shells.QuoteError.
package nushell

import (
	_ "embed"
	"strings"
	"unicode/utf8"

	"github.com/aws-vault/aws-vault/shells"
)

// Shell is nushell. Its zero value is ready to use.
type Shell struct{}

var _ shells.Shell = Shell{}

// New returns nushell.
func New() Shell { return Shell{} }

// Name returns "nushell".
func (Shell) Name() string { return "nushell" }

// Aliases is the name of nushell's executable.
func (Shell) Aliases() []string { return []string{"nu"} }

// Quote returns a nushell raw string that evaluates to exactly s.
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
	hashes := "#"
	for strings.Contains(s, "'"+hashes) {
		hashes += "#"
	}
	return "r" + hashes + "'" + s + "'" + hashes, nil
}

// Apply returns p as JSON, which the sourced file applies.
func (Shell) Apply(p shells.Plan) (string, error) { return shells.JSON(p) }

//go:embed hook.nu
var hookScript string

//go:embed prompt.nu
var promptScript string

//go:embed completion.nu
var completionScript string

// Hook returns the file to source: the hook (before each prompt and after
// each change of directory), "aws-vault env" and the prompt segment.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	return shells.HookScript("hook.nu", hookScript, "prompt.nu", promptScript, sh.Quote, o)
}

// Prompt returns aws_vault_segment alone.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.nu", promptScript, sh.Quote, o)
}

// Completion returns the completion script.
func (Shell) Completion() (string, error) { return completionScript, nil }

// Usage says how to use it all from nushell.
func (Shell) Usage() shells.Usage {
	return shells.Usage{
		Load:           `aws-vault env %s   (with the file aws-vault hook nu writes sourced; see aws-vault hook --help)`,
		Hook:           `mkdir ($nu.data-dir | path join vendor autoload); aws-vault hook nu | save -f ($nu.data-dir | path join vendor autoload aws-vault.nu)`,
		Completion:     `mkdir ($nu.data-dir | path join vendor autoload); aws-vault completion nu | save -f ($nu.data-dir | path join vendor autoload aws-vault-completion.nu)`,
		CompletionFile: "aws-vault.nu",
		Prompt:         `$env.PROMPT_COMMAND_RIGHT = {|| aws_vault_segment }`,
	}
}
