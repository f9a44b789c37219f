package commands

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/dirprofile"
	"github.com/aws-vault/aws-vault/engine/hook"
	"github.com/aws-vault/aws-vault/engine/prompt"
	"github.com/aws-vault/aws-vault/internal/termsafe"
	"github.com/aws-vault/aws-vault/shells"
)

// HookCmd prints the shell integration for an rc file.
type HookCmd struct {
	Shell string `arg:"" predictor:"shell"`
}

// hookHelp is the help of HookCmd's flags and arguments (see helpTable).
var hookHelp = helpTable{
	"shell": "Shell.",
}

func (*HookCmd) flagHelp() []helpTable { return []helpTable{hookHelp} }

// Help says how to install it in each shell.
func (c *HookCmd) Help() string {
	return perShell("Prints the shell integration: .awsprofile directories load their profile (once allowed), credentials are refreshed before they expire, and a prompt segment shows the active profile and the time left. To install it:",
		func(sh shells.Shell) string { return sh.Usage().Hook })
}

// Validate checks the shell.
func (c *HookCmd) Validate() error { return validShell(c.Shell) }

// Run prints the hook.
func (c *HookCmd) Run(a *App) error { return a.printIntegration(c.Shell, shells.Shell.Hook) }

// printIntegration prints one of a shell's integration scripts (hook or
// prompt), rendered with this binary's path and AWS_MIN_TTL.
func (a *App) printIntegration(shell string, render func(shells.Shell, shells.HookOptions) (string, error)) error {
	sh, err := a.detectShell(shell)
	if err != nil {
		return err
	}
	o, err := a.hookOptions()
	if err != nil {
		return err
	}
	script, err := render(sh, o)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.Stdout, script)
	return err
}

func (a *App) hookOptions() (shells.HookOptions, error) {
	bin, err := selfPath()
	if err != nil {
		return shells.HookOptions{}, err
	}
	ttls, err := config.LoadTTLs(a.Getenv)
	if err != nil {
		return shells.HookOptions{}, err
	}
	return shells.HookOptions{Bin: bin, MinTTL: int64(ttls.MinTTL / time.Second)}, nil
}

// selfPath is how the hook should call this binary again: the name it was
// started by, resolved on PATH but not through symlinks (a package
// manager's stable link survives upgrades), else the executable itself.
func selfPath() (string, error) {
	if name := os.Args[0]; name != "" {
		if p, err := exec.LookPath(name); err == nil {
			if abs, err := filepath.Abs(p); err == nil {
				return abs, nil
			}
		}
	}
	bin, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("finding the aws-vault binary: %w", err)
	}
	return bin, nil
}

// HookExecCmd is what the hook runs when the directory, the trust of its
// .awsprofile or the refresh time changed: it decides (engine/hook) and
// prints what to do to the shell. Notices go to stderr; stdout is only the
// plan, and the exit status is 0 whenever there is one.
type HookExecCmd struct {
	Shell  string ``
	Format string `enum:"shell,json" default:"shell"`
}

// hookExecHelp is the help of HookExecCmd's flags and arguments (see helpTable).
var hookExecHelp = helpTable{
	"shell":  "Shell the code is for.",
	"format": "shell: code for the shell; json: the plan as JSON (see env --format).",
}

func (*HookExecCmd) flagHelp() []helpTable { return []helpTable{hookExecHelp} }

// Run decides and prints.
func (c *HookExecCmd) Run(a *App) error {
	sh, err := a.detectShell(c.Shell)
	if err != nil && c.Format != "json" {
		return err
	}
	now := time.Now()
	pwd := workingDir(a.Getenv)
	ttls, err := config.LoadTTLs(a.Getenv)
	if err != nil {
		return err
	}
	in := hook.Input{
		State:  hook.ParseState(a.Getenv(shells.StateEnv)),
		Dir:    a.lookAt(pwd),
		Env:    hookEnv(a.Getenv),
		Now:    now,
		MinTTL: ttls.MinTTL,
	}
	d := hook.Decide(in)
	// Ctrl-C at a prompt (MFA, passphrase) ends the run at once with the
	// decision to give up, which the shell applies like any other.
	var once onceWriter
	finish := func(d hook.Decision, env *engine.Env) error {
		var err error
		once.do(func() {
			out, rerr := render(sh, c.Format, a.planFor(d, env, false, now))
			if rerr != nil && d.Action == hook.Load {
				// Credentials the shell cannot hold (a NUL byte from a
				// credential_process) fail the load like any other
				// failure: a notice, and a retry after a minute, not
				// an error at the next prompts.
				d = d.Failed("cannot put the credentials into the shell: "+firstLine(rerr), false, now)
				env = nil
				out, rerr = render(sh, c.Format, a.planFor(d, env, false, now))
			}
			if d.Notice != "" {
				a.notice("%s", d.Notice)
			}
			if err = rerr; err == nil {
				_, err = fmt.Fprint(a.Stdout, out)
			}
		})
		return err
	}
	d, env, err := a.carryOut(d, now, carryOptions{OnInterrupt: func(gaveUp hook.Decision) {
		prompt.RestoreTerminal() // a passphrase prompt turned echo off
		if finish(gaveUp, nil) == nil {
			os.Exit(0)
		}
		os.Exit(1)
	}})
	if err != nil {
		return err
	}
	return finish(d, env)
}

// workingDir is $PWD when it names the working directory (the path the
// user sees, symlinks and all), else the working directory.
func workingDir(getenv func(string) string) string {
	if pwd := getenv("PWD"); filepath.IsAbs(pwd) {
		if a, err := os.Stat(pwd); err == nil {
			if b, err := os.Stat("."); err == nil && os.SameFile(a, b) {
				return filepath.Clean(pwd)
			}
		}
	}
	if wd, err := os.Getwd(); err == nil {
		return wd
	}
	return getenv("PWD")
}

// lookAt reads what the hook needs to know about a directory: its nearest
// .awsprofile, what that asks for, and whether it is trusted.
func (a *App) lookAt(pwd string) hook.Dir {
	d := hook.Dir{PWD: pwd}
	if _, err := os.Stat(pwd); err != nil {
		d.Missing = true
		return d
	}
	found, err := dirprofile.Find(pwd)
	if err != nil {
		d.Err = err
		return d
	}
	if found == nil {
		return d
	}
	d.File, d.Hash = found.Path, found.Hash
	settings, err := dirprofile.Parse(found.Path, found.Data)
	if err != nil {
		d.Err = err
		return d
	}
	d.Request = hook.Request{Profile: settings.Profile, Duration: settings.Duration, Region: settings.Region}
	trust := dirprofile.Trust{Dir: dirprofile.TrustDir(a.Getenv)}
	d.Record = trust.Record(found)
	d.Trusted, d.TrustErr = trust.Allowed(found)
	return d
}

// hookEnv is what the environment says is active.
func hookEnv(getenv func(string) string) hook.Env {
	e := hook.Env{Vault: getenv("AWS_VAULT"), LoadedBy: getenv(engine.LoadedByVar)}
	if t, err := time.Parse(time.RFC3339, getenv("AWS_CREDENTIAL_EXPIRATION")); err == nil {
		e.Expiration = t
	}
	return e
}

// notice prints one line (or a few) on stderr, with every character that
// could move the cursor or change the terminal escaped: a notice may quote
// a file or directory name, or what an .awsprofile says. (engine/hook
// escapes those within each line, newlines included.)
func (a *App) notice(format string, args ...any) {
	fmt.Fprintf(a.Stderr, "aws-vault: %s\n", termsafe.Text(fmt.Sprintf(format, args...)))
}

// AllowCmd trusts the .awsprofile of a directory as it is now.
type AllowCmd struct {
	Path string `arg:"" optional:"" predictor:"dirs" type:"path"`
}

// allowHelp is the help of AllowCmd's flags and arguments (see helpTable).
var allowHelp = helpTable{
	"path": "Directory (or .awsprofile file); defaults to the current directory.",
}

func (*AllowCmd) flagHelp() []helpTable { return []helpTable{allowHelp} }

// Run records the trust.
func (c *AllowCmd) Run(a *App) error {
	found, err := findForTrust(c.Path)
	if err != nil {
		return err
	}
	settings, err := dirprofile.Parse(found.Path, found.Data)
	if err != nil {
		return err
	}
	if err := found.CheckAllowable(); err != nil {
		return err
	}
	if err := (dirprofile.Trust{Dir: dirprofile.TrustDir(a.Getenv)}).Allow(found); err != nil {
		return fmt.Errorf("recording trust in %s: %w", found.Path, err)
	}
	where := ""
	if dir := allowedFrom(c.Path); dir != "" && filepath.Dir(found.Path) != dir {
		// The directory has none of its own: say whose file it is.
		where = fmt.Sprintf(", the nearest %s above %s, which has none", dirprofile.FileName, dir)
	}
	fmt.Fprintf(a.Stdout, "Allowed %s (profile %s)%s\n", termsafe.Line(found.Path), settings.Profile, termsafe.Line(where))
	return nil
}

// allowedFrom is the directory allow was given (or the current one), or
// "" when it was given a file.
func allowedFrom(arg string) string {
	if arg == "" {
		arg = "."
	}
	abs, err := filepath.Abs(arg)
	if err != nil {
		return ""
	}
	if st, err := os.Stat(abs); err != nil || !st.IsDir() {
		return ""
	}
	return abs
}

// DenyCmd revokes trust in a directory's .awsprofile.
type DenyCmd struct {
	Path string `arg:"" optional:"" predictor:"dirs" type:"path"`
}

// denyHelp is the help of DenyCmd's flags and arguments (see helpTable).
var denyHelp = helpTable{
	"path": "Directory (or .awsprofile file); defaults to the current directory.",
}

func (*DenyCmd) flagHelp() []helpTable { return []helpTable{denyHelp} }

// Run forgets the trust.
func (c *DenyCmd) Run(a *App) error {
	path, err := trustPath(c.Path)
	if err != nil {
		return err
	}
	had, err := (dirprofile.Trust{Dir: dirprofile.TrustDir(a.Getenv)}).Deny(path)
	if err != nil {
		return err
	}
	if had {
		fmt.Fprintf(a.Stdout, "Denied %s\n", termsafe.Line(path))
	} else {
		fmt.Fprintf(a.Stdout, "%s was not allowed\n", termsafe.Line(path))
	}
	return nil
}

// trustPath turns a directory or file argument into the .awsprofile path:
// the nearest one above a directory, as the hook would find it.
func trustPath(arg string) (string, error) {
	f, err := findForTrust(arg)
	if err == nil {
		return f.Path, nil
	}
	if arg == "" {
		arg = "."
	}
	abs, aerr := filepath.Abs(arg)
	if aerr != nil {
		return "", aerr
	}
	if filepath.Base(abs) != dirprofile.FileName {
		abs = filepath.Join(abs, dirprofile.FileName)
	}
	return abs, nil
}

func findForTrust(arg string) (*dirprofile.Found, error) {
	if arg == "" {
		arg = "."
	}
	st, err := os.Stat(arg)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return dirprofile.Read(arg)
	}
	f, err := dirprofile.Find(arg)
	if err != nil {
		return nil, err
	}
	if f == nil {
		abs, _ := filepath.Abs(arg)
		return nil, errors.New("no " + dirprofile.FileName + " in " + abs + " or above it")
	}
	return f, nil
}
