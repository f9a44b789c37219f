//go:build unix

package commands

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"
)

// ptyshell SHELL INPUT runs SHELL as an interactive shell on a
// pseudo-terminal (no rc files), types the lines of the file INPUT, then
// exit, and puts everything the terminal showed on stdout. It is how the
// tests use real interactive bash, zsh and fish, whose prompt hooks run
// only when they think a person is there.
func ptyShell(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: ptyshell bash|zsh|fish INPUT")
	}
	argv := map[string][]string{
		"bash": {"bash", "--norc", "--noprofile", "-i"},
		"zsh":  {"zsh", "-f", "-i"},
		"fish": {"fish", "--no-config", "-i"},
	}[args[0]]
	if argv == nil {
		ts.Fatalf("unknown shell %s", args[0])
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = ts.Getenv("WORK")
	for _, kv := range []string{"PATH", "HOME", "WORK", "AWS_CONFIG_FILE", "AWS_VAULT_BACKEND", "AWS_VAULT_FILE_PASSPHRASE",
		"AWS_VAULT_FILE_DIR", "AWS_ENDPOINT_URL_STS", "STS_URL", "XDG_RUNTIME_DIR", "XDG_DATA_HOME"} {
		if v := ts.Getenv(kv); v != "" {
			cmd.Env = append(cmd.Env, kv+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, "TERM=dumb", "PS1=$ ", "LC_ALL=C.UTF-8", "AWS_PAGER=")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 300})
	ts.Check(err)
	defer f.Close()
	var out bytes.Buffer
	done := make(chan struct{})
	go func() { _, _ = io.Copy(&out, f); close(done) }()
	input := ts.ReadFile(args[1])
	for _, line := range strings.Split(strings.TrimRight(input, "\n"), "\n") {
		_, err := f.Write([]byte(line + "\n"))
		ts.Check(err)
		time.Sleep(150 * time.Millisecond) // let the prompt (and its hook) run
	}
	_, _ = f.Write([]byte("exit\n"))
	wait := make(chan error, 1)
	go func() { wait <- cmd.Wait() }()
	select {
	case <-wait:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		ts.Fatalf("%s did not exit; it showed:\n%s", args[0], out.String())
	}
	f.Close()
	<-done
	_, _ = ts.Stdout().Write(bytes.ReplaceAll(out.Bytes(), []byte("\r\n"), []byte("\n")))
}
