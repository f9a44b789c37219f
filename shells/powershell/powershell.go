// Package powershell is aws-vault's code for PowerShell (Windows
// PowerShell 5.1 and PowerShell 7):
//
//	aws-vault env work | Out-String | Invoke-Expression         # credentials into this session
//	aws-vault hook powershell | Out-String | Invoke-Expression  # in $PROFILE: .awsprofile directories, the prompt segment
//
// # Quoting
//
// Values are verbatim (single-quoted) strings: PowerShell expands nothing
// inside them and the only escape is a doubled quote character. PowerShell's
// tokenizer treats five characters as single quotes, not one: the ASCII
// apostrophe U+0027 and the typographic U+2018 ‘, U+2019 ’, U+201A ‚ and
// U+201B ‛. Any of them ends a verbatim string, and a pair of any two of
// them stands for the second one. Quote therefore doubles every one of the
// five. Doubling only the apostrophe would let the value
//
//	’; Write-Host pwned; #
//
// end the string at ’ and run the rest as code.
//
// PowerShell strings are UTF-16, so a byte that is not part of valid UTF-8
// cannot be carried into one; Quote returns a *shells.QuoteError at the
// offset of the first such byte instead of silently replacing it (with
// U+FFFD or otherwise). The UTF-8 encoding of a surrogate half (U+D800 to
// U+DFFF) is invalid UTF-8 and is refused the same way. A NUL byte is a
// *shells.QuoteError too.
//
// # Statements
//
// A set is
//
//	$env:NAME = 'VALUE'
//
// and an unset is
//
//	Remove-Item -LiteralPath Env:NAME -ErrorAction Ignore
//
// which removes the process environment variable and, unlike
// SilentlyContinue, leaves no record in $Error when it did not exist. Lines
// come in the order described in package shells: unsets, then sets, each
// sorted, and end in "\n" (PowerShell accepts LF line ends on every
// platform).
//
// # Caveats outside this package
//
// Before PowerShell 7.5 (so also in Windows PowerShell 5.1), assigning the
// empty string to $env:NAME removes the variable; from 7.5 on it sets an
// empty variable. Export emits the same assignment for every version:
//
//	$env:NAME = ''
//
// The script reaches Invoke-Expression through a native-command pipeline,
// which PowerShell decodes with [Console]::OutputEncoding and splits into
// lines: a carriage return or newline inside a value comes back as the
// platform's newline after Out-String, and a console code page other than
// UTF-8 changes every non-ASCII character before the parser sees it. The
// caller decides the output encoding; the quoting here is exact for the
// text as written.
package powershell

import (
	"strings"
	"unicode/utf8"

	"github.com/aws-vault/aws-vault/shells"
)

// Shell is PowerShell. Its zero value is ready to use.
type Shell struct{}

var _ shells.Shell = Shell{}

// New returns PowerShell.
func New() Shell { return Shell{} }

// Name returns "powershell".
func (Shell) Name() string { return "powershell" }

// isSingleQuote reports whether PowerShell's tokenizer treats r as a single
// quote character: U+0027, U+2018, U+2019, U+201A or U+201B.
func isSingleQuote(r rune) bool {
	switch r {
	case '\'', '\u2018', '\u2019', '\u201a', '\u201b':
		return true
	}
	return false
}

// Quote returns a PowerShell verbatim string that evaluates to exactly s:
// s between ASCII single quotes, with each of the five single quote
// characters doubled. s must be valid UTF-8 without NUL; otherwise Quote
// returns a *shells.QuoteError at the offset of the first bad byte.
func (Shell) Quote(s string) (string, error) {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == 0:
			return "", &shells.QuoteError{Offset: i, Reason: shells.ReasonNUL}
		case r == utf8.RuneError && size == 1:
			return "", &shells.QuoteError{Offset: i, Reason: shells.ReasonInvalidUTF8}
		case isSingleQuote(r):
			b.WriteString(s[i : i+size])
		}
		b.WriteString(s[i : i+size])
		i += size
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// Syntax is PowerShell's statements for shells.RenderPlan. The
// integration's variables are global PowerShell variables (never in the
// environment); the kept environment is PowerShell code, applied with
// Invoke-Expression. A failed command leaves $LASTEXITCODE at 1.
func (sh Shell) Syntax() shells.Syntax {
	const kept = "Variable:global:" + shells.VarRestore
	return shells.Syntax{
		Quote: sh.Quote,
		Set:   func(name, q string) string { return "$env:" + name + " = " + q },
		Unset: func(name string) string {
			return "Remove-Item -LiteralPath Env:" + name + " -ErrorAction Ignore"
		},
		SetLocal: func(name, q string) string { return "$global:" + name + " = " + q },
		UnsetLocal: func(name string) string {
			return "Remove-Variable -Name " + name + " -Scope Global -ErrorAction Ignore"
		},
		Restore: func(fallback string) string {
			return "if (Test-Path -LiteralPath " + kept + ") {\nInvoke-Expression $global:" + shells.VarRestore + "\nRemove-Variable -Name " + shells.VarRestore + " -Scope Global\n} else {\n" + fallback + "}"
		},
		Keep: func(q string) string {
			return "if (-not (Test-Path -LiteralPath " + kept + ")) { $global:" + shells.VarRestore + " = " + q + " }"
		},
		Status:   func(bool) string { return "$global:LASTEXITCODE = 1" },
		FailOnly: true,
	}
}

// Apply returns PowerShell code that applies p; see package shells.
func (sh Shell) Apply(p shells.Plan) (string, error) { return shells.RenderPlan(p, sh.Syntax()) }

// Aliases are the names of PowerShell's executables.
func (Shell) Aliases() []string { return []string{"pwsh", "pwsh.exe", "powershell.exe"} }
