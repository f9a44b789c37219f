package fish

import (
	_ "embed"
	"sort"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
)

//go:embed hook.fish
var hookScript string

//go:embed prompt.fish
var promptScript string

// SetLocal sets global, unexported variables.
func (sh Shell) SetLocal(vars map[string]string) (string, error) {
	names := make([]string, 0, len(vars))
	for n := range vars {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		if !shells.ValidName(n) {
			return "", &shells.QuoteError{Reason: "invalid name " + n}
		}
		q, err := sh.Quote(vars[n])
		if err != nil {
			return "", err
		}
		b.WriteString("set -gu " + n + " " + q + "\n")
	}
	return b.String(), nil
}

// UnsetLocal erases global variables.
func (Shell) UnsetLocal(names []string) string {
	if len(names) == 0 {
		return ""
	}
	return "set -e -g " + strings.Join(names, " ") + "\n"
}

// Prompt returns the aws_vault_prompt function.
func (sh Shell) Prompt(o shells.HookOptions) (string, error) {
	return shells.RenderTemplate("prompt.fish", promptScript, sh.Quote, o)
}

// Hook returns the code for config.fish: a function run on fish_prompt and
// on every change of PWD, and the prompt function. Defining a function
// twice replaces it, so sourcing it twice is harmless.
func (sh Shell) Hook(o shells.HookOptions) (string, error) {
	p, err := sh.Prompt(o)
	if err != nil {
		return "", err
	}
	return shells.RenderTemplate("hook.fish", hookScript, sh.Quote, struct {
		shells.HookOptions
		Prompt string
	}{o, p})
}
