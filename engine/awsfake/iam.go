package awsfake

import (
	"fmt"
	"sort"
	"time"
)

// IAM, API version 2010-05-08. Requests whose SigV4 credential scope names
// the "iam" service are routed here.
//
// The fake knows only the access keys of its users (see User): a user is
// every User entry sharing AccountID and Name, one entry per access key.
// CreateAccessKey adds an entry (a copy of the user with a new key), so the
// new key signs STS and IAM requests at once; DeleteAccessKey removes one,
// so the deleted key stops working at once (temporary credentials issued
// from it keep working until they expire).
//
// Permissions are simple: a user manages itself (UserName omitted or its
// own); a role session may manage the users of its own account; credentials
// from GetSessionToken may call IAM only when MFA was presented (as in
// AWS), and federated users not at all.
func init() {
	registerService(&service{
		name:      "iam",
		version:   "2010-05-08",
		namespace: "https://iam.amazonaws.com/doc/2010-05-08/",
		actions: map[string]handlerFunc{
			"GetUser":         iamGetUser,
			"ListAccessKeys":  iamListAccessKeys,
			"CreateAccessKey": iamCreateAccessKey,
			"DeleteAccessKey": iamDeleteAccessKey,
		},
	})
}

// MaxAccessKeysPerUser is AWS's quota of access keys per IAM user.
const MaxAccessKeysPerUser = 2

// iamState is what IAM remembers beyond the users themselves. The zero
// value is ready; it is guarded by Server.mu.
type iamState struct {
	created map[string]time.Time // creation time by access key id or user ARN
}

// createdAt returns when key (an access key id or user ARN) was created,
// taking now for the ones the server was given rather than created.
func (st *iamState) createdAt(key string, now time.Time) time.Time {
	if st.created == nil {
		st.created = map[string]time.Time{}
	}
	t, ok := st.created[key]
	if !ok {
		t = now.Truncate(time.Second)
		st.created[key] = t
	}
	return t
}

// AccessKeys returns the access key ids of the user NAME in ACCOUNT,
// sorted.
func (s *Server) AccessKeys(account, name string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, u := range s.userKeys(account, name) {
		ids = append(ids, u.AccessKeyID)
	}
	return ids
}

// userKeys returns the entries of one user, sorted by access key id. The
// caller holds s.mu.
func (s *Server) userKeys(account, name string) []*User {
	var out []*User
	for _, u := range s.users {
		if u.AccountID == account && u.Name == name {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].AccessKeyID < out[j].AccessKeyID })
	return out
}

// --- XML shapes ---

type iamUser struct {
	Path       string `xml:"Path"`
	UserName   string `xml:"UserName"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

type iamGetUserResult struct {
	User iamUser `xml:"User"`
}

type iamAccessKeyMetadata struct {
	UserName    string `xml:"UserName"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate"`
}

type iamListAccessKeysResult struct {
	AccessKeyMetadata []iamAccessKeyMetadata `xml:"AccessKeyMetadata>member"`
	IsTruncated       bool                   `xml:"IsTruncated"`
}

type iamAccessKey struct {
	UserName        string `xml:"UserName"`
	AccessKeyID     string `xml:"AccessKeyId"`
	Status          string `xml:"Status"`
	SecretAccessKey string `xml:"SecretAccessKey"`
	CreateDate      string `xml:"CreateDate"`
}

type iamCreateAccessKeyResult struct {
	AccessKey iamAccessKey `xml:"AccessKey"`
}

// --- Errors ---

func noSuchEntity(message string) *apiError {
	return &apiError{Status: 404, Code: "NoSuchEntity", Message: message}
}

// --- Helpers ---

func iamTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// iamTarget authorizes an IAM call about the user named by the UserName
// parameter (the caller itself when omitted) and returns that user's key
// entries, at least one.
func iamTarget(rc *requestContext, action string) (name string, keys []*User, err *apiError) {
	s, caller := rc.server, rc.caller
	switch caller.kind {
	case kindSessionToken:
		if !caller.mfa {
			// What IAM answers to GetSessionToken credentials without MFA.
			return "", nil, invalidClientTokenID()
		}
	case kindFederated:
		return "", nil, accessDenied(fmt.Sprintf("User: %s is not authorized to perform: iam:%s because federated users cannot call IAM", caller.arn, action))
	}

	partition, _, _ := roleARNParts(caller.arn)
	self := ""
	if caller.kind == kindUser || caller.kind == kindSessionToken {
		if root := s.users[caller.rootKey]; root != nil {
			self = root.Name
		} else {
			// The key below this session was deleted; the session
			// still names its user.
			self = lastPathPart(caller.arn)
		}
	}
	name = self
	if rc.params.Has("UserName") {
		if name, err = nameParam(rc, "UserName", "userName", 1, 128); err != nil {
			return "", nil, err
		}
	}
	if name == "" {
		return "", nil, validationError("Must specify userName when calling with non-User credentials")
	}
	resource := fmt.Sprintf("arn:%s:iam::%s:user/%s", partition, caller.account, name)
	if self != "" && name != self {
		return "", nil, notAuthorized(caller.arn, "iam:"+action, resource)
	}
	keys = s.userKeys(caller.account, name)
	if len(keys) == 0 {
		return "", nil, noSuchEntity(fmt.Sprintf("The user with name %s cannot be found.", name))
	}
	return name, keys, nil
}

func lastPathPart(arn string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	return arn
}

// --- Actions ---

func iamGetUser(rc *requestContext) (any, *apiError) {
	_, keys, err := iamTarget(rc, "GetUser")
	if err != nil {
		return nil, err
	}
	u := keys[0]
	return iamGetUserResult{User: iamUser{
		Path:       "/",
		UserName:   u.Name,
		UserID:     uniqueID("AIDA", u.ARN()),
		Arn:        u.ARN(),
		CreateDate: iamTime(rc.server.iam.createdAt(u.ARN(), rc.now)),
	}}, nil
}

func iamListAccessKeys(rc *requestContext) (any, *apiError) {
	_, keys, err := iamTarget(rc, "ListAccessKeys")
	if err != nil {
		return nil, err
	}
	st := &rc.server.iam
	out := iamListAccessKeysResult{AccessKeyMetadata: []iamAccessKeyMetadata{}}
	for _, u := range keys {
		out.AccessKeyMetadata = append(out.AccessKeyMetadata, iamAccessKeyMetadata{
			UserName:    u.Name,
			AccessKeyID: u.AccessKeyID,
			Status:      "Active",
			CreateDate:  iamTime(st.createdAt(u.AccessKeyID, rc.now)),
		})
	}
	return out, nil
}

func iamCreateAccessKey(rc *requestContext) (any, *apiError) {
	s := rc.server
	_, keys, err := iamTarget(rc, "CreateAccessKey")
	if err != nil {
		return nil, err
	}
	if len(keys) >= MaxAccessKeysPerUser {
		return nil, &apiError{Status: 409, Code: "LimitExceeded",
			Message: fmt.Sprintf("Cannot exceed quota for AccessKeysPerUser: %d", MaxAccessKeysPerUser)}
	}
	u := *keys[0]
	for {
		u.AccessKeyID = "AKIA" + randomString(upperAlnum, 16)
		if _, taken := s.users[u.AccessKeyID]; !taken {
			break
		}
	}
	u.SecretAccessKey = randomString(secretAlphabet, 40)
	s.users[u.AccessKeyID] = &u
	created := s.iam.createdAt(u.AccessKeyID, rc.now)
	return iamCreateAccessKeyResult{AccessKey: iamAccessKey{
		UserName:        u.Name,
		AccessKeyID:     u.AccessKeyID,
		Status:          "Active",
		SecretAccessKey: u.SecretAccessKey,
		CreateDate:      iamTime(created),
	}}, nil
}

func iamDeleteAccessKey(rc *requestContext) (any, *apiError) {
	s := rc.server
	if !rc.params.Has("AccessKeyId") {
		return nil, missingParam("accessKeyId")
	}
	id := rc.params.Get("AccessKeyId")
	_, keys, err := iamTarget(rc, "DeleteAccessKey")
	if err != nil {
		return nil, err
	}
	for _, u := range keys {
		if u.AccessKeyID == id {
			delete(s.users, id)
			delete(s.iam.created, id)
			return nil, nil
		}
	}
	return nil, noSuchEntity(fmt.Sprintf("The Access Key with id %s cannot be found.", id))
}
