package awsfake

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

const (
	ssoStartURL = "https://d-1234567890.awsapps.com/start"
	ssoAccount  = "444444444444"
)

func ssoClients(srv *Server) (*ssooidc.Client, *sso.Client) {
	oidc := ssooidc.New(ssooidc.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL())})
	portal := sso.New(sso.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL())})
	return oidc, portal
}

// deviceFlow registers a client and starts a device authorization.
func deviceFlow(t *testing.T, oidc *ssooidc.Client, scopes ...string) (*ssooidc.RegisterClientOutput, *ssooidc.StartDeviceAuthorizationOutput) {
	t.Helper()
	ctx := context.Background()
	reg, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("aws-vault"), ClientType: aws.String("public"), Scopes: scopes})
	if err != nil {
		t.Fatalf("RegisterClient: %v", err)
	}
	if aws.ToString(reg.ClientId) == "" || aws.ToString(reg.ClientSecret) == "" || reg.ClientSecretExpiresAt <= reg.ClientIdIssuedAt {
		t.Fatalf("registration: %+v", reg)
	}
	da, err := oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, StartUrl: aws.String(ssoStartURL)})
	if err != nil {
		t.Fatalf("StartDeviceAuthorization: %v", err)
	}
	return reg, da
}

// signedIn runs the device flow to its end (approved at once) and returns
// the token.
func signedIn(t *testing.T, srv *Server, oidc *ssooidc.Client) *ssooidc.CreateTokenOutput {
	t.Helper()
	reg, da := deviceFlow(t, oidc)
	if err := srv.ApproveDevice(aws.ToString(da.UserCode)); err != nil {
		t.Fatal(err)
	}
	tok, err := createToken(oidc, reg, da)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func createToken(oidc *ssooidc.Client, reg *ssooidc.RegisterClientOutput, da *ssooidc.StartDeviceAuthorizationOutput) (*ssooidc.CreateTokenOutput, error) {
	return oidc.CreateToken(context.Background(), &ssooidc.CreateTokenInput{
		ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, DeviceCode: da.DeviceCode,
		GrantType: aws.String(deviceCodeGrantType),
	})
}

func TestSSODeviceFlowAndRoleCredentials(t *testing.T) {
	srv := newTestServer(t)
	srv.AddSSOAssignment(SSOAssignment{AccountID: ssoAccount, RoleName: "Developer"})
	oidc, portal := ssoClients(srv)
	ctx := context.Background()

	reg, da := deviceFlow(t, oidc, "sso:account:access")
	if got := srv.SSOClients(); len(got) != 1 || got[0].Name != "aws-vault" || got[0].Type != "public" || strings.Join(got[0].Scopes, ",") != "sso:account:access" {
		t.Errorf("clients: %+v", got)
	}
	if da.Interval != 1 || da.ExpiresIn != 600 || !strings.HasPrefix(aws.ToString(da.VerificationUri), srv.URL()) {
		t.Errorf("device authorization: interval %d, expires %d, uri %s", da.Interval, da.ExpiresIn, aws.ToString(da.VerificationUri))
	}
	code := aws.ToString(da.UserCode)
	if UserCodeOf(aws.ToString(da.VerificationUriComplete)) != code || len(code) != 9 {
		t.Errorf("user code %q, complete URI %s", code, aws.ToString(da.VerificationUriComplete))
	}

	// Not approved yet: pending, typed as the SDK declares it.
	_, err := createToken(oidc, reg, da)
	var pending *oidctypes.AuthorizationPendingException
	if !errors.As(err, &pending) || aws.ToString(pending.Error_) != "authorization_pending" {
		t.Fatalf("before approval: %v", err)
	}
	wantAPIError(t, err, "AuthorizationPendingException", 400)
	// Polling again at once is too fast.
	_, err = createToken(oidc, reg, da)
	var slow *oidctypes.SlowDownException
	if !errors.As(err, &slow) {
		t.Fatalf("fast poll: %v", err)
	}

	// The verification page knows the code; approving it through the
	// test hook (what a test's $BROWSER does) lets CreateToken succeed.
	resp, err := http.Get(aws.ToString(da.VerificationUriComplete))
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(page), "pending") {
		t.Errorf("verification page: %d %s", resp.StatusCode, page)
	}
	resp, err = http.Get(srv.URL() + "/_test/approve?user_code=" + code)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("approve: %d", resp.StatusCode)
	}
	tok, err := createToken(oidc, reg, da)
	if err != nil {
		t.Fatalf("CreateToken after approval: %v", err)
	}
	if aws.ToString(tok.TokenType) != "Bearer" || tok.ExpiresIn != 8*3600 || aws.ToString(tok.AccessToken) == "" {
		t.Errorf("token: %+v", tok)
	}
	// A device code is used once.
	_, err = createToken(oidc, reg, da)
	var invalidGrant *oidctypes.InvalidGrantException
	if !errors.As(err, &invalidGrant) {
		t.Errorf("second CreateToken: %v", err)
	}

	out, err := portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String("Developer")})
	if err != nil {
		t.Fatalf("GetRoleCredentials: %v", err)
	}
	rc := out.RoleCredentials
	if exp := time.UnixMilli(rc.Expiration).UTC(); !exp.Equal(t0.Add(time.Hour)) {
		t.Errorf("expiration %v, want %v", exp, t0.Add(time.Hour))
	}
	// The credentials are a role session the fake STS knows.
	c := stsClient(srv, static(aws.ToString(rc.AccessKeyId), aws.ToString(rc.SecretAccessKey), aws.ToString(rc.SessionToken)))
	arn := callerARN(t, c)
	if !strings.HasPrefix(arn, "arn:aws:sts::"+ssoAccount+":assumed-role/AWSReservedSSO_Developer_") || !strings.HasSuffix(arn, "/"+DefaultSSOUser) {
		t.Errorf("caller %s", arn)
	}
	// Assuming a role with them is role chaining: at most 1h.
	_, err = c.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(longRole), RoleSessionName: aws.String("x"), DurationSeconds: aws.Int32(7200)})
	wantAPIError(t, err, "ValidationError", 400)

	for _, action := range []string{"RegisterClient", "StartDeviceAuthorization", "GetRoleCredentials", "ApproveDevice"} {
		if srv.CountCalls(action) != 1 {
			t.Errorf("%s calls = %d", action, srv.CountCalls(action))
		}
	}
	if n := srv.CountCalls("CreateToken"); n != 4 {
		t.Errorf("CreateToken calls = %d", n)
	}
	for _, call := range srv.Calls() {
		for k, vs := range call.Params {
			for _, v := range vs {
				if v == aws.ToString(tok.AccessToken) || v == aws.ToString(reg.ClientSecret) || v == aws.ToString(da.DeviceCode) {
					t.Errorf("%s recorded secret parameter %s", call.Action, k)
				}
			}
		}
	}
	for _, call := range srv.Calls() {
		if call.Action == "GetRoleCredentials" && (call.Service != "sso" || call.Principal != arn || call.Params.Get("role_name") != "Developer" || call.Params.Get("account_id") != ssoAccount) {
			t.Errorf("recorded %+v", call)
		}
	}
}

func TestSSOErrors(t *testing.T) {
	srv := newTestServer(t)
	srv.AddSSOAssignment(SSOAssignment{AccountID: ssoAccount, RoleName: "Developer"})
	oidc, portal := ssoClients(srv)
	ctx := context.Background()

	_, err := oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("confidential")})
	wantAPIError(t, err, "InvalidClientMetadataException", 400)
	_, err = oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public"), Scopes: []string{"no spaces"}})
	wantAPIError(t, err, "InvalidScopeException", 400)
	_, err = oidc.StartDeviceAuthorization(ctx, &ssooidc.StartDeviceAuthorizationInput{ClientId: aws.String("nope"), ClientSecret: aws.String("nope"), StartUrl: aws.String(ssoStartURL)})
	var invalidClient *oidctypes.InvalidClientException
	if !errors.As(err, &invalidClient) || aws.ToString(invalidClient.Error_description) == "" {
		t.Errorf("unknown client: %v", err)
	}
	wantAPIError(t, err, "InvalidClientException", 401)

	reg, da := deviceFlow(t, oidc)
	_, err = oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, DeviceCode: da.DeviceCode, GrantType: aws.String("password")})
	wantAPIError(t, err, "UnsupportedGrantTypeException", 400)
	// A client without scopes got no refresh token: any is invalid.
	_, err = oidc.CreateToken(ctx, &ssooidc.CreateTokenInput{ClientId: reg.ClientId, ClientSecret: reg.ClientSecret, RefreshToken: aws.String("aorFAKEnope"), GrantType: aws.String("refresh_token")})
	wantAPIError(t, err, "InvalidGrantException", 400)
	// The device code expires.
	srv.SetNow(func() time.Time { return t0.Add(11 * time.Minute) })
	_, err = createToken(oidc, reg, da)
	var expired *oidctypes.ExpiredTokenException
	if !errors.As(err, &expired) {
		t.Errorf("expired device code: %v", err)
	}
	if err := srv.ApproveDevice(aws.ToString(da.UserCode)); err == nil {
		t.Error("approved an expired code")
	}
	srv.SetNow(func() time.Time { return t0 })

	// Portal: no token, a wrong one, an unassigned role, a revoked token.
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: aws.String("bogus"), AccountId: aws.String(ssoAccount), RoleName: aws.String("Developer")})
	wantAPIError(t, err, "UnauthorizedException", 401)
	reg, da = deviceFlow(t, oidc)
	if err := srv.ApproveDevice(aws.ToString(da.UserCode)); err != nil {
		t.Fatal(err)
	}
	tok, err := createToken(oidc, reg, da)
	if err != nil {
		t.Fatal(err)
	}
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String("Admin")})
	ae := wantAPIError(t, err, "ForbiddenException", 403)
	if ae.ErrorMessage() != "No access" {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	// The token expires with the fake's clock.
	srv.SetNow(func() time.Time { return t0.Add(9 * time.Hour) })
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String("Developer")})
	wantAPIError(t, err, "UnauthorizedException", 401)
	srv.SetNow(func() time.Time { return t0 })
	if n := srv.RevokeSSOTokens(); n != 1 {
		t.Errorf("revoked %d tokens", n)
	}
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String("Developer")})
	wantAPIError(t, err, "UnauthorizedException", 401)

	// FailNext works on these actions.
	srv.FailNext("RegisterClient", "InternalServerException", 400)
	_, err = oidc.RegisterClient(ctx, &ssooidc.RegisterClientInput{ClientName: aws.String("x"), ClientType: aws.String("public")})
	wantAPIError(t, err, "InternalServerException", 400)
	srv.FailNext("GetRoleCredentials", "ResourceNotFoundException", 404)
	_, err = portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String("Developer")})
	wantAPIError(t, err, "ResourceNotFoundException", 404)
}

func TestSSODeviceSettings(t *testing.T) {
	srv := newTestServer(t)
	srv.SetSSODeviceFlow(3*time.Second, 30*time.Second)
	srv.SetSSOTokenTTL(time.Hour)
	srv.SetSSOUser("alice@example.com")
	srv.AddSSOAssignment(SSOAssignment{AccountID: ssoAccount, RoleName: "Long", SessionDuration: 4 * time.Hour})
	oidc, portal := ssoClients(srv)
	reg, da := deviceFlow(t, oidc)
	if da.Interval != 3 || da.ExpiresIn != 30 {
		t.Errorf("interval %d expires %d", da.Interval, da.ExpiresIn)
	}
	if err := srv.ApproveDevice(aws.ToString(da.UserCode)); err != nil {
		t.Fatal(err)
	}
	tok, err := createToken(oidc, reg, da)
	if err != nil || tok.ExpiresIn != 3600 {
		t.Fatalf("token %+v, %v", tok, err)
	}
	if got := srv.SSOTokens(); len(got) != 1 || got[0].StartURL != ssoStartURL || got[0].AccessToken != aws.ToString(tok.AccessToken) {
		t.Errorf("tokens %+v", got)
	}
	out, err := portal.GetRoleCredentials(context.Background(), &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String("Long")})
	if err != nil {
		t.Fatal(err)
	}
	if exp := time.UnixMilli(out.RoleCredentials.Expiration).UTC(); !exp.Equal(t0.Add(4 * time.Hour)) {
		t.Errorf("expiration %v", exp)
	}
	c := stsClient(srv, static(aws.ToString(out.RoleCredentials.AccessKeyId), aws.ToString(out.RoleCredentials.SecretAccessKey), aws.ToString(out.RoleCredentials.SessionToken)))
	if arn := callerARN(t, c); !strings.HasSuffix(arn, "/alice@example.com") {
		t.Errorf("caller %s", arn)
	}
}

// Until an assignment is added every account and role is assigned, so
// tests that only need SSO to work configure nothing.
func TestSSOOpenUntilAssigned(t *testing.T) {
	srv := newTestServer(t)
	oidc, portal := ssoClients(srv)
	tok := signedIn(t, srv, oidc)
	get := func(role string) error {
		_, err := portal.GetRoleCredentials(context.Background(), &sso.GetRoleCredentialsInput{AccessToken: tok.AccessToken, AccountId: aws.String(ssoAccount), RoleName: aws.String(role)})
		return err
	}
	if err := get("Anything"); err != nil {
		t.Fatalf("no assignments configured: %v", err)
	}
	srv.AddSSOAssignment(SSOAssignment{AccountID: ssoAccount, RoleName: "Developer"})
	if err := get("Developer"); err != nil {
		t.Fatal(err)
	}
	wantAPIError(t, get("Anything"), "ForbiddenException", 403)
}
