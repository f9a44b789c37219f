// Package prompt asks people for things: secrets and confirmations on the
// terminal, and MFA codes through the drivers of the original aws-vault.
package prompt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/term"
)

// The terminal that a question in progress has changed (echo off, or raw
// for the picker), while it waits.
var (
	pendingMu    sync.Mutex
	pendingFd    int
	pendingState *term.State

	callerHandlesInterrupt atomic.Bool
)

// CallerHandlesInterrupt tells the questions that the program handles
// SIGINT itself (and calls RestoreTerminal when it does): they then leave
// SIGINT to it, and only put the terminal back on SIGTERM and SIGHUP.
func CallerHandlesInterrupt() { callerHandlesInterrupt.Store(true) }

// holdTerminal records that fd's terminal was st before a question changed
// it, until release is called. Meanwhile RestoreTerminal puts it back, and
// so does a signal that ends the program (SIGTERM, SIGHUP, and SIGINT
// unless the caller handles it), which then ends the program as the signal
// would have: otherwise the shell would be left with echo off, or raw.
func holdTerminal(fd int, st *term.State) (release func()) {
	pendingMu.Lock()
	pendingFd, pendingState = fd, st
	pendingMu.Unlock()
	sigs := []os.Signal{syscall.SIGTERM, syscall.SIGHUP}
	if !callerHandlesInterrupt.Load() {
		sigs = append(sigs, os.Interrupt)
	}
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, sigs...)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			RestoreTerminal()
			endBySignal(sig)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
		pendingMu.Lock()
		pendingState = nil
		pendingMu.Unlock()
	}
}

// readPassword is term.ReadPassword under holdTerminal.
func readPassword(fd int) ([]byte, error) {
	if st, err := term.GetState(fd); err == nil {
		defer holdTerminal(fd, st)()
	}
	return term.ReadPassword(fd)
}

// RestoreTerminal puts back the terminal that a question in progress
// changed, for a program that exits while it waits (Ctrl-C).
func RestoreTerminal() {
	pendingMu.Lock()
	defer pendingMu.Unlock()
	if pendingState != nil {
		_ = term.Restore(pendingFd, pendingState)
		pendingState = nil
	}
}

// Terminal reads answers. When In is a terminal, secrets are read with echo
// off; otherwise a line is read from In, so scripts can pipe answers in.
type Terminal struct {
	In  io.Reader
	Out io.Writer // where questions go: stderr, never stdout

	reader *bufio.Reader
}

func (t *Terminal) fd() (int, bool) {
	if f, ok := t.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return int(f.Fd()), true
	}
	return 0, false
}

var errClosed = errors.New("no answer: standard input is closed")

func (t *Terminal) line() (string, error) {
	if t.reader == nil {
		t.reader = bufio.NewReader(t.In)
	}
	s, err := t.reader.ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		if errors.Is(err, io.EOF) {
			return "", errClosed
		}
		return "", err
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// Secret asks with hidden input.
func (t *Terminal) Secret(question string) (string, error) {
	fmt.Fprint(t.Out, question)
	if fd, ok := t.fd(); ok {
		b, err := readPassword(fd)
		fmt.Fprintln(t.Out)
		if err != nil {
			return "", fmt.Errorf("reading from the terminal: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	s, err := t.line()
	return strings.TrimSpace(s), err
}

// Text asks with visible input.
func (t *Terminal) Text(question string) (string, error) {
	fmt.Fprint(t.Out, question)
	s, err := t.line()
	return strings.TrimSpace(s), err
}

// IsTerminal reports whether the answers come from a terminal.
func (t *Terminal) IsTerminal() bool {
	_, ok := t.fd()
	return ok
}

// Optional asks with visible input; when the answers come from a pipe that
// has ended, the answer is "" (a question added after scripts were
// written must not break them).
func (t *Terminal) Optional(question string) (string, error) {
	fmt.Fprint(t.Out, question)
	s, err := t.line()
	if err != nil {
		if _, isTTY := t.fd(); !isTTY && errors.Is(err, errClosed) {
			fmt.Fprintln(t.Out)
			return "", nil
		}
		return "", err
	}
	return strings.TrimSpace(s), nil
}

// Confirm asks a (y|N) question; anything but y or yes is no.
func (t *Terminal) Confirm(question string) (bool, error) {
	ans, err := t.Text(question + " (y|N) ")
	if err != nil {
		return false, err
	}
	switch strings.ToLower(ans) {
	case "y", "yes":
		return true, nil
	}
	return false, nil
}

// HasTTY reports whether there is a controlling terminal to ask on.
func HasTTY() bool {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return false
	}
	tty.Close()
	return true
}

// TTYSecretVisible asks on the controlling terminal with echo on (an MFA
// code is short-lived and people like to see what they typed).
func TTYSecretVisible(question string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errors.New("no terminal to ask on")
	}
	defer tty.Close()
	fmt.Fprint(tty, question)
	s, err := bufio.NewReader(tty).ReadString('\n')
	if err != nil && s == "" {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(s), nil
}

// TTYSecret asks on the controlling terminal (/dev/tty), not on stdin, so
// that it works inside eval "$(…)" and with stdin redirected. It fails
// plainly where there is no terminal.
func TTYSecret(question string) (string, error) {
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	if err != nil {
		return "", errors.New("no terminal to ask on")
	}
	defer tty.Close()
	fmt.Fprint(tty, question)
	b, err := readPassword(int(tty.Fd()))
	fmt.Fprintln(tty)
	if err != nil {
		return "", fmt.Errorf("reading from the terminal: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}
