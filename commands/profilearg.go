package commands

import (
	"errors"
	"os"
	"reflect"
	"slices"

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

// emptyProfileArg reports a profile argument given as "" on the command
// line: a script's unset variable, which must not fall back to
// $AWS_PROFILE or a picker as a left-out argument does.
func emptyProfileArg(kctx *kong.Context) error {
	for _, p := range kctx.Path {
		if p.Positional != nil && p.Positional.Name == "profile" && p.Positional.Target.Kind() == reflect.String && p.Positional.Target.String() == "" {
			return errors.New("the profile argument is empty: name a profile")
		}
	}
	return nil
}
