//go:build !linux

package keyring

import (
	"errors"

	kr "github.com/99designs/keyring"
)

func keyctlUsable(string) (string, error) { return "", errors.New("Linux only") }

func openKeyctl(string) (kr.Keyring, error) { return nil, errors.New("Linux only") }

func openKWallet(kr.Config) (kr.Keyring, error) { return nil, errors.New("Linux only") }

func dbusUsable(string) (string, error) { return "", errors.New("Linux only") }
