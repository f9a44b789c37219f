//go:build unix

package server

import (
	"errors"
	"fmt"
	"io"
	"os/exec"
	"syscall"

	"github.com/aws-vault/aws-vault/engine/childenv"
)

// launchProxy starts `aws-vault proxy` as root. The channel reports the
// process's exit when aws-vault started it itself (as root); with sudo -b,
// sudo returns as soon as the proxy is in the background.
func launchProxy(o LaunchOptions) (<-chan error, error) {
	exited := make(chan error, 1)
	if isRoot() {
		cmd := exec.Command(o.Executable, "proxy")
		cmd.Env = childenv.Environ() // the proxy never opens the keyring
		cmd.Stderr = o.Stderr
		// Its own session: a Ctrl-C meant for the command must not stop it.
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
		if err := cmd.Start(); err != nil {
			return nil, fmt.Errorf("starting aws-vault proxy: %w", err)
		}
		go func() { exited <- cmd.Wait() }()
		return exited, nil
	}
	sudo, err := exec.LookPath("sudo")
	if err != nil {
		return nil, errors.New("--ec2-server needs aws-vault proxy running as root, and sudo is not installed; run aws-vault proxy as root first")
	}
	fmt.Fprintf(o.Notice, "aws-vault: starting aws-vault proxy as root with sudo (it serves %s and adds that address with: %s)\n", MetadataAddr, aliasCommandText(true))
	cmd := exec.Command(sudo, "-b", o.Executable, "proxy")
	cmd.Env = childenv.Environ()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = o.Stdin, o.Stderr, o.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("sudo -b aws-vault proxy: %w", err)
	}
	return exited, nil
}

// stopLaunchedProxy stops the proxy aws-vault started: directly when root,
// else through sudo without asking for a password again (-n); when sudo
// would have to ask, the caller tells the person how to stop it.
func stopLaunchedProxy(o LaunchOptions) error {
	if isRoot() {
		_, err := StopProxy(ProxyOptions{})
		return err
	}
	cmd := exec.Command("sudo", "-n", o.Executable, "proxy", "--stop")
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("stopping aws-vault proxy: sudo -n: %w", err)
	}
	return nil
}
