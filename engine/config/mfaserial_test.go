package config

import (
	"strings"
	"testing"
)

func TestCheckMFASerial(t *testing.T) {
	good := []string{
		"arn:aws:iam::111111111111:mfa/jonsmith",
		"arn:aws:iam::111111111111:mfa/path/to/device",
		"arn:aws-us-gov:iam::111111111111:mfa/me",
		"arn:aws-cn:iam::111111111111:u2f/user/me/key-ABCD",
		"GAHT12345678", // a hardware token's serial number
		"GAHT12345",    // 9 characters, AWS's least
		"G" + strings.Repeat("a", 255),
	}
	for _, s := range good {
		if err := CheckMFASerial(s); err != nil {
			t.Errorf("CheckMFASerial(%q) = %v, want nil", s, err)
		}
	}
	bad := []string{
		"123456",
		"12345678901",
		"arn:aws:iam::111111111111:user/jonsmith",
		"arn:aws:iam::1111:mfa/jonsmith",
		"arn:aws:iam::111111111111:mfa/",
		"short",
		"has space in it",
		"GAHT1234\n5678",
		"GAHT1234", // 8
		"G" + strings.Repeat("a", 256),
	}
	for _, s := range bad {
		if err := CheckMFASerial(s); err == nil {
			t.Errorf("CheckMFASerial(%q) = nil, want an error", s)
		}
	}
}
