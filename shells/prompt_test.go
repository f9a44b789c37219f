package shells_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/registry"
)

// promptRun shows the segment of each shell's prompt code for a profile
// whose credentials expire in left seconds: the code sets the variables a
// plan would (the expiry by the clock, and by seconds since boot for the
// shells without a clock) and prints the segment as the shell's prompt
// would see it.
var promptRun = map[string]struct {
	argv   []string
	script string // %[1]s: prompt code file, %[2]d: expiry (Unix), %[3]d: expiry (uptime)
}{
	"bash":    {[]string{"bash", "--norc", "--noprofile", "-c"}, `. %[1]s; export AWS_VAULT='dev%%'; _aws_vault_exp=%[2]d; _aws_vault_prompt_update; printf '%%s' "$aws_vault_segment"`},
	"zsh":     {[]string{"zsh", "-f", "-c"}, `. %[1]s; export AWS_VAULT='dev%%'; _aws_vault_exp=%[2]d; _aws_vault_prompt_update; print -rn -- "$aws_vault_segment"`},
	"fish":    {[]string{"fish", "--no-config", "-c"}, `source %[1]s; set -gx AWS_VAULT 'dev%%'; set -g _aws_vault_exp_up %[3]d; _aws_vault_prompt_update; printf '%%s' $aws_vault_segment`},
	"elvish":  {[]string{"elvish", "-norc", "-c"}, `use ./m; set-env AWS_VAULT 'dev%%'; set m:vars[_aws_vault_exp_up] = '%[3]d'; print (m:segment)`},
	"nushell": {[]string{"nu", "--no-config-file", "--no-std-lib", "-c"}, `source %[1]s; $env.AWS_VAULT = 'dev%%'; $env._aws_vault = {_aws_vault_exp: '%[2]d'}; print -n (aws_vault_segment)`},
}

func TestPromptSegment(t *testing.T) {
	o := shells.HookOptions{Bin: "/bin/aws-vault", MinTTL: 300}
	for _, sh := range registry.All() {
		run, ok := promptRun[sh.Name()]
		if !ok {
			continue // PowerShell: golden and parse checks only
		}
		t.Run(sh.Name(), func(t *testing.T) {
			bin := shelltest.RequireShell(t, run.argv[0])
			code, err := sh.Prompt(o)
			if err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "prompt")
			if sh.Name() == "elvish" {
				file = filepath.Join(dir, "m.elv")
			}
			if err := os.WriteFile(file, []byte(code), 0o600); err != nil {
				t.Fatal(err)
			}
			percent := "dev%"
			if sh.Name() == "zsh" {
				percent = "dev%%" // a prompt escape, doubled
			}
			for _, tc := range []struct {
				left int64
				want string
			}{
				{3900 + 30, percent + " 1h05m"},
				{29*3600 + 59*60 + 30, percent + " 29h59m"},
				{42*60 + 30, percent + " 42m"},
				{90, "yellow:" + percent + " 1m"},
				{-10, "red:" + percent + " expired"},
			} {
				now := time.Now().Unix()
				up := uptime(t)
				script := fmt.Sprintf(run.script, file, now+tc.left, up+tc.left)
				cmd := exec.Command(bin, append(run.argv[1:], script)...)
				cmd.Dir = dir
				cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir, "LC_ALL=C.UTF-8", "TERM=xterm"}
				out, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%v\n%s", err, out)
				}
				if got := plainColour(string(out)); got != tc.want {
					t.Errorf("%d s left: segment %q (%q), want %q", tc.left, got, out, tc.want)
				}
			}
		})
	}
}

// plainColour writes a segment's colour as a prefix: "yellow:TEXT".
func plainColour(s string) string {
	for _, c := range []struct{ name, esc []string }{
		{[]string{"yellow"}, []string{"\x01\x1b[33m\x02", "%F{yellow}", "\x1b[33m", "\x1b[;33m"}},
		{[]string{"red"}, []string{"\x01\x1b[31m\x02", "%F{red}", "\x1b[31m", "\x1b[;31m"}},
	} {
		for _, e := range c.esc {
			if strings.HasPrefix(s, e) {
				s = strings.TrimPrefix(s, e)
				for _, end := range []string{"\x01\x1b[0m\x02", "%f", "\x1b[0m", "\x1b(B\x1b[m", "\x1b[m", "\x1b[39m"} {
					s = strings.TrimSuffix(s, end)
				}
				return c.name[0] + ":" + s
			}
		}
	}
	return s
}

func uptime(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		t.Skip("no /proc/uptime")
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, err := strconv.ParseFloat(f, 64)
	if err != nil {
		t.Fatal(err)
	}
	return int64(v)
}

// TestFishPromptConcatenates: fish's aws_vault_prompt prints an empty line
// when no profile is active, so (aws_vault_prompt)(prompt_pwd) is not the
// empty list (a prompt that vanished); when one is, the segment and a
// space.
func TestFishPromptConcatenates(t *testing.T) {
	bin := shelltest.RequireShell(t, "fish")
	sh, _ := registry.Lookup("fish")
	code, err := sh.Prompt(shells.HookOptions{Bin: "/bin/aws-vault", MinTTL: 300})
	if err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "prompt.fish")
	if err := os.WriteFile(f, []byte(code), 0o600); err != nil {
		t.Fatal(err)
	}
	script := `source ` + f + `
set -e AWS_VAULT; _aws_vault_prompt_update; echo "[off:"(aws_vault_prompt)"~/x> ]"
set -gx AWS_VAULT dev; _aws_vault_prompt_update; echo "[on:"(aws_vault_prompt)"~/x> ]"`
	out, err := exec.Command(bin, "--no-config", "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if want := "[off:~/x> ]\n[on:dev ~/x> ]\n"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}
