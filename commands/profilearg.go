package commands

import (
	"errors"
	"os"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
	"golang.org/x/term"

	"github.com/aws-vault/aws-vault/engine/prompt"
)

// errNoProfile is a command that needs a profile and got none.
var errNoProfile = errors.New("no profile given: name one, or set AWS_PROFILE")

// profileOrDefault is the profile a command works on when its profile
// argument may be left out, as the maintained fork does: the one given,
// else $AWS_PROFILE, else, on a terminal, one picked from a list of the
// config's profiles and the stored keys.
func (a *App) profileOrDefault(given string) (string, error) {
	if given != "" {
		return given, nil
	}
	if p := a.Getenv("AWS_PROFILE"); p != "" {
		return p, nil
	}
	if f, ok := a.Stdin.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return "", errNoProfile
	}
	names, err := a.ProfileNames()
	if err != nil {
		return "", err
	}
	if stored, err := a.Keyring().CredentialNames(); err == nil {
		names = append(names, stored...)
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) == 0 {
		return "", errors.New("no profile given, and none in the config or the keyring: add one with aws-vault add")
	}
	p, err := prompt.Pick("Profile", names)
	if errors.Is(err, prompt.ErrPickCancelled) {
		return "", &ExitError{Code: 1, Err: err}
	}
	return p, err
}

// dashesFirst reports whether, in the command line kctx parsed, "--" comes
// after the command's name and before any of its positional arguments:
// `aws-vault exec -- aws s3 ls` names no profile, only a command, which
// kong would otherwise take for the profile.
func dashesFirst(kctx *kong.Context) bool {
	takesValue := map[string]bool{}
	for _, f := range kctx.Flags() {
		takes := !f.IsBool() && !f.IsCounter()
		takesValue["--"+f.Name] = takes
		if f.Short != 0 {
			takesValue["-"+string(f.Short)] = takes
		}
	}
	cmd := kctx.Selected()
	seenCmd := false
	args := kctx.Args
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return seenCmd
		case strings.HasPrefix(a, "-") && a != "-":
			if strings.Contains(a, "=") {
				continue
			}
			if takesValue[a] {
				i++
			}
		case !seenCmd && cmd != nil && (a == cmd.Name || slices.Contains(cmd.Aliases, a)):
			seenCmd = true
		default:
			return false // a positional argument: the profile
		}
	}
	return false
}
