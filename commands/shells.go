package commands

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/bash"
	"github.com/aws-vault/aws-vault/shells/fish"
	"github.com/aws-vault/aws-vault/shells/powershell"
	"github.com/aws-vault/aws-vault/shells/zsh"
)

// shellRegistry is every shell aws-vault writes code for. A fifth shell is
// one package under shells/ and one line here.
var shellRegistry = map[string]shells.Shell{
	"bash":       bash.New(),
	"zsh":        zsh.New(),
	"fish":       fish.New(),
	"powershell": powershell.New(),
}

// shellAliases maps process names to registry names.
var shellAliases = map[string]string{"pwsh": "powershell", "pwsh.exe": "powershell", "powershell.exe": "powershell"}

// sortedShellNames lists the registry's shells, sorted.
func sortedShellNames() []string {
	names := make([]string, 0, len(shellRegistry))
	for n := range shellRegistry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func shellNames() string { return strings.Join(sortedShellNames(), ", ") }

// canonicalShell maps a process or flag name ("-bash", "pwsh") to the
// registry's name, or returns it unchanged.
func canonicalShell(name string) string {
	name = strings.TrimPrefix(filepath.Base(name), "-") // "-bash" is a login shell
	if a, ok := shellAliases[name]; ok {
		return a
	}
	return name
}

func lookupShell(name string) (shells.Shell, bool) {
	sh, ok := shellRegistry[canonicalShell(name)]
	return sh, ok
}

// detectShell picks the shell: --shell, else the parent process (the shell
// running eval or source), else $SHELL.
func (a *App) detectShell(flag string) (shells.Shell, error) {
	if flag != "" {
		if sh, ok := lookupShell(flag); ok {
			return sh, nil
		}
		return nil, fmt.Errorf("unknown shell %q; choose one of %s", flag, shellNames())
	}
	if comm, err := os.ReadFile("/proc/" + strconv.Itoa(os.Getppid()) + "/comm"); err == nil {
		if sh, ok := lookupShell(strings.TrimSpace(string(comm))); ok {
			return sh, nil
		}
	}
	if s := a.Getenv("SHELL"); s != "" {
		if sh, ok := lookupShell(s); ok {
			return sh, nil
		}
		return nil, fmt.Errorf("cannot tell the shell ($SHELL is %s); give --shell with one of %s", s, shellNames())
	}
	return nil, fmt.Errorf("cannot tell the shell; give --shell with one of %s", shellNames())
}

// loadHint is how a person loads aws-vault's shell code in sh.
func loadHint(sh shells.Shell, command string) string {
	switch sh.Name() {
	case "fish":
		return command + " | source"
	case "powershell":
		return command + " | Out-String | Invoke-Expression"
	}
	return `eval "$(` + command + `)"`
}
