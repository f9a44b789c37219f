package commands

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/dirprofile"
	"github.com/aws-vault/aws-vault/shells"
)

// HookCmd prints the shell integration for an rc file.
type HookCmd struct {
	Shell string `arg:"" help:"bash, zsh, fish or powershell." predictor:"shell"`
}

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

// HookExecCmd is what the hook runs when $PWD changed or a refresh is due:
// it prints code that moves the shell from its recorded state to the one
// the directory (or the last aws-vault env) asks for.
type HookExecCmd struct {
	Shell string `required:"" help:"bash, zsh, fish or powershell."`
}

// Run decides and prints. Notices go to stderr; stdout is only code.
func (c *HookExecCmd) Run(a *App) error {
	sh, err := a.detectShell(c.Shell)
	if err != nil {
		return err
	}
	pwd := a.Getenv("PWD")
	if pwd == "" {
		if pwd, err = os.Getwd(); err != nil {
			return err
		}
	}
	st := parseHookState(a.Getenv(shells.StateEnv))
	out, err := a.hookStep(sh, pwd, st)
	if err != nil {
		return err
	}
	_, err = fmt.Fprint(a.Stdout, out)
	return err
}

func (a *App) notice(format string, args ...any) {
	fmt.Fprintf(a.Stderr, "aws-vault: "+format+"\n", args...)
}

// hookStep is the decision table of the directory hook.
func (a *App) hookStep(sh shells.Shell, pwd string, st hookState) (string, error) {
	now := time.Now()
	active := a.Getenv("AWS_VAULT")
	// Always record where we are, so the next prompt is a no-op.
	keep := func(st hookState, extra string) (string, error) {
		s, err := sh.SetLocal(map[string]string{shells.VarPWD: pwd, shells.VarState: st.String()})
		return extra + s, err
	}

	// Someone switched profiles by hand (or left them): stop managing.
	if st.Profile != "" && active != st.Profile {
		st = hookState{Noticed: st.Noticed}
		return keep(st, sh.UnsetLocal([]string{shells.VarRefresh, shells.VarRefreshUptime}))
	}

	found, ferr := dirprofile.Find(pwd)
	if ferr != nil {
		key := "error:" + ferr.Error()
		if st.Noticed != key {
			a.notice("%v", ferr)
			st.Noticed = key
		}
		found = nil
	}

	if found == nil {
		if st.Profile != "" && st.Path != "" {
			// Left the directory: restore what was there before.
			return keep(hookState{Noticed: st.Noticed}, sh.Deactivate()+sh.UnsetLocal(stateVars))
		}
		if st.Profile != "" && st.due(now) {
			return a.activate(sh, pwd, st, now, keep) // aws-vault env's profile: refresh
		}
		return keep(st, "")
	}

	key := found.Path + "#" + found.Hash
	trust := dirprofile.Trust{Dir: dirprofile.TrustDir(a.Getenv)}
	settings, perr := dirprofile.Parse(found.Path, found.Data)
	switch {
	case !trust.Allowed(found):
		if st.Noticed != key {
			a.notice("%s is not allowed; check it and run: aws-vault allow %s", found.Path, shellWord(filepath.Dir(found.Path)))
			st.Noticed = key
		}
		if st.Path != "" {
			return keep(hookState{Noticed: st.Noticed}, sh.Deactivate()+sh.UnsetLocal(stateVars))
		}
		return keep(st, "")
	case perr != nil:
		if st.Noticed != key {
			a.notice("%v", perr)
			st.Noticed = key
		}
		return keep(st, "")
	}

	if st.Profile != "" && st.Path == "" {
		// A profile loaded by hand with aws-vault env wins over directories.
		if st.Noticed != key {
			a.notice("profile %s (from aws-vault env) stays active; %s asks for %s (run aws-vault env --unset to let it apply)", st.Profile, found.Path, settings.Profile)
			st.Noticed = key
		}
		if st.due(now) {
			return a.activate(sh, pwd, st, now, keep)
		}
		return keep(st, "")
	}
	if active != "" && st.Profile == "" {
		// A profile loaded with aws-vault env (or an exec subshell) wins.
		if st.Noticed != key {
			a.notice("profile %s is active; %s asks for %s (run aws-vault env --unset to let it apply)", active, found.Path, settings.Profile)
			st.Noticed = key
		}
		return keep(st, "")
	}
	if st.Path == found.Path && st.Hash == found.Hash {
		if st.due(now) {
			return a.activate(sh, pwd, st, now, keep)
		}
		return keep(st, "")
	}
	// Entering, or moving to another directory's profile: activate (a
	// switch keeps the state saved by the first activation).
	next := hookState{Profile: settings.Profile, Path: found.Path, Hash: found.Hash, Duration: settings.Duration, Region: settings.Region, Noticed: st.Noticed}
	return a.activate(sh, pwd, next, now, keep)
}

func (a *App) activate(sh shells.Shell, pwd string, st hookState, now time.Time, keep func(hookState, string) (string, error)) (string, error) {
	eng, err := a.Engine(SessionFlags{Duration: st.Duration, NoSession: st.NoSession, Region: st.Region})
	if err != nil {
		return a.hookFailure(sh, pwd, st, now, err, keep)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env, res, err := eng.Env(ctx, st.Profile)
	if err != nil {
		return a.hookFailure(sh, pwd, st, now, err, keep)
	}
	ttls, _ := config.LoadTTLs(a.Getenv)
	vars := activationVars(res, st, ttls.MinTTL, now)
	vars[shells.VarPWD] = pwd
	return sh.Activate(shells.Change{Set: env.Set, Unset: env.Unset}, vars)
}

// hookFailure says what went wrong in one line and changes nothing, except
// that it looks again in a minute rather than at every prompt.
func (a *App) hookFailure(sh shells.Shell, pwd string, st hookState, now time.Time, err error, keep func(hookState, string) (string, error)) (string, error) {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	a.notice("profile %s not loaded: %s", st.Profile, msg)
	retry, serr := sh.SetLocal(refreshVars(now.Add(time.Minute), now))
	if serr != nil {
		return "", serr
	}
	prev := parseHookState(a.Getenv(shells.StateEnv))
	return keep(prev, retry)
}

// shellWord quotes a path for a command line shown to a person.
func shellWord(p string) string {
	if strings.ContainsAny(p, " '\"$`\\!*?;&|<>(){}[]#~") {
		return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
	}
	return p
}

// AllowCmd trusts the .awsprofile of a directory as it is now.
type AllowCmd struct {
	Path string `arg:"" optional:"" help:"Directory (or .awsprofile file); defaults to the current directory." predictor:"dirs" type:"path"`
}

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
	if err := (dirprofile.Trust{Dir: dirprofile.TrustDir(a.Getenv)}).Allow(found); err != nil {
		return fmt.Errorf("recording trust in %s: %w", found.Path, err)
	}
	fmt.Fprintf(a.Stdout, "Allowed %s (profile %s)\n", found.Path, settings.Profile)
	return nil
}

// DenyCmd revokes trust in a directory's .awsprofile.
type DenyCmd struct {
	Path string `arg:"" optional:"" help:"Directory (or .awsprofile file); defaults to the current directory." predictor:"dirs" type:"path"`
}

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
		fmt.Fprintf(a.Stdout, "Denied %s\n", path)
	} else {
		fmt.Fprintf(a.Stdout, "%s was not allowed\n", path)
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
