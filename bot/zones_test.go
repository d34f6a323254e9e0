package bot_test

import (
	"testing"
	"time"
)

// /timezone takes cities, countries (English or Spanish, with or without
// accents), offsets from UTC and IANA names.
func TestTimeZoneByPlaceOrOffset(t *testing.T) {
	h := newHarness(t, "2022-10-31T08:00") // 07:00 UTC
	h.say("ana", "/register Ana Lima")
	for _, c := range []struct{ typed, want string }{
		{"bogota", "Your time zone is now America/Bogota (it is 02:00 there)"},
		{"Colombia", "now America/Bogota"},
		{"Bogotá, Colombia", "now America/Bogota"},
		{"Nairobi", "now Africa/Nairobi (it is 10:00 there)"},
		{"India", "now Asia/Kolkata (it is 12:30 there)"},
		{"Lebanon", "now Asia/Beirut (it is 09:00 there)"},
		{"buenos aires", "now America/Argentina/Buenos_Aires"},
		{"Dar es Salaam", "now Africa/Dar_es_Salaam"},
		{"america/lima", "now America/Lima"},
		{"Asia/Manila", "now Asia/Manila (it is 15:00 there)"},
	} {
		h.clock.Advance(time.Second) // within the flood limit's pace
		got := h.say("ana", "/timezone "+c.typed)
		mustContain(t, got, c.want)
		mustNotContain(t, got, "daylight saving")
	}
	for _, c := range []struct{ typed, want string }{
		{"UTC-5", "Your time zone is now UTC-5 (it is 02:00 there)"},
		{"GMT+3", "now UTC+3 (it is 10:00 there)"},
		{"+05:30", "(it is 12:30 there)"},
		{"utc", "now UTC (it is 07:00 there)"},
	} {
		h.clock.Advance(time.Second)
		mustContain(t, h.say("ana", "/timezone "+c.typed), c.want, "A fixed offset does not follow daylight saving time")
	}
	h.say("ana", "/timezone UTC-5")
	// Tue 1 Nov 10:00 in Turin (CET) is 04:00 at UTC-5.
	mustContain(t, h.say("ana", "/agenda 3"), "Tue 1 Nov, 04:00–05:30 your time (UTC-5)")
	for _, bad := range []string{"Mars/Olympus", "Atlantis", "UTC+15", "GMT+5:61", "Local"} {
		h.clock.Advance(time.Second)
		mustContain(t, h.say("ana", "/timezone "+bad), "I don't know the time zone", "UTC-5, GMT+3, +05:30")
	}
	h.clock.Advance(5 * time.Second)
	got := h.say("ana", "/language es", "/timezone Kenia", "/timezone Líbano", "/timezone UTC-3")
	mustContain(t, got, "Su zona horaria es ahora Africa/Nairobi", "Su zona horaria es ahora Asia/Beirut",
		"Su zona horaria es ahora UTC-3 (allí son las 04:00)", "no sigue el horario de verano")
	mustContain(t, h.say("ana", "/timezone Narnia"), "No conozco la zona horaria \"Narnia\"", "Líbano")
}

// The /timezone buttons cover the regions participants come from, each
// with its offset, and set the zone when pressed.
func TestTimeZonePresetsCoverTheRegions(t *testing.T) {
	h := newHarness(t, "2022-10-31T08:00")
	h.say("ana", "/register Ana Lima")
	got := h.say("ana", "/timezone")
	mustContain(t, got, "Your time zone is Europe/Rome", "Rome (UTC+1)", "London (UTC+0)",
		"Dakar (UTC+0)", "Lagos (UTC+1)", "Nairobi (UTC+3)", "Johannesburg (UTC+2)",
		"Mexico City (UTC-6)", "Bogota (UTC-5)", "Buenos Aires (UTC-3)",
		"Beirut (UTC+2)", "Riyadh (UTC+3)", "Dubai (UTC+4)",
		"Karachi (UTC+5)", "Kolkata (UTC+5:30)", "Kathmandu (UTC+5:45)", "Dhaka (UTC+6)",
		"Bangkok (UTC+7)", "Jakarta (UTC+7)", "Manila (UTC+8)")
	mustContain(t, h.press("ana", "tz:Asia/Dhaka"), "Your time zone is now Asia/Dhaka (it is 13:00 there)")
	if p := h.participant("ana"); p.TimeZone != "Asia/Dhaka" {
		t.Errorf("stored zone %q, want Asia/Dhaka", p.TimeZone)
	}
}
