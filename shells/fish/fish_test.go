package fish_test

import (
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/fish"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
)

func TestMain(m *testing.M) { shelltest.Main(m) }

// runner evaluates scripts the way users do: aws-vault env ... | source.
// HOME and XDG_* point into a temporary directory (see shelltest.Runner),
// so fish's universal variables are the test's own.
func runner(tb testing.TB) shelltest.Runner {
	return shelltest.Runner{
		Shell:   fish.New(),
		Path:    shelltest.RequireShell(tb, "fish"),
		Args:    []string{"--no-config", "-c"},
		Program: program,
	}
}

func program(names []string) string {
	return `cat $SHELLTEST_SCRIPT | source
for n in ` + strings.Join(names, " ") + `
	if set -q $n
		true > $SHELLTEST_OUT/isset_$n
	end
	printf '%s' "$$n" > $SHELLTEST_OUT/val_$n
end
$SHELLTEST_BIN
`
}

func TestName(t *testing.T) {
	if got := fish.New().Name(); got != "fish" {
		t.Errorf("Name() = %q", got)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"abc", "'abc'"},
		{"it's", `'it\'s'`},
		{`\`, `'\\'`},
		{`\'`, `'\\\''`},
		{`\n`, `'\\n'`},
		{"a\nb", "'a\nb'"},
		{"$HOME (id) {a,b} *", "'$HOME (id) {a,b} *'"},
		{"’; echo pwned; #", "'’; echo pwned; #'"},
		{"\xff\xfe", "'\xff\xfe'"},
	} {
		got, err := fish.New().Quote(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Quote(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestQuoteNUL(t *testing.T) {
	for _, s := range []string{"\x00", "abc\x00", "\xff\x00'", "é\x00\x00"} {
		shelltest.CheckNUL(t, fish.New(), s, strings.IndexByte(s, 0))
	}
}

func TestExportErrors(t *testing.T) { shelltest.CheckExportErrors(t, fish.New()) }

func TestExportLayout(t *testing.T) {
	got, err := shells.Export(fish.New(), shells.Change{
		Set:   map[string]string{"B": "2", "A": "1 1", "C": ""},
		Unset: []string{"Z", "Y", "Z"},
	})
	want := "set -e -g Y\nset -e -g Z\nset -gx A '1 1'\nset -gx B '2'\nset -gx C ''\ntrue\n"
	if err != nil || got != want {
		t.Errorf("Export = %q, %v; want %q", got, err, want)
	}
	if got, err := shells.Export(fish.New(), shells.Change{}); err != nil || got != "true\n" {
		t.Errorf("Export(empty) = %q, %v; want \"true\\n\"", got, err)
	}
}

func TestExportGolden(t *testing.T) {
	got, err := shells.Export(fish.New(), shelltest.GoldenChange())
	if err != nil {
		t.Fatal(err)
	}
	shelltest.Golden(t, "testdata/export.golden", got)
}

func TestRoundTripHostile(t *testing.T) {
	vs := shelltest.Hostile()
	runner(t).Check(t, shelltest.TableChange(vs), shelltest.Preset, shelltest.HostileLabels(vs))
}

func TestRoundTripGolden(t *testing.T) {
	runner(t).Check(t, shelltest.GoldenChange(), shelltest.GoldenPreset, nil)
}

// TestUniversalUntouched checks the scope rules: a set shadows a universal
// variable for this session, an unset erases the global variable only and
// leaves the universal one (and so every other session) alone.
func TestUniversalUntouched(t *testing.T) {
	r := runner(t)
	// With --no-config fish keeps no universal variables at all (set -U
	// acts on the global scope), so this test runs fish with its
	// configuration; HOME and XDG_* are a fresh temporary directory, so
	// only the system-wide configuration is read.
	r.Args = []string{"-c"}
	inner := r.Program
	r.Program = func(names []string) string {
		return "set -Ux SHADOWED universal\nset -Ux KEPT universal\n" + inner(names)
	}
	res := r.Run(t, shells.Change{
		Set:   map[string]string{"SHADOWED": "global"},
		Unset: []string{"KEPT"},
	}, map[string]string{"KEPT": "inherited"}, "C")
	if got := res["SHADOWED"]; got.Value != "global" || got.EnvValue != "global" {
		t.Errorf("SHADOWED = %+v, want the global value", got)
	}
	if got := res["KEPT"]; got.Value != "universal" || got.EnvValue != "universal" {
		t.Errorf("KEPT = %+v, want the universal value to survive the unset", got)
	}
}

// TestRunnerDetectsBadQuoting makes sure the round trip can fail: a value
// quoted with double quotes is expanded by fish, and the runner must see it.
func TestRunnerDetectsBadQuoting(t *testing.T) {
	runner(t).CheckDetectsBadQuoting(t, "set -gx X \"$HOME\"\nset -gx Y\n")
}

func FuzzQuote(f *testing.F) { runner(f).Fuzz(f) }
