package prompt

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeTool puts an executable named name on PATH that records its
// arguments and prints out.
func fakeTool(t *testing.T, name, out string) string {
	t.Helper()
	dir := t.TempDir()
	args := filepath.Join(dir, "args")
	script := "#!/bin/sh\nprintf '%s\\n' \"$@\" > '" + args + "'\nprintf '%s\\n' '" + out + "'\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return args
}

func TestDriversRunTheirTools(t *testing.T) {
	serial := "arn:aws:iam::111111111111:mfa/jon"
	cases := []struct {
		driver, tool string
		env          map[string]string
		wantArgs     []string
	}{
		{"ykman", "ykman", nil, []string{"oath", "accounts", "code", "--single", serial}},
		{"ykman", "ykman", map[string]string{"YKMAN_OATH_CREDENTIAL_NAME": "aws:jon"}, []string{"oath", "accounts", "code", "--single", "aws:jon"}},
		{"ykman", "ykman", map[string]string{"YKMAN_OATH_DEVICE_SERIAL": "12345678"}, []string{"--device", "12345678", "oath", "accounts", "code", "--single", serial}},
		{"ykman", "ykman", map[string]string{"AWS_VAULT_YKMAN_VERSION": "3", "YKMAN_OATH_DEVICE_SERIAL": "87654321", "YKMAN_OATH_CREDENTIAL_NAME": "old"}, []string{"--device", "87654321", "oath", "code", "--single", "old"}},
		{"zenity", "zenity", nil, []string{"--entry", "--title", "aws-vault", "--text", "Enter MFA code for " + serial + ": "}},
		{"kdialog", "kdialog", nil, []string{"--inputbox", "Enter MFA code for " + serial + ": ", "--title", "aws-vault"}},
	}
	for _, c := range cases {
		t.Run(c.driver+strings.Join(c.wantArgs[len(c.wantArgs)-1:], ""), func(t *testing.T) {
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			args := fakeTool(t, c.tool, "123456")
			d, err := Get(c.driver)
			if err != nil {
				t.Fatal(err)
			}
			code, err := d(context.Background(), serial)
			if err != nil || code != "123456" {
				t.Fatalf("code = %q, %v", code, err)
			}
			got, _ := os.ReadFile(args)
			if strings.TrimSuffix(string(got), "\n") != strings.Join(c.wantArgs, "\n") {
				t.Errorf("args:\n%s\nwant:\n%s", got, strings.Join(c.wantArgs, "\n"))
			}
		})
	}
}

// AWS_VAULT_YKMAN_VERSION is ykman's major version: 1 to 3 use "oath code",
// anything else (4 and up, or unset) "oath accounts code".
func TestYkmanVersions(t *testing.T) {
	for v, old := range map[string]bool{"": false, "1": true, "2": true, "3": true, " 3 ": true, "3.1.0": true, "4": false, "5.2": false, "30": false, "latest": false} {
		args := ykmanArgs("n", func(k string) string {
			if k == "AWS_VAULT_YKMAN_VERSION" {
				return v
			}
			return ""
		})
		if got := args[1] == "code"; got != old {
			t.Errorf("AWS_VAULT_YKMAN_VERSION=%q: ykman %q", v, args)
		}
	}
}

// Available lists terminal and the drivers whose program is on PATH;
// Pick takes the first of the others by name, as the original does.
func TestAvailableAndPick(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("PATH", dir)
	add := func(name string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	check := func(wantAvailable, wantPick string) {
		t.Helper()
		if got := strings.Join(Available(), ","); got != wantAvailable {
			t.Errorf("Available = %s, want %s", got, wantAvailable)
		}
		if got := NonTerminal(); got != wantPick {
			t.Errorf("Pick = %s, want %s", got, wantPick)
		}
	}
	check("terminal", "terminal")
	add("zenity")
	add("not-a-driver")
	check("terminal,zenity", "zenity")
	add("ykman")
	check("terminal,ykman,zenity", "ykman")
	add("kdialog")
	check("kdialog,terminal,ykman,zenity", "kdialog")
	add("osascript")
	if runtime.GOOS == "darwin" {
		check("kdialog,osascript,terminal,ykman,zenity", "kdialog")
	} else {
		check("kdialog,terminal,ykman,zenity", "kdialog") // osascript is macOS's
	}
}

func TestDriverErrors(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	d, _ := Get("zenity")
	if _, err := d(context.Background(), "x"); err == nil || !strings.Contains(err.Error(), `needs "zenity" on PATH`) {
		t.Errorf("missing tool: %v", err)
	}
	if _, err := Get("carrier-pigeon"); err == nil || !strings.Contains(err.Error(), "kdialog, osascript, terminal, ykman, zenity") {
		t.Errorf("unknown driver: %v", err)
	}
}

func TestProcessAndValidCode(t *testing.T) {
	code, err := Process(context.Background(), "echo '  654321 '")
	if err != nil || code != "654321" {
		t.Errorf("Process = %q, %v", code, err)
	}
	if _, err := Process(context.Background(), "exit 3"); err == nil || !strings.Contains(err.Error(), "mfa_process") {
		t.Errorf("failing process: %v", err)
	}
	for code, ok := range map[string]bool{"123456": true, "": false, "12345": false, "12345a": false, "1234567": false} {
		if (ValidCode(code) == nil) != ok {
			t.Errorf("ValidCode(%q) = %v", code, ValidCode(code))
		}
	}
}

func TestTerminalAnswersFromPipes(t *testing.T) {
	var out strings.Builder
	term := &Terminal{In: strings.NewReader("AKIAX\nsecret\ny\n"), Out: &out}
	if id, _ := term.Text("id: "); id != "AKIAX" {
		t.Errorf("id = %q", id)
	}
	if s, _ := term.Secret("secret: "); s != "secret" {
		t.Errorf("secret = %q", s)
	}
	if ok, _ := term.Confirm("sure?"); !ok {
		t.Error("y not taken as yes")
	}
	if _, err := term.Text("more: "); err == nil {
		t.Error("no error at end of input")
	}
	if strings.Contains(out.String(), "secret\n") {
		t.Error("the secret was echoed")
	}
}
