package server

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// serveProxyHandler serves the proxy's handler on a loopback port.
func serveProxyHandler(t *testing.T, upstream string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: newProxyHandler(upstream, t.Logf)}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}

func TestProxyHandler(t *testing.T) {
	src := &fakeSource{clock: newClock(), life: time.Hour}
	ec2, _ := startTestEC2(t, src, nil)
	proxy := serveProxyHandler(t, ec2.Addr())
	c := newClient()
	list := "/latest/meta-data/iam/security-credentials/"

	for _, host := range []string{MetadataIP, MetadataAddr} {
		if r := do(t, c, "GET", proxy+list, host, nil); r.status != 200 || r.body != EC2RoleName {
			t.Errorf("host %s through the proxy: %d %q", host, r.status, r.body)
		}
	}
	// IMDSv2 through the proxy: the headers pass, the Host is kept.
	r := do(t, c, "PUT", proxy+"/latest/api/token", MetadataIP, map[string][]string{"X-aws-ec2-metadata-token-ttl-seconds": {"60"}})
	if r.status != 200 {
		t.Fatalf("token through the proxy: %d", r.status)
	}
	if r := do(t, c, "GET", proxy+list+EC2RoleName, MetadataIP, map[string][]string{"X-aws-ec2-metadata-token": {r.body}}); r.status != 200 || !strings.Contains(r.body, "AccessKeyId") {
		t.Errorf("credentials through the proxy: %d %s", r.status, r.body)
	}
	if r := do(t, c, "GET", proxy+list+EC2RoleName, MetadataIP, map[string][]string{"X-aws-ec2-metadata-token": {"bogus"}}); r.status != 401 {
		t.Errorf("bogus token through the proxy: %d", r.status)
	}

	_, port, _ := strings.Cut(strings.TrimPrefix(proxy, "http://"), ":")
	for name, tc := range map[string]struct {
		host   string
		header map[string][]string
	}{
		"loopback host":   {"127.0.0.1:" + port, nil},
		"upstream host":   {ec2.Addr(), nil},
		"rebound name":    {"attacker.example.com", nil},
		"x-forwarded-for": {MetadataIP, map[string][]string{"X-Forwarded-For": {"192.0.2.1"}}},
		"forwarded":       {MetadataIP, map[string][]string{"Forwarded": {"for=192.0.2.1"}}},
	} {
		if r := do(t, c, "GET", proxy+list+EC2RoleName, tc.host, tc.header); r.status != 403 {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}

	// Clients are this machine: loopback, or the metadata address itself
	// (the source address of a connection to an address on lo).
	h := newProxyHandler(ec2.Addr(), t.Logf)
	for remote, want := range map[string]int{"127.0.0.1:4000": 200, "169.254.169.254:4000": 200, "192.0.2.7:4000": 403, "10.0.0.2:4000": 403} {
		req := httptest.NewRequest("GET", "http://"+MetadataIP+list, nil)
		req.RemoteAddr = remote
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("client %s: %d, want %d", remote, rec.Code, want)
		}
	}
}

func TestProxyUpstreamDown(t *testing.T) {
	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := ln.Addr().String()
	ln.Close()
	proxy := serveProxyHandler(t, dead)
	if r := do(t, newClient(), "GET", proxy+"/latest/meta-data/iam/security-credentials/", MetadataIP, nil); r.status != 502 {
		t.Errorf("no upstream: %d %s", r.status, r.body)
	}
}

func TestProxyStateFileTrust(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("unix permissions")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "proxy.json")
	if err := writeState(path, proxyState{PID: 42, AddedAlias: true}); err != nil {
		t.Fatal(err)
	}
	st, err := readState(path)
	if err != nil || st.PID != 42 || !st.AddedAlias {
		t.Fatalf("read back %+v, %v", st, err)
	}
	if err := os.Chmod(path, 0o666); err != nil {
		t.Fatal(err)
	}
	if _, err := readState(path); err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Errorf("world-writable state file: %v", err)
	}
	link := filepath.Join(dir, "link.json")
	_ = os.Chmod(path, 0o644)
	if err := os.Symlink(path, link); err != nil {
		t.Fatal(err)
	}
	if _, err := readState(link); err == nil {
		t.Error("symlinked state file accepted")
	}
	if _, err := readState(filepath.Join(dir, "none.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing state file: %v", err)
	}
}

func TestProxyNeedsRoot(t *testing.T) {
	if runtime.GOOS == "windows" || os.Geteuid() == 0 {
		t.Skip("checks the refusal of a user that is not root")
	}
	if err := RunProxy(context.Background(), ProxyOptions{StateFile: filepath.Join(t.TempDir(), "p.json")}); err == nil || !strings.Contains(err.Error(), "needs root") {
		t.Errorf("RunProxy as a user: %v", err)
	}
	if _, err := StopProxy(ProxyOptions{StateFile: filepath.Join(t.TempDir(), "p.json")}); err == nil || !strings.Contains(err.Error(), "sudo aws-vault proxy --stop") {
		t.Errorf("StopProxy as a user: %v", err)
	}
}

// proxyHelperEnv makes the test binary run the proxy (see
// TestProxyHelperProcess), so that StopProxy can signal a real process.
const proxyHelperEnv = "AWS_VAULT_TEST_PROXY_HELPER"

func TestProxyHelperProcess(t *testing.T) {
	if os.Getenv(proxyHelperEnv) != "1" {
		t.Skip("helper process for TestProxyPrivileged")
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer cancel()
	// Even if the test that started it dies, the proxy cleans up soon.
	ctx, cancelTimeout := context.WithTimeout(ctx, 30*time.Second)
	defer cancelTimeout()
	err := RunProxy(ctx, ProxyOptions{Upstream: os.Getenv("UPSTREAM"), StateFile: os.Getenv("STATE_FILE")})
	if err != nil {
		os.Stderr.WriteString("proxy: " + err.Error() + "\n")
		os.Exit(1)
	}
	os.Exit(0)
}

// TestProxyPrivileged runs the real proxy: it adds 169.254.169.254 to lo,
// serves port 80, and `proxy --stop` (StopProxy) stops it and removes the
// address. It changes the machine's network configuration while it runs,
// so it only runs with AWS_VAULT_PRIVILEGED_TESTS=1, as root, on Linux.
func TestProxyPrivileged(t *testing.T) {
	switch {
	case os.Getenv("AWS_VAULT_PRIVILEGED_TESTS") != "1":
		t.Skip("set AWS_VAULT_PRIVILEGED_TESTS=1 (as root, on Linux) to add 169.254.169.254 to lo and bind port 80")
	case runtime.GOOS != "linux":
		t.Skip("the privileged test drives ip(8) on Linux")
	case os.Geteuid() != 0:
		t.Skip("AWS_VAULT_PRIVILEGED_TESTS=1 needs root")
	case hasMetadataAlias():
		t.Skip("169.254.169.254 is already an address of this machine; not touching it")
	}
	src := &fakeSource{clock: newClock(), life: time.Hour}
	ec2, _ := startTestEC2(t, src, nil)
	state := filepath.Join(t.TempDir(), "proxy.json")

	cmd := exec.Command(os.Args[0], "-test.run=^TestProxyHelperProcess$")
	cmd.Env = append(os.Environ(), proxyHelperEnv+"=1", "UPSTREAM="+ec2.Addr(), "STATE_FILE="+state)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		// Whatever happened, leave the machine as it was.
		_ = cmd.Process.Kill()
		if hasMetadataAlias() {
			_ = removeAlias()
		}
	})
	deadline := time.Now().Add(5 * time.Second)
	for !ProxyRunning(ProxyOptions{StateFile: state}) {
		if time.Now().After(deadline) {
			t.Fatal("the proxy did not come up")
		}
		select {
		case err := <-exited:
			t.Fatalf("the proxy exited: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if st, err := readState(state); err != nil || st.PID != cmd.Process.Pid || !st.AddedAlias {
		t.Fatalf("state %+v %v; want the helper's pid %d, alias added", st, err, cmd.Process.Pid)
	}
	if !hasMetadataAlias() {
		t.Error("169.254.169.254 is not on lo while the proxy runs")
	}

	c := newClient()
	base := "http://" + MetadataIP
	if r := do(t, c, "GET", base+"/latest/meta-data/iam/security-credentials/", "", nil); r.status != 200 || r.body != EC2RoleName {
		t.Errorf("IMDSv1 through 169.254.169.254: %d %q", r.status, r.body)
	}
	tok := do(t, c, "PUT", base+"/latest/api/token", "", map[string][]string{"X-aws-ec2-metadata-token-ttl-seconds": {"60"}})
	if r := do(t, c, "GET", base+"/latest/meta-data/iam/security-credentials/"+EC2RoleName, "", map[string][]string{"X-aws-ec2-metadata-token": {tok.body}}); r.status != 200 || !strings.Contains(r.body, "AccessKeyId") {
		t.Errorf("IMDSv2 through 169.254.169.254: %d %s", r.status, r.body)
	}
	if r := do(t, c, "GET", base+"/latest/meta-data/iam/security-credentials/", "", map[string][]string{"X-Forwarded-For": {"192.0.2.1"}}); r.status != 403 {
		t.Errorf("X-Forwarded-For through 169.254.169.254: %d", r.status)
	}

	// A second proxy refuses to start.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := RunProxy(ctx, ProxyOptions{Upstream: ec2.Addr(), StateFile: state}); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second proxy: %v", err)
	}

	res, err := StopProxy(ProxyOptions{StateFile: state})
	if err != nil {
		t.Fatal(err)
	}
	if res.PID != cmd.Process.Pid || !res.Stopped || !res.AliasRemoved {
		t.Errorf("stop: %+v (proxy pid %d)", res, cmd.Process.Pid)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("proxy exit: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("proxy still running after StopProxy")
	}
	if hasMetadataAlias() {
		t.Error("169.254.169.254 still on lo after stop")
	}
	if _, err := os.Stat(state); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("state file left behind: %v", err)
	}
	if ProxyRunning(ProxyOptions{StateFile: state}) {
		t.Error("the proxy still counts as running")
	}
	if res, err := StopProxy(ProxyOptions{StateFile: state}); err != nil || res.PID != 0 {
		t.Errorf("second stop: %+v %v", res, err)
	}
}

// A proxy that died (SIGKILL) leaves its address and state file; StopProxy
// cleans up after it without signalling anything.
func TestProxyPrivilegedStaleState(t *testing.T) {
	switch {
	case os.Getenv("AWS_VAULT_PRIVILEGED_TESTS") != "1":
		t.Skip("set AWS_VAULT_PRIVILEGED_TESTS=1 (as root, on Linux) to add 169.254.169.254 to lo")
	case runtime.GOOS != "linux" || os.Geteuid() != 0:
		t.Skip("needs root on Linux")
	case hasMetadataAlias():
		t.Skip("169.254.169.254 is already an address of this machine; not touching it")
	}
	if err := addAlias(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if hasMetadataAlias() {
			_ = removeAlias()
		}
	})
	dead := exec.Command("true")
	_ = dead.Run()
	state := filepath.Join(t.TempDir(), "proxy.json")
	if err := writeState(state, proxyState{PID: dead.Process.Pid, AddedAlias: true, Executable: "/nonexistent"}); err != nil {
		t.Fatal(err)
	}
	res, err := StopProxy(ProxyOptions{StateFile: state})
	if err != nil || res.Stopped || !res.AliasRemoved {
		t.Errorf("stale stop: %+v %v", res, err)
	}
	if hasMetadataAlias() {
		t.Error("address left on lo")
	}
}
