//go:build !linux && !darwin && !windows

package server

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// DefaultStateFile is where the running proxy would record itself.
func DefaultStateFile() string { return filepath.Join(os.TempDir(), "aws-vault-proxy.json") }

func aliasCommandText(add bool) string { return "(not supported on " + runtime.GOOS + ")" }

func addAlias() error {
	return fmt.Errorf("adding %s to the loopback interface is not supported on %s; add it yourself and run aws-vault proxy again", MetadataIP, runtime.GOOS)
}

func removeAlias() error {
	return fmt.Errorf("removing %s from the loopback interface is not supported on %s", MetadataIP, runtime.GOOS)
}

func isProxyProcess(pid int, exe string) bool { return true }
