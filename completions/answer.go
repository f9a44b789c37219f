package completions

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// EnvShell is set by the scripts to the shell asking (bash, zsh, fish or
// powershell), which asks for the answer format the scripts read.
const EnvShell = "AWS_VAULT_COMPLETE"

// legacyFlag is how the original aws-vault's (kingpin's) completion scripts
// ask: aws-vault --completion-bash WORD... with the last word the one being
// completed. Saved copies of those scripts keep working.
const legacyFlag = "--completion-bash"

// Requested reports whether a process with these arguments and environment
// is a completion request rather than a command:
//
//   - COMP_LINE and COMP_POINT are set: bash's `complete -C` protocol,
//     which posener/complete/v2 uses (COMP_POINT is the cursor's byte
//     offset in COMP_LINE);
//   - COMP_LINE and AWS_VAULT_COMPLETE are set: this package's scripts,
//     which send the line up to the cursor only;
//   - the first argument is --completion-bash: the original's scripts.
func Requested(args []string, getenv func(string) string) bool {
	if len(args) > 0 && args[0] == legacyFlag {
		return true
	}
	return getenv("COMP_LINE") != "" && (getenv("COMP_POINT") != "" || getenv(EnvShell) != "")
}

// Answer answers the completion request in args and the environment (see
// Requested), writing to w.
//
// Plain requests (`complete -C`, the original's scripts) get one candidate
// a line; paths are then listed by posener/complete/v2's predictors, and a
// wrapped command line gets nothing (so that `complete -o default` falls
// back to file names).
//
// The scripts of this package (AWS_VAULT_COMPLETE=SHELL) get a first line
// that says how to complete:
//
//	values          the candidates follow, one a line, each "VALUE" or,
//	                except for bash, "VALUE<TAB>DESCRIPTION"
//	dirs, files     the shell completes paths by its own rules
//	command K OFF   the words from K on (0 is the program; OFF is the byte
//	                offset of word K in COMP_LINE) are a command line of
//	                their own, for the shell to complete as such
//
// For bash, a candidate is cut after the last of the word's characters that
// bash's COMP_WORDBREAKS (passed in the environment) splits words at, as
// bash replaces only the part after it: --backend=f completes to "file".
func (c *Command) Answer(args []string, getenv func(string) string, w io.Writer) error {
	var line string
	point := -1
	shell := ""
	if len(args) > 0 && args[0] == legacyFlag {
		line = c.Name + " " + strings.Join(args[1:], " ")
	} else {
		line = getenv("COMP_LINE")
		shell = getenv(EnvShell)
		if p, err := strconv.Atoi(getenv("COMP_POINT")); err == nil {
			point = p
		}
	}
	r := c.Complete(line, point)
	bw := bufio.NewWriter(w)
	r.write(bw, shell, getenv("COMP_WORDBREAKS"))
	return bw.Flush()
}

func (r Result) write(w *bufio.Writer, shell, wordbreaks string) {
	if shell == "" {
		switch r.Rule {
		case RuleDirs, RuleFiles:
			var cs []Candidate
			for _, v := range r.fallback.Predict(r.prefix) {
				cs = append(cs, Candidate{Value: v})
			}
			for _, c := range merge(nil, cs) {
				fmt.Fprintln(w, c.Value)
			}
		case RuleValues:
			for _, c := range r.Candidates {
				fmt.Fprintln(w, c.Value)
			}
		}
		return
	}
	switch r.Rule {
	case RuleCommand:
		fmt.Fprintf(w, "command %d %d\n", r.CommandWord, r.CommandOffset)
		return
	case RuleDirs, RuleFiles:
		fmt.Fprintln(w, r.Rule)
		return
	}
	fmt.Fprintln(w, "values")
	cut := 0
	if shell == "bash" {
		cut = bashCut(r.Word, wordbreaks)
	}
	for _, c := range r.Candidates {
		v := c.Value
		if cut > 0 && len(v) >= cut {
			v = v[cut:]
		}
		if strings.ContainsAny(v, "\n\r") {
			continue // cannot be one line; no name aws-vault uses has one
		}
		if c.Description != "" && shell != "bash" {
			v += "\t" + c.Description
		}
		fmt.Fprintln(w, v)
	}
}

// bashCut is how many bytes of the word bash does not replace: up to and
// including its last = or : when bash splits words there (by default it
// does). Quoted words are left alone.
func bashCut(word, wordbreaks string) int {
	if wordbreaks == "" {
		wordbreaks = "=:"
	}
	if strings.ContainsAny(word, `'"\`) {
		return 0
	}
	cut := 0
	for i := 0; i < len(word); i++ {
		if (word[i] == '=' || word[i] == ':') && strings.IndexByte(wordbreaks, word[i]) >= 0 {
			cut = i + 1
		}
	}
	return cut
}
