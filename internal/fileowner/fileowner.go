// Package fileowner tells whether a file or directory is the user's own:
// owned by the user running aws-vault and not writable by anyone else.
// aws-vault checks this before it trusts what it finds in a place another
// local user might have been able to write (a shared /tmp, a trust store
// whose permissions were loosened, someone else's .awsprofile).
package fileowner

import "io/fs"

// Check returns nil when fi belongs to the user, else an error that
// completes a sentence starting with the file's name ("is owned by uid
// 1001, not by you (uid 1000)"). On Windows, where files have ACLs and no
// owner uid, it returns nil.
func Check(fi fs.FileInfo) error { return check(fi) }

// OthersCanWrite reports whether the group or anyone else may write to fi
// (always false on Windows).
func OthersCanWrite(fi fs.FileInfo) bool { return othersCanWrite(fi) }
