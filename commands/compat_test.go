package commands

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

// originalFlag is one flag of aws-vault v7's command model (its
// --help-long, and its hidden flags): the command ("" for the global
// flags), the long name, the short letter (0 for none), and, for a flag
// that takes a value, a value to give it.
type originalFlag struct {
	cmd   string
	long  string
	short rune
	value string // "" for a boolean
	// field reads what the flag set, from the parsed command line.
	field func(*CLI) any
}

// originalFlags is the original's model, every flag of every command.
var originalFlags = []originalFlag{
	{"", "debug", 0, "", func(c *CLI) any { return c.Debug }},
	{"", "backend", 0, "file", func(c *CLI) any { return c.Backend }},
	{"", "prompt", 0, "terminal", func(c *CLI) any { return c.Globals.Prompt }},
	{"", "keychain", 0, "kc", func(c *CLI) any { return c.Keychain }},
	{"", "secret-service-collection", 0, "coll", func(c *CLI) any { return c.SecretServiceCollection }},
	{"", "pass-dir", 0, "/p/dir", func(c *CLI) any { return c.PassDir }},
	{"", "pass-cmd", 0, "gopass", func(c *CLI) any { return c.PassCmd }},
	{"", "pass-prefix", 0, "pre", func(c *CLI) any { return c.PassPrefix }},
	{"", "file-dir", 0, "/f/dir", func(c *CLI) any { return c.FileDir }},

	{"add", "env", 0, "", func(c *CLI) any { return c.Add.Env }},
	{"add", "add-config", 0, "", func(c *CLI) any { return c.Add.AddConfig }},

	{"remove", "force", 'f', "", func(c *CLI) any { return c.Remove.Force }},
	{"remove", "sessions-only", 's', "", func(c *CLI) any { return c.Remove.SessionsOnly }},

	{"list", "profiles", 0, "", func(c *CLI) any { return c.List.Profiles }},
	{"list", "sessions", 0, "", func(c *CLI) any { return c.List.Sessions }},
	{"list", "credentials", 0, "", func(c *CLI) any { return c.List.Credentials }},

	{"rotate", "no-session", 'n', "", func(c *CLI) any { return c.Rotate.NoSession }},

	{"exec", "duration", 'd', "2h", func(c *CLI) any { return c.Exec.Duration }},
	{"exec", "no-session", 'n', "", func(c *CLI) any { return c.Exec.NoSession }},
	{"exec", "region", 0, "eu-west-1", func(c *CLI) any { return c.Exec.Region }},
	{"exec", "mfa-token", 't', "123456", func(c *CLI) any { return c.Exec.MfaToken }},
	{"exec", "json", 'j', "", func(c *CLI) any { return c.Exec.JSON }},
	{"exec", "server", 's', "", func(c *CLI) any { return c.Exec.Server }},
	{"exec", "ec2-server", 0, "", func(c *CLI) any { return c.Exec.EC2Server }},
	{"exec", "ecs-server", 0, "", func(c *CLI) any { return c.Exec.ECSServer }},
	{"exec", "lazy", 0, "", func(c *CLI) any { return c.Exec.Lazy }},
	{"exec", "stdout", 0, "", func(c *CLI) any { return c.Exec.Stdout }},

	{"export", "duration", 'd', "2h", func(c *CLI) any { return c.Export.Duration }},
	{"export", "no-session", 'n', "", func(c *CLI) any { return c.Export.NoSession }},
	{"export", "region", 0, "eu-west-1", func(c *CLI) any { return c.Export.Region }},
	{"export", "mfa-token", 't', "123456", func(c *CLI) any { return c.Export.MfaToken }},
	{"export", "format", 0, "ini", func(c *CLI) any { return c.Export.Format }},
	{"export", "stdout", 0, "", func(c *CLI) any { return c.Export.Stdout }},

	{"login", "duration", 'd', "2h", func(c *CLI) any { return c.Login.Duration }},
	{"login", "no-session", 'n', "", func(c *CLI) any { return c.Login.NoSession }},
	{"login", "mfa-token", 't', "123456", func(c *CLI) any { return c.Login.MfaToken }},
	{"login", "path", 0, "s3/home", func(c *CLI) any { return c.Login.Path }},
	{"login", "region", 0, "eu-west-1", func(c *CLI) any { return c.Login.Region }},
	{"login", "stdout", 's', "", func(c *CLI) any { return c.Login.Stdout }},

	{"proxy", "stop", 0, "", func(c *CLI) any { return c.Proxy.Stop }},
}

// positional is what each command needs after its flags to parse.
var positional = map[string][]string{
	"add": {"p"}, "remove": {"p"}, "rotate": {"p"}, "exec": {"p"}, "export": {"p"}, "login": {"p"},
}

// parse parses args as the binary does (Main: the model of the one command
// the line names, then the whole model if that fails) and returns the
// command line's model, or the error kong gave.
func parse(t *testing.T, args []string) (*CLI, error) {
	t.Helper()
	cli, err := parseWith(t, modelFor(args, func(string) string { return "" }), args)
	if err != nil {
		cli, err = parseWith(t, allCommands, args)
	}
	return cli, err
}

func parseWith(t *testing.T, only string, args []string) (*CLI, error) {
	t.Helper()
	cli := &CLI{}
	code := -1
	p, err := newParser(cli, only, &App{}, io.Discard, io.Discard, &code)
	if err != nil {
		t.Fatal(err)
	}
	var perr error
	func() {
		defer func() {
			if r := recover(); r != nil {
				if _, ok := r.(exitSignal); !ok {
					panic(r)
				}
				perr = fmt.Errorf("exited with %d", code)
			}
		}()
		_, perr = p.Parse(args)
	}()
	return cli, perr
}

// TestOriginalFlags: every flag of the original's model parses, in every
// spelling the original accepts (--flag, --flag=value and --flag value,
// -f, and --no-flag for booleans, which kingpin gives every one of them),
// and sets what it set there.
func TestOriginalFlags(t *testing.T) {
	for _, f := range originalFlags {
		var lines [][]string
		var want []any
		line := func(flagArgs ...string) []string {
			var l []string
			if f.cmd == "" {
				l = append(append(l, flagArgs...), "list", "--profiles")
			} else {
				l = append(append([]string{f.cmd}, flagArgs...), positional[f.cmd]...)
			}
			return l
		}
		if f.value == "" {
			lines = append(lines, line("--"+f.long), line("--no-"+f.long), line("--"+f.long, "--no-"+f.long), line("--no-"+f.long, "--"+f.long))
			want = append(want, true, false, false, true)
			if f.short != 0 {
				lines = append(lines, line("-"+string(f.short)))
				want = append(want, true)
			}
		} else {
			v := any(f.value)
			if f.long == "duration" {
				d, _ := time.ParseDuration(f.value)
				v = d
			}
			lines = append(lines, line("--"+f.long+"="+f.value), line("--"+f.long, f.value))
			want = append(want, v, v)
			if f.short != 0 {
				lines = append(lines, line("-"+string(f.short), f.value))
				want = append(want, v)
			}
		}
		for i, l := range lines {
			cli, err := parse(t, l)
			if err != nil {
				t.Errorf("%q: %v", strings.Join(l, " "), err)
				continue
			}
			if got := f.field(cli); !reflect.DeepEqual(got, want[i]) {
				t.Errorf("%q: sets %v, want %v", strings.Join(l, " "), got, want[i])
			}
		}
	}
}

// TestOriginalCommands: the original's commands and arguments parse.
func TestOriginalCommands(t *testing.T) {
	for _, l := range []string{
		"help", "help exec", "help export",
		"add p", "remove p", "list", "ls", "rotate p",
		"exec p", "exec p cmd", "exec p cmd arg", "exec p -- cmd --flag",
		"export p", "clear", "clear p", "login", "login p", "proxy",
		"--version", "--help-long", "--help-man",
	} {
		if _, err := parse(t, strings.Fields(l)); err != nil && !strings.HasPrefix(err.Error(), "exited with 0") {
			t.Errorf("%q: %v", l, err)
		}
	}
}

// TestUsageErrorsExitOne: a command line the parser refuses exits 1, as
// the original's does.
func TestUsageErrorsExitOne(t *testing.T) {
	for _, l := range []string{"--bogus", "exec", "export", "list --bogus", "nosuchcommand", "exec p --duration nonsense"} {
		var out, errOut strings.Builder
		if code := Main(strings.Fields(l), strings.NewReader(""), &out, &errOut, nil); code != 1 {
			t.Errorf("%q: exit %d, want 1\n%s", l, code, errOut.String())
		}
	}
}
