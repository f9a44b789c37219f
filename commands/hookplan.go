package commands

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/hook"
	"github.com/aws-vault/aws-vault/engine/prompt"
	"github.com/aws-vault/aws-vault/shells"
)

// A run of the shell integration (hook-exec, env) goes: a hook.Decision,
// then the credentials it asks for, then a shells.Plan that says exactly
// what to do to the shell, which the shell's renderer turns into code.

// errInterrupted is a fetch the user stopped with Ctrl-C.
var errInterrupted = errors.New("interrupted")

// fetch gets the credentials of a decision to Load. Ctrl-C while it runs
// (typically at an MFA prompt) calls onInterrupt, which is expected to
// finish the run: the prompt itself may go on blocking on the terminal.
func (a *App) fetch(r hook.Request, mfaToken string, onInterrupt func()) (*engine.Env, *engine.Result, error) {
	if onInterrupt != nil {
		prompt.CallerHandlesInterrupt()
	}
	eng, err := a.engine(SessionFlags{Duration: r.Duration, NoSession: r.NoSession, Region: r.Region, MfaToken: mfaToken}, terminalIfTTY)
	if err != nil {
		return nil, nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if onInterrupt != nil {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, os.Interrupt)
		defer signal.Stop(sigs)
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-sigs:
				cancel()
				onInterrupt()
			case <-done:
			}
		}()
	}
	return eng.Env(ctx, r.Profile)
}

// firstLine is an error as one line, for a notice.
func firstLine(err error) string {
	msg := err.Error()
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return msg
}

// loadChange is what a load puts into the environment: the credentials,
// marked with who loaded them.
func loadChange(env *engine.Env, st hook.State) shells.Change {
	c := shells.Change{Set: map[string]string{}, Unset: nil}
	for k, v := range env.Set {
		c.Set[k] = v
	}
	by := hook.ManualSource
	if st.Mode == hook.ModeDir {
		by = st.File
	}
	c.Set[engine.LoadedByVar] = by
	for _, k := range env.Unset {
		if _, ok := c.Set[k]; !ok {
			c.Unset = append(c.Unset, k)
		}
	}
	return c
}

// before is how the variables a load touches are now, to be restored.
func (a *App) before() shells.Change {
	c := shells.Change{Set: map[string]string{}}
	for _, k := range engine.EnvNames() {
		if v, ok := a.LookupEnv(k); ok {
			c.Set[k] = v
		} else {
			c.Unset = append(c.Unset, k)
		}
	}
	return c
}

// removal takes out the credentials aws-vault puts into a shell, and
// nothing else (AWS_PROFILE, the region and the like are the user's): the
// environment to go back to where nothing was saved (a shell that
// inherited its credentials, or env --unset there).
func removal() shells.Change {
	return shells.Change{Unset: []string{"AWS_ACCESS_KEY_ID", "AWS_CREDENTIAL_EXPIRATION", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_VAULT", engine.LoadedByVar}}
}

// planFor turns a completed decision (and, for a load, its credentials)
// into what to do to the shell. The hook records $PWD itself before it
// runs aws-vault; resetPWD (env) removes it, so that the hook looks at the
// directory again at the next prompt.
func (a *App) planFor(d hook.Decision, env *engine.Env, resetPWD bool, now time.Time) shells.Plan {
	p := shells.Plan{Local: map[string]*string{}}
	switch d.Action {
	case hook.Load:
		p.Env = loadChange(env, d.State)
		save := a.before()
		p.Save = &save
	case hook.Unload:
		r := removal()
		p.Restore = &r
	}
	if d.SaveEmpty && d.Action != hook.Unload {
		empty := removal()
		p.Save = &empty
	}
	for _, name := range shells.LocalVars {
		if name != shells.VarPWD || resetPWD {
			p.Local[name] = nil
		}
	}
	if st := d.State.String(); st != "" {
		p.Local[shells.VarState] = shells.Value(st)
	}
	if w := d.Watch; w.Path != "" {
		name := shells.VarDeny
		if w.Allow {
			name = shells.VarAllow
		}
		p.Local[name] = shells.Value(w.Path)
	}
	up, hasUptime := uptime()
	at := func(name, upName string, unix int64) {
		if unix <= 0 {
			return
		}
		p.Local[name] = shells.Value(strconv.FormatInt(unix, 10))
		if hasUptime {
			p.Local[upName] = shells.Value(strconv.FormatInt(int64(up)+unix-now.Unix(), 10))
		}
	}
	at(shells.VarRefresh, shells.VarRefreshUp, d.State.Refresh)
	at(shells.VarExpiry, shells.VarExpiryUp, d.Expires)
	return p
}

// carryOptions shape carryOut.
type carryOptions struct {
	// ByHand (aws-vault env): a failed fetch is the command's error.
	// Otherwise (the hook) it is one more decision, hook.Decision.Failed.
	ByHand   bool
	MfaToken string
	// OnInterrupt, if set, is called with the decision to give up when
	// the user presses Ctrl-C during the fetch; it ends the run.
	OnInterrupt func(hook.Decision)
}

// carryOut fetches what d asks to load and completes the decision.
func (a *App) carryOut(d hook.Decision, now time.Time, o carryOptions) (hook.Decision, *engine.Env, error) {
	if d.Action != hook.Load {
		return d, nil, nil
	}
	var stop func()
	if o.OnInterrupt != nil {
		stop = func() { o.OnInterrupt(d.Failed(errInterrupted.Error(), true, now)) }
	}
	env, res, err := a.fetch(d.Request, o.MfaToken, stop)
	if err != nil {
		if o.ByHand {
			return d, nil, err
		}
		return d.Failed(firstLine(err), false, now), nil, nil
	}
	ttls, err := config.LoadTTLs(a.Getenv)
	if err != nil {
		return d, nil, err
	}
	var exp time.Time
	if res.Credentials.CanExpire {
		exp = res.Credentials.Expires
	}
	return d.Loaded(exp, ttls.MinTTL, now), env, nil
}

// render writes a plan as sh's code, or as JSON.
func render(sh shells.Shell, format string, p shells.Plan) (string, error) {
	if format == "json" {
		return shells.JSON(p)
	}
	return sh.Apply(p)
}

// onceWriter lets the interrupt path and the normal path race to write
// the one answer a run gives.
type onceWriter struct {
	mu   sync.Mutex
	done bool
}

func (o *onceWriter) do(f func()) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.done {
		return false
	}
	o.done = true
	f()
	return true
}

// uptime reads seconds since boot, the clock fish and elvish can read
// without a process.
func uptime() (float64, bool) {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0, false
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, err := strconv.ParseFloat(f, 64)
	return v, err == nil
}
