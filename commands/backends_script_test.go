//go:build unix

package commands

import (
	"bufio"
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/creack/pty"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/aws-vault/aws-vault/internal/opconnectfake"
	"github.com/aws-vault/aws-vault/internal/testbus"
)

// Commands for the scripts that use real keyring backends (backend_*.txtar).
// Every daemon one starts is stopped when the script ends.
func init() {
	// need CMD...: under REQUIRE_SHELLS=1 (CI, where .ci/deps installs
	// them) the commands a script needs must exist; elsewhere the script's
	// [!exec:CMD] skip lines skip it.
	scriptCmds["need"] = func(ts *testscript.TestScript, neg bool, args []string) {
		for _, c := range args {
			if _, err := exec.LookPath(c); err != nil && os.Getenv("REQUIRE_SHELLS") == "1" {
				ts.Fatalf("REQUIRE_SHELLS=1 but %s is missing (.ci/deps installs it)", c)
			}
		}
	}
	// gpgkey [PASSPHRASE]: a new GnuPG home in $WORK/.gnupg with one key
	// (ed25519 to sign, cv25519 to encrypt) made in batch mode; GNUPGHOME
	// and GPGKEY (its fingerprint) are set. gpg-agent asks with
	// pinentry-curses; it is stopped when the script ends.
	scriptCmds["gpgkey"] = func(ts *testscript.TestScript, neg bool, args []string) {
		home := ts.MkAbs(".gnupg")
		ts.Check(os.MkdirAll(home, 0o700))
		ts.Check(os.WriteFile(filepath.Join(home, "gpg-agent.conf"), []byte("pinentry-program /usr/bin/pinentry-curses\n"), 0o600))
		ts.Setenv("GNUPGHOME", home)
		pass := ""
		if len(args) == 1 {
			pass = args[0]
		}
		gpg := func(a ...string) string {
			cmd := exec.Command("gpg", append([]string{"--batch", "--quiet", "--pinentry-mode", "loopback", "--passphrase", pass}, a...)...)
			cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
			out, err := cmd.CombinedOutput()
			if err != nil {
				ts.Fatalf("gpg %s: %v\n%s", strings.Join(a, " "), err, out)
			}
			return string(out)
		}
		ts.Defer(func() {
			cmd := exec.Command("gpgconf", "--kill", "all")
			cmd.Env = append(os.Environ(), "GNUPGHOME="+home)
			_ = cmd.Run()
		})
		gpg("--quick-generate-key", "aws-vault test <test@example.invalid>", "ed25519", "cert,sign", "never")
		var fpr string
		for _, line := range strings.Split(gpg("--list-keys", "--with-colons"), "\n") {
			if f := strings.Split(line, ":"); len(f) > 9 && f[0] == "fpr" {
				fpr = f[9]
				break
			}
		}
		gpg("--quick-add-key", fpr, "cv25519", "encr", "never")
		ts.Setenv("GPGKEY", fpr)
		// The agent remembers the passphrase it was just given: start
		// afresh, so that the first decryption asks.
		kill := exec.Command("gpgconf", "--kill", "gpg-agent")
		kill.Env = append(os.Environ(), "GNUPGHOME="+home)
		_ = kill.Run()
	}
	// sessionbus: a private D-Bus session bus (dbus-run-session) with
	// gnome-keyring's Secret Service in it, its login collection unlocked;
	// DBUS_SESSION_BUS_ADDRESS is set. Both stop when the script ends.
	scriptCmds["sessionbus"] = func(ts *testscript.TestScript, neg bool, args []string) {
		bus, err := testbus.Start(`printf kpw | exec gnome-keyring-daemon --foreground --unlock --components=secrets`,
			[]string{"HOME=" + ts.Getenv("HOME"), "DISPLAY=", "WAYLAND_DISPLAY="}, "org.freedesktop.secrets")
		ts.Check(err)
		ts.Defer(bus.Stop)
		ts.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Addr)
	}
	// kwallet: a private D-Bus session bus with kwalletd5 in it, headless
	// (Qt's offscreen platform), and the wallet "aws-vault" created and
	// opened the way pam_kwallet does at login (pamOpen), since creating
	// one through open() asks in a dialog; DBUS_SESSION_BUS_ADDRESS is set.
	scriptCmds["kwallet"] = func(ts *testscript.TestScript, neg bool, args []string) {
		bus, err := testbus.KWallet(ts.Getenv("HOME"), ts.Getenv("XDG_RUNTIME_DIR"))
		ts.Check(err)
		ts.Defer(bus.Stop)
		ts.Setenv("DBUS_SESSION_BUS_ADDRESS", bus.Addr)
		if len(args) > 0 && args[0] == "closed" {
			return // the wallet stays closed: opening it asks for its password
		}
		if err := bus.UnlockWallet(); err != nil {
			ts.Fatalf("pamOpen: %v", err)
		}
	}
	// opconnect: a fake 1Password Connect server; OP_CONNECT_TOKEN,
	// AWS_VAULT_OP_CONNECT_HOST and AWS_VAULT_OP_VAULT_ID are set for it.
	scriptCmds["opconnect"] = func(ts *testscript.TestScript, neg bool, args []string) {
		fake, vault := opconnectfake.New("connect-token-for-tests", "aws")
		ts.Defer(fake.Close)
		ts.Setenv("OP_CONNECT_TOKEN", "connect-token-for-tests")
		ts.Setenv("AWS_VAULT_OP_CONNECT_HOST", fake.URL())
		ts.Setenv("AWS_VAULT_OP_VAULT_ID", vault)
	}
	// silentserver: a server that takes connections and never answers;
	// SILENT_URL is its address.
	scriptCmds["silentserver"] = func(ts *testscript.TestScript, neg bool, args []string) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		ts.Check(err)
		var mu sync.Mutex
		var conns []net.Conn
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
			}
		}()
		ts.Defer(func() {
			l.Close()
			mu.Lock()
			for _, c := range conns {
				c.Close()
			}
			mu.Unlock()
		})
		ts.Setenv("SILENT_URL", "http://"+l.Addr().String())
	}
	// gone PIDFILE...: the processes whose pids the files hold have ended.
	scriptCmds["gone"] = func(ts *testscript.TestScript, neg bool, args []string) {
		for _, f := range args {
			pid, err := strconv.Atoi(strings.TrimSpace(ts.ReadFile(f)))
			ts.Check(err)
			deadline := time.Now().Add(5 * time.Second)
			for alive(pid) {
				if time.Now().After(deadline) {
					ts.Fatalf("process %d (%s) is still running", pid, f)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
	scriptCmds["ptyrun"] = ptyRun
	// otheruser: a user other than root to run aws-vault as (for limits
	// the kernel puts on every user but root): OTHER_UID, a uid of no
	// account (so nothing it owns is anyone's), and OTHER_DIR, a directory
	// it can use, holding bin/aws-vault (a copy of this test binary, which
	// it cannot reach in $WORK) and home/, its own. Removed at the end.
	scriptCmds["otheruser"] = func(ts *testscript.TestScript, neg bool, args []string) {
		uid := 300000 + os.Getpid()%100000
		dir, err := os.MkdirTemp("", "aws-vault-otheruser-")
		ts.Check(err)
		ts.Defer(func() { os.RemoveAll(dir) })
		ts.Check(os.Chmod(dir, 0o755))
		ts.Check(os.MkdirAll(filepath.Join(dir, "bin"), 0o755))
		self, err := exec.LookPath("aws-vault")
		ts.Check(err)
		b, err := os.ReadFile(self)
		ts.Check(err)
		ts.Check(os.WriteFile(filepath.Join(dir, "bin", "aws-vault"), b, 0o755))
		home := filepath.Join(dir, "home")
		ts.Check(os.Mkdir(home, 0o700))
		ts.Check(os.Chown(home, uid, uid))
		ts.Setenv("OTHER_UID", strconv.Itoa(uid))
		ts.Setenv("OTHER_DIR", dir)
	}
}

// alive reports whether pid runs (a zombie has ended).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	if i := strings.LastIndexByte(s, ')'); i >= 0 && i+2 < len(s) {
		return s[i+2] != 'Z'
	}
	return true
}

// ptyrun INPUT PROG ARGS...: runs PROG on a pseudo-terminal (its
// controlling terminal, TERM=xterm), with the script's environment for
// the variables it uses, and plays INPUT: a line <wait TEXT> waits (up to
// 60 s) for the terminal to show TEXT, <sleep DURATION> pauses, <ctrl-c>
// types Ctrl-C, any other line is typed with Enter. What the terminal showed goes to stdout, and
// the program's exit status is the command's.
func ptyRun(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) < 2 {
		ts.Fatalf("usage: ptyrun INPUT PROG ARGS...")
	}
	cmd := exec.Command(args[1], args[2:]...)
	cmd.Dir = ts.Getenv("WORK")
	cmd.Env = []string{"TERM=xterm", "LC_ALL=C.UTF-8"}
	for _, kv := range []string{"PATH", "HOME", "WORK", "GNUPGHOME", "PASSWORD_STORE_DIR", "AWS_CONFIG_FILE", "AWS_VAULT_BACKEND",
		"AWS_VAULT_FILE_PASSPHRASE", "AWS_VAULT_FILE_DIR", "AWS_ENDPOINT_URL_STS", "XDG_RUNTIME_DIR", "AWS_VAULT_KEYRING_TIMEOUT", "DBUS_SESSION_BUS_ADDRESS"} {
		if v := ts.Getenv(kv); v != "" {
			cmd.Env = append(cmd.Env, kv+"="+v)
		}
	}
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 30, Cols: 120})
	ts.Check(err)
	defer f.Close()
	var mu sync.Mutex
	var out bytes.Buffer
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := f.Read(buf)
			mu.Lock()
			out.Write(buf[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	shown := func() string { mu.Lock(); defer mu.Unlock(); return out.String() }
	mark := 0
	sc := bufio.NewScanner(strings.NewReader(ts.ReadFile(args[0])))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "<wait ") && strings.HasSuffix(line, ">"):
			text := strings.TrimSuffix(strings.TrimPrefix(line, "<wait "), ">")
			for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				s := shown()
				if i := strings.Index(s[mark:], text); i >= 0 {
					mark += i + len(text)
					break
				}
				if time.Now().After(deadline) {
					_ = cmd.Process.Kill()
					ts.Fatalf("the terminal did not show %q; it showed:\n%s", text, s)
				}
			}
		case strings.HasPrefix(line, "<sleep ") && strings.HasSuffix(line, ">"):
			d, err := time.ParseDuration(strings.TrimSuffix(strings.TrimPrefix(line, "<sleep "), ">"))
			ts.Check(err)
			time.Sleep(d)
		case line == "<ctrl-c>":
			_, err := f.Write([]byte{3})
			ts.Check(err)
		default:
			_, err := f.Write([]byte(line + "\r"))
			ts.Check(err)
		}
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		ts.Fatalf("%s did not end; the terminal showed:\n%s", args[1], shown())
	}
	time.Sleep(100 * time.Millisecond)
	ts.Stdout().Write([]byte(strings.ReplaceAll(shown(), "\r", "")))
	if (err != nil) != neg {
		ts.Fatalf("%s: %v (negated: %v)", args[1], err, neg)
	}
}
