package config

import (
	"fmt"
	"regexp"
	"sync"
)

// An MFA device is named by its ARN (virtual and U2F devices) or, for a
// hardware TOTP token, by its serial number: AWS takes 9 to 256 of these
// characters as a SerialNumber.
//
// The length is checked apart from the pattern: compiled at every start,
// `{9,256}` made a 256-state program (a quarter of a megabyte on the heap,
// milliseconds of every command's start-up).
// The patterns are compiled on first use: only add and the config checks
// that meet an mfa_serial need them.
var (
	mfaARN = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:(mfa|u2f)/[\w+=,.@/-]+$`)
	})
	mfaSerial = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w+=,.@:/-]+$`) })
	allDigits = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]+$`) })
)

// CheckMFASerial checks that s can be an mfa_serial. Digits alone are
// refused: far more often an MFA code typed (or piped) in the wrong place
// than a token's serial number, which AWS prints with letters (GAHT…).
func CheckMFASerial(s string) error {
	switch {
	case allDigits().MatchString(s):
		return fmt.Errorf("%q looks like an MFA code, not an MFA device: give the device's ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or serial number", s)
	case len(s) >= 4 && s[:4] == "arn:" && !mfaARN().MatchString(s):
		return fmt.Errorf("%q is not an MFA device ARN (arn:aws:iam::ACCOUNT:mfa/NAME)", s)
	case len(s) < 9 || len(s) > 256 || !mfaSerial().MatchString(s):
		return fmt.Errorf("%q is not an MFA device ARN (arn:aws:iam::ACCOUNT:mfa/NAME) or serial number", s)
	}
	return nil
}
