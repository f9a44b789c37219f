package providers

import (
	"crypto/sha1" //nolint:gosec // the AWS CLI names its cache files so
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/aws-vault/aws-vault/engine/keyring"
)

// CLICache is one token file of the AWS CLI v2's (and the SDKs')
// IAM Identity Center cache: DIR/SHA1(KEY).json, where KEY is the
// sso-session's name, or the start URL for a profile without one, and the
// file holds the CLI's JSON (startUrl, region, accessToken, expiresAt, and
// for sso-sessions clientId, clientSecret, registrationExpiresAt,
// refreshToken).
type CLICache struct {
	Dir      string // ~/.aws/sso/cache
	Key      string // the sso-session name, or the start URL as configured
	StartURL string // normalised, to check the file is for this portal
	Region   string
}

// cliToken is the CLI's JSON.
type cliToken struct {
	StartURL              string `json:"startUrl,omitempty"`
	Region                string `json:"region,omitempty"`
	AccessToken           string `json:"accessToken"`
	ExpiresAt             string `json:"expiresAt"`
	ClientID              string `json:"clientId,omitempty"`
	ClientSecret          string `json:"clientSecret,omitempty"`
	RegistrationExpiresAt string `json:"registrationExpiresAt,omitempty"`
	RefreshToken          string `json:"refreshToken,omitempty"`
}

// cliTimeLayouts are how CLIs and SDKs have written expiresAt.
var cliTimeLayouts = []string{time.RFC3339, "2006-01-02T15:04:05UTC", "2006-01-02T15:04:05Z0700"}

func parseCLITime(s string) (time.Time, bool) {
	for _, l := range cliTimeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// Path is the cache file's path.
func (c *CLICache) Path() string {
	sum := sha1.Sum([]byte(c.Key)) //nolint:gosec // a name, not a MAC
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:])+".json")
}

// CLICacheError says a cache file could not be used.
type CLICacheError struct {
	Path, Why string
}

func (e *CLICacheError) Error() string {
	return fmt.Sprintf("the AWS CLI's token cache %s %s", e.Path, e.Why)
}

// Read returns the token in the file: keyring.ErrNotFound when there is
// none, a *CLICacheError when it is damaged or for another start URL. The
// file is never changed by reading it.
func (c *CLICache) Read() (keyring.OIDCToken, error) {
	path := c.Path()
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return keyring.OIDCToken{}, keyring.ErrNotFound
	}
	if err != nil {
		return keyring.OIDCToken{}, &CLICacheError{Path: path, Why: "cannot be read: " + err.Error()}
	}
	var v cliToken
	if err := json.Unmarshal(data, &v); err != nil {
		return keyring.OIDCToken{}, &CLICacheError{Path: path, Why: "is not valid JSON"}
	}
	exp, ok := parseCLITime(v.ExpiresAt)
	if v.AccessToken == "" || !ok {
		return keyring.OIDCToken{}, &CLICacheError{Path: path, Why: "has no accessToken or no valid expiresAt"}
	}
	if v.StartURL != "" && NormalizeStartURL(v.StartURL) != c.StartURL {
		return keyring.OIDCToken{}, &CLICacheError{Path: path, Why: fmt.Sprintf("is for %s, not %s", v.StartURL, c.StartURL)}
	}
	t := keyring.OIDCToken{
		AccessToken:  v.AccessToken,
		TokenType:    "Bearer",
		RefreshToken: v.RefreshToken,
		Expiration:   exp,
		ClientID:     v.ClientID,
		ClientSecret: v.ClientSecret,
	}
	if r, ok := parseCLITime(v.RegistrationExpiresAt); ok {
		t.ClientSecretExpires = r
	}
	return t, nil
}

// Write replaces the file with t, readable by its owner only, atomically
// (a reader sees the old file or the new one).
func (c *CLICache) Write(t keyring.OIDCToken) error {
	v := cliToken{
		StartURL:     c.StartURL,
		Region:       c.Region,
		AccessToken:  t.AccessToken,
		ExpiresAt:    t.Expiration.UTC().Format("2006-01-02T15:04:05Z"),
		ClientID:     t.ClientID,
		ClientSecret: t.ClientSecret,
		RefreshToken: t.RefreshToken,
	}
	if !t.ClientSecretExpires.IsZero() {
		v.RegistrationExpiresAt = t.ClientSecretExpires.UTC().Format("2006-01-02T15:04:05Z")
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	path := c.Path()
	fail := func(err error) error { return fmt.Errorf("writing the AWS CLI's token cache %s: %w", path, err) }
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return fail(err)
	}
	tmp, err := os.CreateTemp(c.Dir, ".aws-vault-*.tmp")
	if err != nil {
		return fail(err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fail(err)
	}
	return nil
}
