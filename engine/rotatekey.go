package engine

import (
	"context"
	"fmt"
	"io"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws-vault/aws-vault/engine/config"
	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/providers"
	"github.com/aws-vault/aws-vault/engine/rotate"
)

// RotateKey replaces the access key stored for profile name with a new
// one (see package rotate for the order of steps and what happens on
// failure). The key rotated is the one the profile's credentials come
// from: that of the last profile of its source_profile chain.
//
// IAM is called as the IAM user itself, never through the profile's
// roles: with an MFA session (GetSessionToken with the user's
// mfa_serial, reusing a cached one) unless NoSession is set or no
// mfa_serial is configured anywhere on the chain, else with the long-term
// key. (AWS refuses IAM calls from GetSessionToken sessions without MFA.)
// The new key is checked with GetCallerIdentity signed by it, which needs no
// MFA, so at most one code is asked for.
func (e *Engine) RotateKey(ctx context.Context, name string, out io.Writer) (*rotate.Result, error) {
	if out == nil {
		out = io.Discard
	}
	p, err := e.Resolve(name)
	if err != nil {
		return nil, err
	}
	chain := p.Chain()
	q := chain[len(chain)-1]
	switch {
	case q.HasSSO():
		return nil, fmt.Errorf("profile %q gets its credentials from IAM Identity Center (sso_*), not from an access key aws-vault stores; there is no key to rotate", q.Name)
	case q.HasWebIdentity():
		return nil, fmt.Errorf("profile %q gets its credentials from a web identity token, not from an access key aws-vault stores; there is no key to rotate", q.Name)
	case q.CredentialProcess != "":
		return nil, fmt.Errorf("profile %q gets its credentials from credential_process, not from an access key aws-vault stores; there is no key to rotate", q.Name)
	}

	key, err := e.longTermKey(ctx, p, q)
	if err != nil {
		return nil, err
	}

	// Read once: the keyring item changes during the rotation.
	signer := staticProvider(key)
	how := "its long-term key"
	if mp := mfaProfile(chain); mp != nil && !e.o.NoSession {
		st := &providers.SessionToken{
			Client: e.stsClient(q, signer), Profile: q.Name, Duration: (&builder{e: e, target: p}).sessionDuration(false), MFA: e.mfa(mp),
		}
		signer = e.cached(keyring.SessionKey{Type: "sts.GetSessionToken", ProfileName: q.Name, MfaSerial: mp.MfaSerial}, "profile "+q.Name+" session", st.Fetch)
		how = "an MFA session of " + mp.MfaSerial
	} else if e.o.NoSession {
		log.Printf("profile %s: --no-session: calling IAM with the long-term key", q.Name)
	} else {
		log.Printf("profile %s: no mfa_serial: calling IAM with the long-term key (AWS refuses IAM calls from sessions without MFA)", q.Name)
	}
	fmt.Fprintf(out, "Rotating the access key stored for profile %s, using %s\n", q.Name, how)

	r := &rotate.Rotation{
		Profile: q.Name,
		Store:   &keyStore{ring: e.o.Ring, profile: q.Name},
		IAM:     e.iamClient(q, signer),
		Verify: func(ctx context.Context, k keyring.LongTerm) (string, error) {
			c := e.stsClient(q, staticProvider(aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey}))
			out, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Arn), nil
		},
		ClearSessions: func() (int, error) { return e.clearSessionsOfKey(q.Name, chain) },
		Out:           out,
		Now:           e.o.Now,
	}
	res, err := r.Run(ctx)
	if err != nil {
		return res, fmt.Errorf("rotating the access key of profile %s: %w", q.Name, err)
	}
	return res, nil
}

// mfaProfile is the profile whose mfa_serial (and mfa_process) the user's
// MFA session uses: the one holding the key if it has one, else the
// nearest above it on the chain; nil if none has.
func mfaProfile(chain []*config.Profile) *config.Profile {
	for i := len(chain) - 1; i >= 0; i-- {
		if chain[i].MfaSerial != "" {
			return chain[i]
		}
	}
	return nil
}

// clearSessionsOfKey deletes the cached sessions that came from the key
// stored for keyProfile: those of the profiles on chain, and of every
// profile of the config whose chain ends at keyProfile.
func (e *Engine) clearSessionsOfKey(keyProfile string, chain []*config.Profile) (int, error) {
	names := map[string]bool{}
	var order []string
	add := func(n string) {
		if !names[n] {
			names[n] = true
			order = append(order, n)
		}
	}
	for _, c := range chain {
		add(c.Name)
	}
	if e.o.Config != nil {
		for _, n := range e.o.Config.ProfileNames() {
			rp, err := e.Resolve(n)
			if err != nil {
				continue
			}
			if c := rp.Chain(); c[len(c)-1].Name == keyProfile {
				add(n)
			}
		}
	}
	total := 0
	for _, n := range order {
		k, err := e.o.Ring.RemoveSessions(n)
		total += k
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// keyStore is the keyring item of one profile's long-term key.
type keyStore struct {
	ring    *keyring.Keyring
	profile string
}

func (s *keyStore) Get() (keyring.LongTerm, error) { return s.ring.GetCredentials(s.profile) }
func (s *keyStore) Set(k keyring.LongTerm) error   { return s.ring.SetCredentials(s.profile, k) }

func (s *keyStore) GetCopy() (keyring.LongTerm, error) { return s.ring.Rotating(s.profile) }
func (s *keyStore) SetCopy(k keyring.LongTerm) error   { return s.ring.KeepRotating(s.profile, k) }
func (s *keyStore) RemoveCopy() error                  { return s.ring.RemoveRotating(s.profile) }
func (s *keyStore) CopyName() string                   { return keyring.RotatingName(s.profile) }

// iamClient builds an IAM client for p, signed by creds, using the SDK's
// endpoint settings (AWS_ENDPOINT_URL_IAM, AWS_ENDPOINT_URL, endpoint_url).
// IAM is global: the region only chooses the partition.
func (e *Engine) iamClient(p *config.Profile, creds aws.CredentialsProvider) *iam.Client {
	o := iam.Options{Region: e.clientRegion(p), Credentials: creds}
	if e.o.HTTPClient != nil {
		o.HTTPClient = e.o.HTTPClient
	}
	if ep := e.endpoint("IAM", p); ep != "" {
		o.BaseEndpoint = aws.String(ep)
	}
	return iam.New(o)
}
