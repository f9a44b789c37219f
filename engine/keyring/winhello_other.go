//go:build !windows

package keyring

import (
	"errors"

	kr "github.com/99designs/keyring"
)

func winHelloUsable() (string, error) { return "", errors.New("Windows only") }

func openWinHello() (kr.Keyring, error) { return nil, errors.New("Windows only") }
