package commands

import (
	"errors"
	"fmt"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

// AddCmd stores a long-term access key.
type AddCmd struct {
	Profile   string `arg:"" predictor:"profile"`
	Env       bool   `negatable:""`
	AddConfig bool   `default:"true" negatable:""`
}

// addHelp is the help of AddCmd's flags and arguments (see helpTable).
var addHelp = helpTable{
	"env":        "Read the credentials from the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY).",
	"add-config": "Add a profile to ~/.aws/config if one doesn't exist.",
	"profile":    "Name of the profile.",
}

func (*AddCmd) flagHelp() []helpTable { return []helpTable{addHelp} }

// Run adds the credentials.
func (c *AddCmd) Run(a *App) error {
	cfg, err := a.Config()
	if err != nil {
		return err
	}
	if cfg.HasProfile(c.Profile) {
		p, err := (&config.Resolver{File: cfg, Env: a.Getenv}).Resolve(c.Profile)
		if err != nil {
			return err
		}
		if p.SourceProfileName != "" {
			return fmt.Errorf("profile %q has source_profile %q in %s: adding credentials to %q would have no effect; add them to %q instead", c.Profile, p.SourceProfileName, cfg.Path, c.Profile, p.SourceProfileName)
		}
	}

	ring := a.Keyring()
	has, err := ring.HasCredentials(c.Profile)
	if err != nil {
		return err
	}
	if has {
		ok, err := a.Terminal().Confirm(fmt.Sprintf("Credentials for profile %q already exist. Overwrite them?", c.Profile))
		if err != nil {
			return err
		}
		if !ok {
			return &ExitError{Code: 1, Err: errors.New("left the existing credentials as they were")}
		}
	}

	var creds keyring.LongTerm
	var mfaSerial string
	if c.Env {
		creds.AccessKeyID = a.Getenv("AWS_ACCESS_KEY_ID")
		creds.SecretAccessKey = a.Getenv("AWS_SECRET_ACCESS_KEY")
		if creds.AccessKeyID == "" {
			return errors.New("--env: AWS_ACCESS_KEY_ID is not set")
		}
		if creds.SecretAccessKey == "" {
			return errors.New("--env: AWS_SECRET_ACCESS_KEY is not set")
		}
	} else {
		t := a.Terminal()
		if creds.AccessKeyID, err = t.Text("Enter Access Key ID: "); err != nil {
			return err
		}
		if creds.SecretAccessKey, err = t.Secret("Enter Secret Access Key: "); err != nil {
			return err
		}
		if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
			return errors.New("both an access key ID and a secret access key are needed")
		}
		// As the maintained fork does: the MFA device, for the profile
		// section add writes (asked only when it writes one).
		// A wrong answer is asked again on a terminal (the key typed
		// above is not lost), and refused from a pipe; nothing is stored.
		if c.AddConfig && !cfg.HasProfile(c.Profile) {
			for {
				if mfaSerial, err = t.Optional("Enter MFA Device ARN (If MFA is not enabled, leave this blank): "); err != nil {
					return err
				}
				bad := config.CheckMFASerial(mfaSerial)
				if mfaSerial == "" || bad == nil {
					break
				}
				if !t.IsTerminal() {
					return fmt.Errorf("%w; nothing was stored", bad)
				}
				fmt.Fprintf(a.Stderr, "%v\n", bad)
			}
		}
	}

	if err := ring.SetCredentials(c.Profile, creds); err != nil {
		return err
	}
	backend, _ := ring.Backend()
	fmt.Fprintf(a.Stdout, "Added credentials to profile %q in vault\n", c.Profile)
	if keyring.Volatile(backend) {
		fmt.Fprintf(a.Stderr, "Note: the %s backend keeps this key in the kernel keyring only until the next reboot.\n", backend)
	}

	if n, err := ring.RemoveSessions(c.Profile); err != nil {
		return err
	} else if n > 0 {
		fmt.Fprintf(a.Stdout, "Deleted %d existing sessions.\n", n)
	}

	if c.AddConfig && !cfg.HasProfile(c.Profile) {
		var keys map[string]string
		if mfaSerial != "" {
			keys = map[string]string{"mfa_serial": mfaSerial}
		}
		if err := cfg.AddProfile(c.Profile, keys); err != nil {
			return err
		}
		fmt.Fprintf(a.Stdout, "Added profile %q to %s\n", c.Profile, cfg.Path)
	}
	return nil
}
