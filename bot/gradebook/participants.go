package gradebook

import (
	"context"
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/elmabot/elmabot/course"
	"github.com/elmabot/elmabot/store"
)

// RosterSource is the store as the participants export reads it.
type RosterSource interface {
	Source
	EachRosterCodes(ctx context.Context, fn func([]store.RosterCode) error) error
}

// ParticipantsHeader is the participants file's header.
func ParticipantsHeader() []string {
	return []string{colCode, colID, colName, colLang, colCohort, colRole, colEmail, colIDNumber,
		"organization type", "gender", "country", "electives", colPlatforms, colReachable, colJoined, colTotal, colTier}
}

// Participants writes the roster as it stands to w: first the codes
// nobody redeemed yet, then every participant with the code they
// redeemed (none when they registered without one), their chat platforms,
// whether any account is reachable, their points and certificate.
func Participants(ctx context.Context, src RosterSource, c *course.Course, now time.Time, w io.Writer) (Summary, error) {
	cw := csv.NewWriter(w)
	if err := cw.Write(ParticipantsHeader()); err != nil {
		return Summary{}, err
	}
	var sum Summary
	codes := map[store.ParticipantID]string{}
	err := src.EachRosterCodes(ctx, func(page []store.RosterCode) error {
		for _, rc := range page {
			if rc.Participant != "" {
				codes[rc.Participant] = rc.Code
				continue
			}
			if err := writeSafe(cw, waitingRow(rc.RosterEntry)); err != nil {
				return err
			}
			sum.Rows++
		}
		return nil
	})
	if err != nil {
		return sum, err
	}
	err = eachOnce(ctx, src, func(rec *store.Record) error {
		sum.Rows++
		return writeSafe(cw, participantRow(rec, codes[rec.ID], c, now))
	})
	return sum, finish(cw, err)
}

// waitingRow is a roster code nobody has redeemed yet.
func waitingRow(e store.RosterEntry) []string {
	row := append([]string{e.Code, "", e.Name, string(e.Lang), e.Cohort, role(e.Coordinator)},
		detailCells(e.Details, e.Electives)...)
	return append(row, "", "", "", "", "") // not registered: no platform, points or tier
}

func participantRow(rec *store.Record, code string, c *course.Course, now time.Time) []string {
	row := append([]string{code, string(rec.ID), rec.Name, string(rec.Lang), rec.Cohort, role(rec.Coordinator)},
		detailCells(rec.Details, rec.Electives)...)
	var platforms []string
	reachable := "no"
	for _, a := range rec.Accounts {
		if len(platforms) == 0 || platforms[len(platforms)-1] != string(a.Platform) {
			platforms = append(platforms, string(a.Platform))
		}
		if a.Reachable {
			reachable = "yes"
		}
	}
	p := c.Rules.Progress(Standing(rec.Points, rec.Essay, rec.Answers), &c.Bank, now)
	return append(row, strings.Join(platforms, " "), reachable, rec.Created.In(c.Location).Format(time.DateOnly),
		strconv.Itoa(p.Total), p.Tier.String())
}

func detailCells(d store.Details, electives []string) []string {
	return []string{d.Email, d.IDNumber, d.OrgType, d.Gender, d.Country, strings.Join(electives, " ")}
}

func role(coordinator bool) string {
	if coordinator {
		return "coordinator"
	}
	return "participant"
}
