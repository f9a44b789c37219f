package shells_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/registry"
)

// syntaxCheck is how each shell checks a file without running it; a shell
// that is not here has its own check (PowerShell: tree-sitter, in its
// package).
var syntaxCheck = map[string][]string{
	"bash":    {"bash", "-n"},
	"zsh":     {"zsh", "-n"},
	"fish":    {"fish", "--no-execute"},
	"elvish":  {"elvish", "-compileonly"},
	"nushell": {"nu", "--no-config-file", "--no-std-lib", "-c", "nu-check --debug $env.FILE"},
}

// TestIntegrationScripts: every shell's hook, prompt and completion code,
// as golden files, and checked by the shell itself, with a binary path
// that needs quoting in every shell.
func TestIntegrationScripts(t *testing.T) {
	o := shells.HookOptions{Bin: "/opt/it's a \"path\"/$HOME/aws-vault", MinTTL: 300}
	for _, sh := range registry.All() {
		hook, err := sh.Hook(o)
		if err != nil {
			t.Fatal(err)
		}
		prompt, err := sh.Prompt(o)
		if err != nil {
			t.Fatal(err)
		}
		comp, err := sh.Completion()
		if err != nil {
			t.Fatal(err)
		}
		for kind, text := range map[string]string{"hook": hook, "prompt": prompt, "completion": comp} {
			t.Run(sh.Name()+"/"+kind, func(t *testing.T) {
				if kind != "completion" {
					shelltest.Golden(t, filepath.Join("testdata", kind+"."+sh.Name()+".golden"), text)
				}
				check, ok := syntaxCheck[sh.Name()]
				if !ok {
					return
				}
				bin := shelltest.RequireShell(t, check[0])
				f := filepath.Join(t.TempDir(), "script")
				if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
					t.Fatal(err)
				}
				args := check[1:]
				if !strings.Contains(strings.Join(args, " "), "$env.FILE") {
					args = append(args, f)
				}
				cmd := exec.Command(bin, args...)
				cmd.Env = append(os.Environ(), "FILE="+f)
				if out, err := cmd.CombinedOutput(); err != nil {
					t.Errorf("%s: %v\n%s", check, err, out)
				}
			})
		}
	}
}

// Every shell's hook reads the variables the plans write (as whole words:
// _aws_vault_exp must not pass for _aws_vault_exp_up).
func TestHookReadsThePlanVariables(t *testing.T) {
	o := shells.HookOptions{Bin: "/bin/aws-vault", MinTTL: 300}
	for _, sh := range registry.All() {
		hook, err := sh.Hook(o)
		if err != nil {
			t.Fatal(err)
		}
		word := func(v string) bool {
			return regexp.MustCompile(`(^|[^A-Za-z0-9_])` + regexp.QuoteMeta(v) + `($|[^A-Za-z0-9_])`).MatchString(hook)
		}
		for _, v := range []string{shells.VarPWD, shells.VarState, shells.VarAllow, shells.VarDeny, shells.StateEnv} {
			if !word(v) {
				t.Errorf("%s hook does not use %s", sh.Name(), v)
			}
		}
		if !strings.Contains(hook, "hook-exec --shell "+sh.Name()) {
			t.Errorf("%s hook does not run hook-exec --shell %s", sh.Name(), sh.Name())
		}
		clock, exp := shells.VarRefresh, shells.VarExpiry
		if sh.Name() == "fish" || sh.Name() == "elvish" {
			clock, exp = shells.VarRefreshUp, shells.VarExpiryUp
		}
		if !word(clock) || !word(exp) {
			t.Errorf("%s hook does not use %s and %s", sh.Name(), clock, exp)
		}
	}
}
