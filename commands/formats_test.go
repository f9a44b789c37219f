package commands

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	scriptCmds["scrub"] = scrub
	scriptCmds["dockerenv"] = dockerEnv
}

// scrubbed are the parts of aws-vault's output that differ from run to
// run, each matched in its exact shape (so that a golden file still checks
// the shape), with what replaces it.
var scrubbed = []struct {
	re   *regexp.Regexp
	with string
}{
	// Temporary credentials the fake issued.
	{regexp.MustCompile(`\bASIA[A-Z2-7]{16}\b`), "ASIA<id>"},
	// (Base64 may end in '+' or '/', where \b does not match.)
	{regexp.MustCompile(`\bFQoFAKE[A-Za-z0-9+/]{180}([^A-Za-z0-9+/]|$)`), "<session-token>${1}"},
	{regexp.MustCompile(`(AWS_SECRET_ACCESS_KEY=|aws_secret_access_key=|"SecretAccessKey": ")[A-Za-z0-9+/]{40}([^A-Za-z0-9+/]|$)`), "${1}<secret>${2}"},
	// Expiry times (RFC 3339, UTC) and the time left in session labels,
	// with the padding after it at the end of a line (list's last column,
	// which is as wide as its longest label).
	{regexp.MustCompile(`\b20[0-9]{2}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-5][0-9]Z`), "<time>"},
	{regexp.MustCompile(`(?m)\b((?:sts|sso)\.[A-Za-z]+):-?(?:[0-9]+h)?(?:[0-9]+m)?[0-9]+s\b(?: +$)?`), "${1}:<left>"},
	{regexp.MustCompile(`(?m)\b(oidc:\S+?):-?(?:[0-9]+h)?(?:[0-9]+m)?[0-9]+s\b(?: +$)?`), "${1}:<left>"},
}

// scrub FILE: rewrites FILE with the varying parts of the output replaced
// (see scrubbed), for comparison with a golden file.
func scrub(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: scrub FILE")
	}
	text := ts.ReadFile(args[0])
	for _, s := range scrubbed {
		text = s.re.ReplaceAllString(text, s.with)
	}
	if err := os.WriteFile(ts.MkAbs(args[0]), []byte(text), 0o600); err != nil {
		ts.Fatalf("%v", err)
	}
}

// dockerenv FILE: prints the environment that the real docker client
// reads from FILE with --env-file, one NAME=value per line. docker create
// talks to a fake daemon here that records the container's Env.
func dockerEnv(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: dockerenv FILE")
	}
	docker, err := exec.LookPath("docker")
	if err != nil {
		ts.Fatalf("docker: %v", err)
	}
	var mu sync.Mutex
	var env []string
	created := false
	daemon := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Api-Version", "1.41")
		switch {
		case r.URL.Path == "/_ping":
			_, _ = io.WriteString(w, "OK")
		case r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/containers/create"):
			var body struct{ Env []string }
			if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			mu.Lock()
			env, created = body.Env, true
			mu.Unlock()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"Id":"0123456789ab","Warnings":[]}`)
		default:
			http.Error(w, `{"message":"not faked"}`, http.StatusNotFound)
		}
	}))
	defer daemon.Close()
	home := ts.MkAbs(".docker-home")
	if err := os.MkdirAll(filepath.Join(home, ".docker"), 0o700); err != nil {
		ts.Fatalf("%v", err)
	}
	cmd := exec.Command(docker, "create", "--env-file", ts.MkAbs(args[0]), "example.invalid/image")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "DOCKER_CONFIG=" + filepath.Join(home, ".docker"),
		"DOCKER_HOST=tcp://" + strings.TrimPrefix(daemon.URL, "http://")}
	if out, err := cmd.CombinedOutput(); err != nil {
		ts.Fatalf("docker create --env-file %s: %v\n%s", args[0], err, out)
	}
	mu.Lock()
	defer mu.Unlock()
	if !created {
		ts.Fatalf("docker create never asked the daemon to create a container")
	}
	for _, kv := range env {
		fmt.Fprintln(ts.Stdout(), kv)
	}
}
