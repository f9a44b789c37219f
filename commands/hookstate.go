package commands

import (
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/shells"
)

// hookState is what the shell remembers between hook runs (in the
// unexported variable shells.VarState), encoded as a query string. It
// holds names, paths and hashes, never secrets.
type hookState struct {
	Profile string // the profile this integration activated ("" = none)
	Path    string // the .awsprofile that activated it ("" = aws-vault env)
	Hash    string // its SHA-256 then
	// What aws-vault env was given, so a refresh asks for the same.
	Duration  time.Duration
	NoSession bool
	Region    string
	// RefreshAt is the Unix time after which the credentials are due.
	RefreshAt int64
	// Noticed is the last file (path and hash) a notice was printed for,
	// so each notice is printed once per change.
	Noticed string
}

func parseHookState(s string) hookState {
	v, _ := url.ParseQuery(s)
	d, _ := time.ParseDuration(v.Get("d"))
	x, _ := strconv.ParseInt(v.Get("x"), 10, 64)
	return hookState{Profile: v.Get("p"), Path: v.Get("f"), Hash: v.Get("h"), Duration: d, NoSession: v.Get("n") == "1", Region: v.Get("r"), RefreshAt: x, Noticed: v.Get("seen")}
}

func (s hookState) String() string {
	v := url.Values{}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("p", s.Profile)
	set("f", s.Path)
	set("h", s.Hash)
	if s.Duration > 0 {
		set("d", s.Duration.String())
	}
	if s.NoSession {
		set("n", "1")
	}
	set("r", s.Region)
	if s.RefreshAt > 0 {
		set("x", strconv.FormatInt(s.RefreshAt, 10))
	}
	set("seen", s.Noticed)
	return v.Encode()
}

// stateVars are every unexported variable the integration keeps.
var stateVars = []string{shells.VarExpiry, shells.VarExpiryUptime, shells.VarRefresh, shells.VarRefreshUptime, shells.VarState}

// activationVars are the unexported variables set along with credentials:
// the expiry (for the prompt) and when to refresh (for the hook).
func activationVars(res *engine.Result, st hookState, minTTL time.Duration, now time.Time) map[string]string {
	// Every variable is written, empty when it does not apply, so nothing
	// of a previous profile's expiry survives a switch.
	vars := map[string]string{shells.VarExpiry: "", shells.VarRefresh: "", shells.VarExpiryUptime: "", shells.VarRefreshUptime: ""}
	if !res.Credentials.CanExpire {
		st.RefreshAt = 0
		vars[shells.VarState] = st.String()
		return vars
	}
	exp := res.Credentials.Expires
	refresh := exp.Add(-minTTL)
	if !refresh.After(now) {
		refresh = now.Add(time.Minute) // a session shorter than AWS_MIN_TTL: look again soon
	}
	st.RefreshAt = refresh.Unix()
	vars[shells.VarState] = st.String()
	vars[shells.VarExpiry] = strconv.FormatInt(exp.Unix(), 10)
	for k, v := range refreshVars(refresh, now) {
		vars[k] = v
	}
	if up, ok := uptime(); ok {
		vars[shells.VarExpiryUptime] = strconv.FormatInt(int64(up)+int64(exp.Sub(now).Seconds()), 10)
	}
	return vars
}

// refreshVars tell the hook when to run again, by the clock and (for fish,
// which has none) by seconds since boot.
func refreshVars(at, now time.Time) map[string]string {
	vars := map[string]string{shells.VarRefresh: strconv.FormatInt(at.Unix(), 10), shells.VarRefreshUptime: ""}
	if up, ok := uptime(); ok {
		vars[shells.VarRefreshUptime] = strconv.FormatInt(int64(up)+int64(at.Sub(now).Seconds()), 10)
	}
	return vars
}

// uptime reads seconds since boot, the clock fish can read without a process.
func uptime() (float64, bool) {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0, false
	}
	f, _, _ := strings.Cut(string(b), " ")
	v, err := strconv.ParseFloat(f, 64)
	return v, err == nil
}

// due reports whether the credentials should be fetched again.
func (s hookState) due(now time.Time) bool { return s.RefreshAt > 0 && now.Unix() >= s.RefreshAt }
