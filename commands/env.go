package commands

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/aws-vault/aws-vault/engine/hook"
	"github.com/aws-vault/aws-vault/shells"
)

// EnvCmd prints shell code that puts credentials into the current shell,
// or takes them out again.
type EnvCmd struct {
	SessionFlags `embed:""`

	Shell   string `placeholder:"SHELL" predictor:"shell"`
	Format  string `enum:"shell,json" default:"shell"`
	Unset   bool   `negatable:""`
	Print   bool   `negatable:""`
	Profile string `arg:"" optional:"" predictor:"profile"`
}

// envHelp is the help of EnvCmd's flags and arguments (see helpTable).
var envHelp = helpTable{
	"shell":   "Shell to write code for (detected from the parent process, then $SHELL).",
	"format":  "shell: code for the shell; json: the plan as JSON, for nushell, elvish, editors and other tools (\"env\" holds what to set, null for what to unset).",
	"unset":   "Print code that removes the credentials and restores what they replaced.",
	"print":   "Print the code even when standard output is a terminal.",
	"profile": "Name of the profile; defaults to $AWS_PROFILE, then one picked from a list on a terminal.",
}

func (*EnvCmd) flagHelp() []helpTable { return []helpTable{envHelp, sessionFlagsHelp} }

// Help says how each shell applies the output.
func (c *EnvCmd) Help() string {
	return perShell("Prints what puts a profile's credentials into the shell you are in, or (--unset) takes them out and restores what they replaced. Apply it with:",
		func(sh shells.Shell) string { return fmt.Sprintf(sh.Usage().Load, "PROFILE") })
}

// Validate checks that there is not both a profile and --unset.
func (c *EnvCmd) Validate() error {
	if c.Unset && c.Profile != "" {
		return errors.New("give a profile, or --unset (not both)")
	}
	return nil
}

// Run prints the plan. A command that fails still prints a plan (one that
// only fails), so that eval "$(aws-vault env nosuch)" fails too.
func (c *EnvCmd) Run(a *App) error {
	var sh shells.Shell
	if c.Format != "json" || c.Shell != "" {
		var err error
		if sh, err = a.detectShell(c.Shell); err != nil {
			return err
		}
	}
	if !c.Print && isTerminal(a.Stdout) {
		if sh == nil {
			return errors.New("aws-vault env --format json prints credentials; redirect it, or add --print to show them here")
		}
		// Shell code on a terminal helps nobody, and would show secrets.
		args := c.Profile
		if c.Unset {
			args = "--unset"
		}
		fmt.Fprintf(a.Stdout, "aws-vault env prints what puts credentials into the current %s. Apply it with:\n\n    %s\n\n(--print shows it here.)\n", sh.Name(), fmt.Sprintf(sh.Usage().Load, args))
		return nil
	}
	now := time.Now()
	d := hook.UnloadByHand()
	if !c.Unset {
		var err error
		if c.Profile, err = a.profileOrDefault(c.Profile); err != nil {
			return a.envFailed(sh, c.Format, err)
		}
		d = hook.LoadByHand(hook.Request{Profile: c.Profile, Duration: c.Duration, NoSession: c.NoSession, Region: c.Region})
	}
	d, env, err := a.carryOut(d, now, carryOptions{ByHand: true, MfaToken: c.MfaToken})
	if err != nil {
		return a.envFailed(sh, c.Format, err)
	}
	out, err := render(sh, c.Format, a.planFor(d, env, true, now))
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.Stdout, out)
	return err
}

// envFailed prints a plan that only fails, and returns err.
func (a *App) envFailed(sh shells.Shell, format string, err error) error {
	if out, rerr := render(sh, format, shells.Plan{Fail: true}); rerr == nil {
		fmt.Fprint(a.Stdout, out)
	}
	return err
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
