package powershell_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/powershell"
)

// The syntax check parses generated scripts with the tree-sitter PowerShell
// grammar, run by node from testdata/check-syntax.cjs. It needs node and the
// npm packages pinned in testdata/package-lock.json; install them (from the
// module root, npm registry only, nothing is compiled) with
//
//	npm ci --prefix shells/powershell/testdata
//
// Without them the tests skip, unless REQUIRE_PWSH_PARSER=1, which makes
// them fail instead.

func requireParser(t *testing.T) (node, script string) {
	t.Helper()
	fail := t.Skipf
	if os.Getenv("REQUIRE_PWSH_PARSER") == "1" {
		fail = t.Fatalf
	}
	node, err := exec.LookPath("node")
	if err != nil {
		fail("node not found (%v); the PowerShell syntax check needs it", err)
	}
	script, err = filepath.Abs(filepath.Join("testdata", "check-syntax.cjs"))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{
		"testdata/node_modules/web-tree-sitter/package.json",
		"testdata/node_modules/tree-sitter-powershell/tree-sitter-powershell.wasm",
	} {
		if _, err := os.Stat(p); err != nil {
			fail("%v; install with: npm ci --prefix shells/powershell/testdata", err)
		}
	}
	return node, script
}

type parsed struct {
	File       string   `json:"file"`
	Problems   []string `json:"problems"`
	Statements []struct {
		Kind     string   `json:"kind"`
		Target   string   `json:"target"`
		Operator string   `json:"operator"`
		Value    string   `json:"value"`
		Literals []string `json:"literals"`
		Type     string   `json:"type"`
		Text     string   `json:"text"`
	} `json:"statements"`
}

// parse runs the checker on scripts (name -> text) and returns its reports.
func parse(t *testing.T, scripts map[string]string) map[string]parsed {
	t.Helper()
	node, checker := requireParser(t)
	dir := t.TempDir()
	args := []string{checker, "--json"}
	for name, text := range scripts {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(node, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 0 && code != 1 {
		t.Fatalf("check-syntax.cjs: %v\n%s", err, stderr.String())
	}
	out := map[string]parsed{}
	sc := bufio.NewScanner(&stdout)
	sc.Buffer(nil, 64<<20)
	for sc.Scan() {
		var p parsed
		if err := json.Unmarshal(sc.Bytes(), &p); err != nil {
			t.Fatalf("check-syntax.cjs output %q: %v", sc.Text(), err)
		}
		out[p.File] = p
	}
	if len(out) != len(scripts) {
		t.Fatalf("check-syntax.cjs reported %d files, want %d; stderr:\n%s", len(out), len(scripts), stderr.String())
	}
	return out
}

// statementErrors describes every way in which the parse p of Export(c)
// is not what Export meant: it must have no syntax error and consist of
// exactly one Remove-Item per unset and then one "$env:NAME = 'VALUE'" per
// set, in Export's order, whose whole right-hand side is one verbatim
// string, the quoted value.
func statementErrors(p parsed, c shells.Change) []string {
	var errs []string
	for _, prob := range p.Problems {
		errs = append(errs, "syntax: "+prob)
	}
	unset := slices.Clone(c.Unset)
	slices.Sort(unset)
	unset = slices.Compact(unset)
	set := make([]string, 0, len(c.Set))
	for n := range c.Set {
		set = append(set, n)
	}
	slices.Sort(set)
	if want := len(unset) + len(set); len(p.Statements) != want {
		return append(errs, fmt.Sprintf("parsed %d statements, want %d", len(p.Statements), want))
	}
	for i, n := range unset {
		s := p.Statements[i]
		want := "Remove-Item -LiteralPath Env:" + n + " -ErrorAction Ignore"
		if s.Kind != "other" || s.Text != want {
			errs = append(errs, fmt.Sprintf("statement %d = %+v, want command %q", i, s, want))
		}
	}
	for i, n := range set {
		s := p.Statements[len(unset)+i]
		q, err := powershell.New().Quote(c.Set[n])
		if err != nil {
			return append(errs, err.Error())
		}
		if s.Kind != "assign" || s.Target != "$env:"+n || s.Operator != "=" || s.Value != q ||
			len(s.Literals) != 1 || s.Literals[0] != q {
			errs = append(errs, fmt.Sprintf("statement for %s = %+v, want $env:%s = %s", n, s, n, short(q)))
		}
	}
	return errs
}

func checkStatements(t *testing.T, p parsed, c shells.Change) {
	t.Helper()
	for _, e := range statementErrors(p, c) {
		t.Errorf("%s: %s", p.File, e)
	}
}

func short(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}

func TestTreeSitterSyntax(t *testing.T) {
	sh := powershell.New()
	table := shelltest.TableChange(shelltest.Valid(shelltest.Hostile()))
	changes := map[string]shells.Change{
		"golden.ps1": shelltest.GoldenChange(),
		"table.ps1":  table,
	}
	// Each hostile value on its own as well, so that one value's mistake
	// cannot be hidden by the next line.
	for n, v := range table.Set {
		changes[strings.ToLower(n)+".ps1"] = shells.Change{Set: map[string]string{"VALUE": v}}
	}
	scripts := map[string]string{}
	for name, c := range changes {
		s, err := shells.Export(sh, c)
		if err != nil {
			t.Fatal(err)
		}
		scripts[name] = s
	}
	got := parse(t, scripts)
	for name, c := range changes {
		checkStatements(t, got[name], c)
	}
}

// TestTreeSitterCatchesErrors shows that the syntax check can fail: broken
// scripts must be reported, and a value that breaks out of its string must
// not parse as the intended statements.
func TestTreeSitterCatchesErrors(t *testing.T) {
	got := parse(t, map[string]string{
		"unterminated.ps1": "$env:A = 'abc\n",
		"naive.ps1":        "$env:A = 'it's'\n",
	})
	for name, p := range got {
		if len(p.Problems) == 0 {
			t.Errorf("%s: no syntax problem reported", name)
		}
	}
	// An unescaped apostrophe that still parses: the value is cut short
	// and the rest becomes other code.
	p := parse(t, map[string]string{"injected.ps1": "$env:A = 'x';Write-Host 'pwned'\n"})["injected.ps1"]
	if len(p.Statements) < 2 || p.Statements[0].Value != "'x'" ||
		p.Statements[len(p.Statements)-1].Text != "Write-Host 'pwned'" {
		t.Errorf("injected.ps1 parsed as %+v; want the assignment of 'x' and then the injected command", p.Statements)
	}
	if errs := statementErrors(p, shells.Change{Set: map[string]string{"A": "x';Write-Host 'pwned"}}); len(errs) == 0 {
		t.Errorf("statement check accepted the injected script %+v", p.Statements)
	}
}
