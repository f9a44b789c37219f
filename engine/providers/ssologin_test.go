package providers_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws-vault/aws-vault/engine/providers"
)

// noRedirect is a browser's HTTP client that shows where a page redirects
// to instead of going there.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := noRedirect.Get(u)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// pkceProvider is a provider that signs in with the authorization code
// flow; browse is its browser.
func (w *ssoWorld) pkceProvider(browse func(authURL string) error) *providers.SSO {
	p := w.provider("Developer", false)
	p.AuthorizeURL = w.fake.URL() + "/authorize"
	p.Open = func(_ context.Context, u string) error {
		w.opened = append(w.opened, u)
		return browse(u)
	}
	return p
}

func TestSSOAuthorizationCodeLoopback(t *testing.T) {
	w := newSSOWorld(t)
	var redirect, callbackURL string
	p := w.pkceProvider(func(authURL string) error {
		u, _ := url.Parse(authURL)
		q := u.Query()
		redirect = q.Get("redirect_uri")
		if !strings.HasPrefix(redirect, "http://127.0.0.1:") || !strings.HasSuffix(redirect, providers.CallbackPath) ||
			q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43 || q.Get("state") == "" {
			t.Errorf("authorize URL %s", authURL)
		}
		// Someone else's answer (no state, a wrong state, another path)
		// is refused and does not end the wait.
		for _, bad := range []string{redirect + "?code=x", redirect + "?code=x&state=wrong", strings.TrimSuffix(redirect, providers.CallbackPath) + "/other?state=" + q.Get("state")} {
			if status, _ := get(t, bad); status != http.StatusBadRequest && status != http.StatusNotFound {
				t.Errorf("%s: %d", bad, status)
			}
		}
		// The portal redirects the browser to the listener with a code.
		r, err := noRedirect.Get(authURL)
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != http.StatusFound {
			t.Fatalf("authorize: %d", r.StatusCode)
		}
		callbackURL = r.Header.Get("Location")
		status, body := get(t, callbackURL)
		if status != http.StatusOK || !strings.Contains(body, "signed in") {
			t.Errorf("callback: %d %s", status, body)
		}
		// A second answer, even with the right state, is not taken.
		if status, _ := get(t, callbackURL); status != http.StatusGone {
			t.Errorf("second callback: %d", status)
		}
		return nil
	})
	sess, err := p.Fetch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sess.AccessKeyID == "" || w.fake.CountCalls("Authorize") != 1 || w.fake.CountCalls("StartDeviceAuthorization") != 0 {
		t.Errorf("session %v; calls %v", sess.AccessKeyID, w.fake.Calls())
	}
	if !strings.Contains(w.notice.String(), "in a browser on this computer") {
		t.Errorf("notice %q", w.notice.String())
	}
	// The listener is gone.
	if _, err := noRedirect.Get(callbackURL); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("after the sign-in, the callback: %v", err)
	}
	tok, err := w.ring.GetOIDCToken(startURL)
	if err != nil || tok.ClientID == "" || tok.ClientSecret == "" || tok.ClientSecretExpires.IsZero() {
		t.Errorf("stored token %+v %v", tok.ClientID, err)
	}
}

func TestSSOAuthorizationCodeTimeoutAndDenial(t *testing.T) {
	w := newSSOWorld(t)
	var redirect string
	p := w.pkceProvider(func(authURL string) error {
		u, _ := url.Parse(authURL)
		redirect = u.Query().Get("redirect_uri")
		return nil // the user never comes back
	})
	p.LoginTimeout = 300 * time.Millisecond
	_, err := p.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the browser did not come back within 300ms") || !strings.Contains(err.Error(), "--use-device-code") {
		t.Errorf("timeout: %v", err)
	}
	if _, err := noRedirect.Get(redirect); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("after the timeout, the callback: %v", err)
	}
	if _, err := w.ring.GetOIDCToken(startURL); err == nil {
		t.Error("a token was stored")
	}

	// The user denies: the error says so, at once.
	w.fake.SetSSOAuthorizeDenied(true)
	p = w.pkceProvider(func(authURL string) error {
		r, err := noRedirect.Get(authURL)
		if err != nil {
			return err
		}
		r.Body.Close()
		status, _ := get(t, r.Header.Get("Location"))
		if status != http.StatusOK {
			t.Errorf("denial callback: %d", status)
		}
		return nil
	})
	_, err = p.Fetch(context.Background())
	if err == nil || !strings.Contains(err.Error(), "the browser answered that the sign-in failed (access_denied: The user denied the request)") {
		t.Errorf("denied: %v", err)
	}

	// A browser that cannot be opened: the user is told to open the URL.
	w.fake.SetSSOAuthorizeDenied(false)
	w.notice.Reset()
	// What the notice quotes from outside (here the opener's error) is
	// shown escaped: it cannot act on the terminal.
	p = w.pkceProvider(func(string) error {
		return errors.New("opening a browser with xdg-open: exit status 3\x1b]0;owned\x07")
	})
	p.LoginTimeout = 100 * time.Millisecond
	_, _ = p.Fetch(context.Background())
	if !strings.Contains(w.notice.String(), `exit status 3\x1b]0;owned\x07; open the URL above yourself`) || strings.ContainsRune(w.notice.String(), 0x1b) {
		t.Errorf("notice %q", w.notice.String())
	}
}
