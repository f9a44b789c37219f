// Package login builds AWS Management Console sign-in URLs from temporary
// credentials, through the console's federation endpoint (the "custom
// identity broker" protocol): the credentials are exchanged for a sign-in
// token with Action=getSigninToken, and the token goes into a URL with
// Action=login.
//
// Nothing here logs or returns a secret in an error: the credentials travel
// only in the getSigninToken request, and the token only in the URL that
// Build returns.
package login

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Partition is an AWS partition as far as the console is concerned.
type Partition struct {
	ID          string // aws, aws-us-gov, aws-cn
	SigninHost  string // host of the federation endpoint
	ConsoleHost string // host of the console, without a region
}

var (
	partitionAWS   = Partition{ID: "aws", SigninHost: "signin.aws.amazon.com", ConsoleHost: "console.aws.amazon.com"}
	partitionGov   = Partition{ID: "aws-us-gov", SigninHost: "signin.amazonaws-us-gov.com", ConsoleHost: "console.amazonaws-us-gov.com"}
	partitionChina = Partition{ID: "aws-cn", SigninHost: "signin.amazonaws.cn", ConsoleHost: "console.amazonaws.cn"}
)

// PartitionOf returns the partition of region: aws-cn for cn-*, aws-us-gov
// for us-gov-*, and aws for everything else (including no region).
func PartitionOf(region string) Partition {
	switch {
	case strings.HasPrefix(region, "cn-"):
		return partitionChina
	case strings.HasPrefix(region, "us-gov-"):
		return partitionGov
	}
	return partitionAWS
}

// FederationURL is the partition's federation endpoint.
func (p Partition) FederationURL() string { return "https://" + p.SigninHost + "/federation" }

// Destination is the console page to land on, as the original aws-vault
// builds it: with no region, https://CONSOLE/ followed by path; with a
// region, https://REGION.CONSOLE/PATH?region=REGION, where PATH defaults to
// console/home. A leading "/" of path is dropped, and region is added with
// "&" when path has a query of its own.
func Destination(region, path string) string {
	p := PartitionOf(region)
	path = strings.TrimLeft(path, "/")
	if region == "" {
		return "https://" + p.ConsoleHost + "/" + path
	}
	if path == "" {
		path = "console/home"
	}
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	return "https://" + region + "." + p.ConsoleHost + "/" + path + sep + "region=" + url.QueryEscape(region)
}

// Issuer is the Issuer parameter of login URLs: the console shows it on
// the sign-out page, and links to it when the session expires.
const Issuer = "aws-vault"

// URL is the sign-in URL for token at the federation endpoint, landing on
// destination.
func URL(endpoint, destination, token string) string {
	q := "Action=login&Issuer=" + url.QueryEscape(Issuer) +
		"&Destination=" + url.QueryEscape(destination) +
		"&SigninToken=" + url.QueryEscape(token)
	return endpoint + "?" + q
}

// LogoutURL is a URL that first signs the browser out of the console (any
// session of any account), then goes on to next, the sign-in URL. It is the
// endpoint's host with the path /oauth.
func LogoutURL(endpoint, next string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", fmt.Errorf("federation endpoint %q: %w", endpoint, err)
	}
	u.Path, u.RawPath, u.Fragment = "/oauth", "", ""
	u.RawQuery = "Action=logout&redirect_uri=" + url.QueryEscape(next)
	return u.String(), nil
}

// CheckEndpoint checks that a federation endpoint given by the user is an
// absolute https URL, or http on a loopback address: getSigninToken sends
// the session's secret key and token in its query string.
func CheckEndpoint(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		return fmt.Errorf("%q is not an http(s) URL without a query", endpoint)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("%q would send session credentials in the clear; use https (http is for loopback test servers only)", endpoint)
		}
	}
	return nil
}

// RequestError is a refusal of the federation endpoint.
type RequestError struct {
	Status int    // HTTP status
	Detail string // the start of the answer, when it holds nothing secret
}

func (e *RequestError) Error() string {
	msg := fmt.Sprintf("the federation endpoint answered HTTP %d", e.Status)
	if e.Detail != "" {
		msg += " (" + e.Detail + ")"
	}
	return msg
}

// SigninToken exchanges temporary credentials for a sign-in token at the
// federation endpoint. sessionDuration, when positive, asks for a console
// session of that length (only allowed with role credentials, 15m to 12h).
// client nil means http.DefaultClient; redirects are never followed, so
// the credentials go to endpoint only.
func SigninToken(ctx context.Context, client *http.Client, endpoint string, creds aws.Credentials, sessionDuration time.Duration) (string, error) {
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" || creds.SessionToken == "" {
		return "", errors.New("a console sign-in token needs temporary credentials (an access key, secret key and session token)")
	}
	session, err := json.Marshal(map[string]string{
		"sessionId":    creds.AccessKeyID,
		"sessionKey":   creds.SecretAccessKey,
		"sessionToken": creds.SessionToken,
	})
	if err != nil {
		return "", err
	}
	q := url.Values{"Action": {"getSigninToken"}, "Session": {string(session)}}
	if sessionDuration > 0 {
		q.Set("SessionDuration", strconv.Itoa(int(sessionDuration/time.Second)))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, endpoint+"?"+q.Encode(), nil)
	if err != nil {
		// The URL holds the credentials: say only what was wrong.
		return "", fmt.Errorf("federation endpoint %q: not a valid URL", endpoint)
	}
	if client == nil {
		client = http.DefaultClient
	}
	c := *client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		// *url.Error repeats the URL, credentials and all.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", fmt.Errorf("requesting a sign-in token from %s: %w", req.URL.Host, err)
	}
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("reading the sign-in token from %s: %w", req.URL.Host, err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", &RequestError{Status: resp.StatusCode, Detail: detail(body, creds)}
	}
	var doc struct {
		SigninToken string
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.SigninToken == "" {
		return "", fmt.Errorf("the federation endpoint %s answered without a SigninToken", req.URL.Host)
	}
	return doc.SigninToken, nil
}

// detail is the first line of an error answer, if it is short plain text
// that repeats none of the credentials.
func detail(body []byte, creds aws.Credentials) string {
	line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n")
	line = strings.TrimSpace(line)
	if line == "" || len(line) > 200 || strings.ContainsAny(line, "<>{}") ||
		strings.Contains(line, creds.SecretAccessKey) || strings.Contains(line, creds.SessionToken) {
		return ""
	}
	for _, r := range line {
		if r < ' ' || r > '~' {
			return ""
		}
	}
	return line
}
