package commands

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/registry"
)

// detectShell picks the shell: --shell, else the parent process (the shell
// running eval or source), else $SHELL.
func (a *App) detectShell(flag string) (shells.Shell, error) {
	if flag != "" {
		if sh, ok := registry.Lookup(flag); ok {
			return sh, nil
		}
		return nil, fmt.Errorf("unknown shell %q; choose one of %s", flag, strings.Join(registry.Names(), ", "))
	}
	if comm, err := os.ReadFile("/proc/" + strconv.Itoa(os.Getppid()) + "/comm"); err == nil {
		if sh, ok := registry.Lookup(strings.TrimSpace(string(comm))); ok {
			return sh, nil
		}
	}
	if s := a.Getenv("SHELL"); s != "" {
		if sh, ok := registry.Lookup(s); ok {
			return sh, nil
		}
		return nil, fmt.Errorf("cannot tell the shell ($SHELL is %s); give --shell with one of %s", s, strings.Join(registry.Names(), ", "))
	}
	return nil, fmt.Errorf("cannot tell the shell; give --shell with one of %s", strings.Join(registry.Names(), ", "))
}

// validShell is the Validate of a command's shell argument.
func validShell(name string) error {
	if _, ok := registry.Lookup(name); !ok {
		return fmt.Errorf("unknown shell %q; choose one of %s", name, strings.Join(registry.Names(), ", "))
	}
	return nil
}

// perShell is a help paragraph with one line per shell.
func perShell(intro string, line func(shells.Shell) string) string {
	var b strings.Builder
	b.WriteString(intro + "\n\n")
	for _, sh := range registry.All() {
		fmt.Fprintf(&b, "    %-11s %s\n", sh.Name()+":", line(sh))
	}
	return strings.TrimRight(b.String(), "\n")
}
