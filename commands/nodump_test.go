//go:build linux

package commands

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/internal/testuser"
)

// The command exec runs (like any other process of the user) cannot read
// the file passphrase from aws-vault's environment block through
// /proc/$PPID/environ: aws-vault is not dumpable, so the kernel keeps that
// file (and /proc/PID/mem, and ptrace) for root. os.Unsetenv would not do:
// the kernel shows the environment block the process started with.
//
// It runs as an ordinary user: root may read any process's files. As
// root, the test makes a second user for that.
func TestExecChildCannotReadThePassphrase(t *testing.T) {
	var as []string
	var owner *testuser.User
	if os.Geteuid() == 0 {
		u := testuser.New(t)
		owner = &u
		as = []string{"runuser", "-u", u.Name, "--"}
	}
	dir, err := os.MkdirTemp("", "aws-vault-nodump-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// This test binary is aws-vault when called so (see TestMain).
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(dir, "aws-vault")
	copyFile(t, self, bin, 0o755)
	config := filepath.Join(dir, "config")
	if err := os.WriteFile(config, []byte("[profile p]\nregion = us-east-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if owner != nil {
		for _, p := range []string{dir, bin, config} {
			if err := os.Chown(p, owner.UID, owner.GID); err != nil {
				t.Fatal(err)
			}
		}
	}
	const passphrase = "the-file-passphrase-xyzzy"
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "AWS_CONFIG_FILE=" + config,
		"AWS_VAULT_BACKEND=file", "AWS_VAULT_FILE_PASSPHRASE=" + passphrase, "XDG_RUNTIME_DIR=" + filepath.Join(dir, "run"),
		"AWS_ACCESS_KEY_ID=AKIANODUMPNODUMPNODU", "AWS_SECRET_ACCESS_KEY=nodumpSecretnodumpSecret0123456789"}
	run := func(args ...string) string {
		t.Helper()
		argv := append(append(append([]string{}, as...), "env", "-i"), env...)
		cmd := exec.Command(argv[0], append(argv[1:], append([]string{bin}, args...)...)...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("aws-vault %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	run("add", "--env", "--no-add-config", "p")
	out := run("exec", "--no-session", "p", "--", "sh", "-c",
		`echo "own: $(env | grep -c AWS_VAULT_FILE_PASSPHRASE)"; `+
			`echo "parent: $(tr '\0' '\n' < /proc/$PPID/environ 2>&1)"; `+
			`echo "self: $(tr '\0' '\n' < /proc/$$/environ | grep -c '^AWS_VAULT=p$')"`)
	if strings.Contains(out, passphrase) {
		t.Fatalf("the command read the passphrase:\n%s", out)
	}
	for _, want := range []string{"own: 0", "parent: ", "Permission denied", "self: 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, mode)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
