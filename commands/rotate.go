package commands

import (
	"context"
	"fmt"

	"github.com/aws-vault/aws-vault/engine/providers"
)

// RotateCmd replaces a stored access key with a new one.
type RotateCmd struct {
	NoSession bool   `short:"n" negatable:""`
	Profile   string `arg:"" optional:"" predictor:"profile"`
}

// rotateHelp is the help of RotateCmd's flags and arguments (see helpTable).
var rotateHelp = helpTable{
	"no-session": "Call IAM with the long-term key itself, without an MFA session.",
	"profile":    "Name of the profile; defaults to $AWS_PROFILE, then one picked from a list on a terminal.",
}

func (*RotateCmd) flagHelp() []helpTable { return []helpTable{rotateHelp} }

// Run rotates the key.
func (c *RotateCmd) Run(a *App) error {
	var err error
	if c.Profile, err = a.profileOrDefault(c.Profile); err != nil {
		return err
	}
	eng, err := a.Engine(SessionFlags{NoSession: c.NoSession})
	if err != nil {
		return err
	}
	res, err := eng.RotateKey(context.Background(), c.Profile, a.Stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Rotated the access key of IAM user %s: %s replaces %s\n", res.User, providers.Redact(res.NewKey), providers.Redact(res.OldKey))
	return nil
}
