package config

import (
	"fmt"
	"strings"
	"testing"
)

func thousandProfiles() []byte {
	var b strings.Builder
	b.WriteString("[default]\nregion = us-east-1\n")
	for i := 1; i <= 1000; i++ {
		fmt.Fprintf(&b, "[profile team%d.app_%d]\nsource_profile = root\nrole_arn = arn:aws:iam::%012d:role/Dev\nmfa_serial = arn:aws:iam::111111111111:mfa/me\n\n", i, i, i)
	}
	return []byte(b.String())
}

// BenchmarkParse1000 parses a config of 1,000 profiles, as list --profiles
// and completion do.
func BenchmarkParse1000(b *testing.B) {
	data := thousandProfiles()
	for b.Loop() {
		f, err := Parse("bench", data)
		if err != nil || len(f.ProfileNames()) != 1001 {
			b.Fatal(err)
		}
	}
}
