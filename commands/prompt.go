package commands

import (
	"fmt"
	"github.com/aws-vault/aws-vault/shells"
	"strconv"
	"strings"
	"time"
)

// PromptCmd prints the prompt function for a shell, or with --format the
// segment itself for prompt engines such as starship.
type PromptCmd struct {
	Shell  string `arg:"" optional:"" help:"bash, zsh, fish or powershell: print the aws_vault_prompt function." predictor:"shell"`
	Format string `help:"Print the segment now, with %p (profile), %r (time left, e.g. 42m), %e (expiry, RFC 3339), %% (a percent sign); nothing when no profile is active." placeholder:"FORMAT"`
}

// Validate wants one of the two.
func (c *PromptCmd) Validate() error {
	if (c.Shell == "") == (c.Format == "") {
		return fmt.Errorf("give a shell, or --format")
	}
	return nil
}

// Run prints the function or the segment. The segment reads only the
// environment: no config, no keyring.
func (c *PromptCmd) Run(a *App) error {
	if c.Format != "" {
		_, err := fmt.Fprint(a.Stdout, promptSegment(c.Format, a.Getenv("AWS_VAULT"), a.Getenv("AWS_CREDENTIAL_EXPIRATION"), time.Now()))
		return err
	}
	return a.printIntegration(c.Shell, shells.Shell.Prompt)
}

func promptSegment(format, profile, expiration string, now time.Time) string {
	if profile == "" {
		return ""
	}
	left := ""
	if exp, err := time.Parse(time.RFC3339, expiration); err == nil {
		if d := exp.Sub(now); d > 0 {
			left = strconv.Itoa(int(d/time.Minute)) + "m"
		} else {
			left = "expired"
		}
	}
	r := strings.NewReplacer("%%", "%", "%p", profile, "%r", left, "%e", expiration)
	return strings.TrimSpace(r.Replace(format))
}
