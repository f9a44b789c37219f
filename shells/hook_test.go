package shells_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/bash"
	"github.com/aws-vault/aws-vault/shells/fish"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/zsh"
)

// The hook for each POSIX-family shell and fish: golden files, and the
// shell's own syntax check (-n), with a binary path that needs quoting.
func TestHookScripts(t *testing.T) {
	o := shells.HookOptions{Bin: "/opt/it's a \"path\"/$HOME/aws-vault", MinTTL: 300}
	for _, c := range []struct {
		sh    shells.Shell
		check []string
	}{
		{bash.New(), []string{"bash", "-n"}},
		{zsh.New(), []string{"zsh", "-n"}},
		{fish.New(), []string{"fish", "--no-execute"}},
	} {
		t.Run(c.sh.Name(), func(t *testing.T) {
			hook, err := c.sh.Hook(o)
			if err != nil {
				t.Fatal(err)
			}
			shelltest.Golden(t, filepath.Join("testdata", "hook."+c.sh.Name()+".golden"), hook)
			bin := shellBin(t, c.check[0])
			f := filepath.Join(t.TempDir(), "hook")
			if err := os.WriteFile(f, []byte(hook), 0o600); err != nil {
				t.Fatal(err)
			}
			if out, err := exec.Command(bin, append(c.check[1:], f)...).CombinedOutput(); err != nil {
				t.Errorf("%s: %v\n%s", c.check, err, out)
			}
		})
	}
}
