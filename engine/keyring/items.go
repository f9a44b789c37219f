package keyring

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	kr "github.com/99designs/keyring"
)

// The item layout below is the original aws-vault v7's, so that a keyring
// written by either tool is read by the other:
//   - long-term keys: key = profile name, label "aws-vault (NAME)", data =
//     JSON of the SDK's aws.Credentials (AccessKeyID, SecretAccessKey, …);
//   - sessions: key "TYPE,b64url(profile),b64url(mfa serial),UNIX-EXPIRY"
//     (credential_process output too, with an empty serial),
//     label "aws-vault session for NAME (expires RFC3339)", data = JSON of
//     STS's Credentials (AccessKeyId, SecretAccessKey, SessionToken, Expiration);
//   - SSO OIDC tokens: key "oidc:START-URL".

// LongTerm is a stored IAM user access key.
type LongTerm struct {
	AccessKeyID     string
	SecretAccessKey string
}

// longTermJSON is the v7 shape (aws-sdk-go-v2 aws.Credentials). Older
// versions wrote aws-sdk-go's credentials.Value, whose fields are a subset.
type longTermJSON struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Source          string
	CanExpire       bool
	Expires         time.Time
}

// Session is a cached set of temporary credentials.
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
}

type sessionJSON struct {
	AccessKeyId     *string //nolint:revive // STS's field name
	Expiration      *time.Time
	SecretAccessKey *string
	SessionToken    *string
}

// SessionKey names a cached session.
type SessionKey struct {
	Type        string // sts.GetSessionToken, sso.GetRoleCredentials, …
	ProfileName string
	MfaSerial   string // for SSO the start URL; for our role cache, a digest
	Expiration  time.Time
}

// ProcessSessionKey is the slot of a profile's cached credential_process
// output, as the original keys it: type "credential_process", the
// profile's name and an empty serial, so the item key is
// "credential_process,b64url(profile),,UNIX-EXPIRY". The command line is
// not part of it (in either tool): a changed command is used once the
// output cached for the old one expires or is cleared.
func ProcessSessionKey(profile string) SessionKey {
	return SessionKey{Type: "credential_process", ProfileName: profile}
}

var b64 = base64.URLEncoding.WithPadding(base64.NoPadding)

// Keys written by aws-vault before v6; the original deletes them on sight.
// Compiled on first use: start-up pays for every package-level regexp.
var oldSessionKeyREs = sync.OnceValue(func() []*regexp.Regexp {
	return []*regexp.Regexp{
		regexp.MustCompile(`^session,([^,]+),([^,]*),([0-9]{2,})$`),
		regexp.MustCompile(`^session:([^ ]+):([^ ]*):([^:]+)$`),
		regexp.MustCompile(`^(.+?) session \((\d+)\)$`),
	}
})

const oidcPrefix = "oidc:"

// String encodes the key as the original does.
func (s SessionKey) String() string {
	return s.prefix() + strconv.FormatInt(s.Expiration.Unix(), 10)
}

// prefix is the key without the expiry: what identifies a session slot.
func (s SessionKey) prefix() string {
	return s.Type + "," + b64.EncodeToString([]byte(s.ProfileName)) + "," + b64.EncodeToString([]byte(s.MfaSerial)) + ","
}

// ParseSessionKey decodes a session item key.
func ParseSessionKey(key string) (SessionKey, bool) {
	// TYPE,PROFILE,SERIAL,EXPIRY with TYPE and PROFILE non-empty and
	// EXPIRY all digits: the original's ^([^,]+),([^,]+),([^,]*),([0-9]+)$.
	m := strings.Split(key, ",")
	if len(m) != 4 || m[0] == "" || m[1] == "" || m[3] == "" || strings.Trim(m[3], "0123456789") != "" {
		return SessionKey{}, false
	}
	prof, err1 := b64.DecodeString(m[1])
	mfa, err2 := b64.DecodeString(m[2])
	exp, err3 := strconv.ParseInt(m[3], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return SessionKey{}, false
	}
	return SessionKey{Type: m[0], ProfileName: string(prof), MfaSerial: string(mfa), Expiration: time.Unix(exp, 0)}, true
}

func isOldSessionKey(key string) bool {
	for _, re := range oldSessionKeyREs() {
		if re.MatchString(key) {
			return true
		}
	}
	return false
}

// IsCredentialsKey reports whether an item key names long-term credentials.
func IsCredentialsKey(key string) bool {
	if strings.HasPrefix(key, oidcPrefix) || isOldSessionKey(key) || isTempKey(key) {
		return false
	}
	_, isSession := ParseSessionKey(key)
	return !isSession
}

// CredentialNames lists the profiles with stored long-term keys.
func (k *Keyring) CredentialNames() ([]string, error) {
	keys, err := k.Keys()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, key := range keys {
		if IsCredentialsKey(key) {
			out = append(out, key)
		}
	}
	return out, nil
}

// HasCredentials reports whether profile has a stored long-term key.
func (k *Keyring) HasCredentials(profile string) (bool, error) {
	names, err := k.CredentialNames()
	if err != nil {
		return false, err
	}
	return contains(names, profile), nil
}

// GetCredentials reads profile's long-term key.
func (k *Keyring) GetCredentials(profile string) (LongTerm, error) {
	item, err := k.Get(profile)
	if err != nil {
		return LongTerm{}, err
	}
	var v longTermJSON
	if err := json.Unmarshal(item.Data, &v); err != nil || v.AccessKeyID == "" || v.SecretAccessKey == "" {
		return LongTerm{}, &CorruptItemError{Backend: k.backend, Key: profile, What: "long-term credentials"}
	}
	return LongTerm{AccessKeyID: v.AccessKeyID, SecretAccessKey: v.SecretAccessKey}, nil
}

// SetCredentials stores profile's long-term key.
func (k *Keyring) SetCredentials(profile string, c LongTerm) error {
	if profile == "" || !IsCredentialsKey(profile) {
		return fmt.Errorf("%q cannot be used as a profile name in the keyring", profile)
	}
	data, err := json.Marshal(longTermJSON{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey})
	if err != nil {
		return err
	}
	return k.Set(kr.Item{
		Key:                         profile,
		Label:                       fmt.Sprintf("aws-vault (%s)", profile),
		Data:                        data,
		KeychainNotTrustApplication: true,
	})
}

// CorruptItemError says an item could not be decoded.
type CorruptItemError struct {
	Backend, Key, What string
}

func (e *CorruptItemError) Error() string {
	return fmt.Sprintf("keyring backend %q: item %q does not hold valid %s; remove it (aws-vault remove or clear) and add it again", e.Backend, e.Key, e.What)
}

// Sessions lists the cached sessions (current key format only).
func (k *Keyring) Sessions() ([]SessionKey, error) {
	keys, err := k.Keys()
	if err != nil {
		return nil, err
	}
	var out []SessionKey
	for _, key := range keys {
		if s, ok := ParseSessionKey(key); ok {
			out = append(out, s)
		}
	}
	return out, nil
}

// findSession returns the stored key of the session slot that matches s
// (same type, profile and serial, any expiry).
func (k *Keyring) findSession(s SessionKey) (string, bool, error) {
	keys, err := k.Keys()
	if err != nil {
		return "", false, err
	}
	p := s.prefix()
	for _, key := range keys {
		if strings.HasPrefix(key, p) {
			if _, ok := ParseSessionKey(key); ok {
				return key, true, nil
			}
		}
	}
	return "", false, nil
}

// UnreadableSessionError says the item of a session slot exists but cannot
// be used: the backend cannot decode or decrypt it (a truncated or damaged
// file; see damaged.go), or its data is not a session. The original treats such an item as a miss;
// the session cache does too, and replaces it. A wrong file passphrase is
// not this error: it is a WrongPassphraseError, which must stop the caller.
type UnreadableSessionError struct {
	Key string
	// Why says what is wrong; it never quotes the item's data.
	Why string
}

func (e *UnreadableSessionError) Error() string {
	return fmt.Sprintf("session item %q %s", e.Key, e.Why)
}

// GetSession reads the session in slot s: ErrNotFound when the slot is
// empty, *UnreadableSessionError when its item is damaged.
func (k *Keyring) GetSession(s SessionKey) (Session, SessionKey, error) {
	return k.GetSessionIf(s, nil)
}

// ErrSessionUnwanted is GetSessionIf's answer when the item key of the
// slot's session was not wanted.
var ErrSessionUnwanted = errors.New("the cached session was not wanted")

// GetSessionIf is GetSession, except that when want (if not nil) says no
// to the item's key, whose expiry is part of it, nothing is read or
// decrypted and the answer is ErrSessionUnwanted. A backend that asks a
// person for every read (a security key, a gpg key without an agent)
// asks nothing for a session that is about to be replaced anyway.
func (k *Keyring) GetSessionIf(s SessionKey, want func(SessionKey) bool) (Session, SessionKey, error) {
	key, ok, err := k.findSession(s)
	if err != nil {
		return Session{}, SessionKey{}, err
	}
	if !ok {
		return Session{}, SessionKey{}, ErrNotFound
	}
	if sk, _ := ParseSessionKey(key); want != nil && !want(sk) {
		return Session{}, sk, ErrSessionUnwanted
	}
	item, err := k.Get(key)
	if errors.Is(err, ErrNotFound) {
		// Removed since it was listed (another process replaced it).
		return Session{}, SessionKey{}, ErrNotFound
	}
	if why, ok := k.cacheItemDamage(key, err); ok {
		return Session{}, SessionKey{}, &UnreadableSessionError{Key: key, Why: why}
	}
	if err != nil {
		return Session{}, SessionKey{}, err
	}
	var v sessionJSON
	if err := json.Unmarshal(item.Data, &v); err != nil || v.AccessKeyId == nil || v.SecretAccessKey == nil || v.Expiration == nil {
		return Session{}, SessionKey{}, &UnreadableSessionError{Key: key, Why: "does not hold a session (JSON with AccessKeyId, SecretAccessKey and Expiration)"}
	}
	sk, _ := ParseSessionKey(key)
	out := Session{AccessKeyID: *v.AccessKeyId, SecretAccessKey: *v.SecretAccessKey, Expiration: *v.Expiration}
	if v.SessionToken != nil {
		out.SessionToken = *v.SessionToken
	}
	return out, sk, nil
}

// SetSession stores a session in slot s, replacing an older one.
func (k *Keyring) SetSession(s SessionKey, sess Session) error {
	s.Expiration = sess.Expiration
	exp := sess.Expiration.UTC()
	data, err := json.Marshal(sessionJSON{
		AccessKeyId:     &sess.AccessKeyID,
		Expiration:      &exp,
		SecretAccessKey: &sess.SecretAccessKey,
		SessionToken:    &sess.SessionToken,
	})
	if err != nil {
		return err
	}
	old, had, err := k.findSession(s)
	if err != nil {
		return err
	}
	if err := k.Set(kr.Item{
		Key:         s.String(),
		Data:        data,
		Label:       fmt.Sprintf("aws-vault session for %s (expires %s)", s.ProfileName, exp.Format(time.RFC3339)),
		Description: "aws-vault session",
	}); err != nil {
		return err
	}
	// Write the new item first, then drop the old one, so that a reader
	// never finds the slot empty.
	if had && old != s.String() {
		if err := k.Remove(old); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// RemoveSessions deletes cached sessions: all of them when profile is "",
// else those of that profile. Keys of the pre-v6 formats count as sessions
// of no profile and go only with "". It returns how many were removed.
func (k *Keyring) RemoveSessions(profile string) (int, error) {
	keys, err := k.Keys()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range keys {
		s, ok := ParseSessionKey(key)
		switch {
		case ok && (profile == "" || s.ProfileName == profile):
		case !ok && profile == "" && isOldSessionKey(key):
		default:
			continue
		}
		if err := k.Remove(key); err != nil && !errors.Is(err, ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, nil
}

// RemoveExpiredSessions deletes sessions whose expiry has passed.
func (k *Keyring) RemoveExpiredSessions(now time.Time) error {
	sessions, err := k.Sessions()
	if err != nil {
		return err
	}
	for _, s := range sessions {
		if now.After(s.Expiration) {
			if err := k.Remove(s.String()); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
		}
	}
	return nil
}

// OIDCToken is an IAM Identity Center access token, cached for the start
// URL it signs in to, so that every profile of that portal shares one
// browser sign-in.
type OIDCToken struct {
	AccessToken  string
	TokenType    string
	RefreshToken string
	IDToken      string
	// ExpiresIn is the lifetime in seconds CreateToken gave the token.
	ExpiresIn  int32
	Expiration time.Time

	// The OIDC client the token was issued to, which a refresh needs
	// (empty in items the original wrote: those are never refreshed).
	ClientID            string
	ClientSecret        string
	ClientSecretExpires time.Time
}

// oidcTokenJSON is the v7 shape: the fields of the SDK's
// ssooidc.CreateTokenOutput under "Token" (its ResultMetadata encodes as
// an empty object), and the expiry next to it. The client registration
// goes in members of its own beside them, which the original ignores.
type oidcTokenJSON struct {
	ClientID            string     `json:"ClientId,omitempty"`
	ClientSecret        string     `json:",omitempty"`
	ClientSecretExpires *time.Time `json:",omitempty"`
	Token               struct {
		AccessToken    *string
		ExpiresIn      int32
		IdToken        *string //nolint:revive // the SDK's field name
		RefreshToken   *string
		TokenType      *string
		ResultMetadata struct{}
	}
	Expiration time.Time
}

// OIDCTokenKey is the item key of the token for startURL.
func OIDCTokenKey(startURL string) string { return oidcPrefix + startURL }

// ParseOIDCTokenKey returns the start URL of an OIDC token's item key.
func ParseOIDCTokenKey(key string) (startURL string, ok bool) {
	return strings.CutPrefix(key, oidcPrefix)
}

// GetOIDCToken reads the token cached for startURL, expired or not. A
// damaged item is reported under --debug, removed, and treated as absent
// (it will be replaced; see damaged.go).
func (k *Keyring) GetOIDCToken(startURL string) (OIDCToken, error) {
	var v oidcTokenJSON
	_, err := k.getCacheItem("IAM Identity Center token", OIDCTokenKey(startURL), func(item kr.Item) bool {
		v = oidcTokenJSON{}
		return json.Unmarshal(item.Data, &v) == nil && v.Token.AccessToken != nil && *v.Token.AccessToken != ""
	})
	if err != nil {
		return OIDCToken{}, err
	}
	deref := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}
	return OIDCToken{
		AccessToken:  *v.Token.AccessToken,
		TokenType:    deref(v.Token.TokenType),
		RefreshToken: deref(v.Token.RefreshToken),
		IDToken:      deref(v.Token.IdToken),
		ExpiresIn:    v.Token.ExpiresIn,
		Expiration:   v.Expiration,
		ClientID:     v.ClientID,
		ClientSecret: v.ClientSecret,
		ClientSecretExpires: func() time.Time {
			if v.ClientSecretExpires == nil {
				return time.Time{}
			}
			return *v.ClientSecretExpires
		}(),
	}, nil
}

// OIDCTokenExpiry reads when the token cached for startURL expires, for
// display: unlike GetOIDCToken it never removes the item, whatever it
// holds (a listing must not change the keyring), and reports ok=false for
// an item it cannot read.
func (k *Keyring) OIDCTokenExpiry(startURL string) (expires time.Time, ok bool) {
	item, err := k.Get(OIDCTokenKey(startURL))
	if err != nil {
		return time.Time{}, false
	}
	var v oidcTokenJSON
	if json.Unmarshal(item.Data, &v) != nil || v.Expiration.IsZero() {
		return time.Time{}, false
	}
	return v.Expiration, true
}

// SetOIDCToken caches the token for startURL, replacing the one before.
func (k *Keyring) SetOIDCToken(startURL string, t OIDCToken) error {
	if startURL == "" {
		return errors.New("an OIDC token needs a start URL")
	}
	var v oidcTokenJSON
	opt := func(s string) *string {
		if s == "" {
			return nil
		}
		return &s
	}
	v.Token.AccessToken = &t.AccessToken
	v.Token.ExpiresIn = t.ExpiresIn
	v.Token.IdToken = opt(t.IDToken)
	v.Token.RefreshToken = opt(t.RefreshToken)
	v.Token.TokenType = opt(t.TokenType)
	v.Expiration = t.Expiration
	v.ClientID, v.ClientSecret = t.ClientID, t.ClientSecret
	if !t.ClientSecretExpires.IsZero() {
		v.ClientSecretExpires = &t.ClientSecretExpires
	}
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return k.Set(kr.Item{
		Key:         OIDCTokenKey(startURL),
		Data:        data,
		Label:       fmt.Sprintf("aws-vault oidc token for %s (expires %s)", startURL, t.Expiration.Format(time.RFC3339)),
		Description: "aws-vault oidc token",
	})
}

// RemoveOIDCTokens deletes every cached IAM Identity Center token and
// returns how many there were.
func (k *Keyring) RemoveOIDCTokens() (int, error) {
	keys, err := k.Keys()
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range keys {
		if !strings.HasPrefix(key, oidcPrefix) {
			continue
		}
		if err := k.Remove(key); err != nil && !errors.Is(err, ErrNotFound) {
			return n, err
		}
		n++
	}
	return n, nil
}

// RemoveOIDCToken deletes the token cached for startURL; a missing one is
// not an error.
func (k *Keyring) RemoveOIDCToken(startURL string) error {
	if err := k.Remove(OIDCTokenKey(startURL)); err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	return nil
}
