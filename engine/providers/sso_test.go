package providers_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws-vault/aws-vault/engine/awsfake"
	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/providers"
)

const (
	startURL = "https://d-1234567890.awsapps.com/start"
	account  = "444444444444"
)

type ssoWorld struct {
	fake   *awsfake.Server
	ring   *keyring.Keyring
	notice bytes.Buffer
	opened []string
}

func newSSOWorld(t *testing.T) *ssoWorld {
	t.Helper()
	w := &ssoWorld{fake: awsfake.Start(t)}
	w.fake.AddSSOAssignment(awsfake.SSOAssignment{AccountID: account, RoleName: "Developer"})
	w.ring = keyring.New(keyring.Options{Backend: "file", FileDir: t.TempDir(), Passphrase: func(string) (string, error) { return "pw", nil }})
	return w
}

// provider returns an SSO provider whose browser approves the code
// (approve true) or does nothing.
func (w *ssoWorld) provider(role string, approve bool) *providers.SSO {
	oidc, portal := providers.SSOClients("eu-west-1", w.fake.URL(), w.fake.URL(), nil)
	return &providers.SSO{
		OIDC: oidc, Portal: portal, Ring: w.ring, Profile: "dev", StartURL: startURL,
		AccountID: account, RoleName: role, Notice: &w.notice, SlowDown: 100 * time.Millisecond,
		Open: func(_ context.Context, u string) error {
			w.opened = append(w.opened, u)
			if approve {
				return w.fake.ApproveDevice(awsfake.UserCodeOf(u))
			}
			return nil
		},
	}
}

func TestSSOFetch(t *testing.T) {
	w := newSSOWorld(t)
	ctx := context.Background()
	p := w.provider("Developer", true)
	p.Scopes = providers.ParseScopes(" sso:account:access, ,codewhisperer:completions")
	sess, err := p.Fetch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sess.AccessKeyID == "" || sess.SessionToken == "" || time.Until(sess.Expiration) < 50*time.Minute {
		t.Errorf("session %+v", sess.Expiration)
	}
	if len(w.opened) != 1 || !strings.Contains(w.notice.String(), w.opened[0]) || !strings.Contains(w.notice.String(), awsfake.UserCodeOf(w.opened[0])) {
		t.Errorf("opened %v, notice %q", w.opened, w.notice.String())
	}
	clients := w.fake.SSOClients()
	if len(clients) != 1 || clients[0].Name != "aws-vault" || clients[0].Type != "public" || strings.Join(clients[0].Scopes, " ") != "sso:account:access codewhisperer:completions" {
		t.Errorf("registered %+v", clients)
	}
	tok, err := w.ring.GetOIDCToken(startURL)
	if err != nil || tok.AccessToken != w.fake.SSOTokens()[0].AccessToken || tok.TokenType != "Bearer" {
		t.Fatalf("cached token %+v, %v", tok, err)
	}

	// A second fetch, another role of the same portal: no sign-in.
	if _, err := w.provider("Developer", false).Fetch(ctx); err != nil {
		t.Fatal(err)
	}
	if n := w.fake.CountCalls("StartDeviceAuthorization"); n != 1 {
		t.Errorf("device flows = %d", n)
	}
	if n := w.fake.CountCalls("GetRoleCredentials"); n != 2 {
		t.Errorf("GetRoleCredentials = %d", n)
	}
}

func TestSSOSlowDownAndDeniedRole(t *testing.T) {
	w := newSSOWorld(t)
	w.fake.FailNext("CreateToken", "SlowDownException", 400)
	start := time.Now()
	_, err := w.provider("Admin", true).Fetch(context.Background())
	if took := time.Since(start); took < time.Second+100*time.Millisecond {
		t.Errorf("polled again after %s: the interval grows on SlowDown", took)
	}
	if n := w.fake.CountCalls("CreateToken"); n != 2 {
		t.Errorf("CreateToken calls = %d", n)
	}
	// The role is not assigned: the error names it and the account.
	if err == nil || !strings.Contains(err.Error(), "ForbiddenException: No access") || !strings.Contains(err.Error(), "role Admin in account "+account) {
		t.Errorf("err = %v", err)
	}
	// The token was cached all the same: the sign-in worked.
	if _, err := w.ring.GetOIDCToken(startURL); err != nil {
		t.Errorf("token not cached: %v", err)
	}
}

func TestSSONotApproved(t *testing.T) {
	w := newSSOWorld(t)
	w.fake.SetSSODeviceFlow(time.Second, 2*time.Second)
	start := time.Now()
	_, err := w.provider("Developer", false).Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "was not approved within 2s") {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("gave up after %s", took)
	}
	if _, err := w.ring.GetOIDCToken(startURL); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("a token was cached: %v", err)
	}

	// The caller's context ends the wait too, with its own error.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	w.fake.SetSSODeviceFlow(0, 0)
	if _, err := w.provider("Developer", false).Fetch(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v", err)
	}
}

func TestSSOOpenerFailureStillWaits(t *testing.T) {
	w := newSSOWorld(t)
	p := w.provider("Developer", false)
	p.Open = func(_ context.Context, u string) error {
		// The person opens the URL by hand.
		if err := w.fake.ApproveDevice(awsfake.UserCodeOf(u)); err != nil {
			t.Error(err)
		}
		return errors.New("opening a browser with xdg-open: executable file not found in $PATH")
	}
	if _, err := p.Fetch(context.Background()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(w.notice.String(), "xdg-open") || !strings.Contains(w.notice.String(), "open the URL above yourself") {
		t.Errorf("notice %q", w.notice.String())
	}
}
