package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func load(t *testing.T, name string) *File {
	t.Helper()
	f, err := Load(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func resolve(t *testing.T, f *File, env map[string]string, profile string) *Profile {
	t.Helper()
	p, err := (&Resolver{File: f, Env: func(k string) string { return env[k] }}).Resolve(profile)
	if err != nil {
		t.Fatalf("resolving %q: %v", profile, err)
	}
	return p
}

// want describes the parts of a resolved profile a case checks.
type want struct {
	region, mfa, role, source, sessionName, credProcess string
	webFile, webProcess, ssoURL, ssoRegion, ssoAccount  string
	ssoRole                                             string
	chain                                               []string
	tags                                                map[string]string
	transitive                                          []string
	duration                                            time.Duration
}

func check(t *testing.T, p *Profile, w want) {
	t.Helper()
	got := want{
		region: p.Region, mfa: p.MfaSerial, role: p.RoleARN, source: p.SourceProfileName,
		sessionName: p.RoleSessionName, credProcess: p.CredentialProcess,
		webFile: p.WebIdentityTokenFile, webProcess: p.WebIdentityTokenProcess,
		ssoURL: p.SSOStartURL, ssoRegion: p.SSORegion, ssoAccount: p.SSOAccountID, ssoRole: p.SSORoleName,
		tags: p.SessionTags, transitive: p.TransitiveSessionTags, duration: p.AssumeRoleDuration,
	}
	for _, c := range p.Chain() {
		got.chain = append(got.chain, c.Name)
	}
	if w.chain == nil {
		w.chain = []string{p.Name}
	}
	if !reflect.DeepEqual(got, w) {
		t.Errorf("profile %q:\n got %+v\nwant %+v", p.Name, got, w)
	}
}

func TestReferenceExamples(t *testing.T) {
	const (
		johnMFA = "arn:aws:iam::123456789:mfa/johnsmith"
		jonMFA  = "arn:aws:iam::111111111111:mfa/jonsmith"
		tomMFA  = "arn:aws:iam::111111111111:mfa/tom"
	)
	cases := []struct {
		file, profile string
		env           map[string]string
		want          want
	}{
		// include_profile, "mixin" style: common is a fragment; root names
		// itself as source through it and so uses its own credentials.
		{"usage-mixin.ini", "root", nil, want{region: "eu-west-1", mfa: johnMFA}},
		{"usage-mixin.ini", "order-dev", nil, want{region: "eu-west-1", mfa: johnMFA, role: "arn:aws:iam::123456789:role/developers", source: "root", chain: []string{"order-dev", "root"}}},
		{"usage-mixin.ini", "order-staging-admin", nil, want{region: "eu-west-1", mfa: johnMFA, role: "arn:aws:iam::123456789:role/administrators", source: "root", chain: []string{"order-staging-admin", "root"}}},
		// "parent" style: root is profile, fragment and source at once.
		{"usage-parent.ini", "root", nil, want{region: "eu-west-1", mfa: johnMFA}},
		{"usage-parent.ini", "order-dev", nil, want{region: "eu-west-1", mfa: johnMFA, role: "arn:aws:iam::123456789:role/developers", source: "root", chain: []string{"order-dev", "root"}}},
		// [default] lends region to every profile.
		{"usage-home-work.ini", "home", nil, want{region: "us-east-1", mfa: "arn:aws:iam::111111111111:mfa/home-account"}},
		{"usage-home-work.ini", "work", nil, want{region: "us-east-1", mfa: "arn:aws:iam::111111111111:mfa/work-account", role: "arn:aws:iam::111111111111:role/ReadOnly"}},
		{"usage-home-work.ini", "work-admin", nil, want{region: "us-east-1", role: "arn:aws:iam::111111111111:role/Administrator", source: "work", chain: []string{"work-admin", "work"}}},
		{"usage-mfa-shared.ini", "role2", nil, want{mfa: tomMFA, role: "arn:aws:iam::33333333333:role/role2", source: "tom", chain: []string{"role2", "tom"}}},
		{"usage-mfa-gotcha.ini", "role1", nil, want{mfa: "arn:aws:iam::111111111111:mfa/jon", role: "arn:aws:iam::22222222222:role/role1", source: "jon", chain: []string{"role1", "jon"}}},
		{"usage-mfa-gotcha.ini", "jon", nil, want{mfa: "arn:aws:iam::111111111111:mfa/jon"}},
		{"usage-sso-webid-process.ini", "Administrator-123456789012", nil, want{ssoURL: "https://aws-sso-portal.awsapps.com/start", ssoRegion: "eu-west-1", ssoAccount: "123456789012", ssoRole: "Administrator"}},
		{"usage-sso-webid-process.ini", "role1", nil, want{role: "arn:aws:iam::22222222222:role/role1", webFile: "/path/to/token.txt"}},
		{"usage-sso-webid-process.ini", "role2", nil, want{role: "arn:aws:iam::33333333333:role/role2", webProcess: "oidccli raw"}},
		{"usage-sso-webid-process.ini", "work", nil, want{mfa: "arn:aws:iam::123456789012:mfa/jonsmith", credProcess: "aws-vault exec work --json --prompt=osascript"}},
		// The README's roles-and-MFA table.
		{"readme-roles.ini", "jonsmith", nil, want{region: "us-east-1", mfa: jonMFA}},
		{"readme-roles.ini", "foo-readonly", nil, want{region: "us-east-1", role: "arn:aws:iam::22222222222:role/ReadOnly", source: "jonsmith", chain: []string{"foo-readonly", "jonsmith"}}},
		{"readme-roles.ini", "foo-admin", nil, want{region: "us-east-1", mfa: jonMFA, role: "arn:aws:iam::22222222222:role/Administrator", source: "jonsmith", chain: []string{"foo-admin", "jonsmith"}}},
		{"readme-roles.ini", "bar-role2", nil, want{region: "us-east-1", mfa: jonMFA, role: "arn:aws:iam::333333333333:role/Role2", source: "bar-role1", chain: []string{"bar-role2", "bar-role1", "jonsmith"}}},
		{"oldusage-home-work.ini", "work-admin_role", nil, want{role: "arn:aws:iam::IAM_ACCOUNTID:role/admin_role", source: "work", chain: []string{"work-admin_role", "work"}}},
		{"cheatsheet-tags.ini", "order-dev", nil, want{role: "arn:aws:iam::123456789:role/developers", source: "root", sessionName: "alice@developers.com", chain: []string{"order-dev", "root"},
			tags: map[string]string{"key1": "value1", "key2": "value2", "key3": "value3"}, transitive: []string{"key1", "key2"}}},
		// [profile default] is the default profile; its credential_process
		// is not copied into other profiles, its region is.
		{"blog-hierarchy.ini", "account_1_role_admin", nil, want{region: "us-east-1", role: "arn:aws:iam::account-id:role/admin", source: "default", chain: []string{"account_1_role_admin", "default"}}},
		{"blog-hierarchy.ini", "default", nil, want{region: "us-east-1", credProcess: "/usr/local/bin/aws-vault exec -j default"}},
		{"blog-hierarchy.ini", "my_new_profile", nil, want{region: "us-east-1", credProcess: "~/bin/ my_new_profile"}},
		// Environment overrides win over the file.
		{"usage-home-work.ini", "home", map[string]string{"AWS_REGION": "ap-south-1", "AWS_DEFAULT_REGION": "eu-north-1"}, want{region: "ap-south-1", mfa: "arn:aws:iam::111111111111:mfa/home-account"}},
		{"usage-home-work.ini", "home", map[string]string{"AWS_DEFAULT_REGION": "eu-north-1"}, want{region: "eu-north-1", mfa: "arn:aws:iam::111111111111:mfa/home-account"}},
		{"usage-home-work.ini", "home", map[string]string{"AWS_MFA_SERIAL": "arn:env"}, want{region: "us-east-1", mfa: "arn:env"}},
		// AWS_ROLE_ARN and AWS_ROLE_SESSION_NAME touch only the profile asked for.
		{"usage-home-work.ini", "work-admin", map[string]string{"AWS_ROLE_ARN": "arn:aws:iam::1:role/env", "AWS_ROLE_SESSION_NAME": "envname"}, want{region: "us-east-1", role: "arn:aws:iam::1:role/env", sessionName: "envname", source: "work", chain: []string{"work-admin", "work"}}},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.profile, func(t *testing.T) {
			check(t, resolve(t, load(t, c.file), c.env, c.profile), c.want)
		})
	}
}

func TestSourceChainKeepsOwnSettings(t *testing.T) {
	f := load(t, "usage-home-work.ini")
	p := resolve(t, f, map[string]string{"AWS_ROLE_ARN": "arn:aws:iam::1:role/env"}, "work-admin")
	src := p.SourceProfile
	if src.RoleARN != "arn:aws:iam::111111111111:role/ReadOnly" {
		t.Errorf("source profile took AWS_ROLE_ARN: %q", src.RoleARN)
	}
	if src.MfaSerial != "arn:aws:iam::111111111111:mfa/work-account" {
		t.Errorf("source mfa = %q", src.MfaSerial)
	}
}

// AWS_SESSION_TAGS, AWS_TRANSITIVE_TAGS and AWS_SOURCE_IDENTITY replace the
// config's values of the profile asked for, each on its own, and leave its
// source profiles alone (the original's TestSessionTaggingFromEnvironment*).
func TestSessionTagsFromEnvironment(t *testing.T) {
	f := parseString(t, `
[profile base]

[profile interim]
source_profile = base
role_arn = arn:aws:iam::1:role/interim
session_tags = tag1=value1
transitive_session_tags = tag1
source_identity = interim-id

[profile target]
source_profile = interim
role_arn = arn:aws:iam::1:role/target
session_tags = tagA = valueA, tagB=valueB
transitive_session_tags = tagB
source_identity = config-id
`)
	env := map[string]string{
		"AWS_SESSION_TAGS":    " tagI = valI ,tagII=valII,",
		"AWS_TRANSITIVE_TAGS": " tagII , tagI",
		"AWS_SOURCE_IDENTITY": "env-id",
	}
	p := resolve(t, f, env, "target")
	if !reflect.DeepEqual(p.SessionTags, map[string]string{"tagI": "valI", "tagII": "valII"}) ||
		!reflect.DeepEqual(p.TransitiveSessionTags, []string{"tagI", "tagII"}) || p.SourceIdentity != "env-id" {
		t.Errorf("target: %v %v %q", p.SessionTags, p.TransitiveSessionTags, p.SourceIdentity)
	}
	src := p.SourceProfile
	if !reflect.DeepEqual(src.SessionTags, map[string]string{"tag1": "value1"}) ||
		!reflect.DeepEqual(src.TransitiveSessionTags, []string{"tag1"}) || src.SourceIdentity != "interim-id" {
		t.Errorf("source profile took the variables: %v %v %q", src.SessionTags, src.TransitiveSessionTags, src.SourceIdentity)
	}

	// Each variable alone replaces only its own key.
	p = resolve(t, f, map[string]string{"AWS_SESSION_TAGS": "tagB=fromenv"}, "target")
	if !reflect.DeepEqual(p.SessionTags, map[string]string{"tagB": "fromenv"}) ||
		!reflect.DeepEqual(p.TransitiveSessionTags, []string{"tagB"}) || p.SourceIdentity != "config-id" {
		t.Errorf("AWS_SESSION_TAGS alone: %v %v %q", p.SessionTags, p.TransitiveSessionTags, p.SourceIdentity)
	}
	// Set but empty (or only commas) is the same as unset.
	p = resolve(t, f, map[string]string{"AWS_SESSION_TAGS": " , ", "AWS_TRANSITIVE_TAGS": ",", "AWS_SOURCE_IDENTITY": ""}, "target")
	if !reflect.DeepEqual(p.SessionTags, map[string]string{"tagA": "valueA", "tagB": "valueB"}) ||
		!reflect.DeepEqual(p.TransitiveSessionTags, []string{"tagB"}) || p.SourceIdentity != "config-id" {
		t.Errorf("empty variables: %v %v %q", p.SessionTags, p.TransitiveSessionTags, p.SourceIdentity)
	}

	_, err := (&Resolver{File: f, Env: func(k string) string {
		return map[string]string{"AWS_SESSION_TAGS": "tagA=1,tagB"}[k]
	}}).Resolve("target")
	if err == nil || !strings.Contains(err.Error(), `AWS_SESSION_TAGS: "tagB" is not key=value`) {
		t.Errorf("malformed AWS_SESSION_TAGS: %v", err)
	}
}

func parseString(t *testing.T, text string) *File {
	t.Helper()
	f, err := Parse("/home/u/.aws/config", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDefaultLendsButDoesNotSource(t *testing.T) {
	f := parseString(t, `
[default]
mfa_serial = arn:aws:iam::1:mfa/me
region = eu-west-2
role_arn = arn:aws:iam::1:role/default-only
duration_seconds = 7200
role_session_name = me
[profile a]
`)
	p := resolve(t, f, nil, "a")
	if p.MfaSerial != "arn:aws:iam::1:mfa/me" || p.Region != "eu-west-2" || p.RoleSessionName != "me" || p.AssumeRoleDuration != 2*time.Hour {
		t.Errorf("default not lent: %+v", p)
	}
	if p.RoleARN != "" {
		t.Errorf("role_arn of [default] leaked into profile a: %q", p.RoleARN)
	}
	if d := resolve(t, f, nil, "default"); d.RoleARN == "" {
		t.Error("default lost its own role_arn")
	}
}

func TestInlineComments(t *testing.T) {
	f := parseString(t, `
[profile sso] # trailing comment on a header
sso_start_url = https://example.awsapps.com/start/#/portal ; the portal
sso_region = eu-west-1 # Ireland
sso_account_id = 123456789012
sso_role_name = Admin;Ops
role_session_name = a#b
`)
	p := resolve(t, f, nil, "sso")
	if p.SSOStartURL != "https://example.awsapps.com/start/#/portal" {
		t.Errorf("url = %q", p.SSOStartURL)
	}
	if p.SSORegion != "eu-west-1" || p.SSORoleName != "Admin;Ops" || p.RoleSessionName != "a#b" {
		t.Errorf("values = %q %q %q", p.SSORegion, p.SSORoleName, p.RoleSessionName)
	}
}

func TestSSOSession(t *testing.T) {
	f := parseString(t, `
[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = Dev
[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = us-east-2
sso_registration_scopes = sso:account:access
`)
	p := resolve(t, f, nil, "dev")
	if p.SSOStartURL != "https://corp.awsapps.com/start" || p.SSORegion != "us-east-2" || p.SSORegistrationScopes != "sso:account:access" || !p.HasSSO() {
		t.Errorf("sso-session not applied: %+v", p)
	}
	if names := f.ProfileNames(); !reflect.DeepEqual(names, []string{"dev"}) {
		t.Errorf("sso-session counted as a profile: %v", names)
	}
	f = parseString(t, "[profile dev]\nsso_session = nope\n")
	if _, err := (&Resolver{File: f}).Resolve("dev"); err == nil || !strings.Contains(err.Error(), "[sso-session nope]") {
		t.Errorf("missing sso-session: %v", err)
	}
}

func TestAllKeysParsed(t *testing.T) {
	f := parseString(t, `
[profile all]
region = eu-central-1
mfa_serial = arn:mfa
mfa_process = otp-cli aws
role_arn = arn:role
role_session_name = sess
external_id = ext
duration_seconds = 900
session_tags = team = core , env=prod
transitive_session_tags = team, env
source_identity = alice
sts_regional_endpoints = Regional
endpoint_url = http://127.0.0.1:1234
web_identity_token_file = /tok
web_identity_token_process = tokcmd
credential_process = cp
`)
	p := resolve(t, f, nil, "all")
	got := []string{p.Region, p.MfaSerial, p.MfaProcess, p.RoleARN, p.RoleSessionName, p.ExternalID, p.SourceIdentity, p.STSRegionalEndpoints, p.EndpointURL, p.WebIdentityTokenFile, p.WebIdentityTokenProcess, p.CredentialProcess}
	exp := []string{"eu-central-1", "arn:mfa", "otp-cli aws", "arn:role", "sess", "ext", "alice", "regional", "http://127.0.0.1:1234", "/tok", "tokcmd", "cp"}
	if !reflect.DeepEqual(got, exp) {
		t.Errorf("got %q\nwant %q", got, exp)
	}
	if p.AssumeRoleDuration != 15*time.Minute {
		t.Errorf("duration = %v", p.AssumeRoleDuration)
	}
	if !reflect.DeepEqual(p.SessionTags, map[string]string{"team": "core", "env": "prod"}) || !reflect.DeepEqual(p.TransitiveSessionTags, []string{"env", "team"}) {
		t.Errorf("tags = %v %v", p.SessionTags, p.TransitiveSessionTags)
	}
}

func TestParentProfileOldName(t *testing.T) {
	f := parseString(t, "[profile base]\nregion = sa-east-1\n[profile x]\nparent_profile = base\n")
	if p := resolve(t, f, nil, "x"); p.Region != "sa-east-1" {
		t.Errorf("parent_profile not followed: %q", p.Region)
	}
}

func TestErrors(t *testing.T) {
	cases := []struct {
		name, text, profile string
		want                []string
	}{
		{"unknown profile suggests", "[profile production]\n[profile prod-eu]\n[profile dev]\n", "prodution", []string{`profile "prodution" is not defined in /home/u/.aws/config`, `did you mean "production"`}},
		{"unknown profile no default copy", "[default]\nregion = us-east-1\n", "missing", []string{`profile "missing" is not defined`}},
		{"include loop", "[profile a]\ninclude_profile = b\n[profile b]\ninclude_profile = c\n[profile c]\ninclude_profile = a\n", "a", []string{"include_profile loop: a -> b -> c -> a", "/home/u/.aws/config"}},
		{"source loop", "[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\n", "a", []string{"source_profile loop: a -> b -> a"}},
		{"missing source", "[profile a]\nsource_profile = nope\n", "a", []string{`source_profile "nope" is not defined`}},
		{"missing include", "[profile a]\ninclude_profile = nope\n", "a", []string{`include_profile "nope" is not defined`}},
		{"bad duration", "[profile a]\nduration_seconds = 1h\n", "a", []string{`profile "a"`, "duration_seconds", "whole number of seconds"}},
		{"bad tags", "[profile a]\nsession_tags = novalue\n", "a", []string{"session_tags", `"novalue" is not key=value`}},
		{"bad sts endpoints", "[profile a]\nsts_regional_endpoints = sometimes\n", "a", []string{"sts_regional_endpoints", "regional"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := parseString(t, c.text)
			_, err := (&Resolver{File: f, Env: func(string) string { return "" }}).Resolve(c.profile)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
	var unknown *UnknownProfileError
	_, err := (&Resolver{File: parseString(t, "[profile x]\n")}).Resolve("y")
	if !errors.As(err, &unknown) {
		t.Errorf("want *UnknownProfileError, got %T", err)
	}
}

func TestMalformedFileNamesLine(t *testing.T) {
	cases := map[string]struct{ text, want string }{
		"no delimiter":   {"[profile a]\nregion = x\n\njust some words\n", "line 4"},
		"unclosed":       {"[profile a]\nregion = x\n[profile b\nregion = y\n", "line 3"},
		"key before any": {"region = x\n[profile a]\n", "line 1"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Parse("/cfg", []byte(c.text))
			if err == nil || !strings.Contains(err.Error(), "/cfg") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error = %v, want file and %s", err, c.want)
			}
		})
	}
}

func TestLoadMissingFileIsEmpty(t *testing.T) {
	f, err := Load(filepath.Join(t.TempDir(), "none"))
	if err != nil || len(f.ProfileNames()) != 0 {
		t.Fatalf("f=%v err=%v", f, err)
	}
}

func TestProfileNamesOrder(t *testing.T) {
	f := parseString(t, "[default]\n[profile b]\n[profile a.dotted]\n[profile c_under]\n[sso-session s]\n[services x]\n")
	if got := f.ProfileNames(); !reflect.DeepEqual(got, []string{"b", "a.dotted", "c_under"}) {
		t.Errorf("names = %v (an empty [default] is left out)", got)
	}
	f = parseString(t, "[default]\nregion=x\n[profile b]\n")
	if got := f.ProfileNames(); !reflect.DeepEqual(got, []string{"default", "b"}) {
		t.Errorf("names = %v", got)
	}
}

func TestAddProfileKeepsText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config")
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.AddProfile("new", map[string]string{"region": "eu-west-1"}); err != nil {
		t.Fatal(err)
	}
	orig := "# my comments\n[profile old]   ; odd spacing kept\nregion=us-east-1"
	if err := os.WriteFile(path, []byte(orig), 0o600); err != nil {
		t.Fatal(err)
	}
	f, _ = Load(path)
	if err := f.AddProfile("second", nil); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	if !strings.HasPrefix(string(data), orig+"\n") || !strings.HasSuffix(string(data), "\n[profile second]\n") {
		t.Errorf("file now:\n%s", data)
	}
	if !f.HasProfile("second") || !f.HasProfile("old") {
		t.Error("reloaded file lacks profiles")
	}
	if err := f.AddProfile("old", nil); err == nil {
		t.Error("adding an existing profile succeeded")
	}
}

func TestTTLs(t *testing.T) {
	get := func(m map[string]string) Env { return func(k string) string { return m[k] } }
	d, err := LoadTTLs(get(nil))
	if err != nil || d.SessionToken != time.Hour || d.ChainedSessionToken != 8*time.Hour || d.AssumeRole != time.Hour || d.FederationToken != time.Hour || d.MinTTL != 5*time.Minute || d.AssumeRoleSet {
		t.Errorf("defaults = %+v, %v", d, err)
	}
	d, err = LoadTTLs(get(map[string]string{"AWS_SESSION_TOKEN_TTL": "12h", "AWS_CHAINED_SESSION_TOKEN_TTL": "43200s", "AWS_ASSUME_ROLE_TTL": "90m", "AWS_FEDERATION_TOKEN_TTL": "2h", "AWS_MIN_TTL": "10m"}))
	if err != nil || d.SessionToken != 12*time.Hour || d.ChainedSessionToken != 12*time.Hour || d.AssumeRole != 90*time.Minute || d.FederationToken != 2*time.Hour || d.MinTTL != 10*time.Minute || !d.AssumeRoleSet {
		t.Errorf("set = %+v, %v", d, err)
	}
	_, err = LoadTTLs(get(map[string]string{"AWS_ASSUME_ROLE_TTL": "3600"}))
	if err == nil || !strings.Contains(err.Error(), "AWS_ASSUME_ROLE_TTL") || !strings.Contains(err.Error(), "needs a unit") {
		t.Errorf("unitless: %v", err)
	}
	_, err = LoadTTLs(get(map[string]string{"AWS_MIN_TTL": "soon"}))
	if err == nil || !strings.Contains(err.Error(), "AWS_MIN_TTL") {
		t.Errorf("garbage: %v", err)
	}
}
