package powershell_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/internal/shelltest"
	"github.com/aws-vault/aws-vault/shells/powershell"
)

// Every script the PowerShell integration emits: golden files, and a
// tree-sitter parse with no error (no pwsh exists here to run them).
func emitted(t *testing.T) map[string]string {
	t.Helper()
	sh := powershell.New()
	o := shells.HookOptions{Bin: `C:\Program Files\aws vault\it's\aws-vault.exe`, MinTTL: 300}
	hook, err := sh.Hook(o)
	if err != nil {
		t.Fatal(err)
	}
	prompt, err := sh.Prompt(o)
	if err != nil {
		t.Fatal(err)
	}
	before := shells.Change{Set: map[string]string{"AWS_PROFILE": "mine’s"}, Unset: []string{"AWS_VAULT"}}
	load, err := sh.Apply(shells.Plan{
		Env: shells.Change{
			Set:   map[string]string{"AWS_VAULT": "work", "AWS_SECRET_ACCESS_KEY": "s’; Write-Host pwned; #"},
			Unset: []string{"AWS_PROFILE"},
		},
		Save:  &before,
		Local: map[string]*string{shells.VarExpiry: shells.Value("1800000000"), shells.VarState: shells.Value("m=dir&p=work&f=C%3A%5Cx"), shells.VarAllow: nil, shells.VarPWD: shells.Value(`C:\it's here`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	unset, err := sh.Apply(shells.Plan{Restore: &shells.Change{Unset: []string{"AWS_VAULT", "AWS_SECRET_ACCESS_KEY"}}, Local: map[string]*string{shells.VarExpiry: nil, shells.VarState: nil}})
	if err != nil {
		t.Fatal(err)
	}
	failed, err := sh.Apply(shells.Plan{Fail: true})
	if err != nil {
		t.Fatal(err)
	}
	completion, err := sh.Completion()
	if err != nil {
		t.Fatal(err)
	}
	module, err := os.ReadFile(filepath.Join("..", "..", "contrib", "powershell", "AwsVault", "AwsVault.psm1"))
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"hook.ps1":       hook,
		"prompt.ps1":     prompt,
		"load.ps1":       load,
		"unset.ps1":      unset,
		"failed.ps1":     failed,
		"completion.ps1": completion,
		"module.psm1":    string(module),
	}
}

func TestEmittedScriptsGolden(t *testing.T) {
	for name, text := range emitted(t) {
		if name == "module.psm1" {
			continue // a source file already
		}
		shelltest.Golden(t, filepath.Join("testdata", "emitted", name+".golden"), text)
	}
}

func TestEmittedScriptsParse(t *testing.T) {
	scripts := emitted(t)
	for name, p := range parse(t, scripts) {
		if len(p.Problems) > 0 {
			t.Errorf("%s does not parse: %v\n%s", name, p.Problems, scripts[filepath.Base(name)])
		}
	}
}
