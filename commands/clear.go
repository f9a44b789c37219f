package commands

import "fmt"

// ClearCmd deletes cached sessions, never long-term keys.
type ClearCmd struct {
	Profile string `arg:"" optional:"" help:"Name of the profile; all profiles when left out." predictor:"sessions"`
}

// Run clears the sessions.
func (c *ClearCmd) Run(a *App) error {
	n, err := a.Keyring().RemoveSessions(c.Profile)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.Stdout, "Cleared %d sessions.\n", n)
	return nil
}
