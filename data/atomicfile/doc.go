// Package atomicfile writes files so that a reader never sees half of one:
// the content goes to a temporary file in the same directory, which is
// synced and renamed over the target. A failed write leaves the previous
// file of that name intact and no temporary file behind.
//
// What does not belong here: anything about the content; callers pass a
// function that writes it.
//
// Invariants: after Write returns nil the file at the path is complete and
// synced; after it returns an error the previous file is untouched.
package atomicfile
