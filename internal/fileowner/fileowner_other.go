//go:build !unix

package fileowner

import "io/fs"

func check(fs.FileInfo) error { return nil }

func othersCanWrite(fs.FileInfo) bool { return false }
