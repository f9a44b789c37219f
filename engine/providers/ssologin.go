package providers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"golang.org/x/term"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// DefaultDeviceCodeTTL bounds the wait when the service gives no lifetime
// for the device code.
const DefaultDeviceCodeTTL = 10 * time.Minute

// DefaultLoginTimeout bounds the wait for the browser's answer in the
// authorization code flow.
const DefaultLoginTimeout = 10 * time.Minute

// CallbackPath is the path of the loopback redirect URI.
const CallbackPath = "/oauth/callback"

// signIn asks the user to sign in, in the browser: the authorization code
// flow with PKCE when a browser on this computer can take the redirect,
// else the device code flow.
func (p *SSO) signIn(ctx context.Context) (keyring.OIDCToken, error) {
	if p.UseDeviceCode || p.AuthorizeURL == "" {
		return p.deviceFlow(ctx)
	}
	return p.authCodeFlow(ctx)
}

func (p *SSO) where() string { return "signing in to IAM Identity Center at " + p.StartURL }

func (p *SSO) forProfile() string {
	if p.Profile == "" {
		return ""
	}
	return " for profile " + p.Profile
}

// authCodeFlow is OAuth's authorization code grant with PKCE (RFC 7636)
// and a loopback redirect (RFC 8252), as the AWS CLI v2 signs in: register
// a client for the redirect URI, send the browser to /authorize, take the
// one callback that carries our state, and trade its code and our
// verifier for a token.
func (p *SSO) authCodeFlow(ctx context.Context) (keyring.OIDCToken, error) {
	where := p.where()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return keyring.OIDCToken{}, fmt.Errorf("%s: listening for the browser's redirect on 127.0.0.1: %w (--use-device-code signs in without it)", where, err)
	}
	cb := newCallback(ln)
	defer cb.close()
	redirect := "http://127.0.0.1:" + strconv.Itoa(ln.Addr().(*net.TCPAddr).Port) + CallbackPath

	reg, err := p.OIDC.RegisterClient(ctx, &ssooidc.RegisterClientInput{
		ClientName:   aws.String(SSOClientName),
		ClientType:   aws.String("public"),
		Scopes:       p.Scopes,
		GrantTypes:   []string{"authorization_code", "refresh_token"},
		RedirectUris: []string{redirect},
		IssuerUrl:    aws.String(p.StartURL),
	})
	if err != nil {
		return keyring.OIDCToken{}, fmt.Errorf("%s: RegisterClient: %w", where, explainOIDC(err))
	}
	verifier := randomToken(64)
	sum := sha256.Sum256([]byte(verifier))
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {aws.ToString(reg.ClientId)},
		"redirect_uri":          {redirect},
		"state":                 {cb.state},
		"code_challenge_method": {"S256"},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
	}
	if len(p.Scopes) > 0 {
		q.Set("scopes", strings.Join(p.Scopes, " "))
	}
	authURL := p.AuthorizeURL + "?" + q.Encode()

	timeout := p.LoginTimeout
	if timeout <= 0 {
		timeout = DefaultLoginTimeout
	}
	p.notice("aws-vault: to sign in to IAM Identity Center (%s)%s, open\n  %s\nin a browser on this computer. Waiting up to %s (Ctrl-C stops).\n",
		p.StartURL, p.forProfile(), authURL, timeout)
	stop := p.openAndShowWait(ctx, authURL, time.Now().Add(timeout), "")
	code, err := cb.wait(ctx, timeout)
	stop()
	if err != nil {
		if errors.Is(err, errCallbackTimeout) {
			return keyring.OIDCToken{}, fmt.Errorf("%s: the browser did not come back within %s; run the command again, or sign in with --use-device-code", where, timeout)
		}
		return keyring.OIDCToken{}, fmt.Errorf("%s: %w", where, err)
	}
	out, err := p.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId:     reg.ClientId,
		ClientSecret: reg.ClientSecret,
		GrantType:    aws.String("authorization_code"),
		Code:         aws.String(code),
		CodeVerifier: aws.String(verifier),
		RedirectUri:  aws.String(redirect),
	})
	if err != nil {
		return keyring.OIDCToken{}, fmt.Errorf("%s: CreateToken: %w", where, explainOIDC(err))
	}
	return p.signedIn(where, out, reg)
}

// signedIn is the token a sign-in's CreateToken answered, kept with the
// client registration it was made under (for refreshing it later).
func (p *SSO) signedIn(where string, out *ssooidc.CreateTokenOutput, reg *ssooidc.RegisterClientOutput) (keyring.OIDCToken, error) {
	if aws.ToString(out.AccessToken) == "" {
		return keyring.OIDCToken{}, fmt.Errorf("%s: CreateToken answered without a token", where)
	}
	log.Printf("signed in to %s; the token lasts %ds", p.StartURL, out.ExpiresIn)
	return p.tokenOf(out, aws.ToString(reg.ClientId), aws.ToString(reg.ClientSecret), time.Unix(reg.ClientSecretExpiresAt, 0).UTC()), nil
}

var errCallbackTimeout = errors.New("timed out")

// callback is the loopback listener of the authorization code flow. It
// answers exactly one request to CallbackPath that carries its state;
// requests with another state (or none) are refused and do not end the
// wait; once one has been taken, it stops listening.
type callback struct {
	state  string
	srv    *http.Server
	result chan callbackResult
	once   sync.Once
	closed sync.Once
}

type callbackResult struct {
	code string
	err  error
}

func newCallback(ln net.Listener) *callback {
	cb := &callback{state: randomToken(32), result: make(chan callbackResult, 1)}
	cb.srv = &http.Server{Handler: http.HandlerFunc(cb.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = cb.srv.Serve(ln) }()
	return cb
}

func (cb *callback) serve(w http.ResponseWriter, r *http.Request) {
	page := func(status int, msg string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		fmt.Fprintf(w, "<!doctype html><title>aws-vault</title><p>%s</p>\n", html.EscapeString(msg))
		if f, ok := w.(http.Flusher); ok {
			f.Flush()
		}
	}
	if r.URL.Path != CallbackPath || r.Method != http.MethodGet {
		page(http.StatusNotFound, "Not found.")
		return
	}
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(cb.state)) != 1 {
		log.Printf("the loopback listener refused a request whose state is not ours")
		page(http.StatusBadRequest, "This sign-in answer is not the one aws-vault is waiting for (its state does not match); it was ignored.")
		return
	}
	taken := false
	cb.once.Do(func() { taken = true })
	if !taken {
		page(http.StatusGone, "aws-vault already has its answer.")
		return
	}
	var res callbackResult
	switch {
	case q.Get("error") != "":
		desc := q.Get("error")
		if d := q.Get("error_description"); d != "" {
			desc += ": " + d
		}
		res.err = fmt.Errorf("the browser answered that the sign-in failed (%s)", desc)
		page(http.StatusOK, "Sign-in failed ("+desc+"). You can close this tab.")
	case q.Get("code") == "":
		res.err = errors.New("the browser's answer carries no authorization code")
		page(http.StatusBadRequest, "No authorization code.")
	default:
		res.code = q.Get("code")
		page(http.StatusOK, "aws-vault is signed in. You can close this tab.")
	}
	cb.result <- res
}

// wait returns the code of the one accepted callback, or fails on timeout
// or when ctx ends. The listener is closed either way.
func (cb *callback) wait(ctx context.Context, timeout time.Duration) (string, error) {
	defer cb.close()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case res := <-cb.result:
		return res.code, res.err
	case <-t.C:
		return "", errCallbackTimeout
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// close stops listening, letting a response being written finish.
func (cb *callback) close() {
	cb.closed.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := cb.srv.Shutdown(ctx); err != nil {
			_ = cb.srv.Close()
		}
	})
}

// randomToken returns n random bytes, base64url-encoded without padding.
func randomToken(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// openAndShowWait opens u in the browser (when p.Open is set) and shows
// the wait (see showWait) from the start, while the opener runs too; an
// opener's failure is said on a line of its own. The returned function
// stops the display.
func (p *SSO) openAndShowWait(ctx context.Context, u string, deadline time.Time, code string) func() {
	stop := p.showWait(deadline, code)
	if p.Open != nil {
		if err := p.Open(ctx, u); err != nil {
			stop()
			p.notice("aws-vault: %v; open the URL above yourself\n", err)
			stop = p.showWait(deadline, code)
		}
	}
	return stop
}

// showWait shows, on a terminal, the time left until deadline, updated
// every second on one line (with the user code, if any), until the
// returned function is called. Elsewhere (a file, a pipe) it shows
// nothing: the notice already said how long the wait is.
func (p *SSO) showWait(deadline time.Time, code string) func() {
	f, ok := p.Notice.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return func() {}
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			left := time.Until(deadline).Round(time.Second)
			if left < 0 {
				left = 0
			}
			line := "aws-vault: waiting for the sign-in in the browser"
			if code != "" {
				line += " (code " + code + ")"
			}
			fmt.Fprintf(f, "\r\x1b[K%s: %d:%02d left", line, int(left/time.Minute), int(left%time.Minute/time.Second))
			select {
			case <-done:
				fmt.Fprint(f, "\r\x1b[K")
				return
			case <-tick.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// deviceFlow runs the OIDC device authorization flow (RFC 8628): register
// a public client, start a device authorization, show the URL and code and
// open the browser, then poll CreateToken until the user approves, the
// device code expires, or ctx ends.
func (p *SSO) deviceFlow(ctx context.Context) (keyring.OIDCToken, error) {
	where := p.where()
	reg := &ssooidc.RegisterClientInput{ClientName: aws.String(SSOClientName), ClientType: aws.String("public"), Scopes: p.Scopes}
	client, err := p.OIDC.RegisterClient(ctx, reg)
	if err != nil {
		return keyring.OIDCToken{}, fmt.Errorf("%s: RegisterClient: %w", where, explainOIDC(err))
	}
	auth, err := p.OIDC.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{
		ClientId: client.ClientId, ClientSecret: client.ClientSecret, StartUrl: aws.String(p.StartURL),
	})
	if err != nil {
		return keyring.OIDCToken{}, fmt.Errorf("%s: StartDeviceAuthorization: %w", where, explainOIDC(err))
	}
	ttl := time.Duration(auth.ExpiresIn) * time.Second
	if ttl <= 0 {
		ttl = DefaultDeviceCodeTTL
	}
	interval := time.Duration(auth.Interval) * time.Second
	if interval <= 0 {
		interval = 5 * time.Second
	}
	slowDown := p.SlowDown
	if slowDown <= 0 {
		slowDown = 5 * time.Second
	}
	verify := aws.ToString(auth.VerificationUriComplete)
	if verify == "" {
		verify = aws.ToString(auth.VerificationUri)
	}
	userCode := aws.ToString(auth.UserCode)
	p.notice("aws-vault: to sign in to IAM Identity Center (%s)%s, open\n  %s\nand check that it shows the code %s. Waiting up to %s (Ctrl-C stops).\n",
		p.StartURL, p.forProfile(), verify, userCode, ttl)
	stop := p.openAndShowWait(ctx, verify, time.Now().Add(ttl), userCode)
	defer stop()

	// The wait is real time, not the engine's clock: it is what the user
	// has to approve the code in.
	pollCtx, cancel := context.WithTimeout(ctx, ttl)
	defer cancel()
	timedOut := func() error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: waiting for the code %s to be approved: %w", where, userCode, err)
		}
		return fmt.Errorf("%s: the code %s was not approved within %s; run the command again for a new code", where, userCode, ttl)
	}
	for {
		out, err := p.OIDC.CreateToken(pollCtx, &ssooidc.CreateTokenInput{
			ClientId:     client.ClientId,
			ClientSecret: client.ClientSecret,
			DeviceCode:   auth.DeviceCode,
			GrantType:    aws.String("urn:ietf:params:oauth:grant-type:device_code"),
		})
		if err == nil {
			return p.signedIn(where, out, client)
		}
		var (
			pending *oidctypes.AuthorizationPendingException
			slow    *oidctypes.SlowDownException
			expired *oidctypes.ExpiredTokenException
			denied  *oidctypes.AccessDeniedException
		)
		switch {
		case pollCtx.Err() != nil, errors.As(err, &expired):
			return keyring.OIDCToken{}, timedOut()
		case errors.As(err, &pending):
		case errors.As(err, &slow):
			interval += slowDown
			log.Printf("IAM Identity Center asked to poll less often: every %s", interval)
		case errors.As(err, &denied):
			return keyring.OIDCToken{}, fmt.Errorf("%s: the sign-in was denied: %w", where, explainOIDC(err))
		default:
			return keyring.OIDCToken{}, fmt.Errorf("%s: CreateToken: %w", where, explainOIDC(err))
		}
		t := time.NewTimer(interval)
		select {
		case <-t.C:
		case <-pollCtx.Done():
			t.Stop()
			return keyring.OIDCToken{}, timedOut()
		}
	}
}
