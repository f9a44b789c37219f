package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ProxyOptions configure the privileged metadata proxy. The zero value is
// the real thing.
type ProxyOptions struct {
	// Upstream is the EC2 metadata server (default EC2ServerAddr).
	Upstream string
	// StateFile records the running proxy for `proxy --stop` (default: a
	// root-owned file in the platform's run directory, see DefaultStateFile).
	StateFile string
	// Logf receives debugging notes (default log.Printf).
	Logf func(format string, args ...any)
}

func (o *ProxyOptions) setDefaults() {
	if o.Upstream == "" {
		o.Upstream = EC2ServerAddr
	}
	if o.StateFile == "" {
		o.StateFile = DefaultStateFile()
	}
	if o.Logf == nil {
		o.Logf = log.Printf
	}
}

// proxyState is what a running proxy records in its state file.
type proxyState struct {
	PID int `json:"pid"`
	// AddedAlias says the proxy added MetadataIP to the loopback interface
	// (and so must remove it).
	AddedAlias bool `json:"added_alias"`
	// Executable is the proxy's binary, to recognise its process.
	Executable string `json:"executable"`
}

// ProxyRunning reports whether an aws-vault proxy is recorded in the state
// file (o.StateFile, default DefaultStateFile), its process is alive, and
// something answers on 169.254.169.254:80. Answering alone is not enough:
// on an EC2 instance, or behind a network that intercepts the address, the
// answer would come from elsewhere.
func ProxyRunning(o ProxyOptions) bool {
	o.setDefaults()
	st, err := readState(o.StateFile)
	if err != nil || !processAlive(st.PID) {
		return false
	}
	c, err := net.DialTimeout("tcp", MetadataAddr, 200*time.Millisecond)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// RunProxy runs the metadata proxy until ctx is done: it adds 169.254.169.254
// to the loopback interface (unless it is there already), listens on
// 169.254.169.254:80, forwards requests to the EC2 metadata server on
// o.Upstream, and on the way out closes the listener, removes the address
// it added and its state file. It needs root (Administrator on Windows).
func RunProxy(ctx context.Context, o ProxyOptions) (err error) {
	o.setDefaults()
	if err := requirePrivileges("aws-vault proxy", "it listens on "+MetadataAddr+" and adds "+MetadataIP+" to the loopback interface"); err != nil {
		return err
	}
	if st, err := readState(o.StateFile); err == nil && processAlive(st.PID) && st.PID != os.Getpid() {
		return fmt.Errorf("an aws-vault proxy is already running (pid %d); stop it with: sudo aws-vault proxy --stop", st.PID)
	}
	added := false
	if !hasMetadataAlias() {
		o.Logf("proxy: adding %s to the loopback interface: %s", MetadataIP, aliasCommandText(true))
		if err := addAlias(); err != nil {
			return err
		}
		added = true
	}
	// One deferred step: remove the address, then the state file, but keep
	// the state file when the address could not be removed, so that
	// proxy --stop still knows there is something to clean up.
	stateWritten := false
	defer func() {
		if added {
			o.Logf("proxy: removing %s from the loopback interface: %s", MetadataIP, aliasCommandText(false))
			if rerr := removeAlias(); rerr != nil {
				if err == nil {
					err = rerr
				}
				return
			}
		}
		if stateWritten {
			os.Remove(o.StateFile)
		}
	}()

	ln, err := listenRetry(ctx, MetadataAddr)
	if err != nil {
		return fmt.Errorf("metadata proxy: listening on %s: %w", MetadataAddr, err)
	}
	exe, _ := os.Executable()
	if err := writeState(o.StateFile, proxyState{PID: os.Getpid(), AddedAlias: added, Executable: exe}); err != nil {
		ln.Close()
		return err
	}
	stateWritten = true

	srv, lln := newHTTPServer(newProxyHandler(o.Upstream, o.Logf), ln)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(lln) }()
	o.Logf("proxy: forwarding %s to %s", MetadataAddr, o.Upstream)
	select {
	case <-ctx.Done():
	case err := <-done:
		return fmt.Errorf("metadata proxy: %w", err)
	}
	sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		_ = srv.Close()
	}
	o.Logf("proxy: stopped")
	return nil
}

// listenRetry binds addr, retrying briefly while a just-added address
// becomes usable.
func listenRetry(ctx context.Context, addr string) (net.Listener, error) {
	deadline := time.Now().Add(2 * time.Second)
	for {
		ln, err := net.Listen("tcp", addr)
		if err == nil || time.Now().After(deadline) || errors.Is(err, errAddrInUse) {
			return ln, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// newProxyHandler forwards requests that pass the guard to upstream,
// keeping their Host (169.254.169.254) and adding no X-Forwarded-* headers.
func newProxyHandler(upstream string, logf func(string, ...any)) http.Handler {
	target := &url.URL{Scheme: "http", Host: upstream}
	rp := &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target)
			pr.Out.Host = pr.In.Host
		},
		Transport: &http.Transport{
			Proxy:               nil, // never through HTTP_PROXY
			DialContext:         (&net.Dialer{Timeout: 2 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 16,
			IdleConnTimeout:     time.Minute,
		},
		ErrorHandler: func(w http.ResponseWriter, r *http.Request, err error) {
			logf("proxy: %s %q: no metadata server answers on %s: %v", r.Method, r.URL.Path, upstream, err)
			textError(w, http.StatusBadGateway)
		},
		ErrorLog: log.New(io.Discard, "", 0),
	}
	g := guard{
		hosts: []string{MetadataIP, MetadataAddr},
		// Connections to an address of the loopback interface come from
		// that address: 127.0.0.0/8, or 169.254.169.254 itself. Anything
		// else was routed here from another machine.
		remoteOK: func(ip net.IP) bool { return ip.IsLoopback() || ip.Equal(net.ParseIP(MetadataIP)) },
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if why := g.check(r); why != "" {
			logf("proxy: refused %s %q from %s: %s", r.Method, r.URL.Path, r.RemoteAddr, why)
			closeAfter(w)
			textError(w, http.StatusForbidden)
			return
		}
		rp.ServeHTTP(w, r)
	})
}

// StopResult says what StopProxy did.
type StopResult struct {
	// PID is the recorded proxy's pid; 0 when no proxy was recorded.
	PID int
	// Stopped says the process was running and has exited.
	Stopped bool
	// AliasRemoved says the address the proxy had added is gone (removed
	// by the proxy on its way out, or by StopProxy after a dead one).
	AliasRemoved bool
}

// StopProxy stops the proxy recorded in the state file: it signals the
// process and waits for it to exit (the proxy removes the address it added
// itself), then removes the address and the state file if a dead proxy
// left them behind.
func StopProxy(o ProxyOptions) (StopResult, error) {
	o.setDefaults()
	var res StopResult
	if err := requirePrivileges("aws-vault proxy --stop", "it stops the proxy that runs as root and removes the address it added"); err != nil {
		return res, err
	}
	st, err := readState(o.StateFile)
	if errors.Is(err, fs.ErrNotExist) {
		return res, nil
	}
	if err != nil {
		return res, err
	}
	res.PID = st.PID
	if st.PID > 0 && st.PID != os.Getpid() && processAlive(st.PID) && isProxyProcess(st.PID, st.Executable) {
		o.Logf("proxy: stopping pid %d", st.PID)
		if err := stopProcess(st.PID); err != nil {
			return res, fmt.Errorf("stopping the aws-vault proxy (pid %d): %w", st.PID, err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for processAlive(st.PID) {
			if time.Now().After(deadline) {
				return res, fmt.Errorf("the aws-vault proxy (pid %d) did not stop within 5s", st.PID)
			}
			time.Sleep(20 * time.Millisecond)
		}
		res.Stopped = true
	}
	if st.AddedAlias {
		if hasMetadataAlias() {
			o.Logf("proxy: removing %s from the loopback interface: %s", MetadataIP, aliasCommandText(false))
			if err := removeAlias(); err != nil {
				return res, err
			}
		}
		res.AliasRemoved = true
	}
	if err := os.Remove(o.StateFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("removing %s: %w", o.StateFile, err)
	}
	return res, nil
}

func readState(path string) (proxyState, error) {
	var st proxyState
	fi, err := os.Lstat(path)
	if err != nil {
		return st, err
	}
	if err := trustedStateFile(fi); err != nil {
		return st, fmt.Errorf("proxy state file %s: %w", path, err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return st, fmt.Errorf("proxy state file %s: %w", path, err)
	}
	return st, nil
}

func writeState(path string, st proxyState) error {
	b, err := json.Marshal(st)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("proxy state file: %w", err)
	}
	tmp := path + ".tmp"
	_ = os.Remove(tmp)
	if err := os.WriteFile(tmp, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("proxy state file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("proxy state file: %w", err)
	}
	return nil
}

// hasMetadataAlias reports whether 169.254.169.254 is an address of this
// machine.
func hasMetadataAlias() bool {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	want := net.ParseIP(MetadataIP)
	for _, a := range addrs {
		if n, ok := a.(*net.IPNet); ok && n.IP.Equal(want) {
			return true
		}
	}
	return false
}

// runAliasCommand runs one of the fixed commands that add or remove the
// address, and turns its failure into an error that shows its output.
func runAliasCommand(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		msg := string(out)
		if len(msg) > 500 {
			msg = msg[:500]
		}
		return fmt.Errorf("%s: %w: %s", commandText(name, args), err, strings.TrimSpace(msg))
	}
	return nil
}

func commandText(name string, args []string) string {
	s := name
	for _, a := range args {
		if a == "" || strings.ContainsAny(a, " \t") {
			a = fmt.Sprintf("%q", a)
		}
		s += " " + a
	}
	return s
}
