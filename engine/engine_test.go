package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	kr "github.com/99designs/keyring"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/keyring"
)

const (
	userKey    = "AKIAJONSMITHEXAMPLE"
	userSecret = "jonsmithSecretKeyExample0123456789abcdef"
	mfaSerial  = "arn:aws:iam::111111111111:mfa/jonsmith"
	mfaCode    = "123456"
)

// The README's roles-and-MFA configuration.
const readmeConfig = `
[default]
region = us-east-1

[profile jonsmith]
mfa_serial = arn:aws:iam::111111111111:mfa/jonsmith

[profile foo-readonly]
source_profile = jonsmith
role_arn = arn:aws:iam::222222222222:role/ReadOnly

[profile foo-admin]
source_profile = jonsmith
role_arn = arn:aws:iam::222222222222:role/Administrator
mfa_serial = arn:aws:iam::111111111111:mfa/jonsmith

[profile bar-role1]
source_profile = jonsmith
role_arn = arn:aws:iam::333333333333:role/Role1
mfa_serial = arn:aws:iam::111111111111:mfa/jonsmith

[profile bar-role2]
source_profile = bar-role1
role_arn = arn:aws:iam::333333333333:role/Role2
mfa_serial = arn:aws:iam::111111111111:mfa/jonsmith

[profile tagged]
source_profile = jonsmith
role_arn = arn:aws:iam::222222222222:role/ReadOnly
role_session_name = alice
external_id = ext-1
source_identity = alice
session_tags = team=core,env=dev
transitive_session_tags = team
`

type world struct {
	fake    *awsfake.Server
	ring    *keyring.Keyring
	ringDir string // the file backend's directory
	cfg     *config.File
	env     map[string]string
	prompts atomic.Int32
	now     time.Time
}

func newWorld(t *testing.T, cfgText string) *world {
	t.Helper()
	w := &world{fake: awsfake.Start(t), now: time.Now()}
	w.fake.AddUser(awsfake.User{Name: "jonsmith", AccountID: "111111111111", AccessKeyID: userKey, SecretAccessKey: userSecret, MFASerial: mfaSerial, MFACode: mfaCode})
	w.fake.AddRole(awsfake.Role{ARN: "arn:aws:iam::222222222222:role/ReadOnly"})
	w.fake.AddRole(awsfake.Role{ARN: "arn:aws:iam::222222222222:role/Administrator", RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
	w.fake.AddRole(awsfake.Role{ARN: "arn:aws:iam::333333333333:role/Role1", RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
	w.fake.AddRole(awsfake.Role{ARN: "arn:aws:iam::333333333333:role/Role2", RequireMFA: true, MaxSessionDuration: 12 * time.Hour})
	w.ringDir = t.TempDir()
	w.ring = keyring.New(keyring.Options{Backend: "file", FileDir: w.ringDir, Passphrase: func(string) (string, error) { return "pw", nil }})
	if err := w.ring.SetCredentials("jonsmith", keyring.LongTerm{AccessKeyID: userKey, SecretAccessKey: userSecret}); err != nil {
		t.Fatal(err)
	}
	var err error
	if w.cfg, err = config.Parse("/test/config", []byte(cfgText)); err != nil {
		t.Fatal(err)
	}
	w.env = map[string]string{"AWS_ENDPOINT_URL_STS": w.fake.URL()}
	return w
}

func (w *world) engine(t *testing.T, mod func(*engine.Options)) *engine.Engine {
	t.Helper()
	o := engine.Options{
		Ring: w.ring, Config: w.cfg, Getenv: func(k string) string { return w.env[k] },
		LockDir: t.TempDir(),
		Now:     func() time.Time { return w.now },
		Prompt: func(_ context.Context, serial string) (string, error) {
			w.prompts.Add(1)
			if serial != mfaSerial {
				return "", fmt.Errorf("asked for %s", serial)
			}
			return mfaCode, nil
		},
	}
	if mod != nil {
		mod(&o)
	}
	e, err := engine.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// step is one expected STS call: action, who signed (user key, session
// token of the user, or a role), whether it carried MFA, and its duration.
type step struct {
	action, signer string
	mfa            bool
	duration       string
}

func signerOf(c awsfake.Call) string {
	switch {
	case c.AccessKeyID == userKey:
		return "user-key"
	case strings.Contains(c.Principal, ":assumed-role/"):
		return "role:" + c.Principal[strings.LastIndex(c.Principal[:strings.LastIndex(c.Principal, "/")], "/")+1:strings.LastIndex(c.Principal, "/")]
	case strings.HasSuffix(c.Principal, ":user/jonsmith"):
		return "user-session"
	}
	return "?" + c.Principal
}

func steps(calls []awsfake.Call) []step {
	var out []step
	for _, c := range calls {
		out = append(out, step{c.Action, signerOf(c), c.Params.Get("TokenCode") != "", c.Params.Get("DurationSeconds")})
	}
	return out
}

func TestRolesAndMFATable(t *testing.T) {
	cases := []struct {
		name      string
		profile   string
		noSession bool
		duration  time.Duration
		want      []step
		prompts   int32
		longTerm  bool
	}{
		{name: "jonsmith --no-session", profile: "jonsmith", noSession: true, longTerm: true},
		{name: "jonsmith", profile: "jonsmith", prompts: 1, want: []step{{"GetSessionToken", "user-key", true, "3600"}}},
		{name: "foo-readonly", profile: "foo-readonly", want: []step{{"AssumeRole", "user-key", false, "3600"}}},
		{name: "foo-admin", profile: "foo-admin", prompts: 1, want: []step{{"GetSessionToken", "user-key", true, "28800"}, {"AssumeRole", "user-session", false, "3600"}}},
		{name: "foo-admin --duration=2h", profile: "foo-admin", duration: 2 * time.Hour, prompts: 1, want: []step{{"AssumeRole", "user-key", true, "7200"}}},
		{name: "bar-role2", profile: "bar-role2", prompts: 1, want: []step{{"GetSessionToken", "user-key", true, "28800"}, {"AssumeRole", "user-session", false, "3600"}, {"AssumeRole", "role:Role1", false, "3600"}}},
		{name: "bar-role2 --no-session", profile: "bar-role2", noSession: true, prompts: 1, want: []step{{"AssumeRole", "user-key", true, "3600"}, {"AssumeRole", "role:Role1", false, "3600"}}},
		{name: "bar-role2 --duration=2h", profile: "bar-role2", duration: 2 * time.Hour, prompts: 1, want: []step{{"GetSessionToken", "user-key", true, "28800"}, {"AssumeRole", "user-session", false, "3600"}, {"AssumeRole", "role:Role1", false, "3600"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, readmeConfig)
			e := w.engine(t, func(o *engine.Options) { o.NoSession, o.Duration = c.noSession, c.duration })
			r, err := e.Credentials(context.Background(), c.profile)
			if err != nil {
				t.Fatal(err)
			}
			got := steps(w.fake.Calls())
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Errorf("calls:\n got %v\nwant %v", got, c.want)
			}
			if w.prompts.Load() != c.prompts {
				t.Errorf("MFA prompts = %d, want %d", w.prompts.Load(), c.prompts)
			}
			if c.longTerm != (r.Credentials.AccessKeyID == userKey) {
				t.Errorf("long-term key handed out = %v, want %v", r.Credentials.AccessKeyID == userKey, c.longTerm)
			}
			if !c.longTerm && (!r.Credentials.CanExpire || r.Credentials.SessionToken == "") {
				t.Errorf("not temporary: %+v", r.Credentials.Expires)
			}
			// The credentials work: the fake knows who they are.
			// A second run reuses the cache: no STS call, no prompt.
			w.fake.ResetCalls()
			before := w.prompts.Load()
			if _, err := w.engine(t, func(o *engine.Options) { o.NoSession, o.Duration = c.noSession, c.duration }).Credentials(context.Background(), c.profile); err != nil {
				t.Fatal(err)
			}
			if calls := w.fake.Calls(); len(calls) != 0 && !c.longTerm && c.profile != "foo-readonly" {
				t.Errorf("second run called STS: %v", steps(calls))
			}
			if w.prompts.Load() != before {
				t.Error("second run prompted for MFA")
			}
		})
	}
}

func TestSessionSharedAcrossProfilesWithSameMFA(t *testing.T) {
	w := newWorld(t, readmeConfig)
	ctx := context.Background()
	if _, err := w.engine(t, nil).Credentials(ctx, "foo-admin"); err != nil {
		t.Fatal(err)
	}
	w.fake.ResetCalls()
	if _, err := w.engine(t, nil).Credentials(ctx, "bar-role1"); err != nil {
		t.Fatal(err)
	}
	got := steps(w.fake.Calls())
	want := []step{{"AssumeRole", "user-session", false, "3600"}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bar-role1 after foo-admin: %v, want only the role", got)
	}
	if w.prompts.Load() != 1 {
		t.Errorf("prompts = %d, want 1", w.prompts.Load())
	}
}

func TestMinTTLRefresh(t *testing.T) {
	w := newWorld(t, readmeConfig)
	ctx := context.Background()
	start := w.now
	w.fake.SetNow(func() time.Time { return w.now })
	if _, err := w.engine(t, nil).Credentials(ctx, "jonsmith"); err != nil {
		t.Fatal(err)
	}
	// 50 minutes on, 10 minutes remain: more than AWS_MIN_TTL (5m), reused.
	w.now = start.Add(50 * time.Minute)
	w.fake.ResetCalls()
	if _, err := w.engine(t, nil).Credentials(ctx, "jonsmith"); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.Calls()); n != 0 {
		t.Errorf("refreshed with 10m left: %d calls", n)
	}
	// With AWS_MIN_TTL=15m the same session is too short: renewed.
	ttls := config.DefaultTTLs
	ttls.MinTTL = 15 * time.Minute
	r, err := w.engine(t, func(o *engine.Options) { o.TTLs = ttls }).Credentials(ctx, "jonsmith")
	if err != nil {
		t.Fatal(err)
	}
	if n := w.fake.CountCalls("GetSessionToken"); n != 1 {
		t.Errorf("GetSessionToken calls = %d, want 1", n)
	}
	if !r.Credentials.Expires.After(start.Add(time.Hour)) {
		t.Errorf("renewed session expires %v", r.Credentials.Expires)
	}
	// The old session item is gone: one session for the slot.
	sessions, _ := w.ring.Sessions()
	if len(sessions) != 1 {
		t.Errorf("sessions in keyring: %v", sessions)
	}
}

func TestAssumeRoleParametersAndCache(t *testing.T) {
	w := newWorld(t, readmeConfig)
	ctx := context.Background()
	if _, err := w.engine(t, nil).Credentials(ctx, "tagged"); err != nil {
		t.Fatal(err)
	}
	calls := w.fake.Calls()
	if len(calls) != 1 {
		t.Fatalf("calls = %v", steps(calls))
	}
	p := calls[0].Params
	for k, v := range map[string]string{"RoleSessionName": "alice", "ExternalId": "ext-1", "SourceIdentity": "alice", "Tags.member.1.Key": "env", "Tags.member.1.Value": "dev", "Tags.member.2.Key": "team", "TransitiveTagKeys.member.1": "team"} {
		if p.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, p.Get(k), v)
		}
	}
	// Cached: a second engine makes no call; another duration is another slot.
	w.fake.ResetCalls()
	if _, err := w.engine(t, nil).Credentials(ctx, "tagged"); err != nil {
		t.Fatal(err)
	}
	if n := len(w.fake.Calls()); n != 0 {
		t.Errorf("role not cached: %d calls", n)
	}
	if _, err := w.engine(t, func(o *engine.Options) { o.Duration = 30 * time.Minute }).Credentials(ctx, "tagged"); err != nil {
		t.Fatal(err)
	}
	if n := w.fake.CountCalls("AssumeRole"); n != 1 {
		t.Errorf("different duration reused the cache: %d calls", n)
	}
}

func TestWrongMFACode(t *testing.T) {
	w := newWorld(t, readmeConfig)
	_, err := w.engine(t, func(o *engine.Options) { o.Prompt = nil; o.MfaToken = "000000" }).Credentials(context.Background(), "jonsmith")
	if err == nil || !strings.Contains(err.Error(), "MFA code was wrong") {
		t.Fatalf("err = %v", err)
	}
	if sessions, _ := w.ring.Sessions(); len(sessions) != 0 {
		t.Error("a failed call left a session")
	}
	// A person at a prompt gets asked again.
	codes := []string{"111111", mfaCode}
	var asked int
	r, err := w.engine(t, func(o *engine.Options) {
		o.Prompt = func(context.Context, string) (string, error) { asked++; return codes[asked-1], nil }
	}).Credentials(context.Background(), "jonsmith")
	if err == nil {
		t.Fatalf("custom prompts are not interactive: want an error, got %v", r)
	}
	_, err = w.engine(t, func(o *engine.Options) {
		o.Prompt = nil
		o.MfaToken = ""
		o.PromptDriver = "zenity"
		o.Getenv = func(k string) string {
			if k == "PATH" {
				return ""
			}
			return w.env[k]
		}
	}).Credentials(context.Background(), "jonsmith")
	if err == nil {
		t.Fatal("no error without a way to ask")
	}
	_, err = w.engine(t, func(o *engine.Options) { o.Prompt = nil; o.MfaToken = "12" }).Credentials(context.Background(), "jonsmith")
	if err == nil || !strings.Contains(err.Error(), "6 digits") {
		t.Errorf("short code: %v", err)
	}
}

// Without --prompt the driver is chosen once, and only when a code is
// needed; a dialog chosen so asks again after a wrong code, as a person is
// answering.
func TestPromptChosenWhenNeeded(t *testing.T) {
	dir := t.TempDir()
	script := "#!/bin/sh\nn=$(cat " + dir + "/count 2>/dev/null)\necho x >> " + dir + "/count\n" +
		"if [ -z \"$n\" ]; then echo 111111; else echo " + mfaCode + "; fi\n"
	if err := os.WriteFile(filepath.Join(dir, "zenity"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	w := newWorld(t, readmeConfig)
	var chosen int
	e := w.engine(t, func(o *engine.Options) {
		o.Prompt = nil
		o.ChoosePrompt = func() string { chosen++; return "zenity" }
	})
	if _, err := e.Credentials(context.Background(), "foo-readonly"); err != nil || chosen != 0 {
		t.Fatalf("no MFA: chose %d times, %v", chosen, err)
	}
	if _, err := e.Credentials(context.Background(), "jonsmith"); err != nil {
		t.Fatal(err)
	}
	count, _ := os.ReadFile(filepath.Join(dir, "count"))
	if chosen != 1 || strings.Count(string(count), "x") != 2 {
		t.Errorf("chose %d times, asked %d times; want 1 and 2", chosen, strings.Count(string(count), "x"))
	}
}

func TestMissingCredentialsSayWhatToAdd(t *testing.T) {
	w := newWorld(t, readmeConfig)
	if err := w.ring.Remove("jonsmith"); err != nil {
		t.Fatal(err)
	}
	_, err := w.engine(t, nil).Credentials(context.Background(), "bar-role2")
	if err == nil || !strings.Contains(err.Error(), `profile "jonsmith"`) || !strings.Contains(err.Error(), "aws-vault add jonsmith") {
		t.Errorf("err = %v", err)
	}
	var unknown *config.UnknownProfileError
	if _, err := w.engine(t, nil).Credentials(context.Background(), "bar-rol2"); !errors.As(err, &unknown) {
		t.Errorf("unknown profile: %v", err)
	}
}

func TestWebIdentity(t *testing.T) {
	tok := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(tok, []byte("header.payload.sig\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, fmt.Sprintf("[profile web]\nrole_arn = arn:aws:iam::444444444444:role/Web\nweb_identity_token_file = %s\n[profile webproc]\nrole_arn = arn:aws:iam::444444444444:role/Web\nweb_identity_token_process = echo header.payload.sig\n", tok))
	w.fake.AddRole(awsfake.Role{ARN: "arn:aws:iam::444444444444:role/Web", TrustWebIdentityToken: "header.payload.sig"})
	for _, p := range []string{"web", "webproc"} {
		r, err := w.engine(t, nil).Credentials(context.Background(), p)
		if err != nil {
			t.Fatal(err)
		}
		if r.Credentials.SessionToken == "" {
			t.Error("no session token")
		}
	}
	if n := w.fake.CountCalls("AssumeRoleWithWebIdentity"); n != 2 {
		t.Errorf("calls = %d", n)
	}
}

func TestCredentialProcessSource(t *testing.T) {
	dir := t.TempDir()
	script := filepath.Join(dir, "creds.sh")
	doc := fmt.Sprintf(`{"Version":1,"AccessKeyId":%q,"SecretAccessKey":%q}`, userKey, userSecret)
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho '"+doc+"'\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	w := newWorld(t, fmt.Sprintf("[profile proc]\ncredential_process = %s\n[profile procrole]\nsource_profile = proc\nrole_arn = arn:aws:iam::222222222222:role/ReadOnly\n", script))
	r, err := w.engine(t, nil).Credentials(context.Background(), "procrole")
	if err != nil {
		t.Fatal(err)
	}
	if got := steps(w.fake.Calls()); fmt.Sprint(got) != fmt.Sprint([]step{{"AssumeRole", "user-key", false, "3600"}}) {
		t.Errorf("calls %v", got)
	}
	if r.Credentials.SessionToken == "" {
		t.Error("no role session")
	}
}

func TestEnvVariables(t *testing.T) {
	w := newWorld(t, readmeConfig)
	env, _, err := w.engine(t, nil).Env(context.Background(), "foo-admin")
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"AWS_VAULT", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_CREDENTIAL_EXPIRATION"} {
		if env.Set[k] == "" {
			t.Errorf("%s not set", k)
		}
	}
	if _, err := time.Parse(time.RFC3339, env.Set["AWS_CREDENTIAL_EXPIRATION"]); err != nil || !strings.HasSuffix(env.Set["AWS_CREDENTIAL_EXPIRATION"], "Z") {
		t.Errorf("expiration %q not RFC 3339 UTC", env.Set["AWS_CREDENTIAL_EXPIRATION"])
	}
	if fmt.Sprint(env.Unset) != "[AWS_CREDENTIAL_FILE AWS_DEFAULT_PROFILE AWS_PROFILE AWS_SDK_LOAD_CONFIG AWS_SECURITY_TOKEN AWS_SESSION_EXPIRATION AWS_VAULT_LOADED_BY]" {
		t.Errorf("unset = %v", env.Unset)
	}
	env, _, err = w.engine(t, func(o *engine.Options) { o.NoSession = true }).Env(context.Background(), "jonsmith")
	if err != nil {
		t.Fatal(err)
	}
	if env.Set["AWS_ACCESS_KEY_ID"] != userKey || env.Set["AWS_SESSION_TOKEN"] != "" || !strings.Contains(fmt.Sprint(env.Unset), "AWS_SESSION_TOKEN") {
		t.Errorf("--no-session env: %v unset %v", env.Keys(), env.Unset)
	}
}

func TestMissingCredentialsMessageIsPlain(t *testing.T) {
	w := newWorld(t, readmeConfig)
	_ = w.ring.Remove("jonsmith")
	_, err := w.engine(t, nil).Credentials(context.Background(), "foo-admin")
	want := `profile "foo-admin" takes its credentials from profile "jonsmith", which has none in the file keyring; add them with: aws-vault add jonsmith`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v\nwant %s", err, want)
	}
	if n := w.prompts.Load(); n != 0 {
		t.Errorf("asked for %d MFA codes before finding the key missing", n)
	}
}

// The SDK's endpoint settings reach the fake: the STS-specific variable
// (used everywhere else in these tests), the global one, and the profile's
// endpoint_url; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS turns them off.
func TestEndpointSettings(t *testing.T) {
	for _, c := range []struct {
		name   string
		env    func(w *world) map[string]string
		config func(w *world) string
		ok     bool
	}{
		{"AWS_ENDPOINT_URL", func(w *world) map[string]string { return map[string]string{"AWS_ENDPOINT_URL": w.fake.URL()} }, func(*world) string { return "" }, true},
		{"endpoint_url", func(*world) map[string]string { return map[string]string{} }, func(w *world) string { return "endpoint_url = " + w.fake.URL() + "\n" }, true},
		{"ignored", func(w *world) map[string]string {
			return map[string]string{"AWS_ENDPOINT_URL_STS": w.fake.URL(), "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}
		}, func(*world) string { return "" }, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t, "[profile jonsmith]\n")
			w.cfg, _ = config.Parse("/test/config", []byte("[profile jonsmith]\nregion = us-east-1\n"+c.config(w)))
			w.env = c.env(w)
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			defer cancel()
			_, err := w.engine(t, func(o *engine.Options) { o.MfaToken = mfaCode }).Credentials(ctx, "jonsmith")
			if c.ok && (err != nil || w.fake.CountCalls("GetSessionToken") != 1) {
				t.Errorf("err = %v, calls = %d", err, w.fake.CountCalls("GetSessionToken"))
			}
			if !c.ok && (err == nil || w.fake.CountCalls("GetSessionToken") != 0) {
				t.Errorf("the fake was used although endpoints are ignored: %v", err)
			}
		})
	}
}

// A cached session whose item is damaged (data that is not a session, a
// file the backend cannot decode) is ignored, as the original ignores it:
// a new session is fetched and replaces it.
func TestDamagedSessionIsReplaced(t *testing.T) {
	w := newWorld(t, readmeConfig)
	get := func() {
		t.Helper()
		if _, err := w.engine(t, nil).Credentials(context.Background(), "jonsmith"); err != nil {
			t.Fatal(err)
		}
	}
	damage := []func(key string) error{
		func(key string) error { return w.ring.Set(kr.Item{Key: key, Data: []byte("{")}) },
		func(key string) error { return os.WriteFile(filepath.Join(w.ringDir, key), []byte("damaged"), 0o600) },
	}
	get()
	for i, d := range damage {
		sessions, err := w.ring.Sessions()
		if err != nil || len(sessions) != 1 {
			t.Fatalf("sessions %v, %v", sessions, err)
		}
		if err := d(sessions[0].String()); err != nil {
			t.Fatal(err)
		}
		get()
		get()
		if n := w.fake.CountCalls("GetSessionToken"); n != i+2 {
			t.Errorf("damage %d: GetSessionToken calls = %d, want %d (one to replace the damaged item)", i, n, i+2)
		}
	}
}
