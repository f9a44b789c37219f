package awsfake

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

func iamClient(srv *Server, creds aws.CredentialsProvider) *iam.Client {
	return iam.NewFromConfig(aws.Config{Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(srv.URL())})
}

func TestIAMGetUser(t *testing.T) {
	srv := newTestServer(t)
	ctx := context.Background()

	out, err := iamClient(srv, static(aliceKey, aliceSecret, "")).GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	u := out.User
	if aws.ToString(u.UserName) != "alice" || aws.ToString(u.Arn) != aliceARN || aws.ToString(u.Path) != "/" ||
		!strings.HasPrefix(aws.ToString(u.UserId), "AIDA") || u.CreateDate == nil || !u.CreateDate.Equal(t0) {
		t.Errorf("user %+v", u)
	}
	if c := lastCall(t, srv); c.Service != "iam" || c.Action != "GetUser" || c.Principal != aliceARN || c.AccessKeyID != aliceKey {
		t.Errorf("call %+v", c)
	}

	t.Run("by name, of itself", func(t *testing.T) {
		out, err := iamClient(srv, static(aliceKey, aliceSecret, "")).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
		if err != nil || aws.ToString(out.User.Arn) != aliceARN {
			t.Fatalf("%v %+v", err, out)
		}
	})
	t.Run("another user is refused", func(t *testing.T) {
		_, err := iamClient(srv, static(aliceKey, aliceSecret, "")).GetUser(ctx, &iam.GetUserInput{UserName: aws.String("bob")})
		wantAPIError(t, err, "AccessDenied", 403)
	})
	t.Run("session token without MFA cannot call IAM", func(t *testing.T) {
		st, err := alice(srv).GetSessionToken(ctx, &sts.GetSessionTokenInput{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = iamClient(srv, fromSTS(st.Credentials)).GetUser(ctx, &iam.GetUserInput{})
		wantAPIError(t, err, "InvalidClientTokenId", 403)
	})
	t.Run("session token with MFA can", func(t *testing.T) {
		st, err := alice(srv).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
		if err != nil {
			t.Fatal(err)
		}
		out, err := iamClient(srv, fromSTS(st.Credentials)).GetUser(ctx, &iam.GetUserInput{})
		if err != nil || aws.ToString(out.User.UserName) != "alice" {
			t.Fatalf("%v %+v", err, out)
		}
	})
	t.Run("federated users cannot call IAM", func(t *testing.T) {
		ft, err := alice(srv).GetFederationToken(ctx, &sts.GetFederationTokenInput{Name: aws.String("alice")})
		if err != nil {
			t.Fatal(err)
		}
		_, err = iamClient(srv, fromSTS(ft.Credentials)).GetUser(ctx, &iam.GetUserInput{})
		wantAPIError(t, err, "AccessDenied", 403)
	})
	t.Run("a role must name the user", func(t *testing.T) {
		ar, err := alice(srv).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(readerRole), RoleSessionName: aws.String("s1")})
		if err != nil {
			t.Fatal(err)
		}
		c := iamClient(srv, fromSTS(ar.Credentials))
		_, err = c.GetUser(ctx, &iam.GetUserInput{})
		wantAPIError(t, err, "ValidationError", 400)
		// The role's account has no user alice.
		_, err = c.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
		wantAPIError(t, err, "NoSuchEntity", 404)
	})
}

func TestIAMAccessKeyLifecycle(t *testing.T) {
	srv := newTestServer(t)
	ctx := context.Background()
	old := iamClient(srv, static(aliceKey, aliceSecret, ""))

	list := func(c *iam.Client) []string {
		t.Helper()
		out, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range out.AccessKeyMetadata {
			if aws.ToString(m.UserName) != "alice" || m.Status != "Active" || m.CreateDate == nil {
				t.Errorf("metadata %+v", m)
			}
			ids = append(ids, aws.ToString(m.AccessKeyId))
		}
		return ids
	}
	if ids := list(old); len(ids) != 1 || ids[0] != aliceKey {
		t.Fatalf("keys %v", ids)
	}

	created, err := old.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	k := created.AccessKey
	newID, newSecret := aws.ToString(k.AccessKeyId), aws.ToString(k.SecretAccessKey)
	if !strings.HasPrefix(newID, "AKIA") || len(newID) != 20 || len(newSecret) != 40 || aws.ToString(k.UserName) != "alice" || k.Status != "Active" {
		t.Fatalf("created %+v", k)
	}
	for _, c := range srv.Calls() {
		for _, vs := range c.Params {
			for _, v := range vs {
				if strings.Contains(v, newSecret) {
					t.Fatalf("secret recorded in %+v", c)
				}
			}
		}
	}
	if got := srv.AccessKeys(aliceAccount, "alice"); len(got) != 2 {
		t.Fatalf("AccessKeys %v", got)
	}

	// The new key works at once, for STS (with the user's MFA device) and IAM.
	fresh := static(newID, newSecret, "")
	if arn := callerARN(t, stsClient(srv, fresh)); arn != aliceARN {
		t.Errorf("new key is %s", arn)
	}
	if _, err := stsClient(srv, fresh).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)}); err != nil {
		t.Errorf("MFA with the new key: %v", err)
	}
	newIAM := iamClient(srv, fresh)
	if ids := list(newIAM); len(ids) != 2 {
		t.Fatalf("keys %v", ids)
	}

	t.Run("a third key exceeds the quota", func(t *testing.T) {
		_, err := newIAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("alice")})
		wantAPIError(t, err, "LimitExceeded", 409)
	})
	t.Run("another user's key cannot be deleted", func(t *testing.T) {
		_, err := newIAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(bobKey)})
		wantAPIError(t, err, "NoSuchEntity", 404)
		_, err = newIAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(bobKey), UserName: aws.String("bob")})
		wantAPIError(t, err, "AccessDenied", 403)
		if arn := callerARN(t, stsClient(srv, static(bobKey, bobSecret, ""))); !strings.HasSuffix(arn, ":user/bob") {
			t.Errorf("bob is %s", arn)
		}
	})

	if _, err := newIAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(aliceKey)}); err != nil {
		t.Fatal(err)
	}
	if c := lastCall(t, srv); c.Action != "DeleteAccessKey" || c.Params.Get("AccessKeyId") != aliceKey {
		t.Errorf("call %+v", c)
	}
	// The deleted key stops working; the new one goes on.
	_, err = stsClient(srv, static(aliceKey, aliceSecret, "")).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", 403)
	if ids := list(newIAM); len(ids) != 1 || ids[0] != newID {
		t.Fatalf("keys %v", ids)
	}
	_, err = newIAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(aliceKey)})
	wantAPIError(t, err, "NoSuchEntity", 404)

	t.Run("FailNext", func(t *testing.T) {
		srv.FailNext("CreateAccessKey", "ServiceFailure", 400)
		_, err := newIAM.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
		wantAPIError(t, err, "ServiceFailure", 400)
		if got := srv.AccessKeys(aliceAccount, "alice"); len(got) != 1 {
			t.Errorf("keys after a failed create: %v", got)
		}
		if msg := wantAPIError(t, err, "ServiceFailure", 400).ErrorMessage(); msg != "injected failure" {
			t.Errorf("message %q", msg)
		}
		srv.FailNextMessage("DeleteAccessKey", "AccessDenied", "not <you>", 403)
		_, err = newIAM.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(newID)})
		if msg := wantAPIError(t, err, "AccessDenied", 403).ErrorMessage(); msg != "not <you>" {
			t.Errorf("message %q", msg)
		}
	})
}

func TestIAMKeysOfSessionWhoseKeyWasDeleted(t *testing.T) {
	srv := newTestServer(t)
	ctx := context.Background()
	st, err := alice(srv).GetSessionToken(ctx, &sts.GetSessionTokenInput{SerialNumber: aws.String(aliceSerial), TokenCode: aws.String(aliceCode)})
	if err != nil {
		t.Fatal(err)
	}
	sess := iamClient(srv, fromSTS(st.Credentials))
	created, err := sess.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sess.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{AccessKeyId: aws.String(aliceKey)}); err != nil {
		t.Fatal(err)
	}
	// The session outlives the key it came from, and still acts as alice.
	out, err := sess.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.AccessKeyMetadata) != 1 || aws.ToString(out.AccessKeyMetadata[0].AccessKeyId) != aws.ToString(created.AccessKey.AccessKeyId) {
		t.Errorf("keys %+v", out.AccessKeyMetadata)
	}
}
