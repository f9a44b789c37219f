package hook

import (
	"errors"
	"strings"
	"testing"
	"time"
)

var (
	now    = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	dev    = Request{Profile: "dev"}
	prod   = Request{Profile: "prod", Region: "eu-west-1", Duration: 2 * time.Hour}
	inP    = Dir{PWD: "/src/p", File: "/src/p/.awsprofile", Hash: "h1", Request: dev, Trusted: true, Record: "/trust/p/h1"}
	inPSub = Dir{PWD: "/src/p/sub", File: "/src/p/.awsprofile", Hash: "h1", Request: dev, Trusted: true, Record: "/trust/p/h1"}
	inQ    = Dir{PWD: "/src/q", File: "/src/q/.awsprofile", Hash: "h2", Request: prod, Trusted: true, Record: "/trust/q/h2"}
	inR    = Dir{PWD: "/src/r", File: "/src/r/.awsprofile", Hash: "h3", Request: dev, Trusted: true, Record: "/trust/r/h3"}
	plain  = Dir{PWD: "/tmp"}

	// loadedP is a shell that loaded /src/p's dev, expiring in an hour.
	loadedP = State{Mode: ModeDir, Request: dev, File: "/src/p/.awsprofile", Hash: "h1", Expires: now.Add(time.Hour).Unix(), Refresh: now.Add(55 * time.Minute).Unix()}
	devEnv  = Env{Vault: "dev", LoadedBy: "/src/p/.awsprofile"}
)

func untrusted(d Dir) Dir { d.Trusted = false; return d }

// want is what a row expects; "" and zero values are checked too.
type want struct {
	action  Action
	request Request
	refresh bool
	empty   bool // SaveEmpty
	mode    Mode
	file    string
	notice  string // a substring; "" means no notice at all
	watch   Watch
	expires int64
	retryAt int64 // State.Refresh
}

func check(t *testing.T, d Decision, w want) {
	t.Helper()
	if d.Action != w.action {
		t.Errorf("action %v, want %v", d.Action, w.action)
	}
	if d.Request != w.request {
		t.Errorf("request %+v, want %+v", d.Request, w.request)
	}
	if d.Refresh != w.refresh || d.SaveEmpty != w.empty {
		t.Errorf("refresh %v save-empty %v, want %v %v", d.Refresh, d.SaveEmpty, w.refresh, w.empty)
	}
	if d.State.Mode != w.mode || d.State.File != w.file {
		t.Errorf("state %+v, want mode %q file %q", d.State, w.mode, w.file)
	}
	if (w.notice == "") != (d.Notice == "") || !strings.Contains(d.Notice, w.notice) {
		t.Errorf("notice %q, want %q", d.Notice, w.notice)
	}
	if d.Watch != w.watch {
		t.Errorf("watch %+v, want %+v", d.Watch, w.watch)
	}
	if d.Expires != w.expires {
		t.Errorf("expires %d, want %d", d.Expires, w.expires)
	}
	if d.State.Refresh != w.retryAt {
		t.Errorf("state refresh at %d, want %d", d.State.Refresh, w.retryAt)
	}
}

func TestDecide(t *testing.T) {
	denyP := Watch{Path: "/trust/p/h1"}
	allowP := Watch{Path: "/trust/p/h1", Allow: true}
	due := loadedP
	due.Refresh = now.Unix()
	manual := State{Mode: ModeManual, Request: prod, Expires: now.Add(time.Hour).Unix(), Refresh: now.Add(50 * time.Minute).Unix()}
	manualDue := manual
	manualDue.Refresh = now.Add(-time.Second).Unix()
	prodEnv := Env{Vault: "prod", LoadedBy: ManualSource}
	exp := now.Add(20 * time.Minute)

	for _, tc := range []struct {
		name string
		in   Input
		want want
	}{
		{"fresh shell, no file", Input{Dir: plain}, want{}},
		{"enter a trusted directory", Input{Dir: inP},
			want{action: Load, request: dev, mode: ModeDir, file: inP.File, watch: denyP}},
		{"move within it, not due", Input{State: loadedP, Dir: inPSub, Env: devEnv},
			want{mode: ModeDir, file: inP.File, watch: denyP, expires: loadedP.Expires, retryAt: loadedP.Refresh}},
		{"refresh falls due", Input{State: due, Dir: inPSub, Env: devEnv},
			want{action: Load, request: dev, refresh: true, mode: ModeDir, file: inP.File, watch: denyP, expires: due.Expires, retryAt: due.Refresh}},
		{"switch to another directory's profile", Input{State: loadedP, Dir: inQ, Env: devEnv},
			want{action: Load, request: prod, mode: ModeDir, file: inQ.File, watch: Watch{Path: "/trust/q/h2"}}},
		{"another file asking for the same profile keeps the credentials", Input{State: loadedP, Dir: inR, Env: devEnv},
			want{mode: ModeDir, file: inR.File, watch: Watch{Path: "/trust/r/h3"}, expires: loadedP.Expires, retryAt: loadedP.Refresh}},
		{"...and refreshes them when due", Input{State: due, Dir: inR, Env: devEnv},
			want{action: Load, request: dev, refresh: true, mode: ModeDir, file: inR.File, watch: Watch{Path: "/trust/r/h3"}, expires: due.Expires, retryAt: due.Refresh}},
		{"leave to a directory without a file", Input{State: loadedP, Dir: plain, Env: devEnv},
			want{action: Unload}},
		{"enter an untrusted directory", Input{Dir: untrusted(inP)},
			want{notice: "/src/p/.awsprofile is not allowed; check it and run: aws-vault allow /src/p", watch: allowP}},
		{"move within it: no second notice", Input{State: State{Noticed: "untrusted:/src/p/.awsprofile#h1"}, Dir: untrusted(inPSub)},
			want{watch: allowP}},
		{"switch from a loaded directory to an untrusted one", Input{State: loadedP, Dir: untrusted(inQ), Env: devEnv},
			want{action: Unload, notice: "q/.awsprofile is not allowed", watch: Watch{Path: "/trust/q/h2", Allow: true}}},
		{"denied while loaded", Input{State: loadedP, Dir: untrusted(inP), Env: devEnv},
			want{action: Unload, notice: "is not allowed", watch: allowP}},
		{"allowed where you stand", Input{State: State{Noticed: "untrusted:/src/p/.awsprofile#h1"}, Dir: inP},
			want{action: Load, request: dev, mode: ModeDir, file: inP.File, watch: denyP}},
		{"a broken file", Input{Dir: Dir{PWD: "/b", File: "/b/.awsprofile", Hash: "hb", Err: errors.New("/b/.awsprofile: no profile; write profile = NAME")}},
			want{notice: "no profile; write profile = NAME"}},
		{"a broken file is noticed once", Input{State: State{Noticed: "error:/b/.awsprofile#hb:/b/.awsprofile: no profile; write profile = NAME"}, Dir: Dir{PWD: "/b", File: "/b/.awsprofile", Hash: "hb", Err: errors.New("/b/.awsprofile: no profile; write profile = NAME")}},
			want{}},
		{"a broken file after a loaded directory", Input{State: loadedP, Dir: Dir{PWD: "/b", File: "/b/.awsprofile", Err: errors.New("too large")}, Env: devEnv},
			want{action: Unload, notice: "too large"}},
		{"an unreadable trust store", Input{State: loadedP, Dir: Dir{PWD: "/src/p", File: inP.File, Hash: "h1", Request: dev, TrustErr: errors.New("permission denied")}, Env: devEnv},
			want{action: Unload, notice: "cannot tell whether /src/p/.awsprofile is allowed: permission denied"}},
		{"a directory that vanished", Input{State: loadedP, Dir: Dir{PWD: "/src/p/gone", Missing: true}, Env: devEnv},
			want{mode: ModeDir, file: inP.File, notice: "/src/p/gone no longer exists", expires: loadedP.Expires, retryAt: loadedP.Refresh}},
		{"a directory that vanished still refreshes", Input{State: due, Dir: Dir{PWD: "/src/p/gone", Missing: true}, Env: devEnv},
			want{action: Load, request: dev, refresh: true, mode: ModeDir, file: inP.File, notice: "no longer exists", expires: due.Expires, retryAt: due.Refresh}},
		{"a profile loaded with env wins", Input{State: manual, Dir: inP, Env: prodEnv},
			want{mode: ModeManual, notice: "profile prod (loaded with aws-vault env) stays active; /src/p/.awsprofile asks for dev (run aws-vault env --unset to let it apply)", expires: manual.Expires, retryAt: manual.Refresh}},
		{"...and is refreshed when due", Input{State: manualDue, Dir: plain, Env: prodEnv},
			want{action: Load, request: prod, refresh: true, mode: ModeManual, expires: manual.Expires, retryAt: manualDue.Refresh}},
		{"a profile a parent shell loaded with env wins too", Input{Dir: inP, Env: Env{Vault: "prod", LoadedBy: ManualSource, Expiration: exp}},
			want{notice: "profile prod (loaded with aws-vault env) stays active", expires: exp.Unix()}},
		{"a profile a parent shell's directory loaded is taken over: switch", Input{Dir: inQ, Env: Env{Vault: "dev", LoadedBy: "/src/p/.awsprofile", Expiration: exp}},
			want{action: Load, request: prod, empty: true, mode: ModeDir, file: inQ.File, watch: Watch{Path: "/trust/q/h2"}}},
		{"...kept in its own directory, with nothing saved to go back to", Input{Dir: inPSub, Env: Env{Vault: "dev", LoadedBy: "/src/p/.awsprofile", Expiration: exp}, MinTTL: 5 * time.Minute},
			want{empty: true, mode: ModeDir, file: inP.File, watch: denyP, expires: exp.Unix(), retryAt: exp.Add(-5 * time.Minute).Unix()}},
		{"...and unloaded when this shell leaves", Input{Dir: plain, Env: Env{Vault: "dev", LoadedBy: "/src/p/.awsprofile", Expiration: exp}},
			want{action: Unload, empty: true}},
		{"an exec subshell: noticed, not loaded", Input{Dir: inP, Env: Env{Vault: "ops", Expiration: exp}},
			want{notice: "this shell is an aws-vault exec subshell for profile ops; /src/p/.awsprofile (profile dev) applies once you exit it", expires: exp.Unix()}},
		{"an exec subshell: noticed once", Input{State: State{Noticed: "exec:/src/p/.awsprofile#h1"}, Dir: inPSub, Env: Env{Vault: "ops", Expiration: exp}},
			want{expires: exp.Unix()}},
		{"an exec subshell without a file: quiet, expiry for the prompt", Input{Dir: plain, Env: Env{Vault: "ops", Expiration: exp}},
			want{expires: exp.Unix()}},
		{"AWS_VAULT removed by hand: restore what was before, load nothing now", Input{State: loadedP, Dir: inP},
			want{action: Unload}},
		{"AWS_VAULT replaced by hand", Input{State: loadedP, Dir: plain, Env: Env{Vault: "other"}},
			want{action: Unload}},
		{"a profile loaded by hand, removed by hand", Input{State: manual, Dir: inP},
			want{action: Unload}},
		{"a retry after a failure falls due", Input{State: State{Noticed: "failed:dev:/src/p/.awsprofile#h1:boom", Refresh: now.Unix()}, Dir: inP},
			want{action: Load, request: dev, mode: ModeDir, file: inP.File, watch: denyP}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Now = now
			check(t, Decide(tc.in), tc.want)
		})
	}
}

func TestNoticeOncePerChange(t *testing.T) {
	// untrusted p: notice; again: quiet; a plain directory; p again: notice.
	st := State{}
	var notices []string
	for _, dir := range []Dir{untrusted(inP), untrusted(inPSub), plain, untrusted(inP)} {
		d := Decide(Input{State: st, Dir: dir, Now: now})
		notices = append(notices, d.Notice)
		st = d.State
	}
	if notices[0] == "" || notices[1] != "" || notices[2] != "" || notices[3] == "" {
		t.Errorf("notices %q", notices)
	}
}

func TestLoaded(t *testing.T) {
	d := Decide(Input{Dir: inP, Now: now})
	exp := now.Add(time.Hour)
	l := d.Loaded(exp, 5*time.Minute, now)
	if l.State.Expires != exp.Unix() || l.State.Refresh != exp.Add(-5*time.Minute).Unix() || l.Expires != exp.Unix() {
		t.Errorf("loaded: %+v", l.State)
	}
	// Shorter than AWS_MIN_TTL: look again after RetryAfter.
	l = d.Loaded(now.Add(2*time.Minute), 5*time.Minute, now)
	if l.State.Refresh != now.Add(RetryAfter).Unix() {
		t.Errorf("short session: refresh at %d", l.State.Refresh)
	}
	// Credentials that do not expire: no refresh, no expiry.
	l = d.Loaded(time.Time{}, 5*time.Minute, now)
	if l.State.Refresh != 0 || l.State.Expires != 0 || l.Expires != 0 {
		t.Errorf("long-term: %+v", l.State)
	}
	// A switch to non-expiring credentials drops the old expiry.
	sw := Decide(Input{State: loadedP, Dir: inQ, Env: devEnv, Now: now}).Loaded(time.Time{}, 5*time.Minute, now)
	if sw.State.Expires != 0 || sw.State.Refresh != 0 {
		t.Errorf("switch to long-term keeps %+v", sw.State)
	}
}

func TestFailed(t *testing.T) {
	retry := now.Add(RetryAfter).Unix()
	due := loadedP
	due.Refresh = now.Unix()
	for _, tc := range []struct {
		name        string
		in          Input
		interrupted bool
		want        want
	}{
		{"entering fails: nothing loaded, retried after a minute", Input{Dir: inP}, false,
			want{request: dev, notice: "profile dev not loaded: boom", watch: Watch{Path: "/trust/p/h1"}, retryAt: retry}},
		{"entering is interrupted: not retried until the next change", Input{Dir: inP}, true,
			want{request: dev, notice: "profile dev not loaded: boom", watch: Watch{Path: "/trust/p/h1"}}},
		{"a switch fails: the other directory's profile is unloaded", Input{State: loadedP, Dir: inQ, Env: devEnv}, false,
			want{action: Unload, request: prod, notice: "profile prod not loaded", watch: Watch{Path: "/trust/q/h2"}, retryAt: retry}},
		{"a refresh fails: the credentials stay, retried after a minute", Input{State: due, Dir: inP, Env: devEnv}, false,
			want{request: dev, refresh: true, mode: ModeDir, file: inP.File, notice: "profile dev not refreshed: boom", watch: Watch{Path: "/trust/p/h1"}, expires: due.Expires, retryAt: retry}},
		{"a refresh is interrupted: next try when they expire", Input{State: due, Dir: inP, Env: devEnv}, true,
			want{request: dev, refresh: true, mode: ModeDir, file: inP.File, notice: "not refreshed", watch: Watch{Path: "/trust/p/h1"}, expires: due.Expires, retryAt: due.Expires}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Now = now
			d := Decide(tc.in)
			if d.Action != Load {
				t.Fatalf("not a load: %+v", d)
			}
			check(t, d.Failed("boom", tc.interrupted, now), tc.want)
		})
	}

	// The retry a minute later fails the same way: no second notice.
	d := Decide(Input{Dir: inP, Now: now}).Failed("boom", false, now)
	later := now.Add(RetryAfter)
	again := Decide(Input{State: d.State, Dir: inP, Now: later})
	if again.Action != Load {
		t.Fatalf("no retry: %+v", again)
	}
	if f := again.Failed("boom", false, later); f.Notice != "" {
		t.Errorf("second notice %q", f.Notice)
	}
	if f := again.Failed("other", false, later); f.Notice == "" {
		t.Errorf("a different failure was not noticed")
	}
}

func TestByHand(t *testing.T) {
	d := LoadByHand(prod)
	if d.Action != Load || d.State.Mode != ModeManual || d.State.Request != prod {
		t.Errorf("%+v", d)
	}
	if u := UnloadByHand(); u.Action != Unload || u.State != (State{}) {
		t.Errorf("%+v", u)
	}
}

func TestStateRoundTrip(t *testing.T) {
	for _, st := range []State{
		{},
		loadedP,
		{Mode: ModeManual, Request: Request{Profile: "a b&c=d", Duration: 90 * time.Minute, NoSession: true, Region: "eu-west-1"}, Expires: 5, Refresh: 4, Noticed: "untrusted:/x y/.awsprofile#h"},
	} {
		if got := ParseState(st.String()); got != st {
			t.Errorf("round trip %+v -> %q -> %+v", st, st.String(), got)
		}
	}
	for _, bad := range []string{"%zz", "m=nonsense&p=x", "m=dir"} {
		if got := ParseState(bad); got.Mode != ModeNone {
			t.Errorf("ParseState(%q) = %+v", bad, got)
		}
	}
}

func TestShellWord(t *testing.T) {
	for in, want := range map[string]string{
		"/src/p":        "/src/p",
		"/src/my proj":  "'/src/my proj'",
		"/it's":         `'/it'\''s'`,
		"/x/$(id)":      "'/x/$(id)'",
		"/home/ünïcode": "/home/ünïcode",
	} {
		if got := ShellWord(in); got != want {
			t.Errorf("ShellWord(%q) = %s, want %s", in, got, want)
		}
	}
}
