//go:build unix

package keyring

import (
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// procGroups runs a backend's helper processes (pass, and the gpg it
// runs) each in a process group of its own, so that aws-vault can end all
// of them: when it gives up waiting (Abort), and when it is interrupted
// while one runs (Ctrl-C, a hang-up, kill), which would otherwise leave
// them running on the terminal.
type procGroups struct {
	mu     sync.Mutex
	groups map[int]bool
}

func (p *procGroups) run(cmd *exec.Cmd) error {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	sigs := make(chan os.Signal, 1)
	// A signal aws-vault was started ignoring (SIGINT and SIGQUIT for a
	// shell's background job, SIGHUP under nohup) stays ignored: watching
	// it would undo that, and a Ctrl-C meant for the foreground job would
	// end this one's pass.
	for _, s := range []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		if !signal.Ignored(s) {
			signal.Notify(sigs, s)
		}
	}
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return err
	}
	pid := cmd.Process.Pid
	p.mu.Lock()
	if p.groups == nil {
		p.groups = map[int]bool{}
	}
	p.groups[pid] = true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		delete(p.groups, pid)
		p.mu.Unlock()
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		return err
	case sig := <-sigs:
		// End what we started, then die of the signal as we would have.
		endGroup(pid)
		signal.Stop(sigs)
		signal.Reset(sig)
		_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		<-waited
		// The signal ends the process from another thread; give it the
		// moment it takes rather than return first and exit 1. (Should
		// something else have ignored it meanwhile, carry on and fail.)
		time.Sleep(time.Second)
		return fmt.Errorf("interrupted by %v", sig)
	}
}

// Abort ends every process group still running.
func (p *procGroups) Abort() {
	p.mu.Lock()
	var pids []int
	for pid := range p.groups {
		pids = append(pids, pid)
	}
	p.mu.Unlock()
	for _, pid := range pids {
		endGroup(pid)
	}
}

// endGroup asks the group to terminate, then kills what is left.
func endGroup(pgid int) {
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		if syscall.Kill(-pgid, 0) != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
}
