package providers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"strings"

	"github.com/aws-vault/aws-vault/engine/keyring"
	"github.com/aws-vault/aws-vault/engine/prompt"
)

// MFA gets codes for one device: a code given on the command line, else
// mfa_process, else the prompt driver.
type MFA struct {
	Serial  string
	Token   string // --mfa-token, used once
	Process string // mfa_process
	Driver  prompt.Driver
	// Interactive reports whether Driver asks a person, who may try
	// again; nil means it does not.
	Interactive func() bool
	Notice      io.Writer // where "wrong code, try again" goes
}

// Attempts is how many codes a person may enter before aws-vault gives up.
const Attempts = 3

func (m *MFA) code(ctx context.Context) (string, error) {
	var code string
	var err error
	switch {
	case m.Token != "":
		code, m.Token = m.Token, ""
	case m.Process != "":
		log.Printf("running mfa_process for %s", m.Serial)
		code, err = prompt.Process(ctx, m.Process)
	case m.Driver != nil:
		code, err = m.Driver(ctx, m.Serial)
	default:
		err = errors.New("no way to ask for it")
	}
	if err != nil {
		return "", fmt.Errorf("getting an MFA code for %s: %w", m.Serial, err)
	}
	if err := prompt.ValidCode(code); err != nil {
		return "", fmt.Errorf("MFA code for %s: %w", m.Serial, err)
	}
	return code, nil
}

// retry calls f with a code (or nil without MFA). A code that AWS refuses is
// asked for again when a person typed it, up to Attempts times.
func (m *MFA) retry(ctx context.Context, f func(code *string) (keyring.Session, error)) (keyring.Session, error) {
	if m == nil || m.Serial == "" {
		return f(nil)
	}
	for attempt := 1; ; attempt++ {
		interactive := m.Token == "" && m.Process == "" && m.Interactive != nil && m.Interactive()
		code, err := m.code(ctx)
		if err != nil {
			if interactive && attempt < Attempts && strings.Contains(err.Error(), "6 digits") {
				fmt.Fprintf(m.notice(), "aws-vault: %v; try again\n", err)
				continue
			}
			return keyring.Session{}, err
		}
		s, err := f(&code)
		if err != nil && isMFAFailure(err) && interactive && attempt < Attempts {
			fmt.Fprintln(m.notice(), "aws-vault: AWS refused that MFA code; wait for the next one and try again")
			continue
		}
		return s, err
	}
}

func (m *MFA) notice() io.Writer {
	if m.Notice != nil {
		return m.Notice
	}
	return io.Discard
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}
