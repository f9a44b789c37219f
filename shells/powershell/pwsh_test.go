package powershell_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/powershell"
)

// The tests in this file run the real PowerShell 7 (pwsh) when it is on
// PATH and skip otherwise, unless REQUIRE_PWSH=1, which makes them fail.

func pwshRunner(t *testing.T) shelltest.Runner {
	t.Helper()
	p, err := exec.LookPath("pwsh")
	if err != nil {
		if os.Getenv("REQUIRE_PWSH") == "1" {
			t.Fatalf("pwsh not found and REQUIRE_PWSH=1: %v", err)
		}
		t.Skipf("pwsh not found: %v", err)
	}
	return shelltest.Runner{
		Shell:   powershell.New(),
		Path:    p,
		Args:    []string{"-NoLogo", "-NoProfile", "-NonInteractive", "-Command"},
		Program: pwshProgram,
	}
}

// pwshProgram reads the script as exact text (UTF-8) and evaluates it with
// Invoke-Expression. Users pipe aws-vault's output through Out-String
// instead; that pipeline re-encodes and re-joins lines (see the package
// documentation), which is not the quoting's business.
func pwshProgram(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "'" + n + "'"
	}
	return `$ErrorActionPreference = 'Stop'
$utf8 = New-Object System.Text.UTF8Encoding $false
[System.IO.File]::ReadAllText($env:SHELLTEST_SCRIPT, $utf8) | Invoke-Expression
foreach ($n in @(` + strings.Join(quoted, ",") + `)) {
	$v = [System.Environment]::GetEnvironmentVariable($n)
	if ($null -ne $v) {
		[System.IO.File]::WriteAllText((Join-Path $env:SHELLTEST_OUT "isset_$n"), '', $utf8)
	} else {
		$v = ''
	}
	[System.IO.File]::WriteAllText((Join-Path $env:SHELLTEST_OUT "val_$n"), $v, $utf8)
}
& $env:SHELLTEST_BIN
`
}

// withoutEmpty drops empty values: before PowerShell 7.5 assigning the
// empty string to an environment variable removes it (see the package
// documentation).
func withoutEmpty(c shells.Change) shells.Change {
	out := shells.Change{Set: map[string]string{}, Unset: c.Unset}
	for k, v := range c.Set {
		if v != "" {
			out.Set[k] = v
		}
	}
	return out
}

func TestPwshRoundTripHostile(t *testing.T) {
	vs := shelltest.Valid(shelltest.Hostile())
	pwshRunner(t).Check(t, withoutEmpty(shelltest.TableChange(vs)), shelltest.Preset, shelltest.HostileLabels(vs))
}

func TestPwshRoundTripGolden(t *testing.T) {
	pwshRunner(t).Check(t, withoutEmpty(shelltest.GoldenChange()), shelltest.GoldenPreset, nil)
}
