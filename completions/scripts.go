package completions

import (
	"embed"
	"fmt"
	"slices"
	"strings"
)

// The scripts are real files, identical to those in contrib/completions/
// (a test keeps them so). They name no path: each runs the aws-vault that
// the command line being completed runs.
//
//go:embed scripts/aws-vault.bash scripts/_aws-vault scripts/aws-vault.fish scripts/aws-vault.ps1
var scripts embed.FS

type shellScript struct {
	file    string // in scripts/ and contrib/completions/
	install string // one line: how to install it
}

var shellScripts = map[string]shellScript{
	"bash":       {"aws-vault.bash", `add  eval "$(aws-vault completion bash)"  to ~/.bashrc`},
	"zsh":        {"_aws-vault", `add  eval "$(aws-vault completion zsh)"  to ~/.zshrc`},
	"fish":       {"aws-vault.fish", `aws-vault completion fish > ~/.config/fish/completions/aws-vault.fish`},
	"powershell": {"aws-vault.ps1", `add  aws-vault completion powershell | Out-String | Invoke-Expression  to $PROFILE`},
}

// Shells lists the shells there is a completion script for, sorted.
func Shells() []string {
	out := make([]string, 0, len(shellScripts))
	for s := range shellScripts {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Script returns the completion script for shell (one of Shells), for a
// person to install or for `aws-vault hook` to include.
func Script(shell string) (string, error) {
	s, ok := shellScripts[shell]
	if !ok {
		return "", fmt.Errorf("no completion script for shell %q; choose one of %s", shell, strings.Join(Shells(), ", "))
	}
	b, err := scripts.ReadFile("scripts/" + s.file)
	return string(b), err
}

// FileName is the name of shell's script in contrib/completions/.
func FileName(shell string) string { return shellScripts[shell].file }

// InstallHint says in one line how to install the script for shell.
func InstallHint(shell string) string { return shellScripts[shell].install }
