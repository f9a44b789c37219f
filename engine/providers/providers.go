// Package providers holds one credential source per file; each is an
// aws.CredentialsProvider or a Fetch function that the session cache wraps.
package providers

import (
	"context"
	"errors"
	"fmt"
	"log"
	"maps"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// LongTerm hands out the access key stored in the keyring for Profile.
type LongTerm struct {
	Ring    *keyring.Keyring
	Profile string
	// Missing explains a missing key (which profile to add); optional.
	Missing func() error
}

// Retrieve implements aws.CredentialsProvider.
func (p *LongTerm) Retrieve(context.Context) (aws.Credentials, error) {
	c, err := p.Ring.GetCredentials(p.Profile)
	if errors.Is(err, keyring.ErrNotFound) {
		if p.Missing != nil {
			return aws.Credentials{}, &SourceError{p.Missing()}
		}
		return aws.Credentials{}, fmt.Errorf("profile %q has no stored credentials; add them with: aws-vault add %s", p.Profile, p.Profile)
	}
	if err != nil {
		return aws.Credentials{}, err
	}
	log.Printf("profile %s: using stored long-term key %s", p.Profile, Redact(c.AccessKeyID))
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Source: "keyring"}, nil
}

// Redact shows the last four characters of a key ID, as the original does.
func Redact(id string) string {
	if len(id) <= 4 {
		return "****"
	}
	return "****************" + id[len(id)-4:]
}

// SessionToken calls GetSessionToken, with MFA when MFA.Serial is set.
type SessionToken struct {
	Client   *sts.Client
	Duration time.Duration
	MFA      *MFA
	Profile  string
}

// Fetch gets a new session.
func (p *SessionToken) Fetch(ctx context.Context) (keyring.Session, error) {
	if err := signerReady(ctx, p.Client); err != nil {
		return keyring.Session{}, err
	}
	return p.MFA.retry(ctx, func(code *string) (keyring.Session, error) {
		in := &sts.GetSessionTokenInput{DurationSeconds: seconds(p.Duration)}
		if code != nil {
			in.SerialNumber, in.TokenCode = aws.String(p.MFA.Serial), code
		}
		log.Printf("profile %s: GetSessionToken for %s%s", p.Profile, p.Duration, withMFA(code))
		out, err := p.Client.GetSessionToken(ctx, in)
		if err != nil {
			return keyring.Session{}, fmt.Errorf("profile %s: GetSessionToken: %w", p.Profile, Explain(err))
		}
		return session(out.Credentials)
	})
}

// AssumeRole calls AssumeRole with the profile's parameters.
type AssumeRole struct {
	Client         *sts.Client
	Profile        string
	RoleARN        string
	SessionName    string
	ExternalID     string
	SourceIdentity string
	Tags           map[string]string
	TransitiveKeys []string
	Duration       time.Duration
	MFA            *MFA // nil or empty serial: no MFA
}

// Fetch assumes the role.
func (p *AssumeRole) Fetch(ctx context.Context) (keyring.Session, error) {
	if err := signerReady(ctx, p.Client); err != nil {
		return keyring.Session{}, err
	}
	return p.MFA.retry(ctx, func(code *string) (keyring.Session, error) {
		in := &sts.AssumeRoleInput{
			RoleArn:         aws.String(p.RoleARN),
			RoleSessionName: aws.String(p.SessionName),
			DurationSeconds: seconds(p.Duration),
		}
		if p.ExternalID != "" {
			in.ExternalId = aws.String(p.ExternalID)
		}
		if p.SourceIdentity != "" {
			in.SourceIdentity = aws.String(p.SourceIdentity)
		}
		for _, k := range slices.Sorted(maps.Keys(p.Tags)) {
			in.Tags = append(in.Tags, ststypes.Tag{Key: aws.String(k), Value: aws.String(p.Tags[k])})
		}
		in.TransitiveTagKeys = p.TransitiveKeys
		if code != nil {
			in.SerialNumber, in.TokenCode = aws.String(p.MFA.Serial), code
		}
		log.Printf("profile %s: AssumeRole %s as %q for %s%s", p.Profile, p.RoleARN, p.SessionName, p.Duration, withMFA(code))
		out, err := p.Client.AssumeRole(ctx, in)
		if err != nil {
			return keyring.Session{}, fmt.Errorf("profile %s: AssumeRole %s: %w", p.Profile, p.RoleARN, Explain(err))
		}
		return session(out.Credentials)
	})
}

// signerReady gets the signing credentials before any MFA prompt, so nobody
// types a code only to learn that the key below is missing. The client's
// credential cache keeps them for the call itself.
func signerReady(ctx context.Context, c *sts.Client) error {
	creds := c.Options().Credentials
	if creds == nil {
		return nil
	}
	_, err := creds.Retrieve(ctx)
	return err
}

func withMFA(code *string) string {
	if code != nil {
		return " with MFA"
	}
	return ""
}

func seconds(d time.Duration) *int32 {
	if d <= 0 {
		return nil
	}
	return aws.Int32(int32(d / time.Second))
}

func session(c *ststypes.Credentials) (keyring.Session, error) {
	if c == nil || c.AccessKeyId == nil || c.SecretAccessKey == nil || c.Expiration == nil {
		return keyring.Session{}, errors.New("STS answered without credentials")
	}
	return keyring.Session{
		AccessKeyID:     *c.AccessKeyId,
		SecretAccessKey: *c.SecretAccessKey,
		SessionToken:    aws.ToString(c.SessionToken),
		Expiration:      c.Expiration.UTC(),
	}, nil
}

// Explain turns AWS errors into one line without the SDK's request details,
// and adds what to do where that is known.
func Explain(err error) error {
	// A source that could not give credentials says so itself; the SDK's
	// wrapping around it only adds noise.
	var src *SourceError
	if errors.As(err, &src) {
		return src
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return err
	}
	msg := fmt.Sprintf("%s: %s", api.ErrorCode(), api.ErrorMessage())
	switch {
	case isMFAFailure(err):
		msg += " (the MFA code was wrong or already used; wait for the next code)"
	case api.ErrorCode() == "ExpiredToken" || api.ErrorCode() == "ExpiredTokenException":
		msg += " (run aws-vault clear to drop cached sessions)"
	case api.ErrorCode() == "InvalidClientTokenId":
		msg += " (the stored access key is not known to AWS: was it deleted or rotated elsewhere?)"
	}
	return &apiError{msg: msg, err: err}
}

type apiError struct {
	msg string
	err error
}

func (e *apiError) Error() string { return e.msg }
func (e *apiError) Unwrap() error { return e.err }

func isMFAFailure(err error) bool {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return false
	}
	return api.ErrorCode() == "AccessDenied" && containsFold(api.ErrorMessage(), "MultiFactorAuthentication failed")
}

// SourceError is a failure to produce the credentials that sign a request.
type SourceError struct{ Err error }

func (e *SourceError) Error() string { return e.Err.Error() }
func (e *SourceError) Unwrap() error { return e.Err }
