// Package shelltest holds test helpers shared by the shells subpackages: the
// table of hostile values, the golden Change, golden-file comparison, and a
// runner that evaluates an Export script in a real shell and checks the
// resulting variables byte for byte. It is imported by tests only.
package shelltest

import (
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
)

// Update makes Golden rewrite the golden files instead of comparing.
var Update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// Value is one entry of the hostile table.
type Value struct {
	Label string // what the value is about, for failure messages
	Value string
	// InvalidUTF8 marks values that are not valid UTF-8 (PowerShell must
	// refuse them).
	InvalidUTF8 bool
}

// Hostile returns values that have broken, or could break, shell quoting:
// quotes of every kind, expansions, escapes, control characters, line ends,
// unicode that is printable and that is not, invalid UTF-8 and long values.
func Hostile() []Value {
	var allBytes []byte
	for b := 1; b < 256; b++ {
		allBytes = append(allBytes, byte(b))
	}
	mixed := strings.Repeat("a'b\"c$(id)`id`\\\n!é’‘;#{}*~\t", 10240/30+1)[:10240]
	v := []Value{
		{Label: "single quote", Value: "'"},
		{Label: "double quote", Value: `"`},
		{Label: "command substitution", Value: "$(id)"},
		{Label: "backticks", Value: "`id`"},
		{Label: "backslash", Value: `\`},
		{Label: "trailing backslash", Value: `a\`},
		{Label: "escaped quote", Value: `\'`},
		{Label: "two backslashes and quote", Value: `\\'`},
		{Label: "bash quote dance", Value: `'\''`},
		{Label: "ansi-c lookalike", Value: `$'x\n'`},
		{Label: "hex escape lookalike", Value: `\x41\u0041\101`},
		{Label: "newline", Value: "\n"},
		{Label: "embedded newlines", Value: "line1\nline2\n"},
		{Label: "carriage return", Value: "\r"},
		{Label: "crlf", Value: "a\r\nb"},
		{Label: "backslash newline", Value: "a\\\nb"},
		{Label: "bang", Value: "!"},
		{Label: "bang bang", Value: "!!"},
		{Label: "history word", Value: "!$ !-1 ^a^b"},
		{Label: "variable", Value: "$HOME"},
		{Label: "braced variable", Value: "${HOME}"},
		{Label: "powershell variable", Value: "$env:PATH"},
		{Label: "powershell subexpression", Value: "$(Write-Host pwned)"},
		{Label: "powershell escape", Value: "`$`n`'"},
		{Label: "powershell here-string", Value: "@'\n'@"},
		{Label: "percent", Value: "%"},
		{Label: "cmd variable", Value: "%PATH%"},
		{Label: "star", Value: "*"},
		{Label: "glob", Value: "?[a]*"},
		{Label: "tilde", Value: "~"},
		{Label: "tilde user", Value: "~root"},
		{Label: "tilde after colon", Value: "a:~/b"},
		{Label: "equals", Value: "="},
		{Label: "zsh equals expansion", Value: "=ls"},
		{Label: "assignment", Value: "a=b"},
		{Label: "leading dash", Value: "-"},
		{Label: "option lookalike", Value: "-e"},
		{Label: "double dash", Value: "--"},
		{Label: "dash n", Value: "-n foo"},
		{Label: "space", Value: " "},
		{Label: "leading and trailing spaces", Value: "  padded  "},
		{Label: "tab", Value: "\t"},
		{Label: "tab inside", Value: "a\tb"},
		{Label: "semicolon", Value: ";"},
		{Label: "command after semicolon", Value: "a; echo pwned"},
		{Label: "hash", Value: "#"},
		{Label: "comment", Value: "# comment"},
		{Label: "braces", Value: "{}"},
		{Label: "brace expansion", Value: "{a,b}"},
		{Label: "pipes and redirects", Value: "| & && || > < >> 2>&1 ( )"},
		{Label: "caret", Value: "^"},
		{Label: "keyword", Value: "if"},
		{Label: "fish end", Value: "end"},
		{Label: "e acute", Value: "é"},
		{Label: "decomposed e acute", Value: "e\u0301"},
		{Label: "emoji", Value: "🙂"},
		{Label: "emoji zwj", Value: "👩\u200d💻"},
		{Label: "rtl text", Value: "שלום عليكم"},
		{Label: "rtl mark", Value: "\u200f"},
		{Label: "rtl override", Value: "\u202eevil"},
		{Label: "no-break space", Value: "\u00a0"},
		{Label: "next line", Value: "\u0085"},
		{Label: "byte order mark", Value: "\ufeff"},
		{Label: "replacement character", Value: "\ufffd"},
		{Label: "highest code point", Value: "\U0010ffff"},
		{Label: "fish reserved", Value: "\ufdd0\ufdef"},
		{Label: "fish byte encoding range", Value: "\uf600\uf6ff"},
		{Label: "left single quotation mark", Value: "\u2018"},
		{Label: "right single quotation mark", Value: "\u2019"},
		{Label: "single low-9 quotation mark", Value: "\u201a"},
		{Label: "single high-reversed-9 quotation mark", Value: "\u201b"},
		{Label: "all single quotes", Value: "'\u2018\u2019\u201a\u201b"},
		{Label: "typographic double quotes", Value: "\u201c\u201d\u201e"},
		{Label: "typographic injection", Value: "’; echo pwned; #"},
		{Label: "typographic injection ps", Value: "’; Write-Host pwned; #"},
		{Label: "left quote injection", Value: "‘; Write-Host pwned; ‘"},
		{Label: "mixed quote pair", Value: "’'"},
		{Label: "ascii then typographic", Value: "'’"},
		{Label: "escape char", Value: "\x1b[31mred\x1b[0m"},
		{Label: "control characters", Value: "\x01\x02\a\b\f\v\x7f"},
		{Label: "ctlesc", Value: "\x01"},
		{Label: "ctlnul", Value: "\x7f"},
		{Label: "hex digits after control", Value: "\x01ab\x7fcd"},
		{Label: "10 KB ascii", Value: strings.Repeat("x", 10240)},
		{Label: "10 KB mixed", Value: mixed},
		{Label: "empty", Value: ""},
		{Label: "lone continuation byte", Value: "\x80", InvalidUTF8: true},
		{Label: "0xff", Value: "\xff", InvalidUTF8: true},
		{Label: "truncated sequence", Value: "a\xc3", InvalidUTF8: true},
		{Label: "invalid in text", Value: "pre\xfe\xffpost'\n", InvalidUTF8: true},
		{Label: "encoded surrogate", Value: "\xed\xa0\x80", InvalidUTF8: true},
		{Label: "overlong slash", Value: "\xc0\xaf", InvalidUTF8: true},
		{Label: "invalid then quote", Value: "\xe2\x80’", InvalidUTF8: true},
		{Label: "zsh meta byte", Value: "\x83\x9b", InvalidUTF8: true},
		{Label: "every byte but NUL", Value: string(allBytes), InvalidUTF8: true},
	}
	return v
}

// Valid returns the values of the table that are valid UTF-8.
func Valid(vs []Value) []Value {
	return slices.DeleteFunc(slices.Clone(vs), func(v Value) bool { return v.InvalidUTF8 })
}

// Name returns the variable name used for the i'th table value.
func Name(i int) string { return fmt.Sprintf("HOSTILE_%03d", i) }

// TableChange returns a Change that sets Name(i) to vs[i].Value, plus two
// values under names ending in PATH (fish treats those specially), and
// unsets STALE_A, STALE_B (which Preset provides) and NEVER_SET (which
// nothing sets).
func TableChange(vs []Value) shells.Change {
	c := shells.Change{Set: map[string]string{}, Unset: []string{"STALE_B", "NEVER_SET", "STALE_A", "STALE_B"}}
	for i, v := range vs {
		c.Set[Name(i)] = v.Value
	}
	c.Set["HOSTILE_LIST_PATH"] = ":a::b c:"
	c.Set["HOSTILE_EMPTY_PATH"] = ""
	return c
}

// Preset is the environment the shell starts with in TableChange round
// trips: the variables to unset exist, and one variable to set has an old
// value that must be replaced.
var Preset = map[string]string{
	"STALE_A":     "stale a",
	"STALE_B":     "",
	"HOSTILE_000": "old value",
}

// GoldenChange is the fixed Change rendered into testdata/export.golden by
// every shell.
func GoldenChange() shells.Change {
	return shells.Change{
		Set: map[string]string{
			"AWS_ACCESS_KEY_ID":         "ASIAEXAMPLEEXAMPLE01",
			"AWS_SECRET_ACCESS_KEY":     "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
			"AWS_SESSION_TOKEN":         "IQoJb3JpZ2luX2VjEXAMPLE+/=",
			"AWS_REGION":                "eu-west-1",
			"AWS_CREDENTIAL_EXPIRATION": "2024-01-02T03:04:05Z",
			"AWS_VAULT":                 "work's \"profile\"",
			"HOSTILE_DOLLAR":            "$(id) `id` ${HOME} $env:PATH",
			"HOSTILE_TYPOGRAPHIC":       "’; Write-Host pwned; # ‘‚‛",
			"HOSTILE_NEWLINE":           "line one\nline two",
			"HOSTILE_BACKSLASH":         `C:\Users\me\`,
			"HOSTILE_UNICODE":           "héllo 🙂 שלום\u200f",
			"HOSTILE_CONTROL":           "tab\there\x1b[0m",
			"EMPTY":                     "",
		},
		Unset: []string{"AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"},
	}
}

// Golden compares got with the file at path, or rewrites the file when the
// -update flag is given.
func Golden(t *testing.T, path, got string) {
	t.Helper()
	if *Update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (run go test with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Env variables of the protocol between the runner, the shell and the
// re-executed test binary.
const (
	envScript  = "SHELLTEST_SCRIPT"   // path of the Export script
	envOut     = "SHELLTEST_OUT"      // directory for result files
	envBin     = "SHELLTEST_BIN"      // the test binary, run to dump the environment
	envDumpEnv = "SHELLTEST_DUMP_ENV" // set for the test binary: where to dump
)

// Main is TestMain for packages that use Runner: when the test binary is run
// by a shell under test to dump its environment, it writes os.Environ() to
// the file named by SHELLTEST_DUMP_ENV, NUL-separated, and exits; otherwise
// it runs the tests. This sees what a child process of the shell really
// receives, on any platform, without relying on env -0.
func Main(m *testing.M) {
	if p := os.Getenv(envDumpEnv); p != "" {
		data := strings.Join(os.Environ(), "\x00")
		if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// RequireShell returns the path of the shell binary bin, skipping the test
// when it is not installed, or failing it when the environment variable
// REQUIRE_SHELLS is 1.
func RequireShell(tb testing.TB, bin string) string {
	tb.Helper()
	p, err := exec.LookPath(bin)
	if err != nil {
		if os.Getenv("REQUIRE_SHELLS") == "1" {
			tb.Fatalf("%s not found and REQUIRE_SHELLS=1: %v", bin, err)
		}
		tb.Skipf("%s not found: %v", bin, err)
	}
	return p
}

var (
	localesOnce sync.Once
	locales     []string
)

// Locales returns the locales to run shells in: always "C" (where the shell
// knows only bytes) and, where the system has it, "C.UTF-8".
func Locales() []string {
	localesOnce.Do(func() {
		locales = []string{"C"}
		out, err := exec.Command("locale", "-a").Output()
		if err != nil {
			return
		}
		for _, l := range strings.Fields(string(out)) {
			if n := strings.ToLower(strings.ReplaceAll(l, "-", "")); n == "c.utf8" {
				locales = append(locales, l)
				return
			}
		}
	})
	return locales
}

// Runner evaluates Export scripts in a real shell.
type Runner struct {
	Shell shells.Shell
	// Path is the shell binary.
	Path string
	// Args come before the program, which is passed as the last argument
	// (e.g. "--norc", "--noprofile", "-c").
	Args []string
	// Program returns the shell program that evaluates the script in the
	// file named by $SHELLTEST_SCRIPT the way users do, then, for each
	// name in names, creates "$SHELLTEST_OUT/isset_NAME" if NAME is set in
	// the shell (even if empty) and writes its value to
	// "$SHELLTEST_OUT/val_NAME", and finally runs "$SHELLTEST_BIN".
	Program func(names []string) string
}

// Result is what Run found for one variable.
type Result struct {
	IsSet    bool   // set inside the shell
	Value    string // value inside the shell
	Exported bool   // present in a child process's environment
	EnvValue string // value in that environment
}

// Run renders c with r.Shell, evaluates it in one shell process started with
// preset in its environment and the given locale, and returns what each
// variable of c became. It fails the test if the shell exits non-zero or
// writes to stderr.
func (r Runner) Run(t testing.TB, c shells.Change, preset map[string]string, locale string) map[string]Result {
	t.Helper()
	script, err := shells.Export(r.Shell, c)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return r.RunScript(t, script, c, preset, locale)
}

// RunScript is Run with an already rendered script.
func (r Runner) RunScript(t testing.TB, script string, c shells.Change, preset map[string]string, locale string) map[string]Result {
	t.Helper()
	return r.runIn(t, t.TempDir(), script, c, preset, locale)
}

// runIn is RunScript in dir, which it may reuse: the fuzz test keeps one
// directory for all inputs, so that its path, and so the code paths taken
// for it, stay the same from one input to the next.
func (r Runner) runIn(t testing.TB, dir, script string, c shells.Change, preset map[string]string, locale string) map[string]Result {
	t.Helper()
	out := filepath.Join(dir, "out")
	home := filepath.Join(dir, "home")
	for _, d := range []string{out, home} {
		if err := os.RemoveAll(d); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(d, 0o700); err != nil {
			t.Fatal(err)
		}
	}
	scriptPath := filepath.Join(dir, "script")
	if err := os.WriteFile(scriptPath, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(c.Set)+len(c.Unset))
	for n := range c.Set {
		names = append(names, n)
	}
	names = append(names, c.Unset...)
	slices.Sort(names)
	names = slices.Compact(names)

	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + home,
		"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
		"XDG_DATA_HOME=" + filepath.Join(home, ".local", "share"),
		"LC_ALL=" + locale,
		envScript + "=" + scriptPath,
		envOut + "=" + out,
		envBin + "=" + bin,
		envDumpEnv + "=" + filepath.Join(out, "env"),
	}
	for _, k := range slices.Sorted(maps.Keys(preset)) {
		env = append(env, k+"="+preset[k])
	}
	args := append(slices.Clone(r.Args), r.Program(names))
	cmd := exec.Command(r.Path, args...)
	cmd.Env = env
	cmd.Dir = dir
	// Output goes to files rather than pipes: with pipes, os/exec copies
	// in goroutines whose varying read sizes look like new coverage to the
	// fuzzer, which then spends its time minimizing noise.
	stdout, stderr := createFile(t, dir, "stdout"), createFile(t, dir, "stderr")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	err = cmd.Run()
	stdout.Close()
	stderr.Close()
	outText, errText := readFile(t, stdout.Name()), readFile(t, stderr.Name())
	if err != nil || errText != "" {
		t.Fatalf("%s (LC_ALL=%s) failed: %v\nstderr:\n%s\nstdout:\n%s\nscript:\n%s",
			r.Shell.Name(), locale, err, trim(errText), trim(outText), trim(script))
	}

	dump, err := os.ReadFile(filepath.Join(out, "env"))
	if err != nil {
		t.Fatalf("environment dump missing (did the program run $%s?): %v", envBin, err)
	}
	childEnv := map[string]string{}
	for _, kv := range strings.Split(string(dump), "\x00") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			childEnv[k] = v
		}
	}
	res := map[string]Result{}
	for _, n := range names {
		var rs Result
		_, err := os.Stat(filepath.Join(out, "isset_"+n))
		switch {
		case err == nil:
			rs.IsSet = true
		case !errors.Is(err, os.ErrNotExist):
			t.Fatal(err)
		}
		val, err := os.ReadFile(filepath.Join(out, "val_"+n))
		if err != nil {
			t.Fatalf("value of %s missing: %v", n, err)
		}
		rs.Value = string(val)
		rs.EnvValue, rs.Exported = childEnv[n]
		res[n] = rs
	}
	return res
}

// Check runs c in every locale of Locales and reports every variable that
// did not end up as c says: each set variable set, exported and equal byte
// for byte to its value inside the shell and in a child's environment, each
// unset variable unset (not merely empty) and absent from the environment.
// labels, if not nil, describes values in messages.
func (r Runner) Check(t *testing.T, c shells.Change, preset map[string]string, labels map[string]string) {
	t.Helper()
	for _, locale := range Locales() {
		res := r.Run(t, c, preset, locale)
		for n, want := range c.Set {
			got := res[n]
			what := n
			if l := labels[n]; l != "" {
				what += " (" + l + ")"
			}
			if !got.IsSet {
				t.Errorf("LC_ALL=%s: %s: not set, want %q", locale, what, want)
			} else if got.Value != want {
				t.Errorf("LC_ALL=%s: %s: shell value %q, want %q", locale, what, short(got.Value), short(want))
			}
			if !got.Exported {
				t.Errorf("LC_ALL=%s: %s: not exported", locale, what)
			} else if got.EnvValue != want {
				t.Errorf("LC_ALL=%s: %s: exported value %q, want %q", locale, what, short(got.EnvValue), short(want))
			}
		}
		for _, n := range c.Unset {
			got := res[n]
			if got.IsSet {
				t.Errorf("LC_ALL=%s: %s: still set (value %q), want unset", locale, n, got.Value)
			}
			if got.Exported {
				t.Errorf("LC_ALL=%s: %s: still in the environment (value %q)", locale, n, got.EnvValue)
			}
		}
	}
}

// CheckValue is the fuzzing check: it sets one variable to s with the
// shell's Export, evaluates it in the shell in every locale, and fails
// unless the variable is set to exactly s inside the shell and in a child's
// environment. dir is a scratch directory that CheckValue reuses (the fuzz
// target's F.TempDir). Inputs with NUL must be handled by the caller.
func (r Runner) CheckValue(t *testing.T, dir, s string) {
	t.Helper()
	const name = "FUZZ_VALUE"
	c := shells.Change{Set: map[string]string{name: s}}
	script, err := shells.Export(r.Shell, c)
	if err != nil {
		t.Fatalf("Export(%q): %v", s, err)
	}
	for _, locale := range Locales() {
		got := r.runIn(t, dir, script, c, nil, locale)[name]
		if !got.IsSet || got.Value != s || !got.Exported || got.EnvValue != s {
			q, _ := r.Shell.Quote(s)
			t.Fatalf("LC_ALL=%s: value %q quoted as %s came back as set=%v %q, exported=%v %q",
				locale, s, q, got.IsSet, got.Value, got.Exported, got.EnvValue)
		}
	}
}

// HostileLabels describes each value of vs under the name TableChange
// gives its variable, for Check's messages.
func HostileLabels(vs []Value) map[string]string {
	labels := map[string]string{}
	for i, v := range vs {
		labels[Name(i)] = v.Label
	}
	return labels
}

// GoldenPreset is the environment the golden round trips start from: old
// values that GoldenChange must replace or remove.
var GoldenPreset = map[string]string{"AWS_PROFILE": "old", "AWS_SECURITY_TOKEN": "old", "AWS_ACCESS_KEY_ID": "old"}

// CheckDetectsBadQuoting makes sure the round trip can fail. bad must be a
// script, in r's shell, that sets and exports X to "$HOME" in double quotes
// (so the shell expands it) and Y to the empty string: the runner must see
// both.
func (r Runner) CheckDetectsBadQuoting(t *testing.T, bad string) {
	t.Helper()
	c := shells.Change{Set: map[string]string{"X": "$HOME"}, Unset: []string{"Y"}}
	res := r.RunScript(t, bad, c, nil, "C")
	if got := res["X"]; got.Value == "$HOME" || got.EnvValue == "$HOME" {
		t.Errorf("runner did not notice the expansion: %+v", got)
	}
	if got := res["Y"]; !got.IsSet || !got.Exported {
		t.Errorf("runner did not notice that Y is set: %+v", got)
	}
}

// Fuzz runs the quoting fuzz target: every value, exported by r's shell and
// evaluated in it, must come back byte for byte (CheckValue); a value with
// NUL must be refused (CheckNUL).
func (r Runner) Fuzz(f *testing.F) {
	dir := f.TempDir()
	f.Add("it's $(id) `id` \\ \n ’‘")
	f.Fuzz(func(t *testing.T, s string) {
		if i := strings.IndexByte(s, 0); i >= 0 {
			CheckNUL(t, r.Shell, s, i)
			return
		}
		if len(s) > 64<<10 {
			t.Skip("longer than an environment entry may be")
		}
		r.CheckValue(t, dir, s)
	})
}

// CheckNUL checks that quoting and exporting s, a value with a NUL byte,
// fail with a *shells.QuoteError whose Offset is wantOffset.
func CheckNUL(t *testing.T, sh shells.Shell, s string, wantOffset int) {
	t.Helper()
	q, err := sh.Quote(s)
	var qe *shells.QuoteError
	if !errors.As(err, &qe) {
		t.Fatalf("Quote(%q) = %q, %v; want a *shells.QuoteError", s, q, err)
	}
	if qe.Offset != wantOffset {
		t.Fatalf("Quote(%q): offset %d, want %d", s, qe.Offset, wantOffset)
	}
	_, err = shells.Export(sh, shells.Change{Set: map[string]string{"X": s}})
	if !errors.As(err, &qe) || qe.Offset != wantOffset {
		t.Fatalf("Export with %q: error %v, want a *shells.QuoteError at %d", s, err, wantOffset)
	}
}

func createFile(t testing.TB, dir, name string) *os.File {
	t.Helper()
	f, err := os.Create(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func short(s string) string {
	if len(s) > 200 {
		return s[:100] + "…" + s[len(s)-100:]
	}
	return s
}

func trim(s string) string {
	if len(s) > 4000 {
		return s[:2000] + "\n…\n" + s[len(s)-2000:]
	}
	return s
}

// CheckExportErrors checks that sh.Export refuses invalid names, a name
// both set and unset, and a value with NUL (naming the variable and
// wrapping the *shells.QuoteError).
func CheckExportErrors(t *testing.T, sh shells.Shell) {
	t.Helper()
	for _, c := range []shells.Change{
		{Set: map[string]string{"1ABC": "x"}},
		{Set: map[string]string{"A-B": "x"}},
		{Set: map[string]string{"A B": "x"}},
		{Set: map[string]string{"A=B": "x"}},
		{Set: map[string]string{"": "x"}},
		{Set: map[string]string{"É": "x"}},
		{Unset: []string{"A;rm"}},
		{Unset: []string{""}},
		{Set: map[string]string{"A": "x"}, Unset: []string{"A"}},
	} {
		if got, err := shells.Export(sh, c); err == nil {
			t.Errorf("Export(%+v) = %q, want an error", c, got)
		}
	}
	_, err := shells.Export(sh, shells.Change{Set: map[string]string{"SECRET": "ab\x00", "OK": "fine"}})
	var qe *shells.QuoteError
	if !errors.As(err, &qe) || qe.Offset != 2 || qe.Reason != shells.ReasonNUL || !strings.Contains(err.Error(), "SECRET") {
		t.Errorf("Export with NUL: %v; want a *shells.QuoteError at 2 naming SECRET", err)
	}
}
