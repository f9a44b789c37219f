// Package hugeheap makes a short-lived aws-vault process cheaper to start on
// Linux. Imported for its side effect only, by main.
//
// A prompt hook or a credential_process caller starts aws-vault thousands
// of times a day, and most of such a start is spent in page faults: package
// initialisation and kong's model put about 1.5 MB on the Go heap, touched
// one 4 KiB page at a time. On virtual machines a minor fault costs around
// 10 µs, so those faults alone cost several milliseconds. When the package
// initialises, early in the program's start, it asks the kernel to back the
// 2 MiB of heap it allocates from with one transparent huge page
// (MADV_COLLAPSE, Linux 6.1 and later: one allocation and copy instead of
// hundreds of faults), and to give the rest of that 4 MiB heap chunk a huge
// page at first touch (MADV_HUGEPAGE). A failed request changes nothing.
//
// It stands back when transparent huge pages are set to "never" (which
// MADV_COLLAPSE would otherwise ignore) and under GODEBUG=disablethp=1. The
// kernel may compact memory to find a huge page, which on a badly
// fragmented machine can make one start slower; -tags nohugeheap leaves the
// package out (bench/startup.sh builds that way too, to measure what it
// saves).
package hugeheap
