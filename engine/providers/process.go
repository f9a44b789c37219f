package providers

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/prompt"
)

// Process runs credential_process and reads the document it prints
// (Version 1: AccessKeyId, SecretAccessKey, SessionToken, Expiration). The
// engine caches what Fetch returns in keyring.ProcessSessionKey's slot;
// output without an Expiration is not cached.
type Process struct {
	Profile string
	Command string
	// Chain is ProcessChainVar as this aws-vault got it.
	Chain string
}

// ProcessChainVar names, in a credential_process's environment, the
// profiles whose credential_process is running (comma-separated, each
// base64url, outermost first), so that an aws-vault started by one can
// refuse to run the same profile's process again, which would wait for
// itself on the cache's lock.
const ProcessChainVar = "_AWS_VAULT_CREDENTIAL_PROCESS_OF"

func extendChain(chain, profile string) string {
	enc := base64.RawURLEncoding.EncodeToString([]byte(profile))
	if chain == "" {
		return enc
	}
	return chain + "," + enc
}

// InProcessChain reports whether profile's credential_process is one of
// those running above this aws-vault (chain: ProcessChainVar's value).
func InProcessChain(chain, profile string) bool {
	enc := base64.RawURLEncoding.EncodeToString([]byte(profile))
	for _, n := range strings.Split(chain, ",") {
		if n == enc {
			return true
		}
	}
	return false
}

// ProcessOutput is the credential_process document, which exec --json prints too.
type ProcessOutput struct {
	Version         int
	AccessKeyID     string `json:"AccessKeyId"`
	SecretAccessKey string
	SessionToken    string `json:",omitempty"`
	Expiration      string `json:",omitempty"`
}

// Fetch runs the command once. A document without an Expiration gives a
// session with a zero expiry: credentials that do not expire, which the
// cache hands out without storing.
func (p *Process) Fetch(ctx context.Context) (keyring.Session, error) {
	log.Printf("profile %s: running credential_process", p.Profile)
	cmd := prompt.ShellCommand(ctx, p.Command)
	cmd.Stderr = os.Stderr
	cmd.Stdin = os.Stdin
	// The file backend's passphrase goes along: the command is often
	// aws-vault itself, on the same backend.
	cmd.Env = append(os.Environ(), ProcessChainVar+"="+extendChain(p.Chain, p.Profile))
	out, err := cmd.Output()
	if err != nil {
		return keyring.Session{}, fmt.Errorf("profile %s: credential_process %q: %w", p.Profile, p.Command, err)
	}
	var doc ProcessOutput
	if err := json.Unmarshal(out, &doc); err != nil {
		// The output holds secrets: say what is wrong, never echo it.
		return keyring.Session{}, fmt.Errorf("profile %s: credential_process %q did not print a JSON credentials document", p.Profile, p.Command)
	}
	if doc.Version != 1 || doc.AccessKeyID == "" || doc.SecretAccessKey == "" {
		return keyring.Session{}, fmt.Errorf("profile %s: credential_process %q: document needs Version 1, AccessKeyId and SecretAccessKey", p.Profile, p.Command)
	}
	s := keyring.Session{AccessKeyID: doc.AccessKeyID, SecretAccessKey: doc.SecretAccessKey, SessionToken: doc.SessionToken}
	if doc.Expiration != "" {
		t, err := time.Parse(time.RFC3339, doc.Expiration)
		if err != nil {
			return keyring.Session{}, fmt.Errorf("profile %s: credential_process %q: Expiration %q is not RFC 3339", p.Profile, p.Command, doc.Expiration)
		}
		s.Expiration = t.UTC()
	}
	return s, nil
}
