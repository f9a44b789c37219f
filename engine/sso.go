package engine

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/aws-vault/aws-vault/engine/cache"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/login"
	"github.com/aws-vault/aws-vault/engine/providers"
)

// WriteCLICacheVar opts in to writing IAM Identity Center tokens to the
// AWS CLI's plain-text cache (~/.aws/sso/cache) as well as the keyring.
const WriteCLICacheVar = "AWS_VAULT_SSO_WRITE_CLI_CACHE"

// SSOTokenSource builds what gets an IAM Identity Center access token for
// p's start URL (p needs sso_start_url and sso_region, from the profile or
// its [sso-session]): the keyring, the AWS CLI's cache, a refresh, or a
// sign-in in the browser. Profile, AccountID and RoleName are left for the
// caller.
func (e *Engine) SSOTokenSource(p *config.Profile) (*providers.SSO, error) {
	where := fmt.Sprintf("profile %q in %s", p.Name, p.File)
	if p.Name == "" {
		where = fmt.Sprintf("[sso-session %s] in %s", p.SSOSession, p.File)
	}
	start := providers.NormalizeStartURL(p.SSOStartURL)
	if u, err := url.Parse(start); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%s: sso_start_url %q is not the URL of an AWS access portal (https://…/start)", where, p.SSOStartURL)
	}
	if p.SSORegion == "" {
		return nil, fmt.Errorf("%s: IAM Identity Center needs sso_region (the region of the portal, e.g. us-east-1)", where)
	}
	oidcEndpoint := e.endpoint("SSO_OIDC", p)
	oidc, portal := providers.SSOClients(p.SSORegion, oidcEndpoint, e.endpoint("SSO", p), e.o.HTTPClient)
	authorize := "https://oidc." + p.SSORegion + ".amazonaws.com/authorize"
	if oidcEndpoint != "" {
		authorize = strings.TrimRight(oidcEndpoint, "/") + "/authorize"
	}
	s := &providers.SSO{
		OIDC: oidc, Portal: portal, Ring: e.o.Ring, StartURL: start,
		Scopes:        providers.ParseScopes(p.SSORegistrationScopes),
		AuthorizeURL:  authorize,
		UseDeviceCode: e.o.UseDeviceCode || e.o.NoBrowser || !login.CanOpenBrowser(runtime.GOOS, e.o.Getenv),
		Lock:          func(ctx context.Context, name string) (func(), error) { return cache.Lock(ctx, e.o.LockDir, name) },
		Open:          func(ctx context.Context, u string) error { return login.Open(ctx, u, e.o.Getenv) },
		Notice:        e.o.Stderr, Now: e.o.Now,
		WriteCLICache: isTrue(e.o.Getenv(WriteCLICacheVar)),
	}
	if e.o.NoBrowser || !login.CanOpenBrowser(runtime.GOOS, e.o.Getenv) {
		s.Open = nil
	}
	if home := e.home(); home != "" {
		key := p.SSOSession
		if key == "" {
			key = p.SSOStartURL
		}
		s.CLICache = &providers.CLICache{Dir: filepath.Join(home, ".aws", "sso", "cache"), Key: key, StartURL: start, Region: p.SSORegion}
	}
	return s, nil
}

// home is the directory the AWS CLI takes for ~: $HOME, else (Windows)
// %USERPROFILE%; "" when neither is set.
func (e *Engine) home() string {
	if h := e.o.Getenv("HOME"); h != "" {
		return h
	}
	return e.o.Getenv("USERPROFILE")
}

func isTrue(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on":
		return true
	}
	return false
}
