package server

import "fmt"

// launchProxy cannot elevate on Windows: the proxy must already run in an
// Administrator prompt.
func launchProxy(o LaunchOptions) (<-chan error, error) {
	return nil, fmt.Errorf("nothing answers on %s: run aws-vault proxy in an Administrator prompt first", MetadataAddr)
}

func stopLaunchedProxy(o LaunchOptions) error { return nil }
