package commands

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// ListCmd shows profiles, stored credentials and cached sessions.
type ListCmd struct {
	Profiles    bool `negatable:""`
	Sessions    bool `negatable:""`
	Credentials bool `negatable:""`
	Backends    bool `negatable:""`
}

// listHelp is the help of ListCmd's flags and arguments (see helpTable).
var listHelp = helpTable{
	"profiles":    "Show only the profile names.",
	"sessions":    "Show only the session names.",
	"credentials": "Show only the profiles with stored credential.",
	"backends":    "Show the keyring backends: built in, usable here and why, and the default.",
}

func (*ListCmd) flagHelp() []helpTable { return []helpTable{listHelp} }

// Run prints the listing. Given more than one of the flags, as in the
// original, --credentials wins over --profiles, which wins over --sessions.
func (c *ListCmd) Run(a *App) error {
	if c.Backends {
		return listBackends(a, a.Stdout)
	}
	if c.Profiles && !c.Credentials {
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
	// The original's items: SSO tokens (listed by start URL), sessions,
	// long-term keys.
	var tokens, creds []string
	var sessions []keyring.SessionKey
	for _, k := range keys {
		if s, ok := keyring.ParseSessionKey(k); ok {
			sessions = append(sessions, s)
		} else if url, ok := keyring.ParseOIDCTokenKey(k); ok {
			tokens = append(tokens, url)
		} else if keyring.IsCredentialsKey(k) {
			creds = append(creds, k)
		}
	}
	now := time.Now()
	if c.Sessions {
		var b strings.Builder
		for _, t := range tokens {
			fmt.Fprintf(&b, "oidc:%s\n", t)
		}
		for _, s := range sessions {
			fmt.Fprintln(&b, sessionLabel(s, now))
		}
		_, err = a.Stdout.Write([]byte(b.String()))
		return err
	}
	cfg, err := a.Config()
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.Stdout, 25, 4, 2, ' ', 0)
	fmt.Fprintln(w, "Profile\tCredentials\tSessions\t")
	fmt.Fprintln(w, "=======\t===========\t========\t")
	profiles := cfg.ProfileNames()
	for _, p := range profiles {
		cred := "-"
		if contains(creds, p) {
			cred = p
		}
		var labels []string
		for _, s := range sessions {
			if s.ProfileName == p {
				labels = append(labels, sessionLabel(s, now))
			}
		}
		if len(labels) == 0 {
			labels = []string{"-"}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t\n", p, cred, strings.Join(labels, ", "))
	}
	// As in the original: stored keys without a profile, then a row of its
	// own for every SSO token (the original's check for a profile's token
	// never matches) and for every session of a profile not listed above.
	for _, cred := range creds {
		if !cfg.HasProfile(cred) {
			fmt.Fprintf(w, "-\t%s\t-\t\n", cred)
		}
	}
	for _, t := range tokens {
		fmt.Fprintf(w, "-\t-\t%s\t\n", a.tokenLabel(ring, t, now))
	}
	for _, s := range sessions {
		if !contains(profiles, s.ProfileName) {
			fmt.Fprintf(w, "-\t-\t%s\t\n", sessionLabel(s, now))
		}
	}
	return w.Flush()
}

// tokenLabel is an SSO token's row: oidc:START-URL as in the original,
// followed by :TIME-LEFT, as a session's, when the token's item can be read
// without asking anyone anything (keyctl, or the file backend with
// AWS_VAULT_FILE_PASSPHRASE): its expiry is inside the item, not in its
// key, and list must not start prompting for a passphrase or an unlock.
func (a *App) tokenLabel(ring *keyring.Keyring, startURL string, now time.Time) string {
	label := "oidc:" + startURL
	backend, err := ring.Backend()
	if err != nil {
		return label
	}
	if backend != "keyctl" && (backend != "file" || a.Getenv("AWS_VAULT_FILE_PASSPHRASE") == "") {
		return label
	}
	expires, ok := ring.OIDCTokenExpiry(startURL)
	if !ok {
		return label
	}
	return label + ":" + expires.Sub(now).Truncate(time.Second).String()
}

// sessionLabel is the original's: the session's type and the time left,
// in whole seconds (negative once it has expired), as in
// sts.GetSessionToken:59m58s.
func sessionLabel(s keyring.SessionKey, now time.Time) string {
	return s.Type + ":" + s.Expiration.Sub(now).Truncate(time.Second).String()
}
