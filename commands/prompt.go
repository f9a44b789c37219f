package commands

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws-vault/aws-vault/shells"
)

// PromptCmd prints the prompt segment's code for a shell, or with --format
// the segment itself for prompt engines such as starship.
type PromptCmd struct {
	Shell  string `arg:"" optional:"" predictor:"shell"`
	Format string `placeholder:"FORMAT"`
}

// promptHelp is the help of PromptCmd's flags and arguments (see helpTable).
var promptHelp = helpTable{
	"format": "Print the segment now, with %p (profile), %r (time left: 42m, 1h05m, expired), %e (expiry, RFC 3339), %% (a percent sign); nothing when no profile is active.",
	"shell":  "Shell to print the code for that keeps the prompt segment up to date.",
}

func (*PromptCmd) flagHelp() []helpTable { return []helpTable{promptHelp} }

// Help shows a prompt for each shell.
func (c *PromptCmd) Help() string {
	return perShell("The hook (aws-vault hook SHELL) includes the prompt segment; this prints it alone. Show it in a prompt, without starting a process, with:",
		func(sh shells.Shell) string { return sh.Usage().Prompt })
}

// Validate wants one of the two.
func (c *PromptCmd) Validate() error {
	if (c.Shell == "") == (c.Format == "") {
		return fmt.Errorf("give a shell, or --format")
	}
	if c.Shell != "" {
		return validShell(c.Shell)
	}
	return nil
}

// Run prints the code or the segment. The segment reads only the
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
		left = timeLeft(exp.Sub(now))
	}
	var b strings.Builder
	skipSpace := false // an empty expansion with no space before it takes the one after
	for i := 0; i < len(format); i++ {
		c := format[i]
		if skipSpace && c == ' ' {
			skipSpace = false
			continue
		}
		skipSpace = false
		if c != '%' || i+1 == len(format) {
			b.WriteByte(c)
			continue
		}
		i++
		var v string
		switch format[i] {
		case '%':
			b.WriteByte('%')
			continue
		case 'p':
			v = profile
		case 'r':
			v = left
		case 'e':
			v = expiration
		default:
			b.WriteByte('%')
			b.WriteByte(format[i])
			continue
		}
		if v == "" {
			// No stray space where nothing was written.
			if out := b.String(); strings.HasSuffix(out, " ") {
				b.Reset()
				b.WriteString(out[:len(out)-1])
			} else {
				skipSpace = true
			}
		}
		b.WriteString(v)
	}
	return strings.TrimSpace(b.String())
}

// timeLeft is how the prompt shows a duration: 42m under an hour, 1h05m
// and 29h59m above, "expired" once it is past. The shells' prompt code
// writes the same.
func timeLeft(d time.Duration) string {
	if d <= 0 {
		return "expired"
	}
	m := int64(d / time.Minute)
	if m < 60 {
		return strconv.FormatInt(m, 10) + "m"
	}
	return fmt.Sprintf("%dh%02dm", m/60, m%60)
}
