package commands

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// backendHelp is the --backend flag's help: the backends built into this
// binary, those usable here marked with *, and any a user of this platform
// would expect that the binary lacks. Probing looks at files, PATH and
// the session bus, so it runs only when help is printed.
func backendHelp() string {
	probes := keyring.New(keyring.Options{Getenv: os.Getenv}).Probes()
	var names []string
	for _, p := range probes {
		if !p.BuiltIn {
			continue
		}
		if p.Usable {
			names = append(names, p.Name+"*")
		} else {
			names = append(names, p.Name)
		}
	}
	h := fmt.Sprintf("Secret backend to use. Built in: %s (* usable here; `list --backends` says why).", strings.Join(names, ", "))
	if note := keyring.NotBuiltInNote(); note != "" {
		h += " Note: " + note + "."
	}
	return h
}

// listBackends prints every backend the project knows: built into this
// binary or not, usable here or not, and why; then the default.
func listBackends(a *App, w io.Writer) error {
	ring := a.Keyring()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "Backend\tBuilt in\tUsable\tWhy")
	fmt.Fprintln(tw, "=======\t========\t======\t===")
	for _, p := range ring.Probes() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Name, yesNo(p.BuiltIn), yesNo(p.Usable), p.Reason)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	if b := a.Globals.Backend; b != "" {
		fmt.Fprintf(w, "Chosen: %s (--backend or AWS_VAULT_BACKEND)\n", b)
	}
	def, why, err := ring.Default()
	if err != nil {
		fmt.Fprintf(w, "Default: none: %v\n", err)
		return nil
	}
	fmt.Fprintf(w, "Default: %s, the first usable of %s (%s); keyctl and the 1Password backends are used only when chosen\n", def, strings.Join(keyring.AutoOrder(), ", "), why)
	return nil
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
