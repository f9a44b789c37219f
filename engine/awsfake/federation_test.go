package awsfake

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
)

// signinGet sends GET PATH?query to the server without following
// redirects.
func signinGet(t *testing.T, srv *Server, path string, q url.Values) (int, http.Header, string) {
	t.Helper()
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(srv.URL() + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func sessionParam(c *types.Credentials) string {
	b, _ := json.Marshal(map[string]string{
		"sessionId":    aws.ToString(c.AccessKeyId),
		"sessionKey":   aws.ToString(c.SecretAccessKey),
		"sessionToken": aws.ToString(c.SessionToken),
	})
	return string(b)
}

func getSigninToken(t *testing.T, srv *Server, session string, extra url.Values) (int, string) {
	t.Helper()
	q := url.Values{"Action": {"getSigninToken"}, "Session": {session}}
	for k, v := range extra {
		q[k] = v
	}
	status, _, body := signinGet(t, srv, "/federation", q)
	return status, body
}

func TestGetSigninToken(t *testing.T) {
	srv := newTestServer(t)
	ctx := context.Background()
	ar, err := alice(srv).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("console")})
	if err != nil {
		t.Fatal(err)
	}
	role := ar.Credentials

	status, body := getSigninToken(t, srv, sessionParam(role), url.Values{"SessionDuration": {"7200"}})
	if status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	var doc struct{ SigninToken string }
	if err := json.Unmarshal([]byte(body), &doc); err != nil || doc.SigninToken == "" {
		t.Fatalf("body %q: %v", body, err)
	}
	if url.QueryEscape(doc.SigninToken) != doc.SigninToken {
		t.Errorf("token is not URL-safe: %q", doc.SigninToken)
	}
	toks := srv.SigninTokens()
	want := "arn:aws:sts::222222222222:assumed-role/reader/console"
	if len(toks) != 1 || toks[0].Token != doc.SigninToken || toks[0].Principal != want ||
		toks[0].AccessKeyID != aws.ToString(role.AccessKeyId) || toks[0].SessionDuration != 2*time.Hour ||
		!toks[0].Expires.Equal(t0.Add(SigninTokenTTL)) {
		t.Errorf("tokens %+v", toks)
	}
	c := lastCall(t, srv)
	if c.Service != "signin" || c.Action != "getSigninToken" || c.Principal != want || c.Err != "" ||
		c.Params.Get("Session") != "REDACTED" || c.Params.Get("SessionDuration") != "7200" {
		t.Errorf("call %+v", c)
	}
	if n := srv.CountCalls("getSigninToken"); n != 1 {
		t.Errorf("CountCalls %d", n)
	}

	t.Run("federation token", func(t *testing.T) {
		ft, err := alice(srv).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		if status, body := getSigninToken(t, srv, sessionParam(ft.Credentials), nil); status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
		toks := srv.SigninTokens()
		if p := toks[len(toks)-1].Principal; p != "arn:aws:sts::111111111111:federated-user/alice" {
			t.Errorf("principal %s", p)
		}
		// Its console session lasts as long as the token: no SessionDuration.
		status, body := getSigninToken(t, srv, sessionParam(ft.Credentials), url.Values{"SessionDuration": {"3600"}})
		if status != 400 || !strings.HasPrefix(body, "InvalidSessionDuration") {
			t.Errorf("status %d: %s", status, body)
		}
	})

	refused := []struct {
		name    string
		session func(t *testing.T) string
		extra   url.Values
		code    string
	}{
		{"GetSessionToken credentials", func(t *testing.T) string {
			st, err := alice(srv).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
			if err != nil {
				t.Fatal(err)
			}
			return sessionParam(st.Credentials)
		}, nil, "UnsupportedCredentials"},
		{"long-term key", func(*testing.T) string {
			return `{"sessionId":"` + aliceKey + `","sessionKey":"` + aliceSecret + `","sessionToken":""}`
		}, nil, "InvalidSession"},
		{"wrong secret", func(*testing.T) string {
			c := *role
			c.SecretAccessKey = aws.String("wrong")
			return sessionParam(&c)
		}, nil, "InvalidSession"},
		{"wrong token", func(*testing.T) string {
			c := *role
			c.SessionToken = aws.String("wrong")
			return sessionParam(&c)
		}, nil, "InvalidSession"},
		{"not JSON", func(*testing.T) string { return "sessionId=x" }, nil, "MalformedSession"},
		{"duration too long", func(*testing.T) string { return sessionParam(role) }, url.Values{"SessionDuration": {"43201"}}, "InvalidSessionDuration"},
		{"duration too short", func(*testing.T) string { return sessionParam(role) }, url.Values{"SessionDuration": {"899"}}, "InvalidSessionDuration"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			n := len(srv.SigninTokens())
			status, body := getSigninToken(t, srv, tc.session(t), tc.extra)
			if status != 400 || !strings.HasPrefix(body, tc.code) {
				t.Errorf("status %d: %s", status, body)
			}
			if c := lastCall(t, srv); c.Err != tc.code || c.Params.Get("Session") != "REDACTED" {
				t.Errorf("call %+v", c)
			}
			if len(srv.SigninTokens()) != n {
				t.Error("a token was issued")
			}
		})
	}

	t.Run("missing session", func(t *testing.T) {
		status, _, body := signinGet(t, srv, "/federation", url.Values{"Action": {"getSigninToken"}})
		if status != 400 || !strings.HasPrefix(body, "MissingSession") {
			t.Errorf("status %d: %s", status, body)
		}
	})
	t.Run("POST", func(t *testing.T) {
		resp, err := http.Post(srv.URL()+"/federation?Action=getSigninToken", "text/plain", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 {
			t.Errorf("status %d", resp.StatusCode)
		}
	})
	t.Run("FailNext", func(t *testing.T) {
		srv.FailNext("getSigninToken", "ServiceUnavailable", 503)
		status, body := getSigninToken(t, srv, sessionParam(role), nil)
		if status != 503 || !strings.HasPrefix(body, "ServiceUnavailable") {
			t.Errorf("status %d: %s", status, body)
		}
		if status, _ := getSigninToken(t, srv, sessionParam(role), nil); status != 200 {
			t.Errorf("second call: %d", status)
		}
	})
	t.Run("expired credentials", func(t *testing.T) {
		srv.SetNow(func() time.Time { return t0.Add(2 * time.Hour) })
		defer srv.SetNow(func() time.Time { return t0 })
		status, body := getSigninToken(t, srv, sessionParam(role), nil)
		if status != 400 || !strings.HasPrefix(body, "ExpiredToken") {
			t.Errorf("status %d: %s", status, body)
		}
	})
}

func TestSigninLoginAndLogout(t *testing.T) {
	srv := newTestServer(t)
	ar, err := alice(srv).AssumeRole(context.Background(), &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("console")})
	if err != nil {
		t.Fatal(err)
	}
	if status, body := getSigninToken(t, srv, sessionParam(ar.Credentials), nil); status != 200 {
		t.Fatalf("status %d: %s", status, body)
	}
	token := srv.SigninTokens()[0].Token
	dest := "https://eu-west-1.console.aws.amazon.com/console/home?region=eu-west-1"
	login := url.Values{"Action": {"login"}, "Issuer": {"aws-vault"}, "Destination": {dest}, "SigninToken": {token}}

	status, h, _ := signinGet(t, srv, "/federation", login)
	if status != 302 || h.Get("Location") != dest {
		t.Fatalf("login: %d %v", status, h)
	}
	c := lastCall(t, srv)
	if c.Action != "login" || c.Principal != "arn:aws:sts::222222222222:assumed-role/reader/console" || c.Params.Get("SigninToken") != "REDACTED" {
		t.Errorf("call %+v", c)
	}

	redirect := srv.URL() + "/federation?" + login.Encode()
	status, h, _ = signinGet(t, srv, "/oauth", url.Values{"Action": {"logout"}, "redirect_uri": {redirect}})
	if status != 302 || h.Get("Location") != redirect {
		t.Fatalf("logout: %d %v", status, h)
	}
	c = lastCall(t, srv)
	if c.Action != "logout" || strings.Contains(c.Params.Get("redirect_uri"), token) || !strings.Contains(c.Params.Get("redirect_uri"), "SigninToken=REDACTED") {
		t.Errorf("call %+v", c)
	}

	bad := url.Values{"Action": {"login"}, "Destination": {dest}, "SigninToken": {"nope"}}
	if status, _, body := signinGet(t, srv, "/federation", bad); status != 400 || !strings.HasPrefix(body, "InvalidSigninToken") {
		t.Errorf("unknown token: %d %s", status, body)
	}
	srv.SetNow(func() time.Time { return t0.Add(SigninTokenTTL) })
	if status, _, body := signinGet(t, srv, "/federation", login); status != 400 || !strings.HasPrefix(body, "ExpiredSigninToken") {
		t.Errorf("expired token: %d %s", status, body)
	}
	for _, c := range srv.Calls() {
		b, _ := json.Marshal(c)
		if strings.Contains(string(b), token) || strings.Contains(string(b), aws.ToString(ar.Credentials.SecretAccessKey)) {
			t.Errorf("secret in call %s", b)
		}
	}
}
