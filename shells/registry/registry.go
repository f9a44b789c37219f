// Package registry lists the shells aws-vault writes code for. It is the
// one list that env, hook, hook-exec, prompt, completion and the help texts
// read: a new shell is a package under shells/ and one line here.
package registry

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/aws-vault/aws-vault/shells"
	"github.com/aws-vault/aws-vault/shells/bash"
	"github.com/aws-vault/aws-vault/shells/elvish"
	"github.com/aws-vault/aws-vault/shells/fish"
	"github.com/aws-vault/aws-vault/shells/nushell"
	"github.com/aws-vault/aws-vault/shells/powershell"
	"github.com/aws-vault/aws-vault/shells/zsh"
)

// all is every shell, sorted by name.
var all = []shells.Shell{
	bash.New(),
	elvish.New(),
	fish.New(),
	nushell.New(),
	powershell.New(),
	zsh.New(),
}

// All returns every shell, sorted by name.
func All() []shells.Shell { return slices.Clone(all) }

// Names returns every shell's name, sorted.
func Names() []string {
	out := make([]string, len(all))
	for i, sh := range all {
		out[i] = sh.Name()
	}
	return out
}

// NamesAndAliases returns every name a shell is known by, sorted: what
// --shell accepts.
func NamesAndAliases() []string {
	var out []string
	for _, sh := range all {
		out = append(out, sh.Name())
		out = append(out, sh.Aliases()...)
	}
	slices.Sort(out)
	return out
}

// List is Names joined for a sentence: "bash, elvish, ... or zsh".
func List() string {
	n := Names()
	return strings.Join(n[:len(n)-1], ", ") + " or " + n[len(n)-1]
}

// Lookup finds a shell by name or alias. A path or a login shell's name
// ("-bash", "/usr/bin/zsh") is reduced to the program's name first.
func Lookup(name string) (shells.Shell, bool) {
	name = strings.TrimPrefix(filepath.Base(name), "-")
	for _, sh := range all {
		if sh.Name() == name || slices.Contains(sh.Aliases(), name) {
			return sh, true
		}
	}
	return nil, false
}
