package zsh_test

import (
	"strings"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/zsh"
)

func TestMain(m *testing.M) { shelltest.Main(m) }

// runner evaluates scripts the way users do: eval "$(aws-vault env ...)".
func runner(tb testing.TB) shelltest.Runner {
	return shelltest.Runner{
		Shell:   zsh.New(),
		Path:    shelltest.RequireShell(tb, "zsh"),
		Args:    []string{"-f", "-c"},
		Program: program,
	}
}

func program(names []string) string {
	return `eval "$(cat "$SHELLTEST_SCRIPT")"
for n in ` + strings.Join(names, " ") + `; do
	if (( ${(P)+n} )); then : > "$SHELLTEST_OUT/isset_$n"; fi
	printf '%s' "${(P)n}" > "$SHELLTEST_OUT/val_$n"
done
"$SHELLTEST_BIN"
`
}

func TestName(t *testing.T) {
	if got := zsh.New().Name(); got != "zsh" {
		t.Errorf("Name() = %q", got)
	}
}

func TestQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "''"},
		{"abc", "abc"},
		{"a b", "'a b'"},
		{"$(id)", "'$(id)'"},
		{"it's", `"it's"`},
		{`'$"` + "`\\", `"'\$\"` + "\\`\\\\\""},
		{"’; echo pwned; #", "'’; echo pwned; #'"},
		{"a\nb", `$'a\nb'`},
		{"\xff", `$'\xff'`},
		{"\x01f", `$'\x01f'`},
		// Non-ASCII in a $'...' value: bytes, never \u escapes.
		{"é\n", `$'\xc3\xa9\n'`},
		{"\u200f", `$'\xe2\x80\x8f'`},
		{"\U0001f642\x7f'\\", `$'\xf0\x9f\x99\x82\x7f\'\\'`},
	} {
		got, err := zsh.New().Quote(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Quote(%q) = %s, %v; want %s", tc.in, got, err, tc.want)
		}
	}
}

func TestQuoteNUL(t *testing.T) {
	for _, s := range []string{"\x00", "abc\x00", "\xff\x00'", "é\x00\x00"} {
		shelltest.CheckNUL(t, zsh.New(), s, strings.IndexByte(s, 0))
	}
}

func TestExportErrors(t *testing.T) { shelltest.CheckExportErrors(t, zsh.New()) }

func TestExportLayout(t *testing.T) {
	got, err := shells.Export(zsh.New(), shells.Change{
		Set:   map[string]string{"B": "2", "A": "1 1", "C": ""},
		Unset: []string{"Z", "Y", "Z"},
	})
	want := "unset -v Y\nunset -v Z\nexport A='1 1'\nexport B=2\nexport C=''\n"
	if err != nil || got != want {
		t.Errorf("Export = %q, %v; want %q", got, err, want)
	}
	if got, err := shells.Export(zsh.New(), shells.Change{}); err != nil || got != "" {
		t.Errorf("Export(empty) = %q, %v; want \"\"", got, err)
	}
}

func TestExportGolden(t *testing.T) {
	got, err := shells.Export(zsh.New(), shelltest.GoldenChange())
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

// TestRunnerDetectsBadQuoting makes sure the round trip can fail: a value
// quoted with double quotes is expanded by zsh, and the runner must see it.
func TestRunnerDetectsBadQuoting(t *testing.T) {
	runner(t).CheckDetectsBadQuoting(t, "export X=\"$HOME\"\nexport Y=\n")
}

func FuzzQuote(f *testing.F) { runner(f).Fuzz(f) }
