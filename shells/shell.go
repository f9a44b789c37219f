// Package shells renders changes to environment variables as scripts for an
// interactive shell to evaluate, for example
//
//	eval "$(aws-vault env work)"                          # bash, zsh
//	aws-vault env work | source                           # fish
//	aws-vault env work | Out-String | Invoke-Expression   # PowerShell
//
// This package holds what every shell shares: the [Change] to render, the
// [Shell] interface, name validation and the ordering rules. Everything that
// knows one shell's syntax lives in its own subpackage (shells/bash,
// shells/zsh, shells/fish, shells/powershell). Nothing here knows about AWS.
//
// # Script layout
//
// Every Export produces one statement per line, each line ending in "\n":
//
//  1. the unsets, sorted by name (byte order) with duplicates removed, then
//  2. the sets, sorted by name.
//
// A name may not be both set and unset in one Change, so the order of the two
// groups never changes the final environment; unsets come first so that the
// script reads "clear what is stale, then set what is fresh", and so that the
// script's final exit status is that of a set (fish's "set -e" of a variable
// that does not exist fails with status 4). Sorting makes the output
// deterministic, which the golden-file tests rely on. An empty Change renders
// as the empty script.
package shells

import (
	"fmt"
	"slices"
	"strings"
)

// Change is what to do to the environment: variables to set (value) and to
// unset (nil).
//
// Set maps a variable name to its new value; the empty string is a value
// (the variable is set and empty), not an unset. Unset lists names to remove;
// duplicates are ignored. A name must not appear in both.
type Change struct {
	Set   map[string]string
	Unset []string
}

// Shell renders values and changes for one shell.
type Shell interface {
	// Name is the shell's name: "bash", "zsh", "fish" or "powershell".
	Name() string

	// Quote returns a literal that the shell evaluates to exactly s, byte
	// for byte. It fails with a *QuoteError, whose Offset is the byte
	// offset of the first character it cannot represent, when s holds a
	// NUL byte (or, for some shells, invalid UTF-8).
	Quote(s string) (string, error)

	// Export returns a script that applies c to the shell's environment,
	// laid out as described in the package documentation. It fails if a
	// name is not valid (see ValidName), if a name is both set and unset,
	// or if a value cannot be quoted; the error then wraps the *QuoteError
	// and names the variable.
	Export(c Change) (string, error)

	// Activate returns a script that applies c like Export, after saving
	// (once, in a shell variable that is not exported) the exact state of
	// every variable c touches: its value, whether it was exported, or
	// that it was unset. A second Activate keeps the first save, so
	// switching profiles still restores what was there before the first.
	// In a shell where AWS_VAULT is set but nothing was saved (a subshell
	// of aws-vault exec), the script changes nothing and fails.
	// local are unexported shell variables (see SetLocal) set along with
	// c, in the same branch of the script.
	Activate(c Change, local map[string]string) (string, error)

	// Deactivate returns a script that restores what Activate saved and
	// forgets the save; it does nothing when nothing was saved.
	Deactivate() string

	// SetLocal returns code that sets shell variables that are not
	// exported (the hook's and the prompt's state), global even when run
	// inside a function; UnsetLocal removes them.
	SetLocal(vars map[string]string) (string, error)
	UnsetLocal(names []string) string

	// Hook returns the code a user adds to their rc file once: the
	// directory hook (which runs bin only when $PWD changed or the
	// credentials are due for refresh) and the prompt function.
	Hook(o HookOptions) (string, error)

	// Prompt returns the prompt function alone.
	Prompt(o HookOptions) (string, error)
}

// HookOptions shape the hook and prompt code.
type HookOptions struct {
	// Bin is the aws-vault binary to run, by absolute path.
	Bin string
	// MinTTL is AWS_MIN_TTL in seconds: the prompt colours the segment
	// when less is left.
	MinTTL int64
}

// State variables the hook and the prompt keep in the shell (never
// exported). Their values hold no secrets.
const (
	VarPWD     = "_aws_vault_hook_pwd"     // $PWD when the hook last ran the binary
	VarRefresh = "_aws_vault_hook_refresh" // Unix time at which to run it again, or empty
	VarState   = "_aws_vault_hook_state"   // what the hook activated, opaque to the shell
	VarExpiry  = "_aws_vault_exp"          // Unix time the active credentials expire
	// fish has no clock without a process; it compares /proc/uptime with
	// these instead (Linux).
	VarRefreshUptime = "_aws_vault_hook_refresh_up"
	VarExpiryUptime  = "_aws_vault_exp_up"
)

// StateEnv carries VarState to the binary for one run.
const StateEnv = "_AWS_VAULT_HOOK_STATE"

// Names returns every variable c touches, sorted: what Activate saves.
func Names(c Change) []string {
	names := slices.Clone(c.Unset)
	for n := range c.Set {
		names = append(names, n)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// NestedMessage is what Activate's script says inside aws-vault exec.
const NestedMessage = "aws-vault: this shell is an aws-vault exec subshell; exit it before using aws-vault env"

// QuoteError reports a value that a shell cannot represent.
type QuoteError struct {
	// Offset is the byte offset in the value of the first character that
	// cannot be represented.
	Offset int
	// Reason says why, in lower case, e.g. "NUL byte".
	Reason string
}

func (e *QuoteError) Error() string {
	return fmt.Sprintf("cannot quote value: %s at byte offset %d", e.Reason, e.Offset)
}

// Reasons used in QuoteError by the subpackages.
const (
	ReasonNUL         = "NUL byte"
	ReasonInvalidUTF8 = "invalid UTF-8"
)

// NULError returns a *QuoteError for the first NUL byte in s, or nil if s
// has none. Environment variables cannot hold NUL in any shell: the C
// environment is a list of NUL-terminated strings.
func NULError(s string) error {
	if i := strings.IndexByte(s, 0); i >= 0 {
		return &QuoteError{Offset: i, Reason: ReasonNUL}
	}
	return nil
}

// ValidName reports whether name is a portable environment variable name:
// [A-Za-z_][A-Za-z0-9_]*. Export rejects every other name, so names never
// need quoting in any shell.
func ValidName(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// Syntax is one shell's statements, for Render.
type Syntax struct {
	// Quote is the shell's Quote.
	Quote func(s string) (string, error)
	// Set returns the statement (without a trailing newline) that sets and
	// exports name to the already quoted value.
	Set func(name, quoted string) string
	// Unset returns the statement (without a trailing newline) that removes
	// name from the environment.
	Unset func(name string) string
}

// Render validates c and renders it with syn in the package's script layout.
// The subpackages' Export methods are Render with their own Syntax.
func Render(c Change, syn Syntax) (string, error) {
	set := make([]string, 0, len(c.Set))
	for name := range c.Set {
		set = append(set, name)
	}
	slices.Sort(set)
	unset := slices.Clone(c.Unset)
	slices.Sort(unset)
	unset = slices.Compact(unset)

	for _, name := range set {
		if !ValidName(name) {
			return "", fmt.Errorf("shells: invalid environment variable name %q", name)
		}
	}
	for _, name := range unset {
		if !ValidName(name) {
			return "", fmt.Errorf("shells: invalid environment variable name %q", name)
		}
		if _, ok := c.Set[name]; ok {
			return "", fmt.Errorf("shells: variable %s is both set and unset", name)
		}
	}

	var b strings.Builder
	for _, name := range unset {
		b.WriteString(syn.Unset(name))
		b.WriteByte('\n')
	}
	for _, name := range set {
		q, err := syn.Quote(c.Set[name])
		if err != nil {
			return "", fmt.Errorf("shells: value of %s: %w", name, err)
		}
		b.WriteString(syn.Set(name, q))
		b.WriteByte('\n')
	}
	return b.String(), nil
}
