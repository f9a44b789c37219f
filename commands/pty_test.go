//go:build unix

package commands

import (
	"bytes"
	"io"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"
)

// ptyshell SHELL INPUT runs SHELL as an interactive shell on a
// pseudo-terminal (no rc files), types the lines of the file INPUT, then
// exit, and puts everything the terminal showed on stdout. It is how the
// tests use real interactive shells, whose prompt hooks run only when they
// think a person is there. Two lines of INPUT are not typed:
//
//	<wait TEXT>   waits (up to 30 s) until the terminal shows TEXT
//	<ctrl-c>      presses Ctrl-C
//
// The terminal answers the cursor-position queries of line editors
// (nushell's reedline asks before every prompt).
func ptyShell(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: ptyshell bash|zsh|fish|elvish|nu INPUT")
	}
	argv := map[string][]string{
		"bash":   {"bash", "--norc", "--noprofile", "-i"},
		"zsh":    {"zsh", "-f", "-i"},
		"fish":   {"fish", "--no-config", "-i"},
		"elvish": {"elvish", "-norc"},
		"nu":     {"nu", "--no-config-file", "--no-std-lib", "--no-history"},
	}[args[0]]
	if argv == nil {
		ts.Fatalf("unknown shell %s", args[0])
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = ts.Getenv("WORK")
	for _, kv := range []string{"PATH", "HOME", "WORK", "AWS_CONFIG_FILE", "AWS_VAULT_BACKEND", "AWS_VAULT_FILE_PASSPHRASE",
		"AWS_VAULT_FILE_DIR", "AWS_ENDPOINT_URL_STS", "STS_URL", "XDG_RUNTIME_DIR", "XDG_DATA_HOME", "AWS_MIN_TTL"} {
		if v := ts.Getenv(kv); v != "" {
			cmd.Env = append(cmd.Env, kv+"="+v)
		}
	}
	cmd.Env = append(cmd.Env, "TERM=dumb", "PS1=$ ", "LC_ALL=C.UTF-8", "AWS_PAGER=", "XDG_CONFIG_HOME="+ts.Getenv("WORK")+"/.config")
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 300})
	ts.Check(err)
	defer f.Close()

	var (
		mu   sync.Mutex
		out  bytes.Buffer
		mark int // output before mark has been waited for
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			if n > 0 {
				mu.Lock()
				out.Write(buf[:n])
				mu.Unlock()
				if bytes.Contains(buf[:n], []byte("\x1b[6n")) {
					_, _ = f.Write([]byte("\x1b[1;1R"))
				}
			}
			if err != nil {
				return
			}
		}
	}()
	shown := func() string {
		mu.Lock()
		defer mu.Unlock()
		return out.String()
	}
	// idle waits until the terminal has shown nothing new for a while: the
	// shell is at its prompt, ready for the next line. nushell and elvish
	// redraw their prompts in steps, slower on a busy machine.
	quiet := 150 * time.Millisecond
	if args[0] == "nu" || args[0] == "elvish" {
		quiet = 400 * time.Millisecond
	}
	idle := func() {
		last, since := -1, time.Now()
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			mu.Lock()
			n := out.Len()
			mu.Unlock()
			if n != last {
				last, since = n, time.Now()
			} else if time.Since(since) > quiet {
				return
			}
		}
	}
	input := ts.ReadFile(args[1])
	for _, line := range strings.Split(strings.TrimRight(input, "\n"), "\n") {
		switch {
		case strings.HasPrefix(line, "<wait ") && strings.HasSuffix(line, ">"):
			text := strings.TrimSuffix(strings.TrimPrefix(line, "<wait "), ">")
			deadline := time.Now().Add(30 * time.Second)
			for {
				s := shown()
				if i := strings.Index(s[mark:], text); i >= 0 {
					mark += i + len(text)
					break
				}
				if time.Now().After(deadline) {
					ts.Fatalf("%s did not show %q; it showed:\n%s", args[0], text, s)
				}
				time.Sleep(20 * time.Millisecond)
			}
			continue
		case line == "<ctrl-c>":
			_, err := f.Write([]byte{3})
			ts.Check(err)
		default:
			idle()
			_, err := f.Write([]byte(line + "\r"))
			ts.Check(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	idle()
	_, _ = f.Write([]byte("exit\r"))
	wait := make(chan error, 1)
	go func() { wait <- cmd.Wait() }()
	select {
	case <-wait:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		ts.Fatalf("%s did not exit; it showed:\n%s", args[0], shown())
	}
	f.Close()
	<-done
	_, _ = io.WriteString(ts.Stdout(), strings.ReplaceAll(shown(), "\r\n", "\n"))
}
