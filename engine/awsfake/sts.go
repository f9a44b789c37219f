package awsfake

import (
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// STS, API version 2011-06-15.
func init() {
	registerService(&service{
		name:      "sts",
		version:   "2011-06-15",
		namespace: "https://sts.amazonaws.com/doc/2011-06-15/",
		actions: map[string]handlerFunc{
			"GetCallerIdentity":         stsGetCallerIdentity,
			"GetSessionToken":           stsGetSessionToken,
			"AssumeRole":                stsAssumeRole,
			"AssumeRoleWithWebIdentity": stsAssumeRoleWithWebIdentity,
			"GetFederationToken":        stsGetFederationToken,
		},
		unsigned: map[string]bool{
			"AssumeRoleWithWebIdentity": true,
		},
	})
}

// Limits of the STS API.
const (
	roleChainingLimit      = time.Hour
	maxAssumeRoleDuration  = 12 * time.Hour
	maxUserSessionDuration = 36 * time.Hour
	minSessionDuration     = 15 * time.Minute
	maxPackedBytes         = 2048
	maxSessionTags         = 50
)

// XML shapes of STS results. Field order follows real STS responses.

type stsCredentials struct {
	AccessKeyID     string `xml:"AccessKeyId"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	SessionToken    string `xml:"SessionToken"`
	Expiration      string `xml:"Expiration"`
}

func credentialsOf(p *principal) stsCredentials {
	return stsCredentials{
		AccessKeyID:     p.accessKeyID,
		SecretAccessKey: p.secretAccessKey,
		SessionToken:    p.sessionToken,
		Expiration:      p.expires.UTC().Format(time.RFC3339),
	}
}

type stsAssumedRoleUser struct {
	AssumedRoleID string `xml:"AssumedRoleId"`
	Arn           string `xml:"Arn"`
}

type stsGetCallerIdentityResult struct {
	Arn     string `xml:"Arn"`
	UserID  string `xml:"UserId"`
	Account string `xml:"Account"`
}

type stsGetSessionTokenResult struct {
	Credentials stsCredentials `xml:"Credentials"`
}

type stsAssumeRoleResult struct {
	Credentials      stsCredentials     `xml:"Credentials"`
	AssumedRoleUser  stsAssumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize *int               `xml:"PackedPolicySize,omitempty"`
	SourceIdentity   string             `xml:"SourceIdentity,omitempty"`
}

type stsAssumeRoleWithWebIdentityResult struct {
	Credentials                 stsCredentials     `xml:"Credentials"`
	SubjectFromWebIdentityToken string             `xml:"SubjectFromWebIdentityToken,omitempty"`
	AssumedRoleUser             stsAssumedRoleUser `xml:"AssumedRoleUser"`
	PackedPolicySize            *int               `xml:"PackedPolicySize,omitempty"`
	Provider                    string             `xml:"Provider,omitempty"`
	Audience                    string             `xml:"Audience,omitempty"`
}

type stsFederatedUser struct {
	FederatedUserID string `xml:"FederatedUserId"`
	Arn             string `xml:"Arn"`
}

type stsGetFederationTokenResult struct {
	Credentials      stsCredentials   `xml:"Credentials"`
	FederatedUser    stsFederatedUser `xml:"FederatedUser"`
	PackedPolicySize *int             `xml:"PackedPolicySize,omitempty"`
}

// --- Errors ---

func validationError(format string, args ...any) *apiError {
	return &apiError{Status: 400, Code: "ValidationError", Message: fmt.Sprintf(format, args...)}
}

func constraintError(value, field, constraint string) *apiError {
	return validationError("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: %s", value, field, constraint)
}

func missingParam(field string) *apiError {
	return validationError("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", field)
}

func accessDenied(message string) *apiError {
	return &apiError{Status: 403, Code: "AccessDenied", Message: message}
}

func notAuthorized(callerARN, action, resource string) *apiError {
	return accessDenied(fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s", callerARN, action, resource))
}

// --- Parameter helpers ---

var namePattern = regexp.MustCompile(`^[\w+=,.@-]*$`)

// nameParam checks a required identifier parameter such as RoleSessionName.
func nameParam(rc *requestContext, param, field string, minLen, maxLen int) (string, *apiError) {
	if !rc.params.Has(param) {
		return "", missingParam(field)
	}
	v := rc.params.Get(param)
	switch {
	case len(v) < minLen:
		return "", constraintError(v, field, fmt.Sprintf("Member must have length greater than or equal to %d", minLen))
	case len(v) > maxLen:
		return "", constraintError(v, field, fmt.Sprintf("Member must have length less than or equal to %d", maxLen))
	case !namePattern.MatchString(v):
		return "", constraintError(v, field, `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
	}
	return v, nil
}

// durationParam reads DurationSeconds within [min, max], or def if absent.
func durationParam(rc *requestContext, min, max, def time.Duration) (time.Duration, *apiError) {
	if !rc.params.Has("DurationSeconds") {
		return def, nil
	}
	raw := rc.params.Get("DurationSeconds")
	n, err := strconv.Atoi(raw)
	if err != nil {
		return 0, &apiError{Status: 400, Code: "MalformedInput", Message: "Invalid value for DurationSeconds: " + raw}
	}
	d := time.Duration(n) * time.Second
	if d < min {
		return 0, constraintError(raw, "durationSeconds", fmt.Sprintf("Member must have value greater than or equal to %d", int(min.Seconds())))
	}
	if d > max {
		return 0, constraintError(raw, "durationSeconds", fmt.Sprintf("Member must have value less than or equal to %d", int(max.Seconds())))
	}
	return d, nil
}

// policyParam checks the optional inline session Policy.
func policyParam(rc *requestContext) (string, *apiError) {
	policy := rc.params.Get("Policy")
	if policy != "" && !json.Valid([]byte(policy)) {
		return "", &apiError{Status: 400, Code: "MalformedPolicyDocument", Message: "The policy is not in the valid JSON format."}
	}
	return policy, nil
}

type sessionTag struct{ key, value string }

// tagsParam reads Tags.member.N.Key/Value and TransitiveTagKeys.member.N.
func tagsParam(rc *requestContext) ([]sessionTag, []string, *apiError) {
	var tags []sessionTag
	seen := map[string]bool{}
	for n := 1; ; n++ {
		prefix := fmt.Sprintf("Tags.member.%d.", n)
		if !rc.params.Has(prefix+"Key") && !rc.params.Has(prefix+"Value") {
			break
		}
		k, v := rc.params.Get(prefix+"Key"), rc.params.Get(prefix+"Value")
		if k == "" {
			return nil, nil, missingParam(fmt.Sprintf("tags.%d.member.key", n))
		}
		if seen[strings.ToLower(k)] {
			return nil, nil, &apiError{Status: 400, Code: "InvalidParameterValue",
				Message: "Duplicate tag keys found. Please note that Tag keys are case insensitive."}
		}
		seen[strings.ToLower(k)] = true
		tags = append(tags, sessionTag{k, v})
	}
	if len(tags) > maxSessionTags {
		return nil, nil, validationError("1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to %d", maxSessionTags)
	}
	var transitive []string
	for n := 1; ; n++ {
		name := fmt.Sprintf("TransitiveTagKeys.member.%d", n)
		if !rc.params.Has(name) {
			break
		}
		k := rc.params.Get(name)
		if !seen[strings.ToLower(k)] {
			return nil, nil, &apiError{Status: 400, Code: "InvalidParameterValue",
				Message: "The specified transitive tag key must be included in the requested tags."}
		}
		transitive = append(transitive, k)
	}
	return tags, transitive, nil
}

// packedPolicySize returns the percentage of the packed size limit used by
// the session policy and tags, nil if there are neither, or an error when
// over the limit.
func packedPolicySize(policy string, tags []sessionTag) (*int, *apiError) {
	if policy == "" && len(tags) == 0 {
		return nil, nil
	}
	size := len(policy)
	for _, t := range tags {
		size += len(t.key) + len(t.value) + 4
	}
	pct := (size*100 + maxPackedBytes - 1) / maxPackedBytes
	if pct < 1 {
		pct = 1
	}
	if pct > 100 {
		return nil, &apiError{Status: 400, Code: "PackedPolicyTooLarge",
			Message: fmt.Sprintf("Packed policy consumes %d%% of allotted space, please use smaller policy for session.", pct)}
	}
	return &pct, nil
}

// checkMFA validates an MFA device serial number and one-time code against
// the long-term user at the root of the caller's credentials.
func (s *Server) checkMFA(caller *principal, serial, code string) *apiError {
	var root *User
	if caller != nil {
		root = s.users[caller.rootKey]
	}
	if root == nil || root.MFASerial == "" || serial != root.MFASerial {
		return accessDenied("MultiFactorAuthentication failed, unable to validate MFA code. Please verify your MFA serial number is valid and associated with this user.")
	}
	if code == "" || subtle.ConstantTimeCompare([]byte(code), []byte(root.MFACode)) != 1 {
		return accessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code.")
	}
	return nil
}

// roleARNParts returns the partition, account and name of a role ARN
// (arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME).
func roleARNParts(arn string) (partition, account, name string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 {
		return "aws", "", arn
	}
	resource := parts[5]
	return parts[1], parts[4], resource[strings.LastIndex(resource, "/")+1:]
}

// newRoleSession issues credentials for a session of role.
func (s *Server) newRoleSession(rc *requestContext, role *Role, sessionName string, d time.Duration) *principal {
	partition, account, roleName := roleARNParts(role.ARN)
	return s.issue(&principal{
		kind:    kindRoleSession,
		account: account,
		arn:     fmt.Sprintf("arn:%s:sts::%s:assumed-role/%s/%s", partition, account, roleName, sessionName),
		userID:  uniqueID("AROA", role.ARN) + ":" + sessionName,
	}, rc.now, d)
}

func assumedRoleUserOf(p *principal) stsAssumedRoleUser {
	return stsAssumedRoleUser{AssumedRoleID: p.userID, Arn: p.arn}
}

// --- Actions ---

func stsGetCallerIdentity(rc *requestContext) (any, *apiError) {
	c := rc.caller
	return stsGetCallerIdentityResult{Arn: c.arn, UserID: c.userID, Account: c.account}, nil
}

func stsGetSessionToken(rc *requestContext) (any, *apiError) {
	s, caller := rc.server, rc.caller
	if caller.kind != kindUser {
		return nil, accessDenied("Cannot call GetSessionToken with session credentials")
	}
	d, err := durationParam(rc, minSessionDuration, maxUserSessionDuration, 12*time.Hour)
	if err != nil {
		return nil, err
	}
	mfa := false
	if serial, code := rc.params.Get("SerialNumber"), rc.params.Get("TokenCode"); serial != "" || code != "" {
		if err := s.checkMFA(caller, serial, code); err != nil {
			return nil, err
		}
		mfa = true
	}
	sess := s.issue(&principal{
		kind:    kindSessionToken,
		account: caller.account,
		arn:     caller.arn,
		userID:  caller.userID,
		rootKey: caller.rootKey,
		mfa:     mfa,
	}, rc.now, d)
	return stsGetSessionTokenResult{Credentials: credentialsOf(sess)}, nil
}

func stsAssumeRole(rc *requestContext) (any, *apiError) {
	s, caller, p := rc.server, rc.caller, rc.params
	if !p.Has("RoleArn") {
		return nil, missingParam("roleArn")
	}
	roleARN := p.Get("RoleArn")
	sessionName, err := nameParam(rc, "RoleSessionName", "roleSessionName", 2, 64)
	if err != nil {
		return nil, err
	}
	d, err := durationParam(rc, minSessionDuration, maxAssumeRoleDuration, time.Hour)
	if err != nil {
		return nil, err
	}
	policy, err := policyParam(rc)
	if err != nil {
		return nil, err
	}
	tags, _, err := tagsParam(rc)
	if err != nil {
		return nil, err
	}
	sourceIdentity := p.Get("SourceIdentity")
	if p.Has("SourceIdentity") {
		if sourceIdentity, err = nameParam(rc, "SourceIdentity", "sourceIdentity", 2, 64); err != nil {
			return nil, err
		}
		if strings.HasPrefix(strings.ToLower(sourceIdentity), "aws:") {
			return nil, constraintError(sourceIdentity, "sourceIdentity", "Member must not start with 'aws:'")
		}
	}

	role := s.roles[roleARN]
	if role == nil || caller.kind == kindFederated {
		return nil, notAuthorized(caller.arn, "sts:AssumeRole", roleARN)
	}
	if role.RequireExternalID != "" &&
		subtle.ConstantTimeCompare([]byte(p.Get("ExternalId")), []byte(role.RequireExternalID)) != 1 {
		return nil, notAuthorized(caller.arn, "sts:AssumeRole", roleARN)
	}
	mfa := caller.mfa
	if serial, code := p.Get("SerialNumber"), p.Get("TokenCode"); serial != "" || code != "" {
		if err := s.checkMFA(caller, serial, code); err != nil {
			return nil, err
		}
		mfa = true
	}
	if role.RequireMFA && !mfa {
		return nil, notAuthorized(caller.arn, "sts:AssumeRole", roleARN)
	}
	if caller.kind == kindRoleSession && d > roleChainingLimit {
		return nil, validationError("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	if d > role.MaxSessionDuration {
		return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if caller.sourceIdentity != "" {
		if sourceIdentity != "" && sourceIdentity != caller.sourceIdentity {
			return nil, accessDenied("SourceIdentity cannot be changed once set for a role session.")
		}
		sourceIdentity = caller.sourceIdentity
	}
	packed, err := packedPolicySize(policy, tags)
	if err != nil {
		return nil, err
	}

	sess := s.newRoleSession(rc, role, sessionName, d)
	sess.rootKey = caller.rootKey
	sess.mfa = mfa
	sess.sourceIdentity = sourceIdentity
	return stsAssumeRoleResult{
		Credentials:      credentialsOf(sess),
		AssumedRoleUser:  assumedRoleUserOf(sess),
		PackedPolicySize: packed,
		SourceIdentity:   sourceIdentity,
	}, nil
}

func stsAssumeRoleWithWebIdentity(rc *requestContext) (any, *apiError) {
	s, p := rc.server, rc.params
	if !p.Has("RoleArn") {
		return nil, missingParam("roleArn")
	}
	roleARN := p.Get("RoleArn")
	sessionName, err := nameParam(rc, "RoleSessionName", "roleSessionName", 2, 64)
	if err != nil {
		return nil, err
	}
	if !p.Has("WebIdentityToken") {
		return nil, missingParam("webIdentityToken")
	}
	token := p.Get("WebIdentityToken")
	if len(token) < 4 {
		return nil, constraintError("REDACTED", "webIdentityToken", "Member must have length greater than or equal to 4")
	}
	d, err := durationParam(rc, minSessionDuration, maxAssumeRoleDuration, time.Hour)
	if err != nil {
		return nil, err
	}
	policy, err := policyParam(rc)
	if err != nil {
		return nil, err
	}

	role := s.roles[roleARN]
	if role == nil || role.TrustWebIdentityToken == "" {
		return nil, accessDenied("Not authorized to perform sts:AssumeRoleWithWebIdentity")
	}
	if subtle.ConstantTimeCompare([]byte(token), []byte(role.TrustWebIdentityToken)) != 1 {
		return nil, &apiError{Status: 400, Code: "InvalidIdentityToken",
			Message: "Couldn't verify the web identity token: it is not trusted by the role."}
	}
	if d > role.MaxSessionDuration {
		return nil, validationError("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	packed, err := packedPolicySize(policy, nil)
	if err != nil {
		return nil, err
	}

	sess := s.newRoleSession(rc, role, sessionName, d)
	rc.principal = sess.arn
	claims := jwtClaims(token)
	provider := claims.Issuer
	if provider == "" {
		provider = p.Get("ProviderId")
	}
	return stsAssumeRoleWithWebIdentityResult{
		Credentials:                 credentialsOf(sess),
		SubjectFromWebIdentityToken: claims.Subject,
		AssumedRoleUser:             assumedRoleUserOf(sess),
		PackedPolicySize:            packed,
		Provider:                    provider,
		Audience:                    claims.audience(),
	}, nil
}

type webIdentityClaims struct {
	Subject  string          `json:"sub"`
	Issuer   string          `json:"iss"`
	Audience json.RawMessage `json:"aud"`
}

func (c webIdentityClaims) audience() string {
	var one string
	if json.Unmarshal(c.Audience, &one) == nil {
		return one
	}
	var many []string
	if json.Unmarshal(c.Audience, &many) == nil && len(many) > 0 {
		return many[0]
	}
	return ""
}

// jwtClaims decodes, without verifying, the claims of a JWT; the zero value
// if token is not one. The role's trusted token is the only check made.
func jwtClaims(token string) webIdentityClaims {
	var c webIdentityClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return c
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return c
	}
	_ = json.Unmarshal(payload, &c)
	return c
}

func stsGetFederationToken(rc *requestContext) (any, *apiError) {
	s, caller := rc.server, rc.caller
	if caller.kind != kindUser {
		return nil, accessDenied("Cannot call GetFederationToken with session credentials")
	}
	name, err := nameParam(rc, "Name", "name", 2, 32)
	if err != nil {
		return nil, err
	}
	d, err := durationParam(rc, minSessionDuration, maxUserSessionDuration, 12*time.Hour)
	if err != nil {
		return nil, err
	}
	policy, err := policyParam(rc)
	if err != nil {
		return nil, err
	}
	tags, _, err := tagsParam(rc)
	if err != nil {
		return nil, err
	}
	packed, err := packedPolicySize(policy, tags)
	if err != nil {
		return nil, err
	}
	partition, _, _ := roleARNParts(caller.arn)
	sess := s.issue(&principal{
		kind:    kindFederated,
		account: caller.account,
		arn:     fmt.Sprintf("arn:%s:sts::%s:federated-user/%s", partition, caller.account, name),
		userID:  caller.account + ":" + name,
		rootKey: caller.rootKey,
	}, rc.now, d)
	return stsGetFederationTokenResult{
		Credentials:      credentialsOf(sess),
		FederatedUser:    stsFederatedUser{FederatedUserID: sess.userID, Arn: sess.arn},
		PackedPolicySize: packed,
	}, nil
}
