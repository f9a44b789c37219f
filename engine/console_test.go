package engine_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws-vault/aws-vault/engine"
	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/config"
)

// toFake is a transport that sends the requests for the real sign-in
// hosts to the fake, so the URLs keep the partitions' real hosts.
type toFake struct{ fake *awsfake.Server }

func (t toFake) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Host, "signin.") {
		if r.URL.Scheme != "https" || r.URL.Path != "/federation" {
			return nil, &url.Error{Op: "test", URL: r.URL.Host, Err: http.ErrNotSupported}
		}
		u, _ := url.Parse(t.fake.URL())
		r = r.Clone(r.Context())
		r.URL.Scheme, r.URL.Host, r.Host = u.Scheme, u.Host, u.Host
	}
	return http.DefaultTransport.RoundTrip(r)
}

const consoleConfig = readmeConfig + `
[profile plain]

[profile process-user]
credential_process = printf '{"Version":1,"AccessKeyId":"` + userKey + `","SecretAccessKey":"` + userSecret + `"}'
`

func TestConsoleURLPerPartitionAndKind(t *testing.T) {
	type want struct {
		signin, console, principal string
		prompts                    int32
		federation                 bool
	}
	for _, tc := range []struct {
		profile, region string
		env             map[string]string
		want
	}{
		{"foo-readonly", "", nil, want{"signin.aws.amazon.com", "us-east-1.console.aws.amazon.com", "arn:aws:sts::222222222222:assumed-role/ReadOnly/", 0, false}},
		{"foo-admin", "us-gov-west-1", nil, want{"signin.amazonaws-us-gov.com", "us-gov-west-1.console.amazonaws-us-gov.com", "arn:aws:sts::222222222222:assumed-role/Administrator/", 1, false}},
		{"jonsmith", "cn-north-1", nil, want{"signin.amazonaws.cn", "cn-north-1.console.amazonaws.cn", "arn:aws:sts::111111111111:federated-user/jonsmith", 0, true}},
		{"process-user", "eu-west-1", nil, want{"signin.aws.amazon.com", "eu-west-1.console.aws.amazon.com", "arn:aws:sts::111111111111:federated-user/jonsmith", 0, true}},
		{"", "us-gov-east-1", map[string]string{"AWS_ACCESS_KEY_ID": userKey, "AWS_SECRET_ACCESS_KEY": userSecret},
			want{"signin.amazonaws-us-gov.com", "us-gov-east-1.console.amazonaws-us-gov.com", "arn:aws:sts::111111111111:federated-user/jonsmith", 0, true}},
	} {
		t.Run(tc.profile+"@"+tc.region, func(t *testing.T) {
			w := newWorld(t, consoleConfig)
			for k, v := range tc.env {
				w.env[k] = v
			}
			e := w.engine(t, func(o *engine.Options) {
				o.Region = tc.region
				o.HTTPClient = &http.Client{Transport: toFake{w.fake}}
			})
			c, err := e.ConsoleURL(context.Background(), tc.profile, engine.ConsoleOptions{})
			if err != nil {
				t.Fatal(err)
			}
			toks := w.fake.SigninTokens()
			if len(toks) != 1 {
				t.Fatalf("tokens %+v", toks)
			}
			region := tc.region
			if region == "" {
				region = "us-east-1"
			}
			wantURL := "https://" + tc.signin + "/federation?Action=login&Issuer=aws-vault&Destination=" +
				url.QueryEscape("https://"+tc.console+"/console/home?region="+region) + "&SigninToken=" + toks[0].Token
			if c.URL != wantURL {
				t.Errorf("URL\n%s\nwant\n%s", c.URL, wantURL)
			}
			if !strings.HasPrefix(toks[0].Principal, tc.principal) {
				t.Errorf("signed in as %s, want %s…", toks[0].Principal, tc.principal)
			}
			if got := w.fake.CountCalls("GetFederationToken") == 1; got != tc.federation {
				t.Errorf("GetFederationToken called: %v", got)
			}
			if w.prompts.Load() != tc.prompts {
				t.Errorf("prompts %d, want %d", w.prompts.Load(), tc.prompts)
			}
			if (c.Kind == "federation") != tc.federation || c.Region != region || !c.Expires.After(time.Now()) {
				t.Errorf("result %+v", c)
			}
			for _, call := range w.fake.Calls() {
				if call.Action == "GetFederationToken" {
					if call.AccessKeyID != userKey || call.Params.Get("Name") != "jonsmith" || call.Params.Get("DurationSeconds") != "3600" ||
						!strings.Contains(call.Params.Get("Policy"), `"Action":"*"`) || call.Params.Get("TokenCode") != "" {
						t.Errorf("GetFederationToken %+v", call)
					}
				}
				if call.Action == "GetSessionToken" && tc.federation {
					t.Errorf("a plain user got a session token: %+v", call)
				}
			}
		})
	}
}

func TestConsoleURLDurations(t *testing.T) {
	w := newWorld(t, consoleConfig)
	w.env[engine.FederationURLVar] = w.fake.URL() + "/federation"
	ctx := context.Background()

	// A role: --duration is the role's and the console session's.
	e := w.engine(t, func(o *engine.Options) { o.Duration = 2 * time.Hour })
	c, err := e.ConsoleURL(ctx, "foo-admin", engine.ConsoleOptions{Path: "ec2/home"})
	if err != nil {
		t.Fatal(err)
	}
	toks := w.fake.SigninTokens()
	if toks[0].SessionDuration != 2*time.Hour {
		t.Errorf("console session %s", toks[0].SessionDuration)
	}
	if !strings.HasPrefix(c.URL, w.fake.URL()+"/federation?Action=login&Issuer=aws-vault&Destination=https%3A%2F%2Fus-east-1.console.aws.amazon.com%2Fec2%2Fhome%3Fregion%3Dus-east-1&SigninToken=") {
		t.Errorf("URL %s", c.URL)
	}

	// A plain user: the federation token's, which is the console session's.
	e = w.engine(t, func(o *engine.Options) {
		o.TTLs = config.DefaultTTLs
		o.TTLs.FederationToken = 3 * time.Hour // AWS_FEDERATION_TOKEN_TTL
	})
	if _, err := e.ConsoleURL(ctx, "jonsmith", engine.ConsoleOptions{}); err != nil {
		t.Fatal(err)
	}
	toks = w.fake.SigninTokens()
	if toks[1].SessionDuration != 0 {
		t.Errorf("console session %s for a federation token", toks[1].SessionDuration)
	}
	calls := w.fake.Calls()
	if c := calls[len(calls)-2]; c.Action != "GetFederationToken" || c.Params.Get("DurationSeconds") != "10800" {
		t.Errorf("call %+v", c)
	}
	e = w.engine(t, func(o *engine.Options) { o.Duration = 20 * time.Hour })
	if _, err := e.ConsoleURL(ctx, "jonsmith", engine.ConsoleOptions{AutoLogout: true}); err != nil {
		t.Fatal(err)
	}
	calls = w.fake.Calls()
	if c := calls[len(calls)-2]; c.Action != "GetFederationToken" || c.Params.Get("DurationSeconds") != "72000" {
		t.Errorf("call %+v", c)
	}
}

func TestConsoleURLRefusals(t *testing.T) {
	w := newWorld(t, consoleConfig)
	w.env[engine.FederationURLVar] = w.fake.URL() + "/federation"
	ctx := context.Background()

	w.fake.FailNext("GetFederationToken", "AccessDenied", 403)
	_, err := w.engine(t, nil).ConsoleURL(ctx, "jonsmith", engine.ConsoleOptions{})
	if err == nil || !strings.Contains(err.Error(), "profile jonsmith: GetFederationToken: AccessDenied: injected failure; console sign-in for an IAM user goes through GetFederationToken, which cannot carry MFA") ||
		!strings.Contains(err.Error(), "sign in through a role instead") {
		t.Errorf("MFA refusal: %v", err)
	}

	_, err = w.engine(t, nil).ConsoleURL(ctx, "plain", engine.ConsoleOptions{})
	if err == nil || err.Error() != `profile "plain" has no credentials in the file keyring; add them with: aws-vault add plain` {
		t.Errorf("no key: %v", err)
	}

	_, err = w.engine(t, nil).ConsoleURL(ctx, "", engine.ConsoleOptions{})
	if err == nil || !strings.Contains(err.Error(), "no profile given and no AWS_ACCESS_KEY_ID in the environment") {
		t.Errorf("no env: %v", err)
	}

	// GetSessionToken credentials in the environment.
	r, err := w.engine(t, nil).Credentials(ctx, "jonsmith")
	if err != nil {
		t.Fatal(err)
	}
	w.env["AWS_ACCESS_KEY_ID"], w.env["AWS_SECRET_ACCESS_KEY"], w.env["AWS_SESSION_TOKEN"] = r.Credentials.AccessKeyID, r.Credentials.SecretAccessKey, r.Credentials.SessionToken
	_, err = w.engine(t, nil).ConsoleURL(ctx, "", engine.ConsoleOptions{})
	if err == nil || !strings.Contains(err.Error(), "the environment's credentials are a GetSessionToken session of arn:aws:iam::111111111111:user/jonsmith, which the console does not accept") {
		t.Errorf("session token: %v", err)
	}
	if strings.Contains(err.Error(), r.Credentials.SecretAccessKey) || strings.Contains(err.Error(), r.Credentials.SessionToken) {
		t.Error("secret in the error")
	}

	w.env[engine.FederationURLVar] = "signin.example.com/federation"
	delete(w.env, "AWS_ACCESS_KEY_ID")
	_, err = w.engine(t, nil).ConsoleURL(ctx, "foo-readonly", engine.ConsoleOptions{})
	if err == nil || !strings.Contains(err.Error(), engine.FederationURLVar+`: "signin.example.com/federation" is not an http(s) URL`) {
		t.Errorf("bad override: %v", err)
	}
}
