// Package hook is the decision table of the shell integration: what the
// directory hook (and aws-vault env) does to a shell, given what the shell
// recorded last time, the directory it is in, what the user trusted, what
// the environment says is active, and the time.
//
// It is pure: no file, keyring, clock or shell is touched here. The caller
// reads the directory and the trust store ([Dir]), calls [Decide], fetches
// credentials when the decision says [Load], and reports the outcome with
// [Decision.Loaded] or [Decision.Failed]. Turning a decision into shell code
// is the shells packages' business; the state recorded in the shell between
// prompts is [State], which holds names, paths and times, never secrets.
//
// The rules, in the order Decide applies them:
//
//  1. A profile this integration loaded that AWS_VAULT no longer names was
//     replaced or removed by hand: the environment from before it is
//     restored, and nothing is loaded until the next change. A profile a
//     parent shell's directory loaded (AWS_VAULT_LOADED_BY names a file, and
//     this shell has no state) is taken over as if this shell had loaded
//     it, with an environment without credentials to go back to.
//  2. In a directory that no longer exists, nothing changes (a refresh
//     that falls due still happens).
//  3. A profile loaded with aws-vault env (in this shell, or inherited from
//     a parent shell that loaded one) wins over directories: they are
//     noticed, not loaded, until aws-vault env --unset.
//  4. In a shell that aws-vault exec started (AWS_VAULT set, and not by the
//     shell integration), directories are noticed, not loaded.
//  5. Otherwise the nearest .awsprofile decides: trusted and readable, its
//     profile is loaded (a switch keeps the environment saved by the first
//     load); untrusted, broken or absent, a profile a directory loaded is
//     unloaded and the environment from before it is restored.
//  6. Credentials are fetched again AWS_MIN_TTL before they expire. A fetch
//     that fails leaves the shell as rule 5 says for a broken file (or, for
//     a refresh, keeps the credentials it has) and is tried again after a
//     minute; one the user interrupted is not tried again until the next
//     change of directory, or until the credentials expire.
//
// Every notice is printed once per change: the key of the last one is part
// of the state.
package hook

import (
	"net/url"
	"strconv"
	"time"

	"github.com/aws-vault/aws-vault/internal/termsafe"
)

// Mode says who loaded the profile the integration manages.
type Mode string

const (
	ModeNone   Mode = ""    // nothing loaded by the integration in this shell
	ModeDir    Mode = "dir" // a trusted .awsprofile
	ModeManual Mode = "env" // aws-vault env
)

// ManualSource is the value of the AWS_VAULT_LOADED_BY marker for a profile
// loaded with aws-vault env; for a directory it is the .awsprofile's path.
const ManualSource = "env"

// RetryAfter is how long a failed fetch waits before it is tried again.
const RetryAfter = time.Minute

// Request is what to ask the session engine for.
type Request struct {
	Profile   string
	Duration  time.Duration // 0: the profile's default
	NoSession bool
	Region    string // "" : the profile's
}

// State is what the shell records between runs. The zero value is a shell
// where the integration manages nothing.
type State struct {
	Mode    Mode
	Request Request // Dir, Manual: what was loaded (and is refreshed)
	File    string  // Dir: the .awsprofile
	Hash    string  // Dir: its content's SHA-256 when loaded
	Expires int64   // Unix time the loaded credentials expire; 0: they do not
	Refresh int64   // Unix time to run again (refresh or retry); 0: never
	Noticed string  // key of the last notice printed
}

// Dir is what the caller found for the shell's working directory.
type Dir struct {
	PWD     string
	Missing bool // PWD does not exist any more

	// The nearest .awsprofile at or above PWD; File is "" when there is none.
	File string
	Hash string
	// What it asks for, when it could be read and parsed.
	Request Request
	// Err is why the file could not be found, read or parsed.
	Err error

	// Trusted reports whether the user allowed File as it is now; TrustErr
	// is why that could not be checked. Record is the trust record that
	// exists exactly while the file, as it is now, is allowed: the shell
	// watches it to notice allow and deny at the next prompt.
	Trusted  bool
	TrustErr error
	Record   string
}

// Env is what the environment says is active.
type Env struct {
	Vault    string // AWS_VAULT
	LoadedBy string // AWS_VAULT_LOADED_BY: ManualSource, a .awsprofile, or ""
	// Expiration is AWS_CREDENTIAL_EXPIRATION, for a profile loaded
	// elsewhere (exec, a parent shell), for the prompt.
	Expiration time.Time
}

// Input is everything Decide looks at.
type Input struct {
	State State
	Dir   Dir
	Env   Env
	Now   time.Time
	// MinTTL is AWS_MIN_TTL: a profile taken over from a parent shell is
	// refreshed this long before its credentials expire.
	MinTTL time.Duration
}

// Action is what the caller does before recording the new state.
type Action int

const (
	Keep   Action = iota // change no credentials
	Load                 // fetch Request and put it into the shell
	Unload               // restore the environment saved before the first load
)

func (a Action) String() string {
	switch a {
	case Load:
		return "load"
	case Unload:
		return "unload"
	}
	return "keep"
}

// Watch is the trust record the shell checks at every prompt (with a shell
// builtin), to run the hook when the user allows or denies the file it
// stands in.
type Watch struct {
	Path string
	// Allow: run when Path appears (the file is not trusted yet); else run
	// when it disappears (the file is trusted and loaded).
	Allow bool
}

// Decision is what Decide chose.
type Decision struct {
	Action Action
	// Request is what to fetch (Load).
	Request Request
	// Refresh reports a Load of what is loaded already (same profile, same
	// source), so a failure keeps the credentials the shell has.
	Refresh bool
	// SaveEmpty reports a profile taken over from a parent shell: nothing
	// was saved before it, so the environment to go back to is the present
	// one without credentials.
	SaveEmpty bool
	// State is what to record: for Load, once the credentials are in.
	State State
	// Notice is one line for the user ("" for none), printed on stderr.
	Notice string
	Watch  Watch
	// Expires is the expiry the prompt shows, as Unix time (0: none known):
	// that of the loaded credentials or, for a profile loaded elsewhere,
	// AWS_CREDENTIAL_EXPIRATION's.
	Expires int64

	prev State // the state before, for Failed
}

// Decide applies the rules in the package documentation.
func Decide(in Input) Decision {
	st := in.State
	now := in.Now.Unix()
	var d Decision

	// 1. Replaced or removed by hand: restore, and stop.
	if st.Mode != ModeNone && in.Env.Vault != st.Request.Profile {
		d.Action, d.State = Unload, State{}
		return d
	}
	// Taken over from a parent shell's directory.
	if st.Mode == ModeNone && in.Env.Vault != "" && in.Env.LoadedBy != "" && in.Env.LoadedBy != ManualSource {
		st = State{Mode: ModeDir, Request: Request{Profile: in.Env.Vault}, File: in.Env.LoadedBy}
		if !in.Env.Expiration.IsZero() {
			st.Expires = in.Env.Expiration.Unix()
			at := in.Env.Expiration.Add(-in.MinTTL)
			if !at.After(in.Now) {
				at = in.Now.Add(RetryAfter)
			}
			st.Refresh = at.Unix()
		}
		d.SaveEmpty = true
	}
	d.prev = st
	due := st.Refresh > 0 && now >= st.Refresh
	dir := in.Dir

	// A notice is printed when its key differs from the last one; a run
	// with nothing to say forgets the key, so that coming back to the
	// same problem later says it again.
	noticed := false
	notice := func(key, text string) {
		noticed = true
		if st.Noticed != key {
			d.Notice = text
		}
		st.Noticed = key
	}
	done := func(a Action, s State) Decision {
		if !noticed {
			s.Noticed = ""
		}
		d.Action, d.State = a, s
		return d.withExpiry(in)
	}
	refreshIfDue := func() Decision {
		if due && st.Mode != ModeNone {
			d.Request, d.Refresh = st.Request, true
			return done(Load, st)
		}
		return done(Keep, st)
	}
	leaveDir := func() Decision {
		if st.Mode == ModeDir {
			return done(Unload, State{Noticed: st.Noticed})
		}
		return refreshIfDue()
	}

	// 2. A directory that is gone changes nothing.
	if dir.Missing {
		notice("gone:"+dir.PWD, shown(dir.PWD)+" no longer exists; the aws-vault environment stays as it is")
		return refreshIfDue()
	}

	key := dir.File + "#" + dir.Hash
	switch {
	case dir.File == "" && dir.Err == nil:
		return leaveDir()
	case dir.Err != nil:
		notice("error:"+key+":"+dir.Err.Error(), shown(dir.Err.Error()))
		return leaveDir()
	}

	// 3. A profile loaded by hand wins.
	if st.Mode == ModeManual || (st.Mode == ModeNone && in.Env.Vault != "" && in.Env.LoadedBy == ManualSource) {
		notice("manual:"+key, "profile "+shown(in.Env.Vault)+" (loaded with aws-vault env) stays active; "+shown(dir.File)+" asks for "+shown(dir.Request.Profile)+" (run aws-vault env --unset to let it apply)")
		return refreshIfDue()
	}
	// 4. An exec subshell.
	if st.Mode == ModeNone && in.Env.Vault != "" && in.Env.LoadedBy == "" {
		notice("exec:"+key, "this shell is an aws-vault exec subshell for profile "+shown(in.Env.Vault)+"; "+shown(dir.File)+" (profile "+shown(dir.Request.Profile)+") applies once you exit it")
		return done(Keep, st)
	}

	// 5. The nearest .awsprofile decides.
	switch {
	case dir.TrustErr != nil:
		notice("trust:"+key+":"+dir.TrustErr.Error(), "cannot tell whether "+shown(dir.File)+" is allowed: "+shown(dir.TrustErr.Error()))
		return leaveDir()
	case !dir.Trusted:
		notice("untrusted:"+key, shown(dir.File)+" is not allowed; check it and run: aws-vault allow "+shown(ShellWord(parentDir(dir.File))))
		d.Watch = Watch{Path: dir.Record, Allow: true}
		return leaveDir()
	}
	d.Watch = Watch{Path: dir.Record}
	if st.Mode == ModeDir && st.File == dir.File && st.Hash == dir.Hash && st.Request == dir.Request {
		return refreshIfDue()
	}
	next := State{Mode: ModeDir, Request: dir.Request, File: dir.File, Hash: dir.Hash}
	if st.Mode == ModeDir && st.Request == dir.Request {
		// Another file asking for the same: the credentials stay, only
		// the file they are kept for changes.
		next.Expires, next.Refresh = st.Expires, st.Refresh
		if due {
			d.Request, d.Refresh = next.Request, true
			return done(Load, next)
		}
		return done(Keep, next)
	}
	d.Request = dir.Request
	next.Noticed = st.Noticed // a failure to load it is noticed once
	d.Action, d.State = Load, next
	return d.withExpiry(in)
}

func (d Decision) withExpiry(in Input) Decision {
	switch {
	case d.Action == Unload:
		d.Expires = 0
	case d.State.Mode != ModeNone:
		d.Expires = d.State.Expires
	case d.Action == Keep:
		if in.Env.Vault != "" && !in.Env.Expiration.IsZero() {
			d.Expires = in.Env.Expiration.Unix()
		}
	}
	return d
}

// Loaded completes a Load: the credentials expire at expires (the zero
// time: never). They are fetched again minTTL before that, or after
// RetryAfter when that time is already past.
func (d Decision) Loaded(expires time.Time, minTTL time.Duration, now time.Time) Decision {
	st := d.State
	st.Expires, st.Refresh = 0, 0
	if !expires.IsZero() {
		st.Expires = expires.Unix()
		at := expires.Add(-minTTL)
		if !at.After(now) {
			at = now.Add(RetryAfter)
		}
		st.Refresh = at.Unix()
	}
	st.Noticed = ""
	d.State, d.Expires = st, st.Expires
	return d
}

// LoadByHand is aws-vault env: load r in this shell, whatever the
// directory says, until UnloadByHand.
func LoadByHand(r Request) Decision {
	return Decision{Action: Load, Request: r, State: State{Mode: ModeManual, Request: r}}
}

// UnloadByHand is aws-vault env --unset: restore what was there before
// and manage nothing (the hook looks at the directory again at the next
// prompt).
func UnloadByHand() Decision { return Decision{Action: Unload} }

// Failed completes a Load that failed with msg (one line). A refresh keeps
// the credentials the shell has; a load of something new leaves the shell
// as a broken .awsprofile would (a profile another directory loaded is
// unloaded). It is tried again after RetryAfter, unless the user
// interrupted it: then not before the next change of directory, or (for a
// refresh) the expiry of the credentials the shell has.
func (d Decision) Failed(msg string, interrupted bool, now time.Time) Decision {
	st := d.State
	key := "failed:" + d.Request.Profile + ":" + st.File + "#" + st.Hash + ":" + msg
	text := "profile " + shown(d.Request.Profile) + " not loaded: " + shown(msg)
	if d.Refresh {
		text = "profile " + shown(d.Request.Profile) + " not refreshed: " + shown(msg)
	}
	if st.Noticed != key {
		d.Notice = joinNotice(d.Notice, text)
	}
	retry := now.Add(RetryAfter).Unix()
	if d.Refresh {
		st = d.prev
		st.Noticed = key
		st.Refresh = retry
		if interrupted {
			st.Refresh = 0
			if st.Expires > now.Unix() {
				st.Refresh = st.Expires
			}
		}
		d.Action, d.State = Keep, st
		d.Expires = st.Expires
		return d
	}
	d.State = State{Noticed: key, Refresh: retry}
	if interrupted {
		d.State.Refresh = 0
	}
	d.Action = Keep
	if d.prev.Mode == ModeDir {
		d.Action = Unload
	}
	d.Expires = 0
	return d
}

func joinNotice(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\naws-vault: " + b
}

// shown is text from outside (a directory or file name, what a file says,
// an error quoting them) as a notice shows it: on one line, with control
// characters escaped, so that it cannot act on the terminal or fake a
// line of output.
func shown(s string) string { return termsafe.Line(s) }

// parentDir is the directory of a .awsprofile path, without importing
// path/filepath's OS rules into a pure package: both separators count.
func parentDir(p string) string {
	for i := len(p) - 1; i > 0; i-- {
		if p[i] == '/' || p[i] == '\\' {
			return p[:i]
		}
	}
	return p
}

// ShellWord quotes a path for a command line shown to a person, in the
// POSIX shells' single quotes when it needs any.
func ShellWord(p string) string {
	plain := p != ""
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '/' || c == '.' || c == '-' || c == '_' || c == '+' || c == ',' || c == ':' || c == '@' || c >= 0x80) {
			plain = false
			break
		}
	}
	if plain {
		return p
	}
	out := []byte{'\''}
	for i := 0; i < len(p); i++ {
		if p[i] == '\'' {
			out = append(out, `'\''`...)
		} else {
			out = append(out, p[i])
		}
	}
	return string(append(out, '\''))
}

// String encodes the state for a shell variable: a URL query, so that it
// holds no character any shell treats specially inside quotes, and so that
// a state written by an older version still reads.
func (s State) String() string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("m", string(s.Mode))
	set("p", s.Request.Profile)
	if s.Request.Duration > 0 {
		set("d", s.Request.Duration.String())
	}
	if s.Request.NoSession {
		set("n", "1")
	}
	set("r", s.Request.Region)
	set("f", s.File)
	set("h", s.Hash)
	if s.Expires > 0 {
		set("e", strconv.FormatInt(s.Expires, 10))
	}
	if s.Refresh > 0 {
		set("x", strconv.FormatInt(s.Refresh, 10))
	}
	set("seen", s.Noticed)
	return v.Encode()
}

// ParseState reads what String wrote. Anything it cannot read is a shell
// where nothing is managed (the state is rewritten at the end of the run).
func ParseState(s string) State {
	v, err := url.ParseQuery(s)
	if err != nil {
		return State{}
	}
	d, _ := time.ParseDuration(v.Get("d"))
	e, _ := strconv.ParseInt(v.Get("e"), 10, 64)
	x, _ := strconv.ParseInt(v.Get("x"), 10, 64)
	st := State{
		Mode:    Mode(v.Get("m")),
		Request: Request{Profile: v.Get("p"), Duration: d, NoSession: v.Get("n") == "1", Region: v.Get("r")},
		File:    v.Get("f"),
		Hash:    v.Get("h"),
		Expires: e,
		Refresh: x,
		Noticed: v.Get("seen"),
	}
	switch st.Mode {
	case ModeNone, ModeDir, ModeManual:
	default:
		return State{}
	}
	if st.Mode != ModeNone && st.Request.Profile == "" {
		return State{Noticed: st.Noticed}
	}
	return st
}
