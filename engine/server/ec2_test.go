package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

func startTestEC2(t *testing.T, src *fakeSource, mod func(*EC2Options)) (*EC2, *logBuffer) {
	t.Helper()
	logs := &logBuffer{}
	o := EC2Options{Options: Options{Source: src.fetch, Now: src.clock.Now, Logf: logs.Logf}, Addr: "127.0.0.1:0", Region: "eu-west-1"}
	if mod != nil {
		mod(&o)
	}
	s, err := StartEC2(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s, logs
}

func TestEC2IMDSv1(t *testing.T) {
	clk := newClock()
	src := &fakeSource{clock: clk, life: time.Hour}
	s, logs := startTestEC2(t, src, nil)
	c := newClient()
	base := "http://" + s.Addr()
	get := func(path, host string) reply {
		t.Helper()
		return do(t, c, "GET", base+path, host, nil)
	}
	for _, host := range []string{"", MetadataIP, MetadataAddr} {
		if r := get("/latest/meta-data/iam/security-credentials/", host); r.status != 200 || r.body != EC2RoleName {
			t.Errorf("host %q: role list: %d %q", host, r.status, r.body)
		}
	}
	r := get("/latest/meta-data/iam/security-credentials/"+EC2RoleName, MetadataIP)
	if r.status != 200 {
		t.Fatalf("credentials: %d %s", r.status, r.body)
	}
	var doc ec2Credentials
	if err := json.Unmarshal([]byte(r.body), &doc); err != nil {
		t.Fatal(err)
	}
	want, _ := (&fakeSource{clock: clk, life: time.Hour}).fetch(context.Background())
	if doc.Code != "Success" || doc.Type != "AWS-HMAC" || doc.AccessKeyID != want.AccessKeyID || doc.SecretAccessKey != want.SecretAccessKey ||
		doc.Token != want.SessionToken || doc.Expiration != want.Expires.UTC().Format(time.RFC3339) || doc.LastUpdated != clk.Now().UTC().Format(time.RFC3339) {
		t.Errorf("credentials document: %+v", doc)
	}
	if r := get("/latest/meta-data/iam/security-credentials/other-role", ""); r.status != 404 {
		t.Errorf("unknown role: %d", r.status)
	}
	if r := get("/latest/meta-data/iam/info", ""); r.status != 200 || !strings.Contains(r.body, `"Code":"Success"`) {
		t.Errorf("iam/info: %d %s", r.status, r.body)
	}
	if r := get("/latest/meta-data/placement/region", ""); r.body != "eu-west-1" {
		t.Errorf("region: %d %s", r.status, r.body)
	}
	if r := get("/latest/dynamic/instance-identity/document", ""); !strings.Contains(r.body, `"region":"eu-west-1"`) {
		t.Errorf("identity document: %d %s", r.status, r.body)
	}
	if r := get("/stop", ""); r.status != 404 {
		t.Errorf("/stop: %d", r.status)
	}
	if r := do(t, c, "POST", base+"/latest/meta-data/iam/security-credentials/"+EC2RoleName, "", nil); r.status != 405 {
		t.Errorf("POST: %d", r.status)
	}
	if n := src.calls.Load(); n != 1 {
		t.Errorf("source calls %d, want 1", n)
	}
	assertNoSecrets(t, "debug log", logs.String(), want.SecretAccessKey, want.SessionToken)
}

func TestEC2IMDSv2(t *testing.T) {
	clk := newClock()
	src := &fakeSource{clock: clk, life: time.Hour}
	s, _ := startTestEC2(t, src, nil)
	c := newClient()
	base := "http://" + s.Addr()
	credsPath := base + "/latest/meta-data/iam/security-credentials/" + EC2RoleName

	r := do(t, c, "PUT", base+"/latest/api/token", MetadataIP, map[string][]string{"X-aws-ec2-metadata-token-ttl-seconds": {"60"}})
	if r.status != 200 || r.body == "" || r.header.Get("X-aws-ec2-metadata-token-ttl-seconds") != "60" {
		t.Fatalf("token: %d %q %v", r.status, r.body, r.header)
	}
	tok := r.body
	withToken := func(tok string) map[string][]string { return map[string][]string{"X-aws-ec2-metadata-token": {tok}} }
	if r := do(t, c, "GET", credsPath, MetadataIP, withToken(tok)); r.status != 200 || !strings.Contains(r.body, `"AccessKeyId"`) {
		t.Errorf("credentials with token: %d %s", r.status, r.body)
	}
	if r := do(t, c, "GET", base+"/latest/meta-data/iam/security-credentials/", MetadataIP, withToken(tok)); r.body != EC2RoleName {
		t.Errorf("role list with token: %d %s", r.status, r.body)
	}
	// After PUT, a request that carries a token must carry a valid one.
	tampered := []byte(tok)
	tampered[len(tampered)-1] ^= 1
	for name, bad := range map[string]string{"wrong": "AQAEAFakeToken", "empty": "", "tampered": string(tampered), "other server's": otherServerToken(t)} {
		if r := do(t, c, "GET", credsPath, MetadataIP, withToken(bad)); r.status != 401 || strings.Contains(r.body, "Secret") {
			t.Errorf("%s token: %d %s", name, r.status, r.body)
		}
	}
	if r := do(t, c, "GET", credsPath, MetadataIP, map[string][]string{"X-aws-ec2-metadata-token": {tok, tok}}); r.status != 401 {
		t.Errorf("two tokens: %d", r.status)
	}
	clk.Add(61 * time.Second)
	if r := do(t, c, "GET", credsPath, MetadataIP, withToken(tok)); r.status != 401 {
		t.Errorf("expired token: %d %s", r.status, r.body)
	}

	for _, ttl := range []string{"", "0", "-1", "21601", "abc", "1.5"} {
		h := map[string][]string{}
		if ttl != "" {
			h["X-aws-ec2-metadata-token-ttl-seconds"] = []string{ttl}
		}
		if r := do(t, c, "PUT", base+"/latest/api/token", MetadataIP, h); r.status != 400 {
			t.Errorf("ttl %q: %d", ttl, r.status)
		}
	}
	if r := do(t, c, "PUT", base+"/latest/api/token", MetadataIP, map[string][]string{"X-aws-ec2-metadata-token-ttl-seconds": {"21600"}}); r.status != 200 {
		t.Errorf("ttl 21600: %d", r.status)
	}
	if r := do(t, c, "GET", base+"/latest/api/token", MetadataIP, nil); r.status != 405 {
		t.Errorf("GET token: %d", r.status)
	}
	// IMDS refuses token requests relayed by a proxy (SSRF through one).
	if r := do(t, c, "PUT", base+"/latest/api/token", MetadataIP, map[string][]string{"X-aws-ec2-metadata-token-ttl-seconds": {"60"}, "X-Forwarded-For": {"10.0.0.1"}}); r.status != 403 {
		t.Errorf("PUT with X-Forwarded-For: %d", r.status)
	}
}

func otherServerToken(t *testing.T) string {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestEC2(t, src, func(o *EC2Options) { o.Lazy = true })
	return s.makeToken(src.clock.Now().Add(time.Hour))
}

func TestEC2Refuses(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestEC2(t, src, nil)
	c := newClient()
	_, port, _ := strings.Cut(s.Addr(), ":")
	path := "http://" + s.Addr() + "/latest/meta-data/iam/security-credentials/" + EC2RoleName
	for name, tc := range map[string]struct {
		host   string
		header map[string][]string
	}{
		"localhost":       {"localhost:" + port, nil},
		"rebound name":    {"attacker.example.com", nil},
		"rebound w/ port": {"attacker.example.com:" + port, nil},
		"other ip":        {"169.254.169.253", nil},
		"metadata:8080":   {"169.254.169.254:8080", nil},
		"x-forwarded-for": {MetadataIP, map[string][]string{"X-Forwarded-For": {"192.0.2.1"}}},
		"forwarded":       {MetadataIP, map[string][]string{"Forwarded": {"for=192.0.2.1"}}},
	} {
		if r := do(t, c, "GET", path, tc.host, tc.header); r.status != 403 || strings.Contains(r.body, "Secret") {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
}

func TestEC2AddressInUse(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestEC2(t, src, nil)
	_, err := StartEC2(context.Background(), EC2Options{Options: Options{Source: src.fetch, Lazy: true}, Addr: s.Addr()})
	if err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("second server on %s: %v", s.Addr(), err)
	}
	if _, err := StartEC2(context.Background(), EC2Options{Options: Options{Source: src.fetch, Lazy: true}, Addr: "0.0.0.0:0"}); err == nil {
		t.Error("listened on a non-loopback address")
	}
}

func TestEC2NoRegion(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	s, _ := startTestEC2(t, src, func(o *EC2Options) { o.Region = "" })
	if r := do(t, newClient(), "GET", "http://"+s.Addr()+"/latest/meta-data/placement/region", "", nil); r.status != http.StatusNotFound {
		t.Errorf("region without one: %d", r.status)
	}
}
