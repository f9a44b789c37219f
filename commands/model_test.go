package commands

import (
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
)

func fullModel(t *testing.T) *kong.Application {
	t.Helper()
	code := -1
	p, err := newParser(&CLI{}, allCommands, &App{}, io.Discard, io.Discard, &code)
	if err != nil {
		t.Fatal(err)
	}
	return p.Model
}

// The command and flag tables the partial model is built from must say what
// kong's own reading of the CLI struct says.
func TestCommandTablesMatchKong(t *testing.T) {
	model := fullModel(t)
	var want, got []string
	for _, n := range model.Children {
		want = append(want, n.Name+"|"+strings.Join(n.Aliases, ","))
	}
	for _, c := range cliCommands() {
		got = append(got, c.name+"|"+strings.Join(c.aliases, ","))
	}
	if !slices.Equal(got, want) {
		t.Errorf("commands:\n got %q\nwant %q", got, want)
	}
	// commandWord knows the flags of Globals: those of compatFlags are
	// left to the whole model.
	compat := map[string]bool{}
	for f := range reflect.TypeFor[compatFlags]().Fields() {
		compat[f.Tag.Get("name")] = true
	}
	want, got = nil, nil
	for _, f := range model.Flags {
		if f.Name == "help" || compat[f.Name] {
			continue
		}
		want = append(want, f.Name+"|"+map[bool]string{true: "bool", false: "value"}[f.IsBool()])
	}
	for _, f := range globalFlags() {
		got = append(got, f.name+"|"+map[bool]string{true: "value", false: "bool"}[f.takesArgs])
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("global flags:\n got %q\nwant %q", got, want)
	}
}

func TestModelFor(t *testing.T) {
	none := func(string) string { return "" }
	if got := modelFor([]string{"exec", "work"}, none); got != "exec" {
		t.Errorf("exec work: model %q", got)
	}
	completing := func(k string) string {
		return map[string]string{"COMP_LINE": "aws-vault exec ", "COMP_POINT": "15"}[k]
	}
	if got := modelFor([]string{"exec", "work"}, completing); got != allCommands {
		t.Errorf("a completion request got model %q, want the whole one", got)
	}
}

func TestCommandWord(t *testing.T) {
	for _, tc := range []struct {
		args string
		want string
	}{
		{"exec work --json", "exec"},
		{"exec work -- aws s3 ls", "exec"},
		{"--backend file exec work", "exec"},
		{"--backend=file --debug exec work", "exec"},
		{"--backend exec list", "list"}, // "exec" is --backend's value
		{"ls", "list"},
		{"rm -f work", "remove"},
		{"server", "proxy"},
		{"hook-exec --shell bash", "hook-exec"},
		{"--version", noCommand},
		{"--debug --version", noCommand},
		{"--version exec work", "exec"},
		{"", allCommands},
		{"--help", allCommands},
		{"-h", allCommands},
		{"--version --help", allCommands},
		{"--bogus exec work", allCommands},
		{"-- exec", allCommands},
		{"exce work", allCommands},
		{"--backend", allCommands},
	} {
		if got := commandWord(strings.Fields(tc.args)); got != tc.want {
			t.Errorf("commandWord(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}

// Whatever the partial model parses, and whatever it refuses, the output is
// that of the whole model: help, versions and errors alike.
func TestPartialModelAnswersLikeWholeModel(t *testing.T) {
	getenv := func(string) string { return "" }
	for _, line := range []string{
		"--version",
		"--debug --version",
		"exec --help",
		"ls --help",
		"hook-exec --help",
		"exec",
		"exec --bogus work",
		"exec work --duration nonsense",
		"list --bogus",
		"ls --profiles extra",
		"env --shell nosuch work",
		"prompt --format",
		"--keyctl-scope galaxy list",
		"--backend",
		"exce work",
		// compatFlags, in the whole model only, after the command too.
		"exec work --help-man",
		"exec --no-session work --no-help",
		"ls --help-long",
	} {
		args := strings.Fields(line)
		var partOut, partErr, fullOut, fullErr strings.Builder
		partCode := Main(args, strings.NewReader(""), &partOut, &partErr, nil)
		fullCode, _ := mainWith(allCommands, args, strings.NewReader(""), &fullOut, &fullErr, nil)
		if partCode != fullCode || partOut.String() != fullOut.String() || partErr.String() != fullErr.String() {
			t.Errorf("%q: partial model gave %d\n%s%s\nwhole model gave %d\n%s%s", line,
				partCode, partOut.String(), partErr.String(), fullCode, fullOut.String(), fullErr.String())
		}
		if partCode == 0 && partOut.Len() == 0 {
			t.Errorf("%q: printed nothing", line)
		}
		// What succeeds must succeed on the partial model itself, not on
		// the retry with the whole one.
		if only := modelFor(args, getenv); partCode == 0 && !namesCompatFlag(args) {
			if only == allCommands {
				t.Errorf("%q: parsed with the whole model", line)
			}
			if _, retry := mainWith(only, args, strings.NewReader(""), io.Discard, io.Discard, nil); retry {
				t.Errorf("%q: the partial model refused it", line)
			}
		}
	}
}

// Every flag and argument of every command gets its help from a helpTable
// (see fillHelp), and every table entry names a flag or argument of each
// command whose struct lists that table: help is never missing, nor left
// behind for a flag that was renamed or removed.
func TestEveryValueHasHelp(t *testing.T) {
	var walk func(n *kong.Node, path string)
	walk = func(n *kong.Node, path string) {
		names := map[string]bool{}
		check := func(v *kong.Value) {
			names[v.Name] = true
			if strings.TrimSpace(v.Help) == "" {
				t.Errorf("%s: %s has no help: add it to the helpTable of its struct", path, v.Name)
			}
		}
		for _, f := range n.Flags {
			check(f.Value)
		}
		for _, p := range n.Positional {
			check(p)
		}
		if p, ok := n.Target.Addr().Interface().(interface{ flagHelp() []helpTable }); ok {
			for _, table := range p.flagHelp() {
				for name := range table {
					if !names[name] {
						t.Errorf("%s: help for %q, which is no flag or argument of it", path, name)
					}
				}
			}
		} else if len(n.Flags)+len(n.Positional) > 0 {
			t.Errorf("%s: has flags or arguments but no flagHelp method", path)
		}
		for _, c := range n.Children {
			walk(c, path+" "+c.Name)
		}
	}
	walk(fullModel(t).Node, "aws-vault")
}
