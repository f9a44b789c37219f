package completions_test

// These tests build aws-vault, install its completion scripts in the real
// shells and complete through them. A missing shell skips its test, or fails
// it when REQUIRE_SHELLS=1.

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/kong"

	"github.com/aws-vault/aws-vault/commands"
	"github.com/aws-vault/aws-vault/completions"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

var update = flag.Bool("update", false, "rewrite contrib/completions/ from what aws-vault prints")

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
)

// binary builds aws-vault once per test run and returns the directory it is
// in, to put on PATH.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "aws-vault-completion-test")
		if buildErr != nil {
			return
		}
		out, err := exec.Command("go", "build", "-o", filepath.Join(buildDir, "aws-vault"), "github.com/aws-vault/aws-vault").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildDir
}

func TestMain(m *testing.M) {
	flag.Parse()
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func requireShell(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("REQUIRE_SHELLS") == "1" {
			t.Fatalf("%s not found and REQUIRE_SHELLS=1: %v", name, err)
		}
		t.Skipf("%s not found: %v", name, err)
	}
	return p
}

const fixtureConfig = `[default]
region = us-east-1

[profile team.dev_admin]
region = eu-west-1

[profile team.prod_admin]
source_profile = team.dev_admin
role_arn = arn:aws:iam::111111111111:role/Admin

[profile team_ops]

[profile other]
`

// fixture is a HOME with a config of dotted and underscored profile names
// and a file backend holding credentials for team.dev_admin, team_ops and
// orphan.key (which is in no config): the environment to run shells in.
func fixture(t *testing.T) []string {
	t.Helper()
	dir := binary(t)
	home := t.TempDir()
	if err := os.MkdirAll(filepath.Join(home, ".aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(fixtureConfig), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(home, "work dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := []string{
		"HOME=" + home,
		"PATH=" + dir + string(os.PathListSeparator) + os.Getenv("PATH"),
		"TERM=dumb",
		"LANG=C.UTF-8",
		"AWS_CONFIG_FILE=" + filepath.Join(home, ".aws", "config"),
		"AWS_VAULT_BACKEND=file",
		"AWS_VAULT_FILE_DIR=" + filepath.Join(home, ".awsvault", "keys"),
		"AWS_VAULT_FILE_PASSPHRASE=completion test",
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
	}
	for _, p := range []string{"team.dev_admin", "team_ops", "orphan.key"} {
		cmd := exec.Command(filepath.Join(dir, "aws-vault"), "add", "--env", "--no-add-config", p)
		cmd.Env = append(env, "AWS_ACCESS_KEY_ID=AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY=secret")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("aws-vault add %s: %v\n%s", p, err, out)
		}
	}
	return env
}

// shellCase is a line to complete (the cursor at its end) and the
// candidates every shell must offer.
type shellCase struct {
	line string
	want []string
}

func shellCases() []shellCase {
	backends := slices.Clone(keyring.Available())
	slices.Sort(backends)
	return []shellCase{
		{"aws-vault ex", []string{"exec", "export"}},
		{"aws-vault exec --no-s", []string{"--no-session"}},
		{"aws-vault list --pro", []string{"--profiles", "--prompt"}},
		{"aws-vault --backend ", backends},
		{"aws-vault exec team.", []string{"team.dev_admin", "team.prod_admin"}},
		{"aws-vault export --format json team_", []string{"team_ops"}},
		{"aws-vault remove ", []string{"orphan.key", "team.dev_admin", "team_ops"}},
		{"aws-vault rm team", []string{"team.dev_admin", "team_ops"}},
		{"aws-vault export --format ", []string{"env", "export-env", "ini", "json"}},
	}
}

func run(t *testing.T, env []string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.Dir = homeOf(env)
	out, err := cmd.Output()
	if err != nil {
		stderr := ""
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %q: %v\n%s%s", name, args, err, out, stderr)
	}
	return string(out)
}

func homeOf(env []string) string {
	for _, kv := range env {
		if h, ok := strings.CutPrefix(kv, "HOME="); ok {
			return h
		}
	}
	return ""
}

func writeScript(t *testing.T, shell string) string {
	t.Helper()
	s, err := completions.Script(shell)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), completions.FileName(shell))
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sortedLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// bashWords splits a line as bash does for COMP_WORDS: at blanks, and
// around each run of COMP_WORDBREAKS' = and : characters.
func bashWords(line string) []string {
	words := []string{""}
	for _, f := range strings.FieldsFunc(line, func(r rune) bool { return r == ' ' }) {
		words = words[:len(words)-1]
		cur := ""
		for i := 0; i < len(f); i++ {
			brk := f[i] == '=' || f[i] == ':'
			if cur != "" && brk != (cur[len(cur)-1] == '=' || cur[len(cur)-1] == ':') {
				words = append(words, cur)
				cur = ""
			}
			cur += f[i : i+1]
		}
		words = append(words, cur, "")
	}
	if !strings.HasSuffix(line, " ") {
		words = words[:len(words)-1]
	}
	return words
}

// bashComplete runs the function that the installed script registered for
// aws-vault, as bash does on Tab, and returns COMPREPLY.
func bashComplete(t *testing.T, env []string, script, line, extra string) []string {
	t.Helper()
	bash := requireShell(t, "bash")
	words := bashWords(line)
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shellQuote(w)
	}
	cur := words[len(words)-1]
	if cur == "=" || cur == ":" {
		cur = "" // readline's word starts after a break character
	}
	prog := fmt.Sprintf(`source %s || exit 1
%s
spec=$(complete -p aws-vault) || exit 1
fn=${spec#*-F }; fn=${fn%%%% *}
COMP_LINE=%s
COMP_POINT=${#COMP_LINE}
COMP_WORDS=(%s)
COMP_CWORD=%d
COMP_TYPE=9 COMP_KEY=9
"$fn" aws-vault %s %s
printf '%%s\n' "${COMPREPLY[@]}"
`, shellQuote(script), extra, shellQuote(line), strings.Join(quoted, " "), len(words)-1, shellQuote(cur), shellQuote(words[max(0, len(words)-2)]))
	return sortedLines(run(t, env, bash, "--norc", "--noprofile", "-c", prog))
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func TestBash(t *testing.T) {
	t.Parallel()
	env := fixture(t)
	script := writeScript(t, "bash")
	for _, tc := range shellCases() {
		if got := bashComplete(t, env, script, tc.line, ""); !slices.Equal(got, tc.want) {
			t.Errorf("bash %q: %q, want %q", tc.line, got, tc.want)
		}
	}
	for _, tc := range []shellCase{
		// bash splits at = and replaces only what follows it.
		{"aws-vault --backend=f", []string{"file"}},
		{"aws-vault export --format=", []string{"env", "export-env", "ini", "json"}},
		// Without bash-completion: command names, then (compopt -o
		// default, which fails outside a real Tab) bash's file names.
		{"aws-vault exec team_ops -- printen", []string{"printenv"}},
		{"aws-vault exec team_ops printen", []string{"printenv"}},
		{"aws-vault allow wor", []string{"work dir"}},
	} {
		if got := bashComplete(t, env, script, tc.line, ""); !slices.Equal(got, tc.want) {
			t.Errorf("bash %q: %q, want %q", tc.line, got, tc.want)
		}
	}
	// With bash-completion loaded, the wrapped command goes to its
	// _command_offset at the index of the command's first word.
	stub := `_command_offset() { COMPREPLY=("offset:$1" "word:${COMP_WORDS[$1]}"); }`
	for _, tc := range []shellCase{
		{"aws-vault exec team_ops -- ls -", []string{"offset:4", "word:ls"}},
		{"aws-vault --backend=file exec -d 1h team_ops ls ", []string{"offset:8", "word:ls"}},
		{"aws-vault exec team_ops ", []string{"offset:3", "word:"}},
	} {
		if got := bashComplete(t, env, script, tc.line, stub); !slices.Equal(got, tc.want) {
			t.Errorf("bash %q with _command_offset: %q, want %q", tc.line, got, tc.want)
		}
	}
}

// TestBashInsideOpenQuotes: a candidate completed inside an open quote is
// escaped for that quote, so $(…) in a profile name never runs.
func TestBashInsideOpenQuotes(t *testing.T) {
	t.Parallel()
	env := fixture(t)
	cfg := filepath.Join(homeOf(env), ".aws", "config")
	if err := os.WriteFile(cfg, []byte("[profile a$(id)b]\n[profile it's]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, "bash")
	for line, want := range map[string]string{
		`aws-vault exec "a`: `"a\$(id)b`,
		`aws-vault exec 'i`: `'it'\''s`,
		`aws-vault exec a`:  `a\$\(id\)b`,
	} {
		if got := bashComplete(t, env, script, line, ""); !slices.Equal(got, []string{want}) {
			t.Errorf("bash %s: %q, want %q", line, got, want)
		}
	}
}

// TestBashProfileWithSpace: a candidate bash would split is escaped.
func TestBashProfileWithSpace(t *testing.T) {
	t.Parallel()
	env := fixture(t)
	cfg := filepath.Join(homeOf(env), ".aws", "config")
	if err := os.WriteFile(cfg, []byte("[profile my profile]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := writeScript(t, "bash")
	if got, want := bashComplete(t, env, script, "aws-vault exec my", ""), []string{`my\ profile`}; !slices.Equal(got, want) {
		t.Errorf("bash: %q, want %q", got, want)
	}
}

func TestFish(t *testing.T) {
	t.Parallel()
	fish := requireShell(t, "fish")
	env := fixture(t)
	script := writeScript(t, "fish")
	cases := append(shellCases(),
		shellCase{"aws-vault --backend=f", []string{"--backend=file"}},
		shellCase{"aws-vault exec team_ops -- printen", []string{"printenv"}},
		shellCase{"aws-vault allow wor", []string{"work dir/"}},
	)
	for _, tc := range cases {
		out := run(t, env, fish, "--no-config", "-c", "source "+shellQuote(script)+"; complete -C "+shellQuote(tc.line))
		var got []string
		for _, l := range sortedLines(out) {
			v, _, _ := strings.Cut(l, "\t")
			got = append(got, v)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("fish %q: %q, want %q", tc.line, got, tc.want)
		}
	}
	// Descriptions come from the commands' help.
	out := run(t, env, fish, "--no-config", "-c", "source "+shellQuote(script)+"; complete -C 'aws-vault exe'")
	if !strings.Contains(out, "exec\tExecute a command with AWS credentials.") {
		t.Errorf("fish: no description for exec in %q", out)
	}
}

// zshDriver runs an interactive zsh in a pseudo-terminal (zpty), installs
// the completion with compinit, replaces compadd with a function that also
// records every match it adds, then types each line and Tab. After each
// Tab it types a command and waits for its output, so the matches of one
// Tab cannot leak into the next.
const zshDriver = `
zmodload zsh/zpty || exit 3
script=$1 out=$2; shift 2
zpty z zsh -f -i || exit 4
zpty -w z 'PS1="%% "; RPS1=""; setopt no_auto_list no_auto_menu no_list_beep no_beep; unsetopt zle_bracketed_paste 2>/dev/null'
zpty -w z 'autoload -Uz compinit && compinit -u -D'
zpty -w z "fpath=(${(q)script:h} \$fpath); autoload -Uz _aws-vault; compdef _aws-vault aws-vault"
zpty -w z 'zle-line-init() { print -n $'"'"'\x3cRDY\x3e'"'"' }; zle -N zle-line-init'
zpty -w z 'compadd() {
  if (( ${argv[(I)-[OAD]*]} )); then builtin compadd "$@"; return; fi
  local -a __hits; builtin compadd -A __hits "$@"
  (( $#__hits )) && print -rl -- "${__hits[@]}" >> $__cap
  builtin compadd "$@"
}'
# zsh flushes typeahead when it sets up the terminal for the next line, so
# each line is typed only once the line editor is reading (zle-line-init
# prints <RDY>).
integer i=0
local line
for c in "$@"; do
  (( i++ ))
  zpty -w z "__cap=${(q)out}/$i; : >| \$__cap; print -r -- \$(( 6 * 7 ))__ready_$i"
  zpty -r z line "*42__ready_$i*<RDY>*" || exit 5
  zpty -w -n z "$c"$'\t'
  zpty -w z $'\C-u'"print -r -- \$(( 6 * 7 ))__done_$i"
  zpty -r z line "*42__done_$i*" || exit 5
done
zpty -d z
`

func TestZsh(t *testing.T) {
	t.Parallel()
	zsh := requireShell(t, "zsh")
	env := fixture(t)
	script := writeScript(t, "zsh")
	driver := filepath.Join(t.TempDir(), "driver.zsh")
	if err := os.WriteFile(driver, []byte(zshDriver), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := append(shellCases(),
		shellCase{"aws-vault --backend=f", []string{"--backend=file"}},
		shellCase{"aws-vault exec team_ops -- printen", []string{"printenv"}},
		shellCase{"aws-vault allow wor", []string{"work\\ dir"}},
	)
	var lines []string
	for _, tc := range cases {
		lines = append(lines, tc.line)
	}
	out := t.TempDir()
	run(t, env, zsh, append([]string{"-f", driver, script, out}, lines...)...)
	for i, tc := range cases {
		data, err := os.ReadFile(filepath.Join(out, fmt.Sprint(i+1)))
		if err != nil {
			t.Fatalf("zsh %q: %v", tc.line, err)
		}
		if got := sortedLines(string(data)); !slices.Equal(got, tc.want) {
			t.Errorf("zsh %q: %q, want %q", tc.line, got, tc.want)
		}
	}
}

// TestZshEval: the script also works evaluated, as the original's
// `eval "$(aws-vault --completion-script-zsh)"` lines do, even before
// compinit.
func TestZshEval(t *testing.T) {
	t.Parallel()
	zsh := requireShell(t, "zsh")
	env := fixture(t)
	out := run(t, env, zsh, "-f", "-c", `eval "$(aws-vault --completion-script-zsh)" && print -r -- ${_comps[aws-vault]}`)
	if strings.TrimSpace(out) != "_aws-vault" {
		t.Errorf("after eval, aws-vault completes with %q, want _aws-vault", out)
	}
}

// TestContrib: contrib/completions/ holds exactly what `aws-vault
// completion SHELL` prints (go test ./completions -update rewrites it), and
// the original's flags print the same scripts.
func TestContrib(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(binary(t), "aws-vault")
	env := append(os.Environ(), "HOME="+t.TempDir())
	for _, sh := range completions.Shells() {
		got := run(t, env, bin, "completion", sh)
		path := filepath.Join("..", "contrib", "completions", completions.FileName(sh))
		if *update {
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test ./completions -update writes it)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from `aws-vault completion %s`; run go test ./completions -update", path, sh)
		}
	}
	for flag, sh := range map[string]string{"--completion-script-bash": "bash", "--completion-script-zsh": "zsh"} {
		want, _ := completions.Script(sh)
		if got := run(t, env, bin, flag); got != want {
			t.Errorf("aws-vault %s does not print the %s script", flag, sh)
		}
	}
}

// TestPowerShellScript: the registered completer, checked by its text (no
// pwsh here) and, where the tree-sitter checker of shells/powershell is
// installed, by its syntax.
func TestPowerShellScript(t *testing.T) {
	t.Parallel()
	s, err := completions.Script("powershell")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Register-ArgumentCompleter -Native -CommandName 'aws-vault', 'aws-vault.exe' -ScriptBlock {",
		"param($wordToComplete, $commandAst, $cursorPosition)",
		"[Environment]::SetEnvironmentVariable('AWS_VAULT_COMPLETE', 'powershell')",
		"[Environment]::SetEnvironmentVariable('COMP_LINE', $line)",
		"[System.Management.Automation.CompletionResult]::new($completion, $value, 'ParameterValue', $description)",
		"[System.Management.Automation.CommandCompletion]::CompleteInput($sub, $sub.Length, $null).CompletionMatches",
		"EscapeSingleQuotedStringContent($value)",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the PowerShell script lacks %q", want)
		}
	}
	node, err := exec.LookPath("node")
	checker := filepath.Join("..", "shells", "powershell", "testdata", "check-syntax.cjs")
	modules := filepath.Join("..", "shells", "powershell", "testdata", "node_modules", "tree-sitter-powershell")
	if _, serr := os.Stat(modules); err != nil || serr != nil {
		if os.Getenv("REQUIRE_PWSH_PARSER") == "1" {
			t.Fatalf("no PowerShell syntax checker: node %v, %v", err, serr)
		}
		t.Skip("no PowerShell syntax checker (node and npm ci --prefix shells/powershell/testdata)")
	}
	p := writeScript(t, "powershell")
	if out, err := exec.Command(node, checker, p).CombinedOutput(); err != nil {
		t.Errorf("syntax check: %v\n%s", err, out)
	}
}

// TestRealCLI walks aws-vault's own command model: every visible command's
// flags are offered exactly (hidden ones never), and every argument tagged
// predictor:"profile" completes profile names from the config through the
// built binary, so commands added later are covered without a new test.
func TestRealCLI(t *testing.T) {
	t.Parallel()
	parser, err := kong.New(&commands.CLI{}, kong.Name("aws-vault"),
		kong.Vars{"version": "test", "backends": "", "prompts": ""})
	if err != nil {
		t.Fatalf("building aws-vault's model (a new ${var} in a help text must be added here): %v", err)
	}
	tree := completions.Build(parser.Model, completions.Options{})
	env := fixture(t)
	bin := filepath.Join(binary(t), "aws-vault")
	profileArgs := 0
	var walk func(n *kong.Node, path []string)
	walk = func(n *kong.Node, path []string) {
		if n.Hidden {
			return
		}
		var want []string
		for _, group := range n.AllFlags(true) {
			for _, f := range group {
				want = append(want, "--"+f.Name)
				if f.Tag.Negatable != "" {
					want = append(want, "--no-"+f.Name)
				}
				if f.Short != 0 {
					want = append(want, "-"+string(f.Short))
				}
			}
		}
		slices.Sort(want)
		line := strings.Join(append(append([]string{"aws-vault"}, path...), "-"), " ")
		if got := values(tree.Complete(line, -1)); !slices.Equal(got, want) {
			t.Errorf("%q: %q, want %q", line, got, want)
		}
		for i, p := range n.Positional {
			if p.Tag.Get("predictor") != "profile" {
				continue
			}
			profileArgs++
			words := append([]string{"aws-vault"}, path...)
			for range i {
				words = append(words, "x")
			}
			line := strings.Join(append(words, "team."), " ")
			cmd := exec.Command(bin)
			cmd.Env = append(env, "COMP_LINE="+line, fmt.Sprintf("COMP_POINT=%d", len(line)))
			out, err := cmd.Output()
			if got, want := sortedLines(string(out)), []string{"team.dev_admin", "team.prod_admin"}; err != nil || !slices.Equal(got, want) {
				t.Errorf("%q: %q (%v), want %q", line, got, err, want)
			}
		}
		for _, c := range n.Children {
			walk(c, append(slices.Clone(path), c.Name))
		}
	}
	walk(parser.Model.Node, nil)
	if profileArgs < 6 {
		t.Errorf("only %d profile arguments found; exec, export, env, add, login and rotate have one", profileArgs)
	}
}
