package completions_test

// These tests build aws-vault, install its completion scripts in the real
// shells and complete through them. A missing shell skips its test, or fails
// it when REQUIRE_SHELLS=1.

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alecthomas/kong"
	"github.com/creack/pty"

	"github.com/aws-vault/aws-vault/commands"
	"github.com/aws-vault/aws-vault/completions"
	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/shells/registry"
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
		{"aws-vault exec --no-se", []string{"--no-server", "--no-session"}},
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
	s := script(t, shell)
	p := filepath.Join(t.TempDir(), completionFile(shell))
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

// elvishDriver is the rc file of an interactive elvish (edit: exists only
// there). It installs the completion as the script says, then, for each
// line of the JSON list in $E:CASES, has elvish's completion engine complete
// it (edit:completion:start) and accepts each candidate in turn, recording
// the line that results. It writes the results to $E:OUT as JSON, with
// the menu text of `aws-vault exe` and whether the completer left the
// environment as it was, and exits.
const elvishDriver = `var results = [&]
try {
  eval (aws-vault completion elvish | slurp)
  for line (from-json < $E:CASES) {
    var got = []
    var prev = $line
    var i = 0
    while $true {
      set edit:current-command = $line
      edit:completion:start
      range $i | each {|_| edit:completion:down }
      edit:completion:accept
      var now = $edit:current-command
      edit:close-mode
      if (eq $now $prev) {
        break
      }
      set got = [$@got $now]
      set prev = $now
      set i = (+ $i 1)
    }
    set results[$line] = $got
  }
  set results['#display'] = [($edit:completion:arg-completer[aws-vault] aws-vault exe | each {|c| to-string $c[display] })]
  set results['#env'] = [(each {|v| to-string (has-env $v) } [AWS_VAULT_COMPLETE COMP_LINE COMP_POINT])]
} catch e {
  set results['#error'] = [(to-string $e[reason])]
}
put $results | to-json > $E:OUT
exit
`

// elvishComplete runs elvishDriver in a pseudo-terminal for lines and
// returns its results.
func elvishComplete(t *testing.T, elvish string, env []string, lines []string) map[string][]string {
	t.Helper()
	dir := t.TempDir()
	rc, cases, out := filepath.Join(dir, "rc.elv"), filepath.Join(dir, "cases.json"), filepath.Join(dir, "out.json")
	js, err := json.Marshal(lines)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(rc, []byte(elvishDriver), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cases, js, 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(elvish, "-rc", rc)
	cmd.Env = append(slices.Clone(env), "CASES="+cases, "OUT="+out)
	cmd.Dir = homeOf(env)
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	var terminal bytes.Buffer
	copied := make(chan struct{})
	go func() {
		_, _ = io.Copy(&terminal, f)
		close(copied)
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err = <-waited:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-waited
		err = fmt.Errorf("timed out")
	}
	f.Close()
	<-copied
	data, rerr := os.ReadFile(out)
	if rerr != nil {
		t.Fatalf("elvish: %v (%v); terminal:\n%s", rerr, err, terminal.String())
	}
	var res map[string][]string
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatalf("elvish: %v\n%s", err, data)
	}
	if e, ok := res["#error"]; ok {
		t.Fatalf("elvish: %q; terminal:\n%s", e, terminal.String())
	}
	return res
}

// lastWord is where the last word of line starts: after its last blank
// outside single quotes.
func lastWord(line string) int {
	start, quoted := 0, false
	for i, c := range line {
		switch {
		case c == '\'':
			quoted = !quoted
		case c == ' ' && !quoted:
			start = i + 1
		}
	}
	return start
}

// TestElvish completes through elvish's own completion engine, in an
// interactive elvish that installed the script with the line it gives.
func TestElvish(t *testing.T) {
	t.Parallel()
	elvish := requireShell(t, "elvish")
	env := fixture(t)
	cases := append(shellCases(),
		// elvish quotes a word with = in it.
		shellCase{"aws-vault --backend=f", []string{"'--backend=file'"}},
		shellCase{"aws-vault exec team_ops -- printen", []string{"printenv"}},
		// The wrapped command completes by its own arg-completer.
		shellCase{"aws-vault exec team_ops -- aws-vault ex", []string{"exec", "export"}},
		// elvish quotes what it inserts.
		shellCase{"aws-vault allow wor", []string{"'work dir/'"}},
	)
	check := func(cases []shellCase) map[string][]string {
		var lines []string
		for _, tc := range cases {
			lines = append(lines, tc.line)
		}
		res := elvishComplete(t, elvish, env, lines)
		for _, tc := range cases {
			var got []string
			for _, l := range res[tc.line] {
				v, ok := strings.CutPrefix(l, tc.line[:lastWord(tc.line)])
				if !ok {
					t.Errorf("elvish %q: completed to %q", tc.line, l)
				}
				got = append(got, strings.TrimSuffix(v, " ")) // a value's code suffix
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("elvish %q: %q, want %q", tc.line, got, tc.want)
			}
		}
		return res
	}
	res := check(cases)
	if d := strings.Join(res["#display"], "\n"); !strings.Contains(d, "exec  ") || !strings.Contains(d, "Execute a command with AWS credentials.") {
		t.Errorf("elvish: no description for exec in %q", d)
	}
	if got, want := res["#env"], []string{"$false", "$false", "$false"}; !slices.Equal(got, want) {
		t.Errorf("elvish: after completing, has-env AWS_VAULT_COMPLETE, COMP_LINE, COMP_POINT: %q, want %q", got, want)
	}

	// Words that need quoting, before the cursor and at it.
	cfg := filepath.Join(homeOf(env), ".aws", "config")
	if err := os.WriteFile(cfg, []byte("[profile my profile]\n[profile it's]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	check([]shellCase{
		{"aws-vault exec my", []string{"'my profile'"}},
		{"aws-vault exec 'my p", []string{"'my profile'"}},
		{"aws-vault exec it", []string{"'it''s'"}},
		{"aws-vault --prompt 'a b' exec --region 'x''y' m", []string{"'my profile'"}},
	})
}

// nuComplete has nushell's completion engine complete line, typed after
// the script is sourced: nu --ide-complete completes as the REPL does.
func nuComplete(t *testing.T, nu string, env []string, script, line string) []string {
	t.Helper()
	src := "source '" + script + "'\n" + line
	f := filepath.Join(t.TempDir(), "line.nu")
	if err := os.WriteFile(f, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out := run(t, env, nu, "--no-config-file", "--no-std-lib", "--ide-complete", fmt.Sprint(len(src)), f)
	var res struct{ Completions []string }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("nu --ide-complete: %v\n%s", err, out)
	}
	slices.Sort(res.Completions)
	return res.Completions
}

type nuCandidate struct {
	Value       string `json:"value"`
	Description string `json:"description"`
}

// nuCompleter calls the script's completer with spans, as nushell does on
// Tab: null (nushell's own file completion) is nil.
func nuCompleter(t *testing.T, nu string, env []string, script string, spans ...string) []nuCandidate {
	t.Helper()
	js, err := json.Marshal(spans)
	if err != nil {
		t.Fatal(err)
	}
	prog := "source '" + script + "'; nu-complete aws-vault ($env.SPANS | from json) | to json -r"
	out := run(t, append(slices.Clone(env), "SPANS="+string(js)), nu, "--no-config-file", "--no-std-lib", "-c", prog)
	var cs []nuCandidate
	if err := json.Unmarshal([]byte(out), &cs); err != nil {
		t.Fatalf("nu-complete aws-vault %q: %v\n%s", spans, err, out)
	}
	return cs
}

func nuValues(cs []nuCandidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Value)
	}
	slices.Sort(out)
	return out
}

func TestNushell(t *testing.T) {
	t.Parallel()
	nu := requireShell(t, "nu")
	env := fixture(t)
	script := writeScript(t, "nushell")
	cases := append(shellCases(),
		shellCase{"aws-vault --backend=f", []string{"--backend=file"}},
		shellCase{"aws-vault exec team_ops -- printen", []string{"printenv"}},
		// dirs, and the wrapped command's arguments: nushell's file
		// completion, which quotes.
		shellCase{"aws-vault allow wor", []string{"`work dir/`"}},
		shellCase{"aws-vault exec team_ops -- ls wor", []string{"`work dir/`"}},
	)
	for _, tc := range cases {
		if got := nuComplete(t, nu, env, script, tc.line); !slices.Equal(got, tc.want) {
			t.Errorf("nu %q: %q, want %q", tc.line, got, tc.want)
		}
	}

	// The completer itself, with words nushell's parser would not take
	// whole (an open quote), quoted words and descriptions.
	for _, tc := range []struct {
		spans []string
		want  []string
	}{
		{[]string{"aws-vault", "exec", `"team_`}, []string{`"team_ops"`}},
		{[]string{"aws-vault", "exec", "'team_"}, []string{"'team_ops'"}},
		{[]string{"aws-vault", "exec", "`team_"}, []string{"`team_ops`"}},
		{[]string{"aws-vault", "--backend", "'file'", "exec", `"team."`}, []string{`"team.dev_admin"`, `"team.prod_admin"`}},
		{[]string{"aws-vault", "allow", "wor"}, nil},
		{[]string{"aws-vault", "exec", "team_ops", "--", "ls", ""}, nil},
		// "aws-vault env" of the shell integration, were it given this
		// completer, comes as one span.
		{[]string{"aws-vault env", "--backend", "f"}, []string{"file"}},
	} {
		if got := nuValues(nuCompleter(t, nu, env, script, tc.spans...)); !slices.Equal(got, tc.want) {
			t.Errorf("nu-complete aws-vault %q: %q, want %q", tc.spans, got, tc.want)
		}
	}
	if cs := nuCompleter(t, nu, env, script, "aws-vault", "exe"); !slices.Contains(cs, nuCandidate{"exec", "Execute a command with AWS credentials."}) {
		t.Errorf("nu: no description for exec in %q", cs)
	}

	cfg := filepath.Join(homeOf(env), ".aws", "config")
	if err := os.WriteFile(cfg, []byte("[profile my profile]\n[profile it's]\n[profile a$(id)b]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		spans []string
		want  []string
	}{
		{[]string{"aws-vault", "exec", "my"}, []string{"'my profile'"}},
		{[]string{"aws-vault", "exec", "it"}, []string{`"it's"`}},
		{[]string{"aws-vault", "exec", "'it"}, []string{`"it's"`}},
		{[]string{"aws-vault", "exec", "a"}, []string{"'a$(id)b'"}},
		{[]string{"aws-vault", "exec", `"a`}, []string{`"a$(id)b"`}},
		{[]string{"aws-vault", "--prompt", `"a b"`, "exec", "--region", `"x'y"`, "m"}, []string{"'my profile'"}},
	} {
		if got := nuValues(nuCompleter(t, nu, env, script, tc.spans...)); !slices.Equal(got, tc.want) {
			t.Errorf("nu-complete aws-vault %q: %q, want %q", tc.spans, got, tc.want)
		}
	}
}

// TestNushellPassthrough: with the script sourced (which declares aws-vault
// an extern), and with the shell integration's "aws-vault env" too, in
// either order, aws-vault gets its arguments exactly as without it.
func TestNushellPassthrough(t *testing.T) {
	t.Parallel()
	nu := requireShell(t, "nu")
	env := fixture(t)
	home := homeOf(env)
	script := writeScript(t, "nushell")
	hook := filepath.Join(t.TempDir(), "hook.nu")
	if err := os.WriteFile(hook, []byte(run(t, env, filepath.Join(binary(t), "aws-vault"), "hook", "nu")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"a.cfg", "b.cfg"} {
		if err := os.WriteFile(filepath.Join(home, name), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	body := `aws-vault --version
aws-vault list --profiles
aws-vault --backend=file --debug list --profiles
aws-vault exec --no-session -d 1h team_ops -- printf '[%s]' a "b c" ~/x 1h 0x10 true *.cfg --x=1
print ''
aws-vault exec --no-session team_ops -- true
print (aws-vault exec --help | lines | first)
`
	plain := run(t, env, nu, "--no-config-file", "--no-std-lib", "-c", body)
	if want := "[a][b c][" + home + "/x][1h][0x10][true][a.cfg][b.cfg][--x=1]\n"; !strings.Contains(plain, want) || !strings.Contains(plain, "team_ops\n") {
		t.Fatalf("without the script: %q, want %q and team_ops in it", plain, want)
	}
	const kind = "print (scope commands | where name == 'aws-vault' | get 0.type)\n"
	const envCmd = "aws-vault env --no-session team_ops\nprint $env.AWS_VAULT\n"
	for _, tc := range []struct{ setup, extra, want string }{
		{"source '" + script + "'\n", kind, "external\n"},
		{"source '" + script + "'\nsource '" + hook + "'\n", kind + envCmd, "external\nteam_ops\n"},
		{"source '" + hook + "'\nsource '" + script + "'\n", kind + envCmd, "external\nteam_ops\n"},
	} {
		if got := run(t, env, nu, "--no-config-file", "--no-std-lib", "-c", tc.setup+body+tc.extra); got != plain+tc.want {
			t.Errorf("nu with\n%s: %q, want %q", tc.setup, got, plain+tc.want)
		}
	}
}

// TestContrib: contrib/completions/ holds exactly what `aws-vault
// completion SHELL` prints (go test ./completions -update rewrites it), and
// the original's flags print the same scripts.
func TestContrib(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(binary(t), "aws-vault")
	env := append(os.Environ(), "HOME="+t.TempDir())
	for _, sh := range registry.Names() {
		got := run(t, env, bin, "completion", sh)
		path := filepath.Join("..", "contrib", "completions", completionFile(sh))
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
		want := script(t, sh)
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
	s := script(t, "powershell")
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
	parser, err := kong.New(&commands.CLI{}, kong.Name("aws-vault"))
	if err != nil {
		t.Fatalf("building aws-vault's model: %v", err)
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

// script is shell's completion script.
func script(t *testing.T, shell string) string {
	t.Helper()
	sh, ok := registry.Lookup(shell)
	if !ok {
		t.Fatalf("no shell %s", shell)
	}
	s, err := sh.Completion()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// completionFile is the name of shell's script in contrib/completions/.
func completionFile(shell string) string {
	sh, _ := registry.Lookup(shell)
	return sh.Usage().CompletionFile
}
