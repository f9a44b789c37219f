package commands

import (
	"fmt"
	"runtime/debug"
	"strings"

	"github.com/alecthomas/kong"
)

// Version is the release version, stamped by the release build with
// -ldflags "-X github.com/aws-vault/aws-vault/commands.Version=v7.3.0".
// Without it the version comes from the build information: the module
// version that go install records, or the pseudo-version of the VCS
// checkout go build records.
var Version = ""

// Revision is the VCS revision, stamped by the release build with
// -ldflags "-X github.com/aws-vault/aws-vault/commands.Revision=…" for
// builds whose build information has none (goreleaser in a git worktree,
// or under GOFLAGS=-buildvcs=false); the build information's wins.
var Revision = ""

// readBuildInfo is where the build information comes from.
var readBuildInfo = debug.ReadBuildInfo

// VersionCmd prints the version, as --version and -v do.
type VersionCmd struct{}

// Run prints it.
func (VersionCmd) Run(a *App) error {
	_, err := fmt.Fprintln(a.Stdout, versionLine(readBuildInfo))
	return err
}

// versionFlag is --version (-v): it prints the version and exits, whatever
// else the line says. The build information is read only then, not at
// every start.
type versionFlag bool

// BeforeReset prints the version.
func (versionFlag) BeforeReset(k *kong.Kong) error {
	fmt.Fprintln(k.Stdout, versionLine(readBuildInfo))
	k.Exit(0)
	return nil
}

// versionLine is "VERSION (REVISION[, modified], GO VERSION)": the first
// word alone is what the original printed.
func versionLine(read func() (*debug.BuildInfo, bool)) string {
	v := Version
	var details []string
	if info, ok := read(); ok {
		if v == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			v = info.Main.Version
		}
		var rev string
		modified := false
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
		if rev == "" {
			rev = Revision
		}
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if rev != "" {
			details = append(details, rev)
		}
		if modified {
			details = append(details, "modified")
		}
		details = append(details, info.GoVersion)
	}
	if v == "" {
		v = "dev"
	}
	if len(details) == 0 {
		return v
	}
	return v + " (" + strings.Join(details, ", ") + ")"
}
