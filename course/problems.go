package course

import (
	"fmt"
	"sort"
	"strings"
)

// Problem is one thing wrong in a course file, located to the line.
type Problem struct {
	File string
	Line int
	Msg  string
}

func (p Problem) String() string { return fmt.Sprintf("%s:%d: %s", p.File, p.Line, p.Msg) }

// Problems collects every problem found while loading a course. As an
// error it lists them all, one per line, in file and line order.
type Problems struct {
	List []Problem
}

// Add records a problem.
func (ps *Problems) Add(file string, line int, format string, args ...any) {
	ps.List = append(ps.List, Problem{File: file, Line: line, Msg: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was found, else the Problems themselves.
func (ps *Problems) Err() error {
	if len(ps.List) == 0 {
		return nil
	}
	ps.sort()
	return ps
}

// sort puts the list in file and line order, the order an editor fixes it.
func (ps *Problems) sort() {
	sort.SliceStable(ps.List, func(i, j int) bool {
		a, b := ps.List[i], ps.List[j]
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
}

func (ps *Problems) Error() string {
	lines := make([]string, len(ps.List))
	for i, p := range ps.List {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
