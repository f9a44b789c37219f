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
	"github.com/aws-vault/aws-vault/internal/termsafe"
)

// SSO gets role credentials from IAM Identity Center: an access token for
// the start URL, then GetRoleCredentials for the account and role.
//
// The access token comes, in this order, from the keyring (item
// "oidc:START-URL", the original's layout), from the AWS CLI's cache
// (~/.aws/sso/cache, when CLICache is set), from a refresh of the cached
// token with its refresh token, and last from a sign-in in the browser:
// the authorization code flow with PKCE through a loopback redirect, or the
// device code flow (UseDeviceCode, or no AuthorizeURL).
type SSO struct {
	OIDC      *ssooidc.Client
	Portal    *sso.Client
	Ring      *keyring.Keyring
	Profile   string // for messages ("" when no profile is involved, as in sso sync)
	StartURL  string // normalised (NormalizeStartURL): the keyring item's name
	AccountID string
	RoleName  string
	Scopes    []string // sso_registration_scopes; none: the service's default

	// AuthorizeURL is the OIDC endpoint's /authorize page, where the
	// authorization code flow sends the browser.
	AuthorizeURL string
	// UseDeviceCode chooses the device code flow: asked for
	// (--use-device-code), no browser wanted (--stdout), or none possible.
	UseDeviceCode bool
	// LoginTimeout bounds the wait for the browser in the authorization
	// code flow (default DefaultLoginTimeout); the device flow waits as
	// long as its code lives.
	LoginTimeout time.Duration

	// CLICache, when set, is the AWS CLI v2's token cache file of this
	// sso-session (or start URL): a valid token there is used.
	CLICache *CLICache
	// WriteCLICache also writes every token aws-vault gets (signed in or
	// refreshed) to CLICache, so that the AWS CLI and SDKs share it. Off by
	// default: that file is plain text.
	WriteCLICache bool

	// Lock, when set, serialises the sign-in for one start URL across
	// processes, so that parallel runs open one browser, not one each.
	Lock func(ctx context.Context, name string) (func(), error)
	// Open opens a URL in a browser; a failure is reported and the user
	// opens it by hand.
	Open func(ctx context.Context, url string) error
	// Notice is where the sign-in URL, the code and the wait are shown. On
	// a terminal the time left is updated in place.
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

// RefreshWindow: a token that can be refreshed is refreshed when it has
// less than this left (the AWS CLI's window too).
const RefreshWindow = 15 * time.Minute

// NormalizeStartURL drops what a start URL copied from the browser's
// address bar may end with ("/", "#", "#/"), so that every spelling of one
// portal shares one token.
func NormalizeStartURL(u string) string {
	u = strings.TrimSpace(u)
	for {
		t := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(u, "/"), "#"), "/#")
		if t == u {
			return u
		}
		u = t
	}
}

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

// Token returns a usable access token for the start URL, signing in when
// none is cached (for callers of the portal other than Fetch).
func (p *SSO) Token(ctx context.Context) (string, error) {
	tok, _, err := p.accessToken(ctx, "")
	return tok, err
}

// accessToken returns a usable access token for the start URL and whether
// it was cached. rejected is a token the portal refused: it is not used
// again (a refresh or a sign-in replaces it); if another process has
// replaced it meanwhile, the replacement is used.
func (p *SSO) accessToken(ctx context.Context, rejected string) (string, bool, error) {
	if p.Lock != nil {
		unlock, err := p.Lock(ctx, "oidc\x00"+p.StartURL)
		if err != nil {
			return "", false, err
		}
		defer unlock()
	}
	now := p.now()
	usable := func(t keyring.OIDCToken) bool {
		if t.AccessToken == "" || t.AccessToken == rejected {
			return false
		}
		need := tokenMinTTL
		if refreshable(t, now) {
			need = RefreshWindow
		}
		return t.Expiration.Sub(now) > need
	}
	stillValid := func(t keyring.OIDCToken) bool {
		return t.AccessToken != "" && t.AccessToken != rejected && t.Expiration.Sub(now) > tokenMinTTL
	}

	t, err := p.Ring.GetOIDCToken(p.StartURL)
	have := err == nil
	if err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return "", false, err
	}
	if have && usable(t) {
		log.Printf("using the cached OIDC token for %s (expires %s)", p.StartURL, t.Expiration.UTC().Format(time.RFC3339))
		return t.AccessToken, true, nil
	}

	// The AWS CLI's token, when it has a good one.
	var cli keyring.OIDCToken
	haveCLI := false
	if p.CLICache != nil {
		cli, err = p.CLICache.Read()
		switch {
		case err == nil:
			haveCLI = true
			if usable(cli) {
				log.Printf("using the AWS CLI's cached token for %s from %s (expires %s)", p.StartURL, p.CLICache.Path(), cli.Expiration.UTC().Format(time.RFC3339))
				return cli.AccessToken, true, nil
			}
		case errors.Is(err, keyring.ErrNotFound):
		default:
			p.notice("aws-vault: %v; signing in without it\n", err)
		}
	}

	// A refresh, of our token or (when we may write the CLI's cache, so
	// that the CLI keeps a working refresh token) of the CLI's.
	candidates := []keyring.OIDCToken{}
	if have && refreshable(t, now) {
		candidates = append(candidates, t)
	}
	if haveCLI && p.WriteCLICache && refreshable(cli, now) && cli.RefreshToken != t.RefreshToken {
		// The newer first: the other's refresh token may have been
		// spent (rotated) by the refresh that made it.
		if len(candidates) > 0 && cli.Expiration.After(t.Expiration) {
			candidates = []keyring.OIDCToken{cli, t}
		} else {
			candidates = append(candidates, cli)
		}
	}
	for _, old := range candidates {
		nt, err := p.refresh(ctx, old)
		if err == nil {
			if err := p.store(nt); err != nil {
				return "", false, err
			}
			return nt.AccessToken, false, nil
		}
		if !isRefusal(err) {
			return "", false, err
		}
		p.notice("aws-vault: IAM Identity Center refused to refresh the token for %s (%v)\n", p.StartURL, errors.Unwrap(err))
		if have && old.RefreshToken == t.RefreshToken && stillValid(t) {
			// Keep the token while it lasts, without the refresh token
			// that does not work: the next run does not try it again.
			t.RefreshToken = ""
			if err := p.Ring.SetOIDCToken(p.StartURL, t); err != nil {
				return "", false, err
			}
		}
	}

	// A token too close to its end to be kept is still better than a sign-in.
	if have && stillValid(t) {
		return t.AccessToken, true, nil
	}
	if haveCLI && stillValid(cli) {
		return cli.AccessToken, true, nil
	}
	if have {
		log.Printf("dropping the OIDC token for %s (expired at %s, or refused)", p.StartURL, t.Expiration.UTC().Format(time.RFC3339))
		if err := p.Ring.RemoveOIDCToken(p.StartURL); err != nil {
			return "", false, err
		}
	}
	t, err = p.signIn(ctx)
	if err != nil {
		return "", false, err
	}
	if err := p.store(t); err != nil {
		return "", false, err
	}
	return t.AccessToken, false, nil
}

// store keeps a new token in the keyring and, when asked, in the CLI's
// cache.
func (p *SSO) store(t keyring.OIDCToken) error {
	if err := p.Ring.SetOIDCToken(p.StartURL, t); err != nil {
		return fmt.Errorf("caching the IAM Identity Center token for %s: %w", p.StartURL, err)
	}
	if p.WriteCLICache && p.CLICache != nil {
		if err := p.CLICache.Write(t); err != nil {
			return err
		}
		log.Printf("wrote the token for %s to the AWS CLI's cache %s", p.StartURL, p.CLICache.Path())
	}
	return nil
}

// refreshable reports whether t carries what a refresh needs.
func refreshable(t keyring.OIDCToken, now time.Time) bool {
	return t.RefreshToken != "" && t.ClientID != "" && t.ClientSecret != "" &&
		(t.ClientSecretExpires.IsZero() || t.ClientSecretExpires.After(now))
}

// refresh trades old's refresh token for a new access token.
func (p *SSO) refresh(ctx context.Context, old keyring.OIDCToken) (keyring.OIDCToken, error) {
	log.Printf("refreshing the OIDC token for %s (expires %s)", p.StartURL, old.Expiration.UTC().Format(time.RFC3339))
	out, err := p.OIDC.CreateToken(ctx, &ssooidc.CreateTokenInput{
		ClientId:     aws.String(old.ClientID),
		ClientSecret: aws.String(old.ClientSecret),
		GrantType:    aws.String("refresh_token"),
		RefreshToken: aws.String(old.RefreshToken),
	})
	if err != nil {
		return keyring.OIDCToken{}, fmt.Errorf("refreshing the IAM Identity Center token for %s: %w", p.StartURL, explainOIDC(err))
	}
	if aws.ToString(out.AccessToken) == "" {
		return keyring.OIDCToken{}, &apiError{msg: "CreateToken answered without a token", err: errRefused}
	}
	nt := p.tokenOf(out, old.ClientID, old.ClientSecret, old.ClientSecretExpires)
	if nt.RefreshToken == "" {
		nt.RefreshToken = old.RefreshToken // not rotated
	}
	return nt, nil
}

var errRefused = errors.New("refused")

// isRefusal reports an answer that says the refresh token (or its client)
// cannot be used: a new sign-in is the way on. Other failures (the
// network, the service) are reported as they are.
func isRefusal(err error) bool {
	if errors.Is(err, errRefused) {
		return true
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	switch api.ErrorCode() {
	case "InvalidGrantException", "InvalidClientException", "ExpiredTokenException", "UnauthorizedClientException",
		"AccessDeniedException", "InvalidRequestException", "UnsupportedGrantTypeException", "InvalidScopeException":
		return true
	}
	return false
}

// tokenOf is the token CreateToken answered, for the client given.
func (p *SSO) tokenOf(out *ssooidc.CreateTokenOutput, clientID, secret string, secretExpires time.Time) keyring.OIDCToken {
	return keyring.OIDCToken{
		AccessToken:         aws.ToString(out.AccessToken),
		TokenType:           aws.ToString(out.TokenType),
		RefreshToken:        aws.ToString(out.RefreshToken),
		IDToken:             aws.ToString(out.IdToken),
		ExpiresIn:           out.ExpiresIn,
		Expiration:          p.now().Add(time.Duration(out.ExpiresIn) * time.Second).UTC().Truncate(time.Second),
		ClientID:            clientID,
		ClientSecret:        secret,
		ClientSecretExpires: secretExpires,
	}
}

func (p *SSO) notice(format string, args ...any) {
	if p.Notice != nil {
		// The URL, the code and the errors come from the service:
		// shown, never acted on by the terminal.
		fmt.Fprint(p.Notice, termsafe.Text(fmt.Sprintf(format, args...)))
	}
}

func (p *SSO) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
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

// Retoken returns a new access token in place of rejected, which the
// portal refused: a refresh, or a sign-in.
func (p *SSO) Retoken(ctx context.Context, rejected string) (string, error) {
	tok, _, err := p.accessToken(ctx, rejected)
	return tok, err
}
