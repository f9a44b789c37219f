package login

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"runtime"
	"time"

	"github.com/aws-vault/aws-vault/engine/childenv"
)

// Opener returns the command that opens a URL in the browser, without the
// URL: $BROWSER when set (a program that takes the URL as its one
// argument), else the platform's opener: open on macOS, rundll32's
// url.dll,FileProtocolHandler on Windows (which, unlike "cmd /c start",
// does not reinterpret the & of the URL), xdg-open elsewhere.
func Opener(goos string, getenv func(string) string) []string {
	if b := getenv("BROWSER"); b != "" {
		return []string{b}
	}
	switch goos {
	case "darwin":
		return []string{"open"}
	case "windows":
		return []string{"rundll32", "url.dll,FileProtocolHandler"}
	}
	return []string{"xdg-open"}
}

// openerWait is how long Open waits for the opener to report a failure.
// Openers normally hand the URL to a running browser and exit at once; one
// that starts the browser itself may keep running, and is left to it.
const openerWait = 5 * time.Second

// Open opens rawURL with the platform's opener (see Opener).
//
// The URL has to be the opener's argument, so while the opener runs, other
// users of the machine who can list processes may see it; the token in it
// is short-lived (15 minutes) and is also in the browser's history. The URL
// never appears in an error.
func Open(ctx context.Context, rawURL string, getenv func(string) string, stderr io.Writer) error {
	argv := Opener(runtime.GOOS, getenv)
	cmd := exec.Command(argv[0], append(argv[1:], rawURL)...)
	cmd.Env = childenv.Environ()
	cmd.Stdout, cmd.Stderr = stderr, stderr
	if err := cmd.Start(); err != nil {
		var ee *exec.Error
		if errors.As(err, &ee) {
			err = ee.Err
		}
		return fmt.Errorf("opening a browser with %s: %v", argv[0], err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	timer := time.NewTimer(openerWait)
	defer timer.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("opening a browser with %s: %v", argv[0], err)
		}
		return nil
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
