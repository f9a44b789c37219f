package commands

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// ListCmd shows profiles, stored credentials and cached sessions.
type ListCmd struct {
	Profiles    bool `help:"Show only the profile names." negatable:""`
	Sessions    bool `help:"Show only the session names." negatable:""`
	Credentials bool `help:"Show only the profiles with stored credential." negatable:""`
}

// Validate rejects combinations that make no sense together.
func (c *ListCmd) Validate() error {
	n := 0
	for _, b := range []bool{c.Profiles, c.Sessions, c.Credentials} {
		if b {
			n++
		}
	}
	if n > 1 {
		return errors.New("--profiles, --sessions and --credentials are alternatives: give one")
	}
	return nil
}

// Run prints the listing.
func (c *ListCmd) Run(a *App) error {
	if c.Profiles {
		names, err := a.ProfileNames()
		if err != nil {
			return err
		}
		var b strings.Builder
		for _, n := range names {
			b.WriteString(n)
			b.WriteByte('\n')
		}
		_, err = a.Stdout.Write([]byte(b.String()))
		return err
	}
	ring := a.Keyring()
	if c.Credentials {
		names, err := ring.CredentialNames()
		if err != nil {
			return err
		}
		for _, n := range names {
			fmt.Fprintln(a.Stdout, n)
		}
		return nil
	}
	keys, err := ring.Keys()
	if err != nil {
		return err
	}
	var sessions []keyring.SessionKey
	var creds []string
	for _, k := range keys {
		if s, ok := keyring.ParseSessionKey(k); ok {
			sessions = append(sessions, s)
		} else if keyring.IsCredentialsKey(k) {
			creds = append(creds, k)
		}
	}
	now := time.Now()
	if c.Sessions {
		for _, s := range sessions {
			fmt.Fprintln(a.Stdout, s.String())
		}
		return nil
	}
	cfg, err := a.Config()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.Stdout, 25, 4, 2, ' ', 0)
	fmt.Fprintln(w, "Profile\tCredentials\tSessions\t")
	fmt.Fprintln(w, "=======\t===========\t========\t")
	for _, p := range cfg.ProfileNames() {
		cred := "-"
		if contains(creds, p) {
			cred = p
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t\n", p, cred, sessionLabels(sessions, p, now))
	}
	for _, cred := range creds {
		if !cfg.HasProfile(cred) {
			fmt.Fprintf(w, "-\t%s\t%s\t\n", cred, sessionLabels(sessions, cred, now))
		}
	}
	return w.Flush()
}

func sessionLabels(sessions []keyring.SessionKey, profile string, now time.Time) string {
	var labels []string
	for _, s := range sessions {
		if s.ProfileName != profile {
			continue
		}
		left := s.Expiration.Sub(now).Truncate(time.Second)
		if left <= 0 {
			labels = append(labels, s.Type+":expired")
		} else {
			labels = append(labels, s.Type+":"+left.String())
		}
	}
	if len(labels) == 0 {
		return "-"
	}
	return strings.Join(labels, ", ")
}
