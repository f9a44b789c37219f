package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Profile is a resolved profile: its own keys, then those of the profiles it
// includes, then [default], with environment overrides on top. SourceProfile
// is resolved too, so a Profile is the whole chain.
type Profile struct {
	Name string
	// File is the config file the profile came from, for messages.
	File string

	Region               string
	STSRegionalEndpoints string
	EndpointURL          string

	MfaSerial  string
	MfaProcess string

	RoleARN               string
	RoleSessionName       string
	ExternalID            string
	SourceIdentity        string
	SessionTags           map[string]string
	TransitiveSessionTags []string
	// AssumeRoleDuration is duration_seconds (or AWS_ASSUME_ROLE_TTL); zero when unset.
	AssumeRoleDuration time.Duration

	SourceProfileName string
	SourceProfile     *Profile

	CredentialProcess       string
	WebIdentityTokenFile    string
	WebIdentityTokenProcess string

	SSOSession            string
	SSOStartURL           string
	SSORegion             string
	SSOAccountID          string
	SSORoleName           string
	SSORegistrationScopes string
}

// HasRole reports whether the profile assumes a role.
func (p *Profile) HasRole() bool { return p.RoleARN != "" }

// HasSSO reports whether credentials come from IAM Identity Center.
func (p *Profile) HasSSO() bool { return p.SSOStartURL != "" || p.SSOSession != "" }

// HasWebIdentity reports whether credentials come from AssumeRoleWithWebIdentity.
func (p *Profile) HasWebIdentity() bool {
	return p.WebIdentityTokenFile != "" || p.WebIdentityTokenProcess != ""
}

// Chain lists the profile and its source profiles, target first.
func (p *Profile) Chain() []*Profile {
	var out []*Profile
	for c := p; c != nil; c = c.SourceProfile {
		out = append(out, c)
	}
	return out
}

// Env is how the resolver sees the environment.
type Env func(string) string

// Resolver turns profile names into Profiles.
type Resolver struct {
	File *File
	Env  Env
	// Stored, when set, reports whether a long-term key is stored for a
	// name: such a profile exists without a section of its own, as in the
	// original (add --no-add-config, then exec), taking [default]'s values.
	Stored func(name string) bool
}

// keys each profile can carry, and where they land.
var stringKeys = map[string]func(*Profile) *string{
	"region":                     func(p *Profile) *string { return &p.Region },
	"sts_regional_endpoints":     func(p *Profile) *string { return &p.STSRegionalEndpoints },
	"endpoint_url":               func(p *Profile) *string { return &p.EndpointURL },
	"mfa_serial":                 func(p *Profile) *string { return &p.MfaSerial },
	"mfa_process":                func(p *Profile) *string { return &p.MfaProcess },
	"role_arn":                   func(p *Profile) *string { return &p.RoleARN },
	"role_session_name":          func(p *Profile) *string { return &p.RoleSessionName },
	"external_id":                func(p *Profile) *string { return &p.ExternalID },
	"source_identity":            func(p *Profile) *string { return &p.SourceIdentity },
	"source_profile":             func(p *Profile) *string { return &p.SourceProfileName },
	"credential_process":         func(p *Profile) *string { return &p.CredentialProcess },
	"web_identity_token_file":    func(p *Profile) *string { return &p.WebIdentityTokenFile },
	"web_identity_token_process": func(p *Profile) *string { return &p.WebIdentityTokenProcess },
	"sso_session":                func(p *Profile) *string { return &p.SSOSession },
	"sso_start_url":              func(p *Profile) *string { return &p.SSOStartURL },
	"sso_region":                 func(p *Profile) *string { return &p.SSORegion },
	"sso_account_id":             func(p *Profile) *string { return &p.SSOAccountID },
	"sso_role_name":              func(p *Profile) *string { return &p.SSORoleName },
	"sso_registration_scopes":    func(p *Profile) *string { return &p.SSORegistrationScopes },
	// Not single strings, parsed after merging:
	"duration_seconds":        nil,
	"session_tags":            nil,
	"transitive_session_tags": nil,
}

// sourceKeys say where a profile's credentials come from. [default] lends
// every other key (region, mfa_serial, …) to every profile, as the original
// aws-vault does, but not these: a credential_process or role_arn in
// [default] describes the default profile, and copying it into every other
// profile would silently change whose credentials they use. A profile that
// wants them names them itself or with include_profile.
var sourceKeys = map[string]bool{
	"role_arn": true, "source_profile": true, "external_id": true, "credential_process": true,
	"web_identity_token_file": true, "web_identity_token_process": true,
	"sso_session": true, "sso_start_url": true, "sso_account_id": true, "sso_role_name": true,
}

// Resolve loads profile name with its whole source_profile chain.
func (r *Resolver) Resolve(name string) (*Profile, error) {
	p, err := r.resolve(name, name, nil)
	if ferr := r.File.Err(); ferr != nil {
		return nil, ferr
	}
	return p, err
}

func (r *Resolver) resolve(name, active string, sourceSeen []string) (*Profile, error) {
	for _, s := range sourceSeen {
		if s == name {
			return nil, fmt.Errorf("profile %q in %s: source_profile loop: %s", sourceSeen[0], r.File.Path, strings.Join(append(sourceSeen, name), " -> "))
		}
	}
	sourceSeen = append(sourceSeen, name)
	if !r.File.HasProfile(name) && name != defaultSection && !(r.Stored != nil && r.Stored(name)) {
		if len(sourceSeen) > 1 {
			return nil, fmt.Errorf("profile %q in %s: source_profile %q is not defined%s", sourceSeen[len(sourceSeen)-2], r.File.Path, name, r.suggest(name))
		}
		return nil, &UnknownProfileError{Name: name, File: r.File.Path, Suggestions: r.suggestions(name)}
	}

	merged, err := r.merge(name)
	if err != nil {
		return nil, err
	}
	p := &Profile{Name: name, File: r.File.Path}
	if err := r.applyEnv(p, name == active); err != nil {
		return nil, err
	}
	for k, v := range merged {
		if set := stringKeys[k]; set != nil && *set(p) == "" {
			*set(p) = v
		}
	}
	if err := r.parseComplex(p, merged); err != nil {
		return nil, err
	}
	if p.SSOSession != "" {
		if err := r.applySSOSession(p); err != nil {
			return nil, err
		}
	}
	// A profile naming itself as source_profile uses its own stored
	// credentials (the "parent" style of include_profile relies on this).
	if p.SourceProfileName == name {
		p.SourceProfileName = ""
	}
	if p.SourceProfileName != "" {
		src, err := r.resolve(p.SourceProfileName, active, sourceSeen)
		if err != nil {
			return nil, err
		}
		p.SourceProfile = src
	}
	return p, nil
}

// merge walks include_profile (or the old parent_profile) and finally
// [default], the first value found for a key winning.
func (r *Resolver) merge(name string) (map[string]string, error) {
	merged := map[string]string{}
	var seen []string
	for cur := name; cur != ""; {
		for _, s := range seen {
			if s == cur {
				return nil, fmt.Errorf("profile %q in %s: include_profile loop: %s", name, r.File.Path, strings.Join(append(seen, cur), " -> "))
			}
		}
		seen = append(seen, cur)
		sec, ok := r.File.section(profileSection, cur)
		if !ok {
			if cur == defaultSection {
				break
			}
			if len(seen) == 1 {
				// A profile without a section (a stored key): [default].
				cur = defaultSection
				continue
			}
			return nil, fmt.Errorf("profile %q in %s: include_profile %q is not defined%s", seen[len(seen)-2], r.File.Path, cur, r.suggest(cur))
		}
		for _, k := range sec.Keys() {
			key := strings.ToLower(k.Name())
			if _, known := stringKeys[key]; !known {
				continue
			}
			if cur == defaultSection && name != defaultSection && sourceKeys[key] {
				continue
			}
			if _, set := merged[key]; !set {
				merged[key] = strings.TrimSpace(k.String())
			}
		}
		next := ""
		if v, ok := r.File.get(cur, "include_profile"); ok && strings.TrimSpace(v) != "" {
			next = strings.TrimSpace(v)
		} else if v, ok := r.File.get(cur, "parent_profile"); ok && strings.TrimSpace(v) != "" {
			next = strings.TrimSpace(v)
		} else if cur != defaultSection {
			next = defaultSection
		}
		cur = next
	}
	return merged, nil
}

func (r *Resolver) parseComplex(p *Profile, merged map[string]string) error {
	where := func(key string) string {
		return fmt.Sprintf("profile %q in %s: %s", p.Name, r.File.Path, key)
	}
	if v := merged["duration_seconds"]; v != "" && p.AssumeRoleDuration == 0 {
		n, err := strconv.ParseUint(v, 10, 32)
		if err != nil || n == 0 {
			return fmt.Errorf("%s: %q is not a whole number of seconds", where("duration_seconds"), v)
		}
		p.AssumeRoleDuration = time.Duration(n) * time.Second
	}
	if v := merged["session_tags"]; v != "" && p.SessionTags == nil {
		tags, err := parseSessionTags(v)
		if err != nil {
			return fmt.Errorf("%s: %w", where("session_tags"), err)
		}
		p.SessionTags = tags
	}
	if v := merged["transitive_session_tags"]; v != "" && p.TransitiveSessionTags == nil {
		p.TransitiveSessionTags = parseTagKeys(v)
	}
	switch strings.ToLower(p.STSRegionalEndpoints) {
	case "", "regional", "legacy":
		p.STSRegionalEndpoints = strings.ToLower(p.STSRegionalEndpoints)
	default:
		return fmt.Errorf("%s: %q must be \"regional\" or \"legacy\"", where("sts_regional_endpoints"), p.STSRegionalEndpoints)
	}
	return nil
}

func (r *Resolver) applySSOSession(p *Profile) error {
	keys, ok := r.File.SSOSession(p.SSOSession)
	if !ok {
		return fmt.Errorf("profile %q in %s: sso_session %q has no [sso-session %s] section", p.Name, r.File.Path, p.SSOSession, p.SSOSession)
	}
	for k, dst := range map[string]*string{
		"sso_start_url":           &p.SSOStartURL,
		"sso_region":              &p.SSORegion,
		"sso_registration_scopes": &p.SSORegistrationScopes,
	} {
		v := strings.TrimSpace(keys[k])
		if *dst != "" && v != "" && *dst != v {
			return fmt.Errorf("profile %q in %s: %s %q differs from %q in [sso-session %s]", p.Name, r.File.Path, k, *dst, v, p.SSOSession)
		}
		if *dst == "" {
			*dst = v
		}
	}
	return nil
}

// applyEnv sets the values that environment variables override; they win
// over the file because they are applied first and merging only fills gaps.
func (r *Resolver) applyEnv(p *Profile, active bool) error {
	get := r.Env
	if get == nil {
		get = func(string) string { return "" }
	}
	if v := get("AWS_REGION"); v != "" {
		p.Region = v
	} else if v := get("AWS_DEFAULT_REGION"); v != "" {
		p.Region = v
	}
	p.STSRegionalEndpoints = get("AWS_STS_REGIONAL_ENDPOINTS")
	p.MfaSerial = get("AWS_MFA_SERIAL")
	// The role's variables speak of the profile asked for, not of the
	// profiles it sources credentials from, as in the original.
	if !active {
		return nil
	}
	p.RoleARN = get("AWS_ROLE_ARN")
	p.RoleSessionName = get("AWS_ROLE_SESSION_NAME")
	p.SourceIdentity = get("AWS_SOURCE_IDENTITY")
	if v := get("AWS_SESSION_TAGS"); v != "" {
		tags, err := parseSessionTags(v)
		if err != nil {
			return fmt.Errorf("AWS_SESSION_TAGS: %w", err)
		}
		p.SessionTags = tags
	}
	if v := get("AWS_TRANSITIVE_TAGS"); v != "" {
		p.TransitiveSessionTags = parseTagKeys(v)
	}
	return nil
}

// parseSessionTags reads session_tags (and AWS_SESSION_TAGS):
// "k1=v1,k2=v2", white space around keys and values ignored. No pairs at
// all is nil, so that the next source of tags applies.
func parseSessionTags(v string) (map[string]string, error) {
	var tags map[string]string
	for _, pair := range strings.Split(v, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		k, val, ok := strings.Cut(pair, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("%q is not key=value", pair)
		}
		if tags == nil {
			tags = map[string]string{}
		}
		tags[k] = strings.TrimSpace(val)
	}
	return tags, nil
}

// parseTagKeys reads transitive_session_tags (and AWS_TRANSITIVE_TAGS):
// "k1,k2", sorted.
func parseTagKeys(v string) []string {
	var keys []string
	for _, k := range strings.Split(v, ",") {
		if k = strings.TrimSpace(k); k != "" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// UnknownProfileError is returned for a profile the config does not define.
type UnknownProfileError struct {
	Name        string
	File        string
	Suggestions []string
}

func (e *UnknownProfileError) Error() string {
	msg := fmt.Sprintf("profile %q is not defined in %s", e.Name, e.File)
	if len(e.Suggestions) > 0 {
		msg += "; did you mean " + quoteList(e.Suggestions) + "?"
	}
	return msg
}

func (r *Resolver) suggest(name string) string {
	if s := r.suggestions(name); len(s) > 0 {
		return "; did you mean " + quoteList(s) + "?"
	}
	return ""
}

func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// suggestions returns up to three profile names close to name.
func (r *Resolver) suggestions(name string) []string {
	type cand struct {
		name string
		d    int
	}
	var cs []cand
	lname := strings.ToLower(name)
	for _, n := range r.File.ProfileNames() {
		ln := strings.ToLower(n)
		d := levenshtein(lname, ln)
		limit := max(2, len(name)/3)
		if d <= limit || (len(lname) >= 3 && (strings.HasPrefix(ln, lname) || strings.Contains(ln, lname))) {
			cs = append(cs, cand{n, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].d < cs[j].d })
	var out []string
	for i := 0; i < len(cs) && i < 3; i++ {
		out = append(out, cs[i].name)
	}
	return out
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
