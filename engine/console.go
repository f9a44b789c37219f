package engine

import (
	"context"
	"errors"
	"fmt"
	"log"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/login"
	"github.com/aws-vault/aws-vault/engine/providers"
)

// FederationURLVar overrides the console federation endpoint (for tests,
// or a proxy): the getSigninToken request and the sign-in URL both use it.
const FederationURLVar = "AWS_VAULT_FEDERATION_URL"

// federationPolicy is the session policy of GetFederationToken: it allows
// everything, so the federated user gets the permissions of the IAM user
// (a session policy can only narrow them), as in the original.
const federationPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// maxConsoleSession is the longest console session the federation
// endpoint grants to role credentials.
const maxConsoleSession = 12 * time.Hour

// ConsoleOptions shape a console sign-in URL.
type ConsoleOptions struct {
	// Path is the console page, e.g. "s3/home" (see login.Destination).
	Path string
	// AutoLogout makes the URL sign out of any console session first.
	AutoLogout bool
}

// Console is a console sign-in URL and what it signs in as.
type Console struct {
	URL string // holds a sign-in token: a secret for 15 minutes
	// Kind says where the credentials came from: "role" (a role
	// session, or other temporary credentials used as they are) or
	// "federation" (GetFederationToken for an IAM user).
	Kind    string
	Region  string
	Expires time.Time // of the credentials behind the console session
}

// ConsoleURL returns a console sign-in URL for profile name, or, when name
// is "", for the credentials in the environment (AWS_ACCESS_KEY_ID, …).
//
// Role sessions sign in as they are. An IAM user's long-term key cannot
// sign in, nor can its GetSessionToken sessions (AWS refuses them), so for a
// plain user the long-term key itself gets a GetFederationToken, named
// after the user, lasting --duration or AWS_FEDERATION_TOKEN_TTL; no MFA
// is asked for, since GetFederationToken cannot carry it.
func (e *Engine) ConsoleURL(ctx context.Context, name string, o ConsoleOptions) (*Console, error) {
	creds, kind, region, err := e.consoleCredentials(ctx, name)
	if err != nil {
		return nil, err
	}
	endpoint := login.PartitionOf(region).FederationURL()
	if v := e.o.Getenv(FederationURLVar); v != "" {
		if err := login.CheckEndpoint(v); err != nil {
			return nil, fmt.Errorf("%s: %w", FederationURLVar, err)
		}
		endpoint = v
	}
	var sessionDuration time.Duration
	if kind == "role" && e.o.Duration > 0 {
		sessionDuration = min(e.o.Duration, maxConsoleSession)
	}
	log.Printf("requesting a console sign-in token from %s for %s credentials (expiring %s)", hostOf(endpoint), kind, creds.Expires.UTC().Format(time.RFC3339))
	token, err := login.SigninToken(ctx, e.o.HTTPClient, endpoint, creds, sessionDuration)
	if err != nil {
		var re *login.RequestError
		if errors.As(err, &re) && re.Status < 500 {
			return nil, fmt.Errorf("%w; it accepts only unexpired role sessions and GetFederationToken credentials, not GetSessionToken sessions or long-term keys", err)
		}
		return nil, err
	}
	u := login.URL(endpoint, login.Destination(region, o.Path), token)
	if o.AutoLogout {
		if u, err = login.LogoutURL(endpoint, u); err != nil {
			return nil, err
		}
	}
	return &Console{URL: u, Kind: kind, Region: region, Expires: creds.Expires}, nil
}

func hostOf(rawURL string) string {
	_, rest, _ := strings.Cut(rawURL, "://")
	host, _, _ := strings.Cut(rest, "/")
	return host
}

// consoleCredentials returns credentials the federation endpoint accepts,
// their kind, and the region.
func (e *Engine) consoleCredentials(ctx context.Context, name string) (aws.Credentials, string, string, error) {
	if name == "" {
		return e.consoleFromEnv(ctx)
	}
	p, err := e.Resolve(name)
	if err != nil {
		return aws.Credentials{}, "", "", err
	}
	region := e.region(p)

	// Walk to where the credentials come from: the first role (or web
	// identity, or SSO) on the way down, else the bottom of the chain.
	q := p
	for !q.HasRole() && !q.HasWebIdentity() && !q.HasSSO() && q.SourceProfile != nil {
		q = q.SourceProfile
	}
	switch {
	case q.HasRole() || q.HasWebIdentity() || q.HasSSO():
		r, err := e.Credentials(ctx, name)
		if err != nil {
			return aws.Credentials{}, "", "", err
		}
		return r.Credentials, "role", region, nil
	case q.CredentialProcess != "":
		// credential_process can hand out anything: ask AWS what it is.
		r, err := e.Credentials(ctx, name)
		if err != nil {
			return aws.Credentials{}, "", "", err
		}
		creds, kind, err := e.consoleFromUnknown(ctx, p, r.Credentials, "profile "+p.Name)
		return creds, kind, region, err
	}

	// A plain IAM user: GetFederationToken signed by the long-term key.
	key, err := e.longTermKey(ctx, p, q)
	if err != nil {
		return aws.Credentials{}, "", "", err
	}
	if e.o.MfaToken != "" {
		fmt.Fprintf(e.o.Stderr, "aws-vault: profile %s: console sign-in for an IAM user uses GetFederationToken, which takes no MFA code; --mfa-token is not used\n", p.Name)
	}
	arn, err := e.callerARN(ctx, p, key)
	if err != nil {
		return aws.Credentials{}, "", "", fmt.Errorf("profile %s: GetCallerIdentity: %w", q.Name, providers.Explain(err))
	}
	creds, err := e.federationToken(ctx, p, key, arn, "profile "+q.Name)
	return creds, "federation", region, err
}

// consoleFromEnv signs in with AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
// and AWS_SESSION_TOKEN, using the [default] profile for the region and
// endpoints.
func (e *Engine) consoleFromEnv(ctx context.Context) (aws.Credentials, string, string, error) {
	get := e.o.Getenv
	creds := aws.Credentials{
		AccessKeyID:     firstNonEmpty(get("AWS_ACCESS_KEY_ID"), get("AWS_ACCESS_KEY")),
		SecretAccessKey: firstNonEmpty(get("AWS_SECRET_ACCESS_KEY"), get("AWS_SECRET_KEY")),
		SessionToken:    firstNonEmpty(get("AWS_SESSION_TOKEN"), get("AWS_SECURITY_TOKEN")),
		Source:          "environment",
	}
	if creds.AccessKeyID == "" {
		return aws.Credentials{}, "", "", errors.New("no profile given and no AWS_ACCESS_KEY_ID in the environment; name a profile: aws-vault login PROFILE")
	}
	if creds.SecretAccessKey == "" {
		return aws.Credentials{}, "", "", errors.New("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not")
	}
	if exp := get("AWS_CREDENTIAL_EXPIRATION"); exp != "" {
		if t, err := time.Parse(time.RFC3339, exp); err == nil {
			creds.CanExpire, creds.Expires = true, t
		}
	}
	p, err := e.Resolve("default")
	if err != nil {
		return aws.Credentials{}, "", "", err
	}
	region := e.region(p)
	c, kind, err := e.consoleFromUnknown(ctx, p, creds, "the environment's credentials")
	return c, kind, region, err
}

// consoleFromUnknown asks AWS who creds belong to: a role session (or a
// federated user) signs in as it is; an IAM user's long-term key gets a
// federation token; an IAM user's GetSessionToken session cannot sign in.
func (e *Engine) consoleFromUnknown(ctx context.Context, p *config.Profile, creds aws.Credentials, what string) (aws.Credentials, string, error) {
	arn, err := e.callerARN(ctx, p, creds)
	if err != nil {
		return aws.Credentials{}, "", fmt.Errorf("%s: GetCallerIdentity: %w", what, providers.Explain(err))
	}
	log.Printf("%s belong to %s", what, arn)
	if !isUserARN(arn) {
		if creds.SessionToken == "" {
			return aws.Credentials{}, "", fmt.Errorf("%s (%s) are not temporary credentials, and not an IAM user's key", what, arn)
		}
		return creds, "role", nil
	}
	if creds.SessionToken != "" {
		return aws.Credentials{}, "", fmt.Errorf("%s are a GetSessionToken session of %s, which the console does not accept; sign in with the user's long-term key or through a role", what, arn)
	}
	c, err := e.federationToken(ctx, p, creds, arn, what)
	return c, "federation", err
}

func isUserARN(arn string) bool {
	parts := strings.SplitN(arn, ":", 6)
	return len(parts) == 6 && parts[2] == "iam" && (strings.HasPrefix(parts[5], "user/") || parts[5] == "root")
}

// callerARN calls GetCallerIdentity signed by creds.
func (e *Engine) callerARN(ctx context.Context, p *config.Profile, creds aws.Credentials) (string, error) {
	out, err := e.stsClient(p, staticProvider(creds)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Arn), nil
}

// federationToken calls GetFederationToken, signed by an IAM user's
// long-term key, named after the user.
func (e *Engine) federationToken(ctx context.Context, p *config.Profile, key aws.Credentials, userARN, what string) (aws.Credentials, error) {
	d := e.o.TTLs.FederationToken
	if e.o.Duration > 0 {
		d = e.o.Duration
	}
	name := federatedName(userARN)
	log.Printf("%s: GetFederationToken as %q for %s", what, name, d)
	out, err := e.stsClient(p, staticProvider(key)).GetFederationToken(ctx, &sts.GetFederationTokenInput{
		Name:            aws.String(name),
		Policy:          aws.String(federationPolicy),
		DurationSeconds: aws.Int32(int32(d / time.Second)),
	})
	if err != nil {
		msg := fmt.Sprintf("%s: GetFederationToken: %v", what, providers.Explain(err))
		var api smithy.APIError
		if errors.As(err, &api) && api.ErrorCode() == "AccessDenied" {
			msg += "; console sign-in for an IAM user goes through GetFederationToken, which cannot carry MFA, " +
				"so AWS refuses it when the user's policies require MFA (aws:MultiFactorAuthPresent); " +
				"sign in through a role instead: a profile with role_arn, mfa_serial and source_profile, then aws-vault login on that profile"
		}
		return aws.Credentials{}, &wrapped{msg: msg, err: err}
	}
	c := out.Credentials
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.SessionToken == nil {
		return aws.Credentials{}, errors.New("STS answered GetFederationToken without credentials")
	}
	creds := aws.Credentials{
		AccessKeyID: *c.AccessKeyId, SecretAccessKey: *c.SecretAccessKey, SessionToken: *c.SessionToken,
		Source: "GetFederationToken",
	}
	if c.Expiration != nil {
		creds.CanExpire, creds.Expires = true, c.Expiration.UTC()
	}
	return creds, nil
}

// federatedName is the Name of GetFederationToken: the IAM user's name
// (the last part of its ARN, "root" for the account), cut to the 32
// characters STS allows.
func federatedName(userARN string) string {
	name := userARN[strings.LastIndex(userARN, "/")+1:]
	if i := strings.LastIndex(name, ":"); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', strings.ContainsRune("_+=,.@-", r):
			return r
		}
		return '-'
	}, name)
	if len(name) > 32 {
		name = name[:32]
	}
	if len(name) < 2 {
		name = "aws-vault-" + name
	}
	return name
}

// region is --region, else the profile's.
func (e *Engine) region(p *config.Profile) string {
	if e.o.Region != "" {
		return e.o.Region
	}
	return p.Region
}

func staticProvider(c aws.Credentials) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return c, nil })
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// wrapped is an error with a message of its own that still unwraps.
type wrapped struct {
	msg string
	err error
}

func (w *wrapped) Error() string { return w.msg }
func (w *wrapped) Unwrap() error { return w.err }
