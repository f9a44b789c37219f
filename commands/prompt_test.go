package commands

import (
	"testing"
	"time"
)

func TestTimeLeft(t *testing.T) {
	for d, want := range map[time.Duration]string{
		42*time.Minute + 30*time.Second: "42m",
		59 * time.Second:                "0m",
		time.Hour:                       "1h00m",
		65 * time.Minute:                "1h05m",
		30 * time.Hour:                  "30h00m",
		29*time.Hour + 59*time.Minute:   "29h59m",
		0:                               "expired",
		-time.Minute:                    "expired",
	} {
		if got := timeLeft(d); got != want {
			t.Errorf("timeLeft(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestPromptSegment(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	exp := now.Add(65 * time.Minute).Format(time.RFC3339)
	for _, tc := range []struct{ format, profile, expiration, want string }{
		{"%p %r", "dev", exp, "dev 1h05m"},
		{"[%p %r]", "dev", exp, "[dev 1h05m]"},
		{"%p %r", "dev", "", "dev"},     // no expiry: no stray space
		{"[%p %r]", "dev", "", "[dev]"}, // nor before the bracket
		{"%r %p", "dev", "", "dev"},     // nor after an empty one first
		{"%p (%e) 100%%", "dev", exp, "dev (" + exp + ") 100%"},
		{"%p %r", "", exp, ""},         // nothing active: nothing at all
		{"%x %p", "dev", "", "%x dev"}, // unknown escapes stay
		{"%p %r", "dev", "not a time", "dev"},
		{"%p %r", "dev", now.Add(-time.Second).Format(time.RFC3339), "dev expired"},
	} {
		if got := promptSegment(tc.format, tc.profile, tc.expiration, now); got != tc.want {
			t.Errorf("promptSegment(%q, %q, %q) = %q, want %q", tc.format, tc.profile, tc.expiration, got, tc.want)
		}
	}
}
