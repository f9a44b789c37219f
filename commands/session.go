package commands

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/prompt"
)

// SessionFlags are the flags of every command that asks the engine for a
// session: exec, export and env.
type SessionFlags struct {
	Duration  time.Duration `short:"d" env:"AWS_VAULT_DURATION" placeholder:"DURATION"`
	NoSession bool          `short:"n" negatable:""`
	Region    string        `placeholder:"REGION"`
	MfaToken  string        `short:"t" placeholder:"CODE"`
	// UseDeviceCode is the AWS CLI's --use-device-code.
	UseDeviceCode bool `name:"use-device-code" env:"AWS_VAULT_SSO_USE_DEVICE_CODE" negatable:""`

	// NoBrowser is set from a command's --stdout: an IAM Identity Center
	// sign-in shows its URL and opens no browser.
	NoBrowser bool `kong:"-"`
}

// sessionFlagsHelp is the help of SessionFlags's flags and arguments (see helpTable).
var sessionFlagsHelp = helpTable{
	"duration":        "Duration of the temporary or assume-role session. Defaults to 1h.",
	"no-session":      "Skip creating STS session with GetSessionToken.",
	"region":          "The AWS region.",
	"mfa-token":       "The MFA token to use.",
	"use-device-code": "IAM Identity Center: sign in with the device code flow instead of the browser's redirect to this computer.",
}

// promptRule says when a command run without --prompt asks for MFA codes
// on the terminal. Otherwise it asks through prompt.NonTerminal: a dialog (zenity,
// kdialog, osascript) or ykman when one is found on PATH, as the original
// does, else still the terminal.
type promptRule int

const (
	// terminalIfStdout is the original's rule, for exec, export, login and
	// rotate: the terminal when stdout is one.
	terminalIfStdout promptRule = iota
	// terminalIfTTY is for env and hook-exec, whose output a shell always
	// captures: the terminal when there is a controlling terminal.
	terminalIfTTY
	// terminalLast is for exec with a credential server, whose command
	// owns the terminal (the original prefers another driver there too).
	terminalLast
)

// choosePrompt is the engine's ChoosePrompt for rule; it runs only when an
// MFA code is needed.
func (a *App) choosePrompt(rule promptRule) func() string {
	return func() string {
		switch {
		case rule == terminalIfStdout && isTerminal(a.Stdout),
			rule == terminalIfTTY && prompt.HasTTY():
			return "terminal"
		}
		return prompt.NonTerminal()
	}
}

// Engine builds the session engine for the given flags.
func (a *App) Engine(f SessionFlags) (*engine.Engine, error) {
	return a.engine(f, terminalIfStdout)
}

// engine builds the session engine for the given flags, choosing the prompt
// driver (when --prompt does not) by rule.
func (a *App) engine(f SessionFlags, rule promptRule) (*engine.Engine, error) {
	if f.Duration < 0 {
		return nil, errors.New("--duration must be positive")
	}
	if f.Duration > 0 && f.Duration < 15*time.Minute {
		return nil, fmt.Errorf("--duration %s is shorter than the 15 minutes AWS allows", f.Duration)
	}
	cfg, err := a.Config()
	if err != nil {
		return nil, err
	}
	ttls, err := config.LoadTTLs(a.Getenv)
	if err != nil {
		return nil, err
	}
	getenv := a.Getenv
	if a.Getenv("AWS_VAULT") != "" {
		// The region variables were set by aws-vault for the active
		// profile; they must not override the next profile's region.
		getenv = func(k string) string {
			if k == "AWS_REGION" || k == "AWS_DEFAULT_REGION" {
				return ""
			}
			return a.Getenv(k)
		}
	}
	return engine.New(engine.Options{
		Ring:          a.Keyring(),
		Config:        cfg,
		Getenv:        getenv,
		TTLs:          ttls,
		PromptDriver:  a.Globals.Prompt,
		ChoosePrompt:  a.choosePrompt(rule),
		MfaToken:      f.MfaToken,
		Duration:      f.Duration,
		NoSession:     f.NoSession,
		Region:        f.Region,
		NoBrowser:     f.NoBrowser,
		UseDeviceCode: f.UseDeviceCode,
		Stderr:        a.Stderr,
	})
}

// refuseNesting stops exec from starting a command inside a shell that
// aws-vault exec started (AWS_VAULT set, not by the shell integration), as
// the original does. Credentials that aws-vault env or a directory put
// into a shell are replaced by exec, not nested, so they do not count.
func (a *App) refuseNesting() error {
	p := a.Getenv("AWS_VAULT")
	if p == "" || a.Getenv(engine.LoadedByVar) != "" {
		return nil
	}
	return fmt.Errorf("this shell is an aws-vault exec subshell for profile %q; exit it first, or run: unset AWS_VAULT", p)
}

// Credentials builds the session engine for f and gets profile's
// credentials and environment from it.
func (a *App) Credentials(f SessionFlags, profile string) (*engine.Env, *engine.Result, error) {
	eng, err := a.Engine(f)
	if err != nil {
		return nil, nil, err
	}
	return eng.Env(context.Background(), profile)
}
