package shells_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/bash"
	"github.com/aws-vault/aws-vault/shells/fish"
	"github.com/aws-vault/aws-vault/shells/powershell"
	"github.com/aws-vault/aws-vault/shells/zsh"
)

// Two activations (a profile switch) and a deactivation must leave every
// variable exactly as it was: value, exported or not, unset or not.
var (
	first  = shells.Change{Set: map[string]string{"X": "first x", "Y": "first y", "Z": "z'$(id)", "AWS_VAULT": "one"}, Unset: []string{"W"}}
	second = shells.Change{Set: map[string]string{"X": "second x", "Y": "second y", "Z": "z2", "AWS_VAULT": "two"}, Unset: []string{"W"}}
)

func scripts(t *testing.T, sh shells.Shell) (string, string, string) {
	t.Helper()
	a1, err := sh.Activate(first, nil)
	if err != nil {
		t.Fatal(err)
	}
	a2, err := sh.Activate(second, nil)
	if err != nil {
		t.Fatal(err)
	}
	return a1, a2, sh.Deactivate()
}

func shellBin(t *testing.T, name string) string {
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("REQUIRE_SHELLS") == "1" {
			t.Fatalf("%s not found", name)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

func run(t *testing.T, bin string, args []string, env map[string]string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir(), "LC_ALL=C"}
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", bin, err, out)
	}
	return string(out)
}

func TestActivateRestoresExactlyPOSIX(t *testing.T) {
	for _, c := range []struct {
		name string
		sh   shells.Shell
		dump string // prints each variable's declaration, or NAME-unset
	}{
		{"bash", bash.New(), `for v in X Y Z W AWS_VAULT _aws_vault_restore _aws_vault_v _aws_vault_d; do declare -p $v 2>/dev/null || echo "$v-unset"; done`},
		{"zsh", zsh.New(), `for v in X Y Z W AWS_VAULT _aws_vault_restore _aws_vault_v _aws_vault_d; do typeset -p $v 2>/dev/null || echo "$v-unset"; done`},
	} {
		t.Run(c.name, func(t *testing.T) {
			bin := shellBin(t, c.name)
			a1, a2, d := scripts(t, c.sh)
			args := []string{"--norc", "-c"}
			if c.name == "zsh" {
				args = []string{"-f", "-c"}
			}
			// X exported, Y set but not exported, Z unset, W exported and
			// removed by the change. Once at top level, once in functions
			// (as the hook runs it).
			for _, mode := range []string{"top", "function"} {
				script := `export X='orig x'; Y=$'orig\ny'; unset Z; export W=w; unset AWS_VAULT
before=$(` + c.dump + `)
eval "$A1"
[ "$X" = "first x" ] && [ "$Z" = "z'\$(id)" ] && [ -z "${W+x}" ] && [ "$AWS_VAULT" = one ] || echo "first activation wrong"
env | grep -q '^Y=first y$' || echo "Y not exported while active"
eval "$A2"
[ "$X" = "second x" ] && [ "$AWS_VAULT" = two ] || echo "switch wrong"
eval "$D"
after=$(` + c.dump + `)
[ "$before" = "$after" ] && echo RESTORED || printf 'before:\n%s\nafter:\n%s\n' "$before" "$after"
env | grep -q '^Y=' && echo "Y leaked into the environment"; true
`
				if mode == "function" {
					script = strings.Replace(script, `eval "$A1"`, `act() { eval "$A1"; }; act`, 1)
					script = strings.Replace(script, `eval "$A2"`, `act2() { eval "$A2"; }; act2`, 1)
					script = strings.Replace(script, `eval "$D"`, `deact() { eval "$D"; }; deact`, 1)
				}
				out := run(t, bin, append(args, script), map[string]string{"A1": a1, "A2": a2, "D": d})
				if strings.TrimSpace(out) != "RESTORED" {
					t.Errorf("%s:\n%s", mode, out)
				}
			}
		})
	}
}

func TestActivateRefusesInsideExec(t *testing.T) {
	bin := shellBin(t, "bash")
	a1, _, _ := scripts(t, bash.New())
	out := run(t, bin, []string{"--norc", "-c", `eval "$A1"; echo "rc=$? X=${X-unset}"`}, map[string]string{"A1": a1, "AWS_VAULT": "exec-profile"})
	if !strings.Contains(out, "aws vault exec subshell") && !strings.Contains(out, "aws-vault exec subshell") || !strings.Contains(out, "rc=1 X=unset") {
		t.Errorf("out = %s", out)
	}
}

func TestActivateRestoresExactlyFish(t *testing.T) {
	bin := shellBin(t, "fish")
	a1, a2, d := scripts(t, fish.New())
	dump := `for v in X Y Z W AWS_VAULT _aws_vault_restore _aws_vault_v _aws_vault_f _aws_vault_l
if set -q $v; if set -qx $v; echo "$v exported: "(string escape -- $$v); else; echo "$v: "(string escape -- $$v); end; else; echo "$v-unset"; end
end`
	script := `set -gx X 'orig x'; set -g Y orig\ny; set -e Z; set -gx W w
set before (` + dump + `)
printf '%s' $A1 | source
test "$X" = "first x"; and test "$AWS_VAULT" = one; and not set -q W; or echo "first activation wrong"
printf '%s' $A2 | source
test "$X" = "second x"; or echo "switch wrong"
printf '%s' $D | source
set after (` + dump + `)
if test "$before" = "$after"; echo RESTORED; else; printf 'before: %s\n' $before; printf 'after: %s\n' $after; end
`
	out := run(t, bin, []string{"--no-config", "-c", script}, map[string]string{"A1": a1, "A2": a2, "D": d})
	if strings.TrimSpace(out) != "RESTORED" {
		t.Errorf("%s", out)
	}
}

func TestActivatePowerShellGolden(t *testing.T) {
	sh := powershell.New()
	a, err := sh.Activate(first, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"if ($env:AWS_VAULT -and -not (Test-Path -LiteralPath Variable:global:AwsVaultRestore)) {",
		"foreach ($n in @('AWS_VAULT', 'W', 'X', 'Y', 'Z')) { $global:AwsVaultRestore[$n] = [Environment]::GetEnvironmentVariable($n) }",
		"$env:Z = 'z''$(id)'",
		"Remove-Item -LiteralPath Env:W",
	} {
		if !strings.Contains(a, want) {
			t.Errorf("activate script lacks %q:\n%s", want, a)
		}
	}
	if d := sh.Deactivate(); !strings.Contains(d, "Remove-Variable -Name AwsVaultRestore -Scope Global") {
		t.Errorf("deactivate:\n%s", d)
	}
}
