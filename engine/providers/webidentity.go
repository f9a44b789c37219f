package providers

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/prompt"
)

// WebIdentity calls AssumeRoleWithWebIdentity with a token from a file or a
// command (web_identity_token_file / web_identity_token_process).
type WebIdentity struct {
	Client       *sts.Client // anonymous: the call is not signed
	Profile      string
	RoleARN      string
	SessionName  string
	TokenFile    string
	TokenProcess string
	Duration     time.Duration
}

// Fetch assumes the role.
func (p *WebIdentity) Fetch(ctx context.Context) (keyring.Session, error) {
	token, err := p.token(ctx)
	if err != nil {
		return keyring.Session{}, err
	}
	log.Printf("profile %s: AssumeRoleWithWebIdentity %s", p.Profile, p.RoleARN)
	out, err := p.Client.AssumeRoleWithWebIdentity(ctx, &sts.AssumeRoleWithWebIdentityInput{
		RoleArn:          aws.String(p.RoleARN),
		RoleSessionName:  aws.String(p.SessionName),
		WebIdentityToken: aws.String(token),
		DurationSeconds:  seconds(p.Duration),
	})
	if err != nil {
		return keyring.Session{}, fmt.Errorf("profile %s: AssumeRoleWithWebIdentity %s: %w", p.Profile, p.RoleARN, Explain(err))
	}
	return session(out.Credentials)
}

func (p *WebIdentity) token(ctx context.Context) (string, error) {
	if p.TokenFile != "" {
		b, err := os.ReadFile(p.TokenFile)
		if err != nil {
			return "", fmt.Errorf("profile %s: web_identity_token_file: %w", p.Profile, err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	cmd := prompt.ShellCommand(ctx, p.TokenProcess)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("profile %s: web_identity_token_process %q: %w", p.Profile, p.TokenProcess, err)
	}
	return strings.TrimSpace(string(out)), nil
}
