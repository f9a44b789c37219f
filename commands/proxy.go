package commands

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws-vault/aws-vault/engine/server"
)

// ProxyCmd runs the privileged reverse proxy from 169.254.169.254:80 to the
// metadata server of exec --ec2-server, or stops it.
type ProxyCmd struct {
	Stop bool `negatable:""`
}

// proxyHelp is the help of ProxyCmd's flags and arguments (see helpTable).
var proxyHelp = helpTable{
	"stop": "Stop the running proxy and remove the 169.254.169.254 address it added.",
}

func (*ProxyCmd) flagHelp() []helpTable { return []helpTable{proxyHelp} }

// Run starts the proxy and serves until SIGINT, SIGTERM or SIGHUP, or stops
// the running one.
func (c *ProxyCmd) Run(a *App) error {
	if c.Stop {
		res, err := server.StopProxy(server.ProxyOptions{})
		if err != nil {
			return err
		}
		switch {
		case res.PID == 0:
			fmt.Fprintln(a.Stdout, "No aws-vault proxy is running.")
			return nil
		case res.Stopped:
			fmt.Fprintf(a.Stdout, "Stopped the aws-vault proxy (pid %d).\n", res.PID)
		default:
			fmt.Fprintf(a.Stdout, "The aws-vault proxy (pid %d) was not running; cleaned up after it.\n", res.PID)
		}
		if res.AliasRemoved {
			fmt.Fprintf(a.Stdout, "Removed %s from the loopback interface.\n", server.MetadataIP)
		}
		return nil
	}
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer cancel()
	return server.RunProxy(ctx, server.ProxyOptions{})
}
