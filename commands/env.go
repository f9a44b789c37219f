package commands

import (
	"errors"
	"fmt"
	"os"
	"time"

	"golang.org/x/term"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/shells"
)

// EnvCmd prints shell code that puts credentials into the current shell,
// or takes them out again.
type EnvCmd struct {
	SessionFlags `embed:""`

	Shell   string `help:"Shell to write code for (bash, zsh, fish, powershell); detected from the parent process, then $SHELL." placeholder:"SHELL" predictor:"shell"`
	Unset   bool   `help:"Print code that removes the credentials and restores what they replaced."`
	Print   bool   `help:"Print the code even when standard output is a terminal."`
	Profile string `arg:"" optional:"" help:"Name of the profile." predictor:"profile"`
}

// Validate checks that there is either a profile or --unset.
func (c *EnvCmd) Validate() error {
	if c.Unset == (c.Profile != "") {
		return errors.New("give a profile, or --unset (not both)")
	}
	return nil
}

// Run prints the script.
func (c *EnvCmd) Run(a *App) error {
	sh, err := a.detectShell(c.Shell)
	if err != nil {
		return err
	}
	if !c.Print && isTerminal(a.Stdout) {
		// Shell code on a terminal helps nobody, and would show secrets.
		cmd := "aws-vault env " + c.Profile
		if c.Unset {
			cmd = "aws-vault env --unset"
		}
		fmt.Fprintf(a.Stdout, "aws-vault env prints %s code for the current shell to run. Load it with:\n\n    %s\n\n(--print shows the code here.)\n", sh.Name(), loadHint(sh, cmd))
		return nil
	}
	if c.Unset {
		// Forgetting $PWD makes the hook, if installed, look at the
		// directory again at the next prompt.
		_, err := fmt.Fprint(a.Stdout, sh.Deactivate()+sh.UnsetLocal(append([]string{shells.VarPWD}, stateVars...)))
		return err
	}
	env, res, err := a.Credentials(c.SessionFlags, c.Profile)
	if err != nil {
		return err
	}
	// Remember what was asked, so the prompt shows the time left and the
	// hook (if installed) refreshes the credentials before they expire.
	ttls, err := config.LoadTTLs(a.Getenv)
	if err != nil {
		return err
	}
	st := hookState{Profile: c.Profile, Duration: c.Duration, NoSession: c.NoSession, Region: c.Region}
	script, err := sh.Activate(shells.Change{Set: env.Set, Unset: env.Unset}, activationVars(res, st, ttls.MinTTL, time.Now()))
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.Stdout, script)
	return err
}

func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
