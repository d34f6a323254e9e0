package discord_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// TestEvaluationOverDiscord answers the final evaluation in a DM with the
// real core and store: rating buttons (one pressed twice counts once),
// then an open question answered by a typed message.
func TestEvaluationOverDiscord(t *testing.T) {
	d := newDMCourse(t, "2022-12-06T10:00")
	srv, dm, next, st := d.srv, d.dm, d.next, d.store
	ev := d.course.Evaluation

	srv.PushCommand(ana, "register", "Ana Kovač", "en-US")
	next(1)
	srv.PushCommand(ana, "evaluation", "", "en-US")
	msgs := next(2) // the introduction, then the first question
	if !strings.Contains(msgs[0].Content, ev.Intro.EN) {
		t.Errorf("introduction %q", msgs[0].Content)
	}
	question := msgs[1]
	for i := range 7 {
		if !strings.HasPrefix(question.Content, fmt.Sprintf("(%d/10) ", i+1)) || len(question.Rows) != 5 || !strings.HasPrefix(question.Rows[0][0].CustomID, "ev:"+ev.Questions[i].ID+":1:") {
			t.Fatalf("question %q with %+v, want a button per point of the scale", question.Content, question.Rows)
		}
		press := question.Rows[2][0].CustomID // 3
		srv.PushButton(ana, dm, press, "en-US")
		msgs = next(2)
		if !strings.Contains(msgs[0].Content, "Noted: 3.") {
			t.Errorf("after pressing 3: %q", msgs[0].Content)
		}
		if i == 0 {
			srv.PushButton(ana, dm, press, "en-US")
			if got := next(1)[0].Content; !strings.Contains(got, "already answered") {
				t.Errorf("a second press: %q", got)
			}
		}
		question = msgs[1]
	}
	if !strings.Contains(question.Content, "Type your answer") || !hasButton(question, question.Rows[0][0].CustomID) || question.Rows[0][0].Label != "Skip" {
		t.Fatalf("open question %q with %+v", question.Content, question.Rows)
	}
	srv.PushDM(ana, "The plenary forums")
	if got := next(2); !strings.Contains(got[0].Content, "your answer is noted") || !strings.HasPrefix(got[1].Content, "(9/10) ") {
		t.Errorf("after typing: %q", texts(got))
	}
	res, err := st.EvaluationResults(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Ratings["overall"] != [5]int{0, 0, 1, 0, 0} || res.Respondents != 1 || len(res.Open["most-useful"]) != 1 {
		t.Errorf("results %+v", res)
	}
	allValid(t, srv)
}
