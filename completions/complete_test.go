package completions_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/alecthomas/kong"
	"github.com/posener/complete/v2"
	"github.com/posener/complete/v2/predict"

	"github.com/aws-vault/aws-vault/completions"
	"github.com/aws-vault/aws-vault/shells/registry"
)

// testCLI has one of everything the tree must handle.
type testCLI struct {
	Debug   bool   `help:"Show debugging output."`
	Backend string `help:"Secret backend." env:"TEST_BACKEND" default:"auto"`
	Level   string `enum:"low,high" default:"low" help:"How loud."`
	Secret  string `hidden:"" help:"Not for people."`
	Legacy  bool   `name:"legacy-flag" hidden:""`

	Add struct {
		Profile string `arg:"" predictor:"profile"`
		Force   bool   `short:"f" negatable:"" help:"Overwrite.\nSecond line."`
	} `cmd:"" aliases:"a" help:"Add a profile."`
	Remove struct {
		Profile string `arg:"" predictor:"credentials"`
	} `cmd:"" aliases:"rm,delete" help:"Remove a profile."`
	Exec struct {
		Duration string   `short:"d" help:"How long."`
		JSON     bool     `short:"j" name:"json"`
		Region   string   `help:"Region."`
		Profile  string   `arg:"" predictor:"profile"`
		Command  []string `arg:"" optional:"" passthrough:""`
	} `cmd:"" help:"Run a command."`
	Export struct {
		Format  string `enum:"env,json,ini" default:"env"`
		Profile string `arg:"" predictor:"profile"`
	} `cmd:"" help:"Export."`
	Allow struct {
		Path string `arg:"" optional:"" predictor:"dirs" type:"path"`
	} `cmd:"" help:"Trust a directory."`
	Open struct {
		File string `arg:"" type:"existingfile"`
	} `cmd:""`
	Future struct {
		Thing string `arg:"" predictor:"not-registered"`
	} `cmd:""`
	Group struct {
		Verbose bool `short:"v"`
		Inner   struct {
			Shell string `arg:"" optional:""`
		} `cmd:"" help:"Nested."`
	} `cmd:"" help:"A group."`
	Internal struct{} `cmd:"" hidden:""`
}

var profiles = []string{"default", "other", "team.dev_admin", "team.prod_admin", "team_ops"}

func testTree(t *testing.T, env map[string]string) *completions.Command {
	t.Helper()
	parser, err := kong.New(&testCLI{}, kong.Name("tool"))
	if err != nil {
		t.Fatal(err)
	}
	return completions.Build(parser.Model, completions.Options{
		Getenv: func(k string) string { return env[k] },
		Predictors: map[string]completions.PredictorFunc{
			"profile": func(*completions.Context) complete.Predictor { return predict.Set(profiles) },
			// Says which backend the line selected, so that the test
			// can see flags resolved from the line, the environment
			// and defaults.
			"credentials": func(ctx *completions.Context) complete.Predictor {
				return predict.Set{"cred-" + ctx.Flag("backend"), "level-" + ctx.Flag("level")}
			},
			"backend": func(*completions.Context) complete.Predictor { return predict.Set{"file", "pass", "keyctl"} },
		},
	})
}

func values(r completions.Result) []string {
	var out []string
	for _, c := range r.Candidates {
		out = append(out, c.Value)
	}
	return out
}

func TestComplete(t *testing.T) {
	tree := testTree(t, map[string]string{})
	allCommands := []string{"add", "allow", "exec", "export", "future", "group", "open", "remove"}
	for _, tc := range []struct {
		line string
		want []string
		rule completions.Rule
	}{
		// Commands, and aliases when the name does not match.
		{"tool ", allCommands, completions.RuleValues},
		{"tool ex", []string{"exec", "export"}, completions.RuleValues},
		{"tool r", []string{"remove"}, completions.RuleValues},
		{"tool rm", []string{"rm"}, completions.RuleValues},
		{"tool d", []string{"delete"}, completions.RuleValues},
		{"tool internal", nil, completions.RuleValues},
		// Global flags before the command, hidden ones left out.
		{"tool --", []string{"--backend", "--debug", "--help", "--level"}, completions.RuleValues},
		{"tool --l", []string{"--level"}, completions.RuleValues},
		{"tool --debug ex", []string{"exec", "export"}, completions.RuleValues},
		{"tool --backend file ex", []string{"exec", "export"}, completions.RuleValues},
		{"tool --secret x ex", []string{"exec", "export"}, completions.RuleValues},
		// Flag values: by name, enum, --name=value, after -short.
		{"tool --backend ", []string{"file", "keyctl", "pass"}, completions.RuleValues},
		{"tool --backend f", []string{"file"}, completions.RuleValues},
		{"tool --backend=", []string{"--backend=file", "--backend=keyctl", "--backend=pass"}, completions.RuleValues},
		{"tool --backend=p", []string{"--backend=pass"}, completions.RuleValues},
		{"tool --level ", []string{"high", "low"}, completions.RuleValues},
		{"tool export --format ", []string{"env", "ini", "json"}, completions.RuleValues},
		{"tool export --format=j", []string{"--format=json"}, completions.RuleValues},
		{"tool exec --region ", nil, completions.RuleValues},
		{"tool exec -d ", nil, completions.RuleValues},
		// A command's flags and its ancestors', short forms, negations.
		{"tool exec --j", []string{"--json"}, completions.RuleValues},
		{"tool exec -", []string{"--backend", "--debug", "--duration", "--help", "--json", "--level", "--region", "-d", "-h", "-j"}, completions.RuleValues},
		{"tool add --", []string{"--backend", "--debug", "--force", "--help", "--level", "--no-force"}, completions.RuleValues},
		{"tool add --no", []string{"--no-force"}, completions.RuleValues},
		{"tool add -f", []string{"-f"}, completions.RuleValues},
		// Profiles by position, after flags of any kind.
		{"tool exec ", profiles, completions.RuleValues},
		{"tool exec team.", []string{"team.dev_admin", "team.prod_admin"}, completions.RuleValues},
		{"tool exec team_", []string{"team_ops"}, completions.RuleValues},
		{"tool exec --json team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool exec -j team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool exec -d 1h team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool exec -d1h team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool exec --duration=1h team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool exec --region eu-west-1 --debug team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool --backend file exec team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool exec -- team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool a team.d", []string{"team.dev_admin"}, completions.RuleValues},
		{"tool exec 'team.d", []string{"team.dev_admin"}, completions.RuleValues},
		// Nothing after the last argument but the command's own flags.
		{"tool add team_ops ", []string{"--force", "--no-force", "-f"}, completions.RuleValues},
		// Nested commands.
		{"tool group ", []string{"inner"}, completions.RuleValues},
		{"tool group -v in", []string{"inner"}, completions.RuleValues},
		{"tool group inner --", []string{"--backend", "--debug", "--help", "--level", "--verbose"}, completions.RuleValues},
		// A tag nobody registered predicts nothing.
		{"tool future ", nil, completions.RuleValues},
		// Paths are the shell's.
		{"tool allow ", nil, completions.RuleDirs},
		{"tool allow --debug ../", nil, completions.RuleDirs},
		{"tool open ", nil, completions.RuleFiles},
		// The wrapped command of a passthrough argument.
		{"tool exec team_ops ", nil, completions.RuleCommand},
		{"tool exec team_ops -- ", nil, completions.RuleCommand},
		{"tool exec team_ops -- ls -", nil, completions.RuleCommand},
		{"tool exec team_ops ls --", nil, completions.RuleCommand},
		// An unknown command offers nothing.
		{"tool nosuch ", nil, completions.RuleValues},
	} {
		r := tree.Complete(tc.line, len(tc.line))
		if got := values(r); r.Rule != tc.rule || !slices.Equal(got, tc.want) {
			t.Errorf("%q: %v %q, want %v %q", tc.line, r.Rule, got, tc.rule, tc.want)
		}
	}
}

func TestCompleteCommandWord(t *testing.T) {
	tree := testTree(t, nil)
	for _, tc := range []struct {
		line         string
		word, offset int
	}{
		{"tool exec p ", 3, 12},
		{"tool exec p -- ", 4, 15},
		{"tool exec p -- ls -l", 4, 15},
		{"tool --backend=file exec -j p  ls", 5, 31},
		{"tool exec p ls -- x", 3, 12},
	} {
		r := tree.Complete(tc.line, -1)
		if r.Rule != completions.RuleCommand || r.CommandWord != tc.word || r.CommandOffset != tc.offset {
			t.Errorf("%q: %v word %d at %d, want command word %d at %d", tc.line, r.Rule, r.CommandWord, r.CommandOffset, tc.word, tc.offset)
		}
	}
}

// TestContextFlag: predictors see a flag's value from the line, else its
// environment variable, else its default.
func TestContextFlag(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		line string
		want []string
	}{
		{nil, "tool remove ", []string{"cred-auto", "level-low"}},
		{map[string]string{"TEST_BACKEND": "pass"}, "tool remove ", []string{"cred-pass", "level-low"}},
		{map[string]string{"TEST_BACKEND": "pass"}, "tool --backend file remove ", []string{"cred-file", "level-low"}},
		{nil, "tool --backend=keyctl --level high rm ", []string{"cred-keyctl", "level-high"}},
		{nil, "tool remove --level=high ", []string{"cred-auto", "level-high"}},
	} {
		r := testTree(t, tc.env).Complete(tc.line, -1)
		if got := values(r); !slices.Equal(got, tc.want) {
			t.Errorf("%q with %v: %q, want %q", tc.line, tc.env, got, tc.want)
		}
	}
}

func TestCompletePoint(t *testing.T) {
	tree := testTree(t, nil)
	line := "tool ex team.dev_admin"
	if got := values(tree.Complete(line, len("tool ex"))); !slices.Equal(got, []string{"exec", "export"}) {
		t.Errorf("cursor after %q: %q", "tool ex", got)
	}
}

func TestDescriptions(t *testing.T) {
	tree := testTree(t, nil)
	r := tree.Complete("tool add --f", -1)
	if len(r.Candidates) != 1 || r.Candidates[0].Description != "Overwrite." {
		t.Errorf("candidates %+v, want --force described by the first line of its help", r.Candidates)
	}
	r = tree.Complete("tool gr", -1)
	if len(r.Candidates) != 1 || r.Candidates[0].Description != "A group." {
		t.Errorf("candidates %+v, want group described by its help", r.Candidates)
	}
}

// TestCompleter: the tree is a complete.Completer that complete/v2's own
// driver can walk (where that driver's generic grammar is kong's: it offers
// flags with the dashes typed so far, every flag on an empty word, and no
// global flags before a command, which is why Complete exists).
func TestCompleter(t *testing.T) {
	tree := testTree(t, nil)
	complete.Test(t, tree, "ex", []string{"exec", "export"})
	complete.Test(t, tree, "export --format ", []string{"env", "json", "ini"})
	complete.Test(t, tree, "exec --j", []string{"--json"})
	complete.Test(t, tree, "group inner --v", []string{"--verbose"})
	if got := tree.SubCmdGet("internal"); got == nil {
		t.Error("hidden command not found by name")
	}
	if got := tree.SubCmdGet("nosuch"); got != nil {
		t.Errorf("SubCmdGet(nosuch) = %v, want nil", got)
	}
	if slices.Contains(tree.FlagList(), "secret") {
		t.Error("FlagList lists a hidden flag")
	}
}

func TestAnswer(t *testing.T) {
	tree := testTree(t, nil)
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "subdir"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"plain", nil, map[string]string{"COMP_LINE": "tool ex", "COMP_POINT": "7"}, "exec\nexport\n"},
		{"plain point", nil, map[string]string{"COMP_LINE": "tool ex xyz", "COMP_POINT": "7"}, "exec\nexport\n"},
		{"plain dirs", nil, map[string]string{"COMP_LINE": "tool allow s", "COMP_POINT": "12"}, "subdir/\n"},
		{"plain command", nil, map[string]string{"COMP_LINE": "tool exec p l", "COMP_POINT": "13"}, ""},
		{"legacy", []string{"--completion-bash", "export", "--format", ""}, nil, "env\nini\njson\n"},
		{"zsh", nil, map[string]string{"COMP_LINE": "tool gr", "AWS_VAULT_COMPLETE": "zsh"}, "values\ngroup\tA group.\n"},
		{"fish none", nil, map[string]string{"COMP_LINE": "tool future x", "AWS_VAULT_COMPLETE": "fish"}, "values\n"},
		{"bash", nil, map[string]string{"COMP_LINE": "tool gr", "COMP_POINT": "7", "AWS_VAULT_COMPLETE": "bash"}, "values\ngroup\n"},
		{"bash =", nil, map[string]string{"COMP_LINE": "tool --level=h", "COMP_POINT": "14", "AWS_VAULT_COMPLETE": "bash", "COMP_WORDBREAKS": " \t\n\"'><=;|&(:"}, "values\nhigh\n"},
		{"bash = not a break", nil, map[string]string{"COMP_LINE": "tool --level=h", "COMP_POINT": "14", "AWS_VAULT_COMPLETE": "bash", "COMP_WORDBREAKS": " \t\n"}, "values\n--level=high\n"},
		{"zsh =", nil, map[string]string{"COMP_LINE": "tool --level=h", "AWS_VAULT_COMPLETE": "zsh"}, "values\n--level=high\n"},
		{"dirs", nil, map[string]string{"COMP_LINE": "tool allow ", "AWS_VAULT_COMPLETE": "zsh"}, "dirs\n"},
		{"files", nil, map[string]string{"COMP_LINE": "tool open x", "AWS_VAULT_COMPLETE": "fish"}, "files\n"},
		{"command", nil, map[string]string{"COMP_LINE": "tool exec p -- l", "AWS_VAULT_COMPLETE": "bash"}, "command 4 15\n"},
	} {
		if !completions.Requested(tc.args, func(k string) string { return tc.env[k] }) {
			t.Errorf("%s: not a request", tc.name)
			continue
		}
		var b bytes.Buffer
		if err := tree.Answer(tc.args, func(k string) string { return tc.env[k] }, &b); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s: answer %q, want %q", tc.name, b.String(), tc.want)
		}
	}
}

func TestRequested(t *testing.T) {
	for _, env := range []map[string]string{
		{},
		{"COMP_LINE": "tool ex"},             // COMP_POINT missing
		{"COMP_POINT": "3"},                  // COMP_LINE missing
		{"AWS_VAULT_COMPLETE": "zsh"},        // COMP_LINE missing
		{"COMP_LINE": "", "COMP_POINT": "0"}, // empty line
	} {
		if completions.Requested([]string{"exec", "p"}, func(k string) string { return env[k] }) {
			t.Errorf("%v: a request", env)
		}
	}
}

func TestSplitLine(t *testing.T) {
	tree := testTree(t, nil)
	// Quoted and escaped words count as one word each.
	for _, line := range []string{
		`tool exec 'a b' `,
		`tool exec "a b" `,
		`tool exec a\ b `,
		`tool exec "a\"b" `,
		"tool\texec  x\t",
	} {
		if r := tree.Complete(line, -1); r.Rule != completions.RuleCommand || r.CommandWord != 3 {
			t.Errorf("%q: %v word %d, want the command at word 3", line, r.Rule, r.CommandWord)
		}
	}
	if r := tree.Complete(`tool exec "team.d`, -1); r.Quote != '"' || r.Word != `"team.d` || !slices.Equal(values(r), []string{"team.dev_admin"}) {
		t.Errorf("open quote: %+v", r)
	}
}

func TestScripts(t *testing.T) {
	for _, sh := range registry.All() {
		s, err := sh.Completion()
		if err != nil || !strings.Contains(s, "aws-vault") || !strings.Contains(s, "AWS_VAULT_COMPLETE") {
			t.Errorf("%s completion: %v\n%s", sh.Name(), err, s)
		}
		if u := sh.Usage(); u.Completion == "" || u.CompletionFile == "" {
			t.Errorf("%s: no install hint or file name", sh.Name())
		}
	}
}
