package quiz

import "time"

// Extensions move deadlines later, by quiz id (EssayID for the essay),
// as Moodle's quiz overrides do: one set for everyone, one for a single
// participant. Unlike Moodle's, an extension never shortens: a deadline
// is the latest of the course's and every extension that applies, so an
// extension for everyone never cuts one person's longer one short.
type Extensions map[ID]time.Time

// latest is the latest of t and what each extension gives for id.
func latest(t time.Time, id ID, xs []Extensions) time.Time {
	for _, x := range xs {
		if u, ok := x[id]; ok && u.After(t) {
			t = u
		}
	}
	return t
}

// Extended is b with every quiz closing at its deadline under xs. The
// quizzes are copies; their questions are shared with b.
func (b *Bank) Extended(xs ...Extensions) *Bank {
	out := &Bank{Quizzes: make([]Quiz, len(b.Quizzes))}
	for i, q := range b.Quizzes {
		q.Closes = latest(q.Closes, q.ID, xs)
		out.Quizzes[i] = q
	}
	return out
}

// Extended is r with the essay due at its deadline under xs. A course
// without an essay deadline keeps none.
func (r Rules) Extended(xs ...Extensions) Rules {
	if !r.Essay.Deadline.IsZero() {
		r.Essay.Deadline = latest(r.Essay.Deadline, EssayID, xs)
	}
	return r
}
