package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sso"
	"github.com/aws/aws-sdk-go-v2/service/ssooidc"
	oidctypes "github.com/aws/aws-sdk-go-v2/service/ssooidc/types"
	"github.com/aws/smithy-go"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// SSO gets role credentials from IAM Identity Center: an access token for
// the start URL (cached in the keyring under "oidc:START-URL", else from
// the OIDC device authorization flow, which the user approves in a
// browser), then GetRoleCredentials for the account and role.
type SSO struct {
	OIDC      *ssooidc.Client
	Portal    *sso.Client
	Ring      *keyring.Keyring
	Profile   string
	StartURL  string
	AccountID string
	RoleName  string
	Scopes    []string // sso_registration_scopes; none: the service's default

	// Lock, when set, serialises the sign-in for one start URL across
	// processes, so that parallel runs open one browser, not one each.
	Lock func(ctx context.Context, name string) (func(), error)
	// Open opens the verification URL in a browser; a failure is reported
	// and the user opens it by hand.
	Open func(ctx context.Context, url string) error
	// Notice is where the verification URL and code are shown.
	Notice io.Writer
	Now    func() time.Time
	// SlowDown is added to the polling interval on SlowDownException
	// (default 5s, as RFC 8628 says).
	SlowDown time.Duration
}

// SSOClientName is the name aws-vault registers its OIDC client under.
const SSOClientName = "aws-vault"

// tokenMinTTL is how much life a cached access token needs to be used.
const tokenMinTTL = time.Minute

// ParseScopes splits sso_registration_scopes (comma-separated).
func ParseScopes(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Fetch gets role credentials, signing in first when no usable access
// token is cached. A cached token the portal refuses (expired or revoked
// early) is dropped and the sign-in runs again, once.
func (p *SSO) Fetch(ctx context.Context) (keyring.Session, error) {
	tok, cached, err := p.accessToken(ctx, "")
	if err != nil {
		return keyring.Session{}, err
	}
	sess, err := p.roleCredentials(ctx, tok)
	if cached && isUnauthorized(err) {
		log.Printf("profile %s: IAM Identity Center refused the cached token for %s: signing in again", p.Profile, p.StartURL)
		if tok, _, err = p.accessToken(ctx, tok); err != nil {
			return keyring.Session{}, err
		}
		sess, err = p.roleCredentials(ctx, tok)
	}
	return sess, err
}

func (p *SSO) roleCredentials(ctx context.Context, token string) (keyring.Session, error) {
	log.Printf("profile %s: GetRoleCredentials for role %s in account %s", p.Profile, p.RoleName, p.AccountID)
	out, err := p.Portal.GetRoleCredentials(ctx, &sso.GetRoleCredentialsInput{
		AccessToken: aws.String(token),
		AccountId:   aws.String(p.AccountID),
		RoleName:    aws.String(p.RoleName),
	})
	if err != nil {
		return keyring.Session{}, &roleCredentialsError{profile: p.Profile, account: p.AccountID, role: p.RoleName, err: err}
	}
	c := out.RoleCredentials
	if c == nil || aws.ToString(c.AccessKeyId) == "" || aws.ToString(c.SecretAccessKey) == "" || c.Expiration == 0 {
		return keyring.Session{}, fmt.Errorf("profile %s: GetRoleCredentials answered without credentials", p.Profile)
	}
	return keyring.Session{
		AccessKeyID:     aws.ToString(c.AccessKeyId),
		SecretAccessKey: aws.ToString(c.SecretAccessKey),
		SessionToken:    aws.ToString(c.SessionToken),
		Expiration:      time.UnixMilli(c.Expiration).UTC(),
	}, nil
}

type roleCredentialsError struct {
	profile, account, role string
	err                    error
}

func (e *roleCredentialsError) Error() string {
	msg := fmt.Sprintf("profile %s: GetRoleCredentials for role %s in account %s: %v", e.profile, e.role, e.account, Explain(e.err))
	var api smithy.APIError
	if errors.As(e.err, &api) {
		switch api.ErrorCode() {
		case "ForbiddenException", "AccessDeniedException", "AccessDenied", "ResourceNotFoundException":
			msg += fmt.Sprintf(" (is role %s in account %s assigned to you in IAM Identity Center? check sso_account_id and sso_role_name)", e.role, e.account)
		}
	}
	return msg
}

func (e *roleCredentialsError) Unwrap() error { return e.err }

// isUnauthorized reports a 401 from the portal: the token is not (or no
// longer) valid.
func isUnauthorized(err error) bool {
	var re *awshttp.ResponseError
	return err != nil && errors.As(err, &re) && re.HTTPStatusCode() == http.StatusUnauthorized
}

// accessToken returns a usable access token for the start URL and whether
// it came from the keyring. rejected is a token the portal refused: if it
// is still the cached one it is dropped; if another process has replaced
// it meanwhile, the replacement is used.
func (p *SSO) accessToken(ctx context.Context, rejected string) (string, bool, error) {
	if p.Lock != nil {
		unlock, err := p.Lock(ctx, "oidc\x00"+p.StartURL)
		if err != nil {
			return "", false, err
		}
		defer unlock()
	}
	now := p.now()
	t, err := p.Ring.GetOIDCToken(p.StartURL)
	switch {
	case err == nil && t.AccessToken == rejected:
		log.Printf("dropping the refused OIDC token for %s", p.StartURL)
		if err := p.Ring.RemoveOIDCToken(p.StartURL); err != nil {
			return "", false, err
		}
	case err == nil && t.Expiration.Sub(now) > tokenMinTTL:
		log.Printf("using the cached OIDC token for %s (expires %s)", p.StartURL, t.Expiration.UTC().Format(time.RFC3339))
		return t.AccessToken, true, nil
	case err == nil:
		log.Printf("the cached OIDC token for %s expired at %s: dropping it", p.StartURL, t.Expiration.UTC().Format(time.RFC3339))
		if err := p.Ring.RemoveOIDCToken(p.StartURL); err != nil {
			return "", false, err
		}
	case !errors.Is(err, keyring.ErrNotFound):
		return "", false, err
	}
	t, err = p.signIn(ctx)
	if err != nil {
		return "", false, err
	}
	if err := p.Ring.SetOIDCToken(p.StartURL, t); err != nil {
		return "", false, fmt.Errorf("caching the IAM Identity Center token for %s: %w", p.StartURL, err)
	}
	return t.AccessToken, false, nil
}

func (p *SSO) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// DefaultDeviceCodeTTL bounds the wait when the service gives no lifetime
// for the device code.
const DefaultDeviceCodeTTL = 10 * time.Minute

// signIn runs the OIDC device authorization flow (RFC 8628): register a
// public client, start a device authorization, show the URL and code and
// open the browser, then poll CreateToken until the user approves, the
// device code expires, or ctx ends.
func (p *SSO) signIn(ctx context.Context) (keyring.OIDCToken, error) {
	where := "signing in to IAM Identity Center at " + p.StartURL
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
	notice := p.Notice
	if notice == nil {
		notice = io.Discard
	}
	fmt.Fprintf(notice, "aws-vault: to sign in to IAM Identity Center (%s) for profile %s, open\n  %s\nand check that it shows the code %s. Waiting up to %s (Ctrl-C stops).\n",
		p.StartURL, p.Profile, verify, aws.ToString(auth.UserCode), ttl)
	if p.Open != nil {
		if err := p.Open(ctx, verify); err != nil {
			fmt.Fprintf(notice, "aws-vault: %v; open the URL above yourself\n", err)
		}
	}

	// The wait is real time, not the engine's clock: it is what the user
	// has to approve the code in.
	pollCtx, cancel := context.WithTimeout(ctx, ttl)
	defer cancel()
	timedOut := func() error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("%s: waiting for the code %s to be approved: %w", where, aws.ToString(auth.UserCode), err)
		}
		return fmt.Errorf("%s: the code %s was not approved within %s; run the command again for a new code", where, aws.ToString(auth.UserCode), ttl)
	}
	for {
		out, err := p.OIDC.CreateToken(pollCtx, &ssooidc.CreateTokenInput{
			ClientId:     client.ClientId,
			ClientSecret: client.ClientSecret,
			DeviceCode:   auth.DeviceCode,
			GrantType:    aws.String("urn:ietf:params:oauth:grant-type:device_code"),
		})
		if err == nil {
			if aws.ToString(out.AccessToken) == "" {
				return keyring.OIDCToken{}, fmt.Errorf("%s: CreateToken answered without a token", where)
			}
			log.Printf("signed in to %s; the token lasts %ds", p.StartURL, out.ExpiresIn)
			return keyring.OIDCToken{
				AccessToken:  aws.ToString(out.AccessToken),
				TokenType:    aws.ToString(out.TokenType),
				RefreshToken: aws.ToString(out.RefreshToken),
				IDToken:      aws.ToString(out.IdToken),
				ExpiresIn:    out.ExpiresIn,
				Expiration:   p.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Truncate(time.Second),
			}, nil
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

// explainOIDC adds the OAuth error description that OIDC errors carry in
// place of a message.
func explainOIDC(err error) error {
	var api smithy.APIError
	if !errors.As(err, &api) || api.ErrorMessage() != "" {
		return Explain(err)
	}
	desc := ""
	switch e := api.(type) {
	case *oidctypes.InvalidClientException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.InvalidGrantException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.InvalidRequestException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.InvalidScopeException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.InvalidClientMetadataException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.UnauthorizedClientException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.UnsupportedGrantTypeException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.AccessDeniedException:
		desc = aws.ToString(e.Error_description)
	case *oidctypes.InternalServerException:
		desc = aws.ToString(e.Error_description)
	}
	if desc == "" {
		return Explain(err)
	}
	return &apiError{msg: api.ErrorCode() + ": " + desc, err: err}
}

// SSOClients builds the OIDC and portal clients for region, reaching
// oidcEndpoint and portalEndpoint when set (AWS_ENDPOINT_URL_SSO_OIDC and
// AWS_ENDPOINT_URL_SSO in the SDKs' settings). Their calls are unsigned.
func SSOClients(region, oidcEndpoint, portalEndpoint string, hc *http.Client) (*ssooidc.Client, *sso.Client) {
	oo := ssooidc.Options{Region: region}
	po := sso.Options{Region: region}
	if hc != nil {
		oo.HTTPClient, po.HTTPClient = hc, hc
	}
	if oidcEndpoint != "" {
		oo.BaseEndpoint = aws.String(oidcEndpoint)
	}
	if portalEndpoint != "" {
		po.BaseEndpoint = aws.String(portalEndpoint)
	}
	return ssooidc.New(oo), sso.New(po)
}
