//go:build windows

package keyring

import (
	"errors"

	kr "github.com/99designs/keyring"
)

// pass and passage are not built for Windows (as in the fork).

func (k *Keyring) passDir() string { return "" }

func (k *Keyring) passUsable() (string, error) { return "", errors.New("not on Windows") }

func (k *Keyring) passageUsable() (string, error) { return "", errors.New("not on Windows") }

func (k *Keyring) openPass() (kr.Keyring, error) { return nil, errors.New("not on Windows") }

func (k *Keyring) openPassage() (kr.Keyring, error) { return nil, errors.New("not on Windows") }
