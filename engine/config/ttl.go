package config

import (
	"fmt"
	"strings"
	"time"
)

// TTLs are the session lifetimes the environment may override.
type TTLs struct {
	SessionToken        time.Duration // AWS_SESSION_TOKEN_TTL, default 1h
	ChainedSessionToken time.Duration // AWS_CHAINED_SESSION_TOKEN_TTL, default 8h
	AssumeRole          time.Duration // AWS_ASSUME_ROLE_TTL, default 1h
	FederationToken     time.Duration // AWS_FEDERATION_TOKEN_TTL, default 1h
	MinTTL              time.Duration // AWS_MIN_TTL, default 5m
	// AssumeRoleSet is true when AWS_ASSUME_ROLE_TTL was given, so it beats duration_seconds.
	AssumeRoleSet bool
}

// DefaultTTLs are the lifetimes used when no variable is set.
var DefaultTTLs = TTLs{
	SessionToken:        time.Hour,
	ChainedSessionToken: 8 * time.Hour,
	AssumeRole:          time.Hour,
	FederationToken:     time.Hour,
	MinTTL:              5 * time.Minute,
}

// LoadTTLs reads the TTL variables. A value without a unit is an error.
func LoadTTLs(getenv Env) (TTLs, error) {
	t := DefaultTTLs
	for _, v := range []struct {
		name string
		dst  *time.Duration
	}{
		{"AWS_SESSION_TOKEN_TTL", &t.SessionToken},
		{"AWS_CHAINED_SESSION_TOKEN_TTL", &t.ChainedSessionToken},
		{"AWS_ASSUME_ROLE_TTL", &t.AssumeRole},
		{"AWS_FEDERATION_TOKEN_TTL", &t.FederationToken},
		{"AWS_MIN_TTL", &t.MinTTL},
	} {
		raw := strings.TrimSpace(getenv(v.name))
		if raw == "" {
			continue
		}
		d, err := ParseDuration(raw)
		if err != nil {
			return TTLs{}, fmt.Errorf("%s=%q: %w", v.name, raw, err)
		}
		*v.dst = d
		if v.name == "AWS_ASSUME_ROLE_TTL" {
			t.AssumeRoleSet = true
		}
	}
	return t, nil
}

// ParseDuration parses a Go duration such as 12h or 43200s, and says plainly
// when the unit is missing.
func ParseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		if strings.Trim(s, "0123456789") == "" {
			return 0, fmt.Errorf("a duration needs a unit, such as %ss or 1h", s)
		}
		return 0, fmt.Errorf("not a duration (use a number with a unit, such as 90m or 12h)")
	}
	if d <= 0 {
		return 0, fmt.Errorf("a duration must be positive")
	}
	return d, nil
}
