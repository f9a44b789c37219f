package commands

import (
	"fmt"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/providers"
)

// ClearCmd deletes cached sessions and IAM Identity Center tokens, never
// long-term keys.
type ClearCmd struct {
	Profile string `arg:"" optional:"" predictor:"sessions"`
}

// clearHelp is the help of ClearCmd's flags and arguments (see helpTable).
var clearHelp = helpTable{
	"profile": "Name of the profile; all profiles when left out.",
}

func (*ClearCmd) flagHelp() []helpTable { return []helpTable{clearHelp} }

// Run clears them, as the original does: without a profile every session
// and every token; with one, its sessions and the token of its start URL.
func (c *ClearCmd) Run(a *App) error {
	ring := a.Keyring()
	n, err := ring.RemoveSessions(c.Profile)
	if err != nil {
		return err
	}
	if c.Profile == "" {
		t, err := ring.RemoveOIDCTokens()
		if err != nil {
			return err
		}
		n += t
	} else if url := a.ssoStartURL(c.Profile); url != "" {
		if _, err := ring.GetOIDCToken(url); err == nil {
			if err := ring.RemoveOIDCToken(url); err != nil {
				return err
			}
			n++
		}
	}
	fmt.Fprintf(a.Stdout, "Cleared %d sessions.\n", n)
	return nil
}

// ssoStartURL is the IAM Identity Center start URL of profile, or "".
func (a *App) ssoStartURL(profile string) string {
	cfg, err := a.Config()
	if err != nil || !cfg.HasProfile(profile) {
		return ""
	}
	p, err := (&config.Resolver{File: cfg, Env: a.Getenv}).Resolve(profile)
	if err != nil {
		return ""
	}
	return providers.NormalizeStartURL(p.SSOStartURL)
}
