package bot

import (
	"testing"
	"time"
)

// Every zone the bot can pick for a participant must load (and so be
// accepted by the store) with the tz database the binary embeds.
func TestEveryZoneInTheTablesLoads(t *testing.T) {
	zones := zonePresets()
	for _, z := range zoneAliases() {
		zones = append(zones, z)
	}
	for _, z := range halfHourZones() {
		zones = append(zones, z)
	}
	for m := -12 * 60; m <= 14*60; m += 60 {
		z, ok := zoneForOffset(m)
		if !ok {
			t.Errorf("no zone for %d minutes", m)
		}
		zones = append(zones, z)
	}
	for _, z := range zones {
		if _, err := time.LoadLocation(z); err != nil {
			t.Errorf("zone %q: %v", z, err)
		}
	}
}

// The half-hour zones keep their offset all year, as promised to whoever
// typed it (Tehran has since 2023, so the check is on a later year).
func TestHalfHourZonesKeepTheirOffset(t *testing.T) {
	for minutes, z := range halfHourZones() {
		loc, err := time.LoadLocation(z)
		if err != nil {
			t.Fatal(err)
		}
		for _, month := range []time.Month{time.January, time.July} {
			if _, off := time.Date(2024, month, 1, 12, 0, 0, 0, loc).Zone(); off != minutes*60 {
				t.Errorf("%s in %s is %d s east of UTC, want %d", z, month, off, minutes*60)
			}
		}
	}
}
