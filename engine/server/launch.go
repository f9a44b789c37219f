package server

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// LaunchOptions say how to start the proxy process.
type LaunchOptions struct {
	// Executable is aws-vault's binary (default os.Executable()).
	Executable string
	// Stdin, Stderr are given to sudo, which may ask for a password.
	Stdin  io.Reader
	Stderr io.Writer
	// Notice receives what a person should know (default Stderr).
	Notice io.Writer
}

// proxyStartTimeout bounds the wait for a started proxy to answer.
const proxyStartTimeout = 5 * time.Second

// EnsureProxy makes sure an aws-vault proxy serves 169.254.169.254:80 (see
// ProxyRunning): when none does, it starts `aws-vault proxy` as root in the background
// (through `sudo -b`, or directly when already root) and waits for it. It
// returns a function that stops the proxy it started, or nil when one was
// already running.
func EnsureProxy(ctx context.Context, o LaunchOptions) (stop func() error, err error) {
	if ProxyRunning(ProxyOptions{}) {
		return nil, nil
	}
	if o.Executable == "" {
		if o.Executable, err = os.Executable(); err != nil {
			return nil, fmt.Errorf("finding the aws-vault binary to start the proxy: %w", err)
		}
	}
	if o.Stderr == nil {
		o.Stderr = io.Discard
	}
	if o.Notice == nil {
		o.Notice = o.Stderr
	}
	exited, err := launchProxy(o)
	if err != nil {
		return nil, err
	}
	stop = func() error { return stopLaunchedProxy(o) }
	deadline := time.Now().Add(proxyStartTimeout)
	for !ProxyRunning(ProxyOptions{}) {
		select {
		case err := <-exited:
			if err == nil {
				err = fmt.Errorf("it exited")
			}
			return nil, fmt.Errorf("starting aws-vault proxy: %w", err)
		case <-ctx.Done():
			_ = stop()
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			_ = stop()
			return nil, fmt.Errorf("aws-vault proxy did not answer on %s within %s", MetadataAddr, proxyStartTimeout)
		}
	}
	return stop, nil
}
