package awsfake

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
)

// authorize follows /authorize as a browser would, up to the redirect to
// the loopback listener, and returns the query the listener would get.
func authorize(t *testing.T, srv *Server, q url.Values) (int, url.Values) {
	t.Helper()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(srv.URL() + "/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		return resp.StatusCode, nil
	}
	u, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Scheme + "://" + u.Host + u.Path; got != q.Get("redirect_uri") {
		t.Fatalf("redirected to %s, want %s", got, q.Get("redirect_uri"))
	}
	return resp.StatusCode, u.Query()
}

func challengeOf(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func TestSSOAuthorizationCodeWithPKCE(t *testing.T) {
	srv := newTestServer(t)
	oidc, portal := ssoClients(srv)
	ctx := context.Background()
	redirect := "http://127.0.0.1:49152/oauth/callback"

	// authorization_code needs loopback redirect URIs and the issuer.
	_, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"),
		GrantTypes: []string{"authorization_code"}, IssuerUrl: aws.String(ssoStartURL)})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"),
		GrantTypes: []string{"authorization_code"}, RedirectUris: []string{"https://evil.example/cb"}, IssuerUrl: aws.String(ssoStartURL)})
	wantAPIError(t, err, "InvalidRedirectUriException", 400)

	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("aws-vault"), ClientType: aws.String("public"),
		GrantTypes: []string{"authorization_code", "refresh_token"}, RedirectUris: []string{redirect}, IssuerUrl: aws.String(ssoStartURL),
		Scopes: []string{"sso:account:access"}})
	if err != nil {
		t.Fatal(err)
	}
	if c := srv.SSOClients()[0]; strings.Join(c.GrantTypes, ",") != "authorization_code,refresh_token" || c.IssuerURL != ssoStartURL || c.RedirectURIs[0] != redirect {
		t.Errorf("client %+v", c)
	}
	verifier := "verifier-" + strings.Repeat("x", 50)
	q := url.Values{"response_type": {"code"}, "client_id": {aws.ToString(reg.ClientId)}, "redirect_uri": {redirect}, "state": {"st4te"},
		"code_challenge_method": {"S256"}, "code_challenge": {challengeOf(verifier)}, "scopes": {"sso:account:access"}}

	// A redirect URI the client did not register: an error page, no redirect.
	bad := url.Values{}
	for k, v := range q {
		bad[k] = v
	}
	bad.Set("redirect_uri", "http://127.0.0.1:1/elsewhere")
	if status, _ := authorize(t, srv, bad); status != 400 {
		t.Errorf("unregistered redirect: %d", status)
	}

	status, back := authorize(t, srv, q)
	if status != 302 || back.Get("state") != "st4te" || back.Get("code") == "" {
		t.Fatalf("authorize: %d %v", status, back)
	}
	code := back.Get("code")
	tokenIn := func(code, verifier, redirect string) *ssooidc.CreateTokenInput {
		return &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, GrantType: aws.String("authorization_code"),
			Code: aws.String(code), CodeVerifier: aws.String(verifier), RedirectUri: aws.String(redirect)}
	}
	// A wrong verifier burns the code.
	_, err = oidc.CreateToken(ctx, tokenIn(code, "wrong", redirect))
	wantAPIError(t, err, "InvalidGrantException", 400)
	_, err = oidc.CreateToken(ctx, tokenIn(code, verifier, redirect))
	wantAPIError(t, err, "InvalidGrantException", 400)

	_, back = authorize(t, srv, q)
	tok, err := oidc.CreateToken(ctx, tokenIn(back.Get("code"), verifier, redirect))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(aws.ToString(tok.AccessToken), "aoaFAKE") || !strings.HasPrefix(aws.ToString(tok.RefreshToken), "aorFAKE") || tok.ExpiresIn != 8*3600 {
		t.Errorf("token: %+v", tok)
	}
	if toks := srv.SSOTokens(); len(toks) != 1 || toks[0].StartURL != ssoStartURL {
		t.Errorf("tokens %+v", toks)
	}
	// The code is single use.
	_, err = oidc.CreateToken(ctx, tokenIn(back.Get("code"), verifier, redirect))
	wantAPIError(t, err, "InvalidGrantException", 400)

	// Refresh: a new access token and a new refresh token; the old refresh
	// token is spent.
	refresh := func(rt string) (*ssooidc.CreateTokenOutput, error) {
		return oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret,
			GrantType: aws.String("refresh_token"), RefreshToken: aws.String(rt)})
	}
	tok2, err := refresh(aws.ToString(tok.RefreshToken))
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(tok2.AccessToken) == aws.ToString(tok.AccessToken) || aws.ToString(tok2.RefreshToken) == aws.ToString(tok.RefreshToken) || aws.ToString(tok2.RefreshToken) == "" {
		t.Errorf("refreshed token: %+v", tok2)
	}
	_, err = refresh(aws.ToString(tok.RefreshToken))
	wantAPIError(t, err, "InvalidGrantException", 400)
	if _, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok2.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String("Dev")}); err != nil {
		t.Errorf("GetRoleCredentials with the refreshed token: %v", err)
	}
	// Refresh tokens expire, and can be revoked.
	srv.SetSSORefreshTTL(time.Hour)
	tok2, err = refresh(aws.ToString(tok2.RefreshToken))
	if err != nil {
		t.Fatal(err)
	}
	srv.SetNow(func() time.Time { return t0.Add(2 * time.Hour) })
	_, err = refresh(aws.ToString(tok2.RefreshToken))
	wantAPIError(t, err, "InvalidGrantException", 400)
	srv.SetNow(func() time.Time { return t0 })
	_, back = authorize(t, srv, q)
	tok3, err := oidc.CreateToken(ctx, tokenIn(back.Get("code"), verifier, redirect))
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.RevokeSSORefreshTokens(); n != 1 {
		t.Errorf("revoked %d refresh tokens", n)
	}
	_, err = refresh(aws.ToString(tok3.RefreshToken))
	wantAPIError(t, err, "InvalidGrantException", 400)

	// The user denies: the redirect carries the error and the state.
	srv.SetSSOAuthorizeDenied(true)
	_, back = authorize(t, srv, q)
	if back.Get("error") != "access_denied" || back.Get("state") != "st4te" || back.Get("code") != "" {
		t.Errorf("denied: %v", back)
	}
	// Without PKCE: invalid_request.
	srv.SetSSOAuthorizeDenied(false)
	q.Del("code_challenge")
	_, back = authorize(t, srv, q)
	if back.Get("error") != "invalid_request" {
		t.Errorf("no challenge: %v", back)
	}
	if n := srv.CountCalls("Authorize"); n != 6 {
		t.Errorf("%d Authorize calls recorded", n)
	}
}

func TestSSOListAccountsAndRolesPaginated(t *testing.T) {
	srv := newTestServer(t)
	for i := range 45 {
		id := fmt.Sprintf("%012d", 100000000000+i)
		for r := range 3 {
			srv.AddSSOAssignment(SSOAssignment{AccountID: id, AccountName: fmt.Sprintf("team %d", i), RoleName: fmt.Sprintf("Role%d", r)})
		}
	}
	for r := range 25 {
		srv.AddSSOAssignment(SSOAssignment{AccountID: "999999999999", RoleName: fmt.Sprintf("Many%02d", r)})
	}
	oidc, portal := ssoClients(srv)
	tok := signedIn(t, srv, oidc)
	ctx := context.Background()
	var accounts []string
	pages := 0
	p := sso.NewListAccountsPaginator(portal, &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, a := range out.AccountList {
			accounts = append(accounts, aws.ToString(a.AccountId)+"="+aws.ToString(a.AccountName))
		}
	}
	if len(accounts) != 46 || pages != 3 || accounts[0] != "100000000000=team 0" || accounts[45] != "999999999999=account-999999999999" {
		t.Errorf("%d accounts in %d pages: %v", len(accounts), pages, accounts)
	}
	var roles []string
	rp := sso.NewListAccountRolesPaginator(portal, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String("999999999999"), MaxResults: aws.Int32(4)})
	pages = 0
	for rp.HasMorePages() {
		out, err := rp.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, r := range out.RoleList {
			roles = append(roles, aws.ToString(r.RoleName))
		}
	}
	if len(roles) != 25 || pages != 7 || roles[0] != "Many00" || roles[24] != "Many24" {
		t.Errorf("%d roles in %d pages: %v", len(roles), pages, roles)
	}
	// A token from another list is refused; so is a bad token.
	out, err := portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken})
	if err != nil {
		t.Fatal(err)
	}
	_, err = portal.ListAccountRoles(ctx, &sso.ListAccountRolesInput{AccessToken: tok.AccessToken, AccountId: aws.String("999999999999"), NextToken: out.NextToken})
	wantAPIError(t, err, "InvalidRequestException", 400)
	_, err = portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: aws.String("nope")})
	wantAPIError(t, err, "UnauthorizedException", 401)

	// Throttling: beyond the rate, 429 TooManyRequestsException.
	srv.SetSSORateLimit(2)
	var throttled error
	for range 5 {
		if _, err := portal.ListAccounts(ctx, &sso.ListAccountsInput{AccessToken: tok.AccessToken}, func(o *sso.Options) { o.RetryMaxAttempts = 1 }); err != nil {
			throttled = err
			break
		}
	}
	wantAPIError(t, throttled, "TooManyRequestsException", 429)
}

// The loopback port is only a string to the fake; this checks that the
// Location is a URL a client can parse back.
func TestSSOAuthorizeRedirectKeepsRedirectQuery(t *testing.T) {
	srv := newTestServer(t)
	oidc, _ := ssoClients(srv)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	redirect := "http://" + ln.Addr().String() + "/oauth/callback"
	reg, err := oidc.RegisterClient(context.Background(), &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"),
		GrantTypes: []string{"authorization_code"}, RedirectUris: []string{redirect}, IssuerUrl: aws.String(ssoStartURL)})
	if err != nil {
		t.Fatal(err)
	}
	_, back := authorize(t, srv, url.Values{"response_type": {"code"}, "client_id": {aws.ToString(reg.ClientId)}, "redirect_uri": {redirect},
		"state": {"a b&c"}, "code_challenge_method": {"S256"}, "code_challenge": {challengeOf("v")}})
	if back.Get("state") != "a b&c" || back.Get("code") == "" {
		t.Errorf("%v", back)
	}
}
