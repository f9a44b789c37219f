package commands

import (
	"context"
	"fmt"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/login"
)

// LoginCmd opens the AWS Management Console signed in as a profile.
type LoginCmd struct {
	SessionFlags `embed:""`

	Path       string `placeholder:"PATH"`
	Stdout     bool   `short:"s" env:"AWS_VAULT_STDOUT" negatable:""`
	AutoLogout bool   `short:"a" env:"AWS_VAULT_AUTO_LOGOUT" negatable:""`
	Profile    string `arg:"" optional:"" predictor:"profile"`
}

// loginHelp is the help of LoginCmd's flags and arguments (see helpTable).
var loginHelp = helpTable{
	"path":        "The AWS service you would like access (console path, e.g. s3/home).",
	"stdout":      "Print login URL to stdout instead of opening in default browser.",
	"auto-logout": "Log out of any console session first, then log in.",
	"profile":     "Name of the profile. If none given: credentials from the environment (AWS_ACCESS_KEY_ID…), else $AWS_PROFILE, else one picked from a list on a terminal.",
}

func (*LoginCmd) flagHelp() []helpTable { return []helpTable{loginHelp, sessionFlagsHelp} }

// Run builds the sign-in URL and opens (or prints) it.
func (c *LoginCmd) Run(a *App) error {
	// The original signs in with credentials from the environment when no
	// profile is named; only without them does login fall back to
	// $AWS_PROFILE and the picker, as the maintained fork's commands do.
	if c.Profile == "" && a.Getenv("AWS_ACCESS_KEY_ID") == "" {
		var err error
		if c.Profile, err = a.profileOrDefault(""); err != nil {
			return err
		}
	}
	flags := c.SessionFlags
	if c.Profile == "" && flags.Region == "" {
		// Credentials from the environment come with the region there,
		// even inside an aws-vault environment (which the engine would
		// otherwise ignore).
		flags.Region = a.Getenv("AWS_REGION")
		if flags.Region == "" {
			flags.Region = a.Getenv("AWS_DEFAULT_REGION")
		}
	}
	flags.NoBrowser = c.Stdout
	eng, err := a.Engine(flags)
	if err != nil {
		return err
	}
	ctx := context.Background()
	console, err := eng.ConsoleURL(ctx, c.Profile, engine.ConsoleOptions{Path: c.Path, AutoLogout: c.AutoLogout})
	if err != nil {
		return err
	}
	if c.Stdout {
		_, err := fmt.Fprintln(a.Stdout, console.URL)
		return err
	}
	if err := login.Open(ctx, console.URL, a.Getenv); err != nil {
		return fmt.Errorf("%w; use --stdout to print the sign-in URL instead", err)
	}
	return nil
}
