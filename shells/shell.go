// Package shells renders what aws-vault does to an interactive shell, for
// example
//
//	eval "$(aws-vault env work)"                          # bash, zsh
//	aws-vault env work | source                           # fish
//	aws-vault env work | Out-String | Invoke-Expression   # PowerShell
//	aws-vault-env work                                    # elvish, nushell
//
// This package holds what every shell shares: the [Plan] to render, the
// [Shell] interface, name validation, the layout rules and the JSON form of
// a plan. Everything that knows one shell's syntax lives in its own
// subpackage (shells/bash, shells/zsh, shells/fish, shells/powershell,
// shells/elvish, shells/nushell), and shells/registry lists them. Nothing
// here knows about AWS.
//
// # Layout
//
// A plan renders as one statement per line, in the order of Plan's fields:
// restore, the environment's unsets (sorted by name, duplicates
// removed), its sets (sorted), the kept environment, the integration's own
// variables (sorted), and a last statement that sets the status where the
// shell needs one. A name may not be both set and unset in one Change.
// Sorting makes the output deterministic, which the golden-file tests rely
// on.
package shells

import (
	"fmt"
	"strings"
)

// Change is what to do to the environment: variables to set (value) and to
// unset.
//
// Set maps a variable name to its new value; the empty string is a value
// (the variable is set and empty), not an unset. Unset lists names to remove;
// duplicates are ignored. A name must not appear in both.
type Change struct {
	Set   map[string]string
	Unset []string
}

// Plan is everything one run of aws-vault does to a shell, applied in this
// order. It is computed in Go (see engine/hook); a shell only quotes it and
// applies it, so no shell saves, compares or restores anything by itself.
type Plan struct {
	// Restore, when not nil, first applies the environment kept by an
	// earlier plan's Save, and forgets it; with nothing kept, it applies
	// *Restore instead.
	Restore *Change
	// Env is applied next.
	Env Change
	// Save is kept (in the unexported variable VarRestore) as the
	// environment a later Restore applies, unless one is kept already:
	// switching profiles keeps what was there before the first.
	Save *Change
	// Local sets the integration's own shell variables (never exported),
	// or removes those whose value is nil.
	Local map[string]*string
	// Fail makes the code end with a failing status: eval "$(aws-vault
	// env nosuch)" fails like the command did.
	Fail bool
}

// Value returns a pointer to s, for Plan.Local.
func Value(s string) *string { return &s }

// Shell is one shell aws-vault writes code for. Every consumer (env, hook,
// prompt, completion and the help texts) finds shells through the registry
// in shells/registry.
type Shell interface {
	// Name is the shell's name, as given to --shell and to the commands
	// that take a shell: "bash", "zsh", "fish", "powershell", ...
	Name() string

	// Aliases are other names the shell is known by, such as the names of
	// its executable ("pwsh", "nu").
	Aliases() []string

	// Quote returns a literal that the shell evaluates to exactly s, byte
	// for byte. It fails with a *QuoteError, whose Offset is the byte
	// offset of the first character it cannot represent, when s holds a
	// NUL byte (or, for some shells, invalid UTF-8).
	Quote(s string) (string, error)

	// Apply returns what the shell evaluates to apply p: code, or for a
	// shell that cannot evaluate code, the plan as JSON (see JSON) for
	// its integration to apply. It fails if a name is not valid (see
	// ValidName), if a name is both set and unset, or if a value cannot
	// be quoted; the error then wraps the *QuoteError and names the
	// variable.
	Apply(p Plan) (string, error)

	// Hook returns the code a user adds to their rc file once: the
	// directory hook (which runs the binary only when the directory, the
	// trust of its .awsprofile or the refresh time changed), the prompt
	// segment and the helpers the shell needs.
	Hook(o HookOptions) (string, error)

	// Prompt returns the prompt segment alone, for a shell without the hook.
	Prompt(o HookOptions) (string, error)

	// Completion returns the completion script.
	Completion() (string, error)

	// Usage says how a person uses the above in this shell.
	Usage() Usage
}

// Usage is how a person uses aws-vault's code in one shell, in one line
// each.
type Usage struct {
	// Load puts a profile into the shell; %s stands for the arguments of
	// aws-vault env: eval "$(aws-vault env %s)".
	Load string
	// Hook installs the hook: add  eval "$(aws-vault hook bash)"  to ~/.bashrc.
	Hook string
	// Completion installs the completion script.
	Completion string
	// CompletionFile is the script's conventional file name (as in
	// contrib/completions/).
	CompletionFile string
	// Prompt shows the prompt segment in a prompt (no %s).
	Prompt string
}

// HookOptions shape the hook and prompt code.
type HookOptions struct {
	// Bin is the aws-vault binary to run, by absolute path.
	Bin string
	// MinTTL is AWS_MIN_TTL in seconds: the prompt colours the segment
	// when less is left.
	MinTTL int64
}

// The integration's own shell variables (Plan.Local). None is exported and
// none holds a secret except VarRestore, which holds the environment from
// before (which the shell had anyway).
const (
	VarPWD       = "_aws_vault_pwd"        // $PWD when the hook last ran the binary
	VarState     = "_aws_vault_state"      // engine/hook's State, opaque to the shell
	VarRefresh   = "_aws_vault_refresh"    // Unix time at which to run again, or unset
	VarRefreshUp = "_aws_vault_refresh_up" // the same as seconds since boot, for shells without a clock
	VarExpiry    = "_aws_vault_exp"        // Unix time the credentials in AWS_VAULT expire
	VarExpiryUp  = "_aws_vault_exp_up"     // the same as seconds since boot
	VarAllow     = "_aws_vault_allow"      // a trust record: run when it appears
	VarDeny      = "_aws_vault_deny"       // a trust record: run when it disappears
	VarRestore   = "_aws_vault_restore"    // the kept environment (Plan.Save)
)

// StateEnv carries VarState to the binary for one run.
const StateEnv = "_AWS_VAULT_HOOK_STATE"

// LocalVars are all of the above but VarRestore, which only Plan.Save,
// Plan.Restore touch.
var LocalVars = []string{VarAllow, VarDeny, VarExpiry, VarExpiryUp, VarPWD, VarRefresh, VarRefreshUp, VarState}

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
