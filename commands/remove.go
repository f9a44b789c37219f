package commands

import (
	"errors"
	"fmt"
)

// RemoveCmd deletes a stored long-term key and its sessions.
type RemoveCmd struct {
	Profile string `arg:"" predictor:"credentials"`
	Force   bool   `short:"f" negatable:""`
	// The original's hidden flag.
	SessionsOnly bool `short:"s" hidden:"" negatable:""`
}

// removeHelp is the help of RemoveCmd's flags and arguments (see helpTable).
var removeHelp = helpTable{
	"force":         "Do not ask for confirmation.",
	"sessions-only": "Only remove sessions, leave credentials intact.",
	"profile":       "Name of the profile.",
}

func (*RemoveCmd) flagHelp() []helpTable { return []helpTable{removeHelp} }

// Run removes the credentials.
func (c *RemoveCmd) Run(a *App) error {
	ring := a.Keyring()
	if c.SessionsOnly {
		n, err := ring.RemoveSessions(c.Profile)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "Deleted %d sessions.\n", n)
		return nil
	}
	has, err := ring.HasCredentials(c.Profile)
	if err != nil {
		return err
	}
	if !has {
		return fmt.Errorf("profile %q has no stored credentials (see aws-vault list --credentials)", c.Profile)
	}
	if !c.Force {
		ok, err := a.Terminal().Confirm(fmt.Sprintf("Delete credentials for profile %q?", c.Profile))
		if err != nil {
			return err
		}
		if !ok {
			return &ExitError{Code: 1, Err: errors.New("nothing was deleted")}
		}
	}
	if err := ring.Remove(c.Profile); err != nil {
		return err
	}
	fmt.Fprintln(a.Stdout, "Deleted credentials.")
	n, err := ring.RemoveSessions(c.Profile)
	if err != nil {
		return err
	}
	if n > 0 {
		fmt.Fprintf(a.Stdout, "Deleted %d sessions.\n", n)
	}
	return nil
}
