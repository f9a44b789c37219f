// Package engine is the one session engine: every command that needs AWS
// credentials asks it, and only it talks to the config, the keyring and STS.
package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"maps"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws-vault/aws-vault/engine/cache"
	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/prompt"
	"github.com/aws-vault/aws-vault/engine/providers"
)

// RoleChainingMax is AWS's limit on a role assumed with role credentials.
const RoleChainingMax = time.Hour

// Options configure one engine; the zero value of each field is its default.
type Options struct {
	Ring   *keyring.Keyring
	Config *config.File
	Getenv func(string) string
	TTLs   config.TTLs

	PromptDriver string // --prompt; "" leaves the choice to ChoosePrompt
	// ChoosePrompt names the driver when PromptDriver is "". It is called
	// once, when the first MFA code is needed (choosing may search PATH);
	// nil means terminal.
	ChoosePrompt func() string
	// Prompt, when set, replaces the named driver (for programs embedding
	// the engine, and tests that count prompts).
	Prompt    prompt.Driver
	MfaToken  string // --mfa-token
	Duration  time.Duration
	NoSession bool
	Region    string // --region
	// NoBrowser: an IAM Identity Center sign-in shows its URL (on Stderr)
	// and does not open a browser (--stdout, AWS_VAULT_STDOUT).
	NoBrowser bool
	// UseDeviceCode: an IAM Identity Center sign-in uses the device code
	// flow rather than the authorization code flow (--use-device-code).
	UseDeviceCode bool

	Now        func() time.Time
	Stderr     io.Writer // notes for people (never secrets)
	LockDir    string
	HTTPClient *http.Client
}

// Engine hands out credentials for profiles.
type Engine struct {
	o Options

	promptOnce sync.Once
	promptName string // see promptDriver
}

// New checks the options and returns an engine.
func New(o Options) (*Engine, error) {
	if o.Getenv == nil {
		return nil, errors.New("engine: no environment")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.LockDir == "" {
		o.LockDir = cache.LockDir(o.Getenv)
	}
	if o.TTLs == (config.TTLs{}) {
		o.TTLs = config.DefaultTTLs
	}
	if o.Duration < 0 {
		return nil, errors.New("--duration must be positive")
	}
	return &Engine{o: o}, nil
}

// Result is what a profile resolved to.
type Result struct {
	Profile     *config.Profile
	Credentials aws.Credentials
	Region      string
}

// Resolve loads a profile, with its source chain, from the config.
func (e *Engine) Resolve(name string) (*config.Profile, error) {
	r := &config.Resolver{File: e.o.Config, Env: e.o.Getenv}
	if e.o.Ring != nil {
		r.Stored = func(name string) bool {
			has, err := e.o.Ring.HasCredentials(name)
			return err == nil && has
		}
	}
	return r.Resolve(name)
}

// Credentials returns temporary credentials for profile name (or the
// long-term key itself with NoSession on a plain user).
func (e *Engine) Credentials(ctx context.Context, name string) (*Result, error) {
	p, err := e.Resolve(name)
	if err != nil {
		return nil, err
	}
	b := &builder{e: e, target: p}
	prov, _, err := b.provider(p, nil)
	if err != nil {
		return nil, err
	}
	creds, err := prov.Retrieve(ctx)
	if err != nil {
		var src *providers.SourceError
		if errors.As(err, &src) {
			return nil, src.Err
		}
		return nil, err
	}
	region := e.o.Region
	if region == "" {
		region = p.Region
	}
	return &Result{Profile: p, Credentials: creds, Region: region}, nil
}

// hasStoredKey reports whether the keyring holds a long-term key for name.
func (e *Engine) hasStoredKey(name string) bool {
	if e.o.Ring == nil {
		return false
	}
	has, err := e.o.Ring.HasCredentials(name)
	return err == nil && has
}

// builder assembles the provider chain for one request, remembering which
// MFA device a GetSessionToken (or MFA'd AssumeRole) below has already used,
// so that roles above it do not ask again.
type builder struct {
	e          *Engine
	target     *config.Profile
	chainedMFA string
}

// provider returns the provider for p; chainedFrom is the profile that uses
// p as its source_profile (nil for the profile asked for). isRole says the
// credentials are a role session, so assuming a role with them is chaining.
func (b *builder) provider(p, chainedFrom *config.Profile) (prov aws.CredentialsProvider, isRole bool, err error) {
	e := b.e
	// A key stored for the profile comes first, as in the original: the
	// profile may name aws-vault itself as its credential_process, for the
	// SDKs (credential_process = aws-vault export --format=json P).
	// Checked only where another source would be used.
	stored := (p.HasWebIdentity() || p.HasSSO() || p.CredentialProcess != "") && e.hasStoredKey(p.Name)
	if p.HasWebIdentity() && !stored {
		if !p.HasRole() {
			return nil, false, fmt.Errorf("profile %q in %s: web_identity_token_* needs role_arn", p.Name, p.File)
		}
		wi := &providers.WebIdentity{
			Client: e.stsClient(p, aws.AnonymousCredentials{}), Profile: p.Name, RoleARN: p.RoleARN,
			SessionName: b.sessionName(p), TokenFile: p.WebIdentityTokenFile, TokenProcess: p.WebIdentityTokenProcess,
			Duration: b.roleDuration(p, false),
		}
		return e.cached(keyring.SessionKey{Type: "sts.AssumeRoleWithWebIdentity", ProfileName: p.Name}, "profile "+p.Name+" web identity", wi.Fetch), true, nil
	}

	var source aws.CredentialsProvider
	sourceIsRole, sourceIsKey := false, false
	switch {
	case stored:
		log.Printf("profile %s: a key is stored for it: using that, not its other source", p.Name)
		source, sourceIsKey = &providers.LongTerm{Ring: e.o.Ring, Profile: p.Name, Missing: func() error { return b.missingCredentials(p) }}, true
	case p.SourceProfile != nil:
		log.Printf("profile %s: sourcing credentials from profile %s", p.Name, p.SourceProfile.Name)
		source, sourceIsRole, err = b.provider(p.SourceProfile, p)
		if err != nil {
			return nil, false, err
		}
	case p.HasSSO():
		// Role credentials from IAM Identity Center are a role session:
		// a role assumed with them is chaining.
		source, err = e.ssoProvider(p)
		if err != nil {
			return nil, false, err
		}
		sourceIsRole = true
	case p.CredentialProcess != "":
		// Cached as the original caches it: the process runs again only
		// when its output has less than AWS_MIN_TTL left. A process that
		// runs aws-vault for this same profile again (directly or through
		// others) would wait for itself on the cache's lock: refused.
		if providers.InProcessChain(e.o.Getenv(providers.ProcessChainVar), p.Name) {
			return nil, false, fmt.Errorf("profile %q in %s: its credential_process runs aws-vault for profile %q again; store a key for it (aws-vault add %s) or give it another source", p.Name, p.File, p.Name, p.Name)
		}
		proc := &providers.Process{Profile: p.Name, Command: p.CredentialProcess, Chain: e.o.Getenv(providers.ProcessChainVar)}
		source = e.cached(keyring.ProcessSessionKey(p.Name), "profile "+p.Name+" credential_process", proc.Fetch)
	default:
		// Looked up only when needed: a cached session above it is enough.
		source, sourceIsKey = &providers.LongTerm{Ring: e.o.Ring, Profile: p.Name, Missing: func() error { return b.missingCredentials(p) }}, true
	}

	if p.HasRole() {
		d := b.roleDuration(p, p == b.target)
		if sourceIsRole && d > RoleChainingMax {
			fmt.Fprintf(e.o.Stderr, "aws-vault: profile %s: role chaining is limited to %s by AWS; its role session lasts %s\n", p.Name, RoleChainingMax, RoleChainingMax)
			d = RoleChainingMax
		}
		ar := &providers.AssumeRole{
			Client: e.stsClient(p, source), Profile: p.Name, RoleARN: p.RoleARN, SessionName: b.sessionName(p),
			ExternalID: p.ExternalID, SourceIdentity: p.SourceIdentity, Tags: p.SessionTags,
			TransitiveKeys: p.TransitiveSessionTags, Duration: d,
		}
		if p.MfaSerial != "" && p.MfaSerial != b.chainedMFA {
			ar.MFA = e.mfa(p)
			// MFA context carries into sessions assumed from this one.
			b.chainedMFA = p.MfaSerial
		}
		key := keyring.SessionKey{Type: "sts.AssumeRole", ProfileName: p.Name, MfaSerial: roleDigest(ar, p, b.target)}
		return e.cached(key, "profile "+p.Name+" role", ar.Fetch), true, nil
	}

	if ok, why := b.canUseSessionToken(p, chainedFrom, sourceIsKey); !ok {
		log.Printf("profile %s: not using GetSessionToken: %s", p.Name, why)
		return source, sourceIsRole, nil
	}
	st := &providers.SessionToken{Client: e.stsClient(p, source), Profile: p.Name, Duration: b.sessionDuration(chainedFrom != nil)}
	if p.MfaSerial != "" {
		st.MFA = e.mfa(p)
		b.chainedMFA = p.MfaSerial
	}
	return e.cached(keyring.SessionKey{Type: "sts.GetSessionToken", ProfileName: p.Name, MfaSerial: p.MfaSerial}, "profile "+p.Name+" session", st.Fetch), false, nil
}

// canUseSessionToken follows the original's rules for when GetSessionToken
// goes between the long-term key and the role above it.
func (b *builder) canUseSessionToken(p, chainedFrom *config.Profile, sourceIsKey bool) (bool, string) {
	switch {
	case b.e.o.NoSession:
		return false, "--no-session"
	case !sourceIsKey:
		return false, "its credentials are not a long-term key"
	case chainedFrom == nil:
		return true, ""
	case chainedFrom.MfaSerial == "":
		return false, fmt.Sprintf("profile %s has no mfa_serial", chainedFrom.Name)
	case p.MfaSerial != chainedFrom.MfaSerial:
		return false, fmt.Sprintf("its mfa_serial differs from that of profile %s", chainedFrom.Name)
	case b.roleDuration(chainedFrom, chainedFrom == b.target) > RoleChainingMax:
		return false, fmt.Sprintf("profile %s wants a role session over %s, which AWS refuses from a session token", chainedFrom.Name, RoleChainingMax)
	}
	return true, ""
}

func (b *builder) roleDuration(p *config.Profile, target bool) time.Duration {
	o := b.e.o
	switch {
	case target && o.Duration > 0:
		return o.Duration
	case o.TTLs.AssumeRoleSet:
		return o.TTLs.AssumeRole
	case p.AssumeRoleDuration > 0:
		return p.AssumeRoleDuration
	}
	return o.TTLs.AssumeRole
}

func (b *builder) sessionDuration(chained bool) time.Duration {
	o := b.e.o
	if !chained {
		if o.Duration > 0 {
			return o.Duration
		}
		return o.TTLs.SessionToken
	}
	// A session that feeds roles may outlive them: a long --duration on a
	// chain lengthens the session while each role stays within 1h.
	return max(o.TTLs.ChainedSessionToken, o.Duration)
}

func (b *builder) sessionName(p *config.Profile) string {
	if p.RoleSessionName != "" {
		return p.RoleSessionName
	}
	return fmt.Sprintf("aws-vault-%d", b.e.o.Now().UnixMilli())
}

func (b *builder) missingCredentials(p *config.Profile) error {
	backend, _ := b.e.o.Ring.Backend()
	if p == b.target {
		return fmt.Errorf("profile %q has no credentials in the %s keyring; add them with: aws-vault add %s", p.Name, backend, p.Name)
	}
	return fmt.Errorf("profile %q takes its credentials from profile %q, which has none in the %s keyring; add them with: aws-vault add %s", b.target.Name, p.Name, backend, p.Name)
}

func (e *Engine) mfa(p *config.Profile) *providers.MFA {
	m := &providers.MFA{Serial: p.MfaSerial, Token: e.o.MfaToken, Process: p.MfaProcess, Notice: e.o.Stderr}
	if e.o.Prompt != nil {
		m.Driver = e.o.Prompt
		return m
	}
	m.Driver = func(ctx context.Context, serial string) (string, error) {
		d, err := prompt.Get(e.promptDriver())
		if err != nil {
			return "", err
		}
		return d(ctx, serial)
	}
	m.Interactive = func() bool { return prompt.Interactive(e.promptDriver()) }
	return m
}

// promptDriver names the MFA prompt driver: --prompt, else the choice of
// ChoosePrompt, made once and only when a code is needed.
func (e *Engine) promptDriver() string {
	e.promptOnce.Do(func() {
		e.promptName = e.o.PromptDriver
		switch {
		case e.promptName != "":
		case e.o.ChoosePrompt != nil:
			e.promptName = e.o.ChoosePrompt()
		default:
			e.promptName = "terminal"
		}
		log.Printf("using prompt driver %s", e.promptName)
	})
	return e.promptName
}

func (e *Engine) cached(key keyring.SessionKey, describe string, fetch func(context.Context) (keyring.Session, error)) aws.CredentialsProvider {
	return &cache.Provider{Ring: e.o.Ring, Key: key, MinTTL: e.o.TTLs.MinTTL, LockDir: e.o.LockDir, Now: e.o.Now, Fetch: fetch, Describe: describe}
}

// roleDigest identifies a cached role session by everything that shapes it:
// the role and its parameters, the MFA device, and where the credentials
// that assume it come from. It fills the key's serial field so that the key
// keeps the original's format and the original never mistakes it for one of
// its own sts.AssumeRole items (which carry a plain serial).
func roleDigest(ar *providers.AssumeRole, p, target *config.Profile) string {
	var parts []string
	parts = append(parts, "v1", ar.RoleARN, p.RoleSessionName, ar.ExternalID, ar.SourceIdentity, ar.Duration.String(), p.MfaSerial)
	for _, k := range slices.Sorted(maps.Keys(ar.Tags)) {
		parts = append(parts, "tag:"+k+"="+ar.Tags[k])
	}
	parts = append(parts, "transitive:"+strings.Join(ar.TransitiveKeys, ","))
	for c := p.SourceProfile; c != nil; c = c.SourceProfile {
		parts = append(parts, "source:"+c.Name+":"+c.RoleARN+":"+c.MfaSerial)
		if c.HasSSO() {
			parts = append(parts, "sso:"+c.SSOStartURL+":"+c.SSOAccountID+":"+c.SSORoleName)
		}
	}
	if p.HasSSO() {
		parts = append(parts, "sso:"+p.SSOStartURL+":"+p.SSOAccountID+":"+p.SSORoleName)
	}
	if p.CredentialProcess != "" {
		parts = append(parts, "process:"+p.CredentialProcess)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// ssoProvider gets p's role credentials from IAM Identity Center, cached
// as the original caches them: type sso.GetRoleCredentials, the profile's
// name, and the start URL in the serial's place.
func (e *Engine) ssoProvider(p *config.Profile) (aws.CredentialsProvider, error) {
	var missing []string
	for k, v := range map[string]string{"sso_start_url": p.SSOStartURL, "sso_region": p.SSORegion, "sso_account_id": p.SSOAccountID, "sso_role_name": p.SSORoleName} {
		if v == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return nil, fmt.Errorf("profile %q in %s: an IAM Identity Center profile needs %s (from the profile or its [sso-session])", p.Name, p.File, strings.Join(missing, ", "))
	}
	s, err := e.SSOTokenSource(p)
	if err != nil {
		return nil, err
	}
	s.Profile, s.AccountID, s.RoleName = p.Name, p.SSOAccountID, p.SSORoleName
	key := keyring.SessionKey{Type: "sso.GetRoleCredentials", ProfileName: p.Name, MfaSerial: p.SSOStartURL}
	return e.cached(key, "profile "+p.Name+" sso", s.Fetch), nil
}

// clientRegion is the region an AWS client for p signs for: --region, else
// the profile's, else us-east-1 (the global endpoints' region).
func (e *Engine) clientRegion(p *config.Profile) string {
	if r := e.region(p); r != "" {
		return r
	}
	return "us-east-1"
}

// longTermKey reads the key stored for q, for the commands that need the
// key itself (login's federation token, rotate); target names the profile
// asked for, for the message when it is missing.
func (e *Engine) longTermKey(ctx context.Context, target, q *config.Profile) (aws.Credentials, error) {
	b := &builder{e: e, target: target}
	lt := &providers.LongTerm{Ring: e.o.Ring, Profile: q.Name, Missing: func() error { return b.missingCredentials(q) }}
	key, err := lt.Retrieve(ctx)
	var src *providers.SourceError
	if errors.As(err, &src) {
		return aws.Credentials{}, src.Err
	}
	return key, err
}

// stsClient builds an STS client for p, signed by creds, using the SDK's
// endpoint settings (AWS_ENDPOINT_URL_STS, AWS_ENDPOINT_URL, endpoint_url)
// and sts_regional_endpoints.
func (e *Engine) stsClient(p *config.Profile, creds aws.CredentialsProvider) *sts.Client {
	region := e.clientRegion(p)
	o := sts.Options{Region: region, Credentials: creds}
	if e.o.HTTPClient != nil {
		o.HTTPClient = e.o.HTTPClient
	}
	if ep := e.endpoint("STS", p); ep != "" {
		o.BaseEndpoint = aws.String(ep)
	} else if p.STSRegionalEndpoints == "legacy" && legacyGlobalRegions[region] {
		o.BaseEndpoint = aws.String("https://sts.amazonaws.com")
		o.Region = "us-east-1"
	}
	return sts.New(o)
}

// endpoint resolves a service endpoint the way the SDKs' shared
// configuration does: AWS_ENDPOINT_URL_<SERVICE>, then AWS_ENDPOINT_URL,
// then the profile's endpoint_url; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true
// turns them all off.
func (e *Engine) endpoint(service string, p *config.Profile) string {
	get := e.o.Getenv
	if strings.EqualFold(get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"), "true") {
		return ""
	}
	if v := get("AWS_ENDPOINT_URL_" + service); v != "" {
		return v
	}
	if v := get("AWS_ENDPOINT_URL"); v != "" {
		return v
	}
	return p.EndpointURL
}

// Regions that STS served from the global endpoint under "legacy".
var legacyGlobalRegions = map[string]bool{
	"ap-northeast-1": true, "ap-south-1": true, "ap-southeast-1": true, "ap-southeast-2": true,
	"aws-global": true, "ca-central-1": true, "eu-central-1": true, "eu-north-1": true,
	"eu-west-1": true, "eu-west-2": true, "eu-west-3": true, "sa-east-1": true,
	"us-east-1": true, "us-east-2": true, "us-west-1": true, "us-west-2": true,
}
