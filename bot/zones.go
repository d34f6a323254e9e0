package bot

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Participants rarely know IANA names: they type their city, their
// country (in English or Spanish, with or without accents) or their
// offset from UTC. resolveZone turns any of these into a zone the store
// accepts (an IANA name).

// zonePresets are the buttons of /timezone, by region: the course's own,
// then where participants live (Europe, Africa, Latin America, the
// Middle East, South Asia, South-East Asia).
func zonePresets() []string {
	return []string{
		"Europe/Rome", "Europe/London",
		"Africa/Dakar", "Africa/Lagos", "Africa/Cairo", "Africa/Nairobi", "Africa/Johannesburg", "Africa/Casablanca",
		"America/Mexico_City", "America/Guatemala", "America/Bogota", "America/Lima", "America/Santiago", "America/Argentina/Buenos_Aires",
		"Asia/Beirut", "Asia/Riyadh", "Asia/Dubai",
		"Asia/Karachi", "Asia/Kolkata", "Asia/Kathmandu", "Asia/Dhaka",
		"Asia/Bangkok", "Asia/Jakarta", "Asia/Manila",
	}
}

// zoneAliases maps a place, as normalized by placeKey, to its zone: every
// country (English and Spanish names) and the cities whose zone carries
// another city's name. A country spanning several zones gets the one
// most of its people live in.
func zoneAliases() map[string]string {
	groups := map[string][]string{
		// Europe
		"Europe/Rome":      {"italy", "italia", "turin", "torino", "roma", "milan", "milano", "vatican", "san marino"},
		"Europe/London":    {"united kingdom", "uk", "england", "scotland", "wales", "britain", "great britain", "reino unido", "inglaterra", "escocia", "londres"},
		"Europe/Madrid":    {"spain", "espana", "barcelona", "sevilla", "seville"},
		"Europe/Paris":     {"france", "francia", "paris"},
		"Europe/Berlin":    {"germany", "alemania", "berlin", "bonn", "frankfurt", "munich"},
		"Europe/Zurich":    {"switzerland", "suiza", "geneva", "ginebra", "geneve", "bern", "berna"},
		"Europe/Brussels":  {"belgium", "belgica", "bruselas"},
		"Europe/Amsterdam": {"netherlands", "the netherlands", "holland", "paises bajos", "holanda", "the hague", "la haya"},
		"Europe/Lisbon":    {"portugal", "lisboa"},
		"Europe/Athens":    {"greece", "grecia", "atenas"},
		"Europe/Istanbul":  {"turkey", "turkiye", "turquia", "ankara", "estambul"},
		"Europe/Kyiv":      {"ukraine", "ucrania", "kiev", "kyiv"},
		"Europe/Warsaw":    {"poland", "polonia", "varsovia"},
		"Europe/Bucharest": {"romania", "rumania", "bucarest"},
		"Europe/Chisinau":  {"moldova", "moldavia"},
		"Europe/Tirane":    {"albania", "tirana"},
		"Europe/Belgrade":  {"serbia", "kosovo", "belgrado", "pristina"},
		"Europe/Sarajevo":  {"bosnia", "bosnia and herzegovina", "bosnia y herzegovina"},
		"Europe/Skopje":    {"north macedonia", "macedonia", "macedonia del norte"},
		"Europe/Vienna":    {"austria", "viena"},
		"Europe/Dublin":    {"ireland", "irlanda"},
		"Europe/Stockholm": {"sweden", "suecia", "estocolmo"},
		"Europe/Oslo":      {"norway", "noruega"},
		"Europe/Moscow":    {"russia", "rusia", "moscu"},
		// Africa
		"Africa/Johannesburg":  {"south africa", "sudafrica", "pretoria", "cape town", "ciudad del cabo", "durban"},
		"Africa/Nairobi":       {"kenya", "kenia"},
		"Africa/Lagos":         {"nigeria", "abuja"},
		"Africa/Cairo":         {"egypt", "egipto", "el cairo"},
		"Africa/Addis_Ababa":   {"ethiopia", "etiopia", "addis ababa", "adis abeba"},
		"Africa/Accra":         {"ghana"},
		"Africa/Dakar":         {"senegal"},
		"Africa/Casablanca":    {"morocco", "marruecos", "rabat"},
		"Africa/Tunis":         {"tunisia", "tunez"},
		"Africa/Algiers":       {"algeria", "argelia", "argel"},
		"Africa/Tripoli":       {"libya", "libia", "tripoli"},
		"Africa/Khartoum":      {"sudan"},
		"Africa/Juba":          {"south sudan", "sudan del sur"},
		"Africa/Kampala":       {"uganda"},
		"Africa/Dar_es_Salaam": {"tanzania", "dar es salaam", "dodoma"},
		"Africa/Kigali":        {"rwanda", "ruanda"},
		"Africa/Bujumbura":     {"burundi"},
		"Africa/Lusaka":        {"zambia"},
		"Africa/Harare":        {"zimbabwe", "zimbabue"},
		"Africa/Blantyre":      {"malawi", "lilongwe"},
		"Africa/Maputo":        {"mozambique"},
		"Africa/Gaborone":      {"botswana", "botsuana"},
		"Africa/Windhoek":      {"namibia"},
		"Africa/Maseru":        {"lesotho"},
		"Africa/Mbabane":       {"eswatini", "swaziland", "suazilandia"},
		"Indian/Antananarivo":  {"madagascar"},
		"Indian/Mauritius":     {"mauritius", "mauricio"},
		"Africa/Douala":        {"cameroon", "camerun", "yaounde"},
		"Africa/Abidjan":       {"cote d'ivoire", "cote divoire", "ivory coast", "costa de marfil"},
		"Africa/Bamako":        {"mali"},
		"Africa/Ouagadougou":   {"burkina faso"},
		"Africa/Niamey":        {"niger"},
		"Africa/Ndjamena":      {"chad", "n'djamena", "yamena"},
		"Africa/Porto-Novo":    {"benin", "porto novo", "cotonou"},
		"Africa/Lome":          {"togo"},
		"Africa/Conakry":       {"guinea"},
		"Africa/Freetown":      {"sierra leone", "sierra leona"},
		"Africa/Monrovia":      {"liberia"},
		"Africa/Banjul":        {"gambia", "the gambia"},
		"Africa/Nouakchott":    {"mauritania"},
		"Africa/Mogadishu":     {"somalia", "mogadiscio"},
		"Africa/Djibouti":      {"djibouti", "yibuti"},
		"Africa/Asmara":        {"eritrea"},
		"Africa/Kinshasa":      {"democratic republic of the congo", "drc", "dr congo", "republica democratica del congo", "rdc"},
		"Africa/Brazzaville":   {"congo", "republic of the congo", "republica del congo"},
		"Africa/Luanda":        {"angola"},
		"Africa/Libreville":    {"gabon"},
		"Atlantic/Cape_Verde":  {"cape verde", "cabo verde", "praia"},
		// Latin America and the Caribbean
		"America/Bogota":                 {"colombia", "medellin", "cali", "barranquilla"},
		"America/Mexico_City":            {"mexico", "ciudad de mexico", "cdmx", "guadalajara", "monterrey"},
		"America/Argentina/Buenos_Aires": {"argentina", "buenos aires", "rosario"},
		"America/Sao_Paulo":              {"brazil", "brasil", "brasilia", "rio de janeiro", "sao paulo"},
		"America/Santiago":               {"chile"},
		"America/Lima":                   {"peru"},
		"America/Guayaquil":              {"ecuador", "quito"},
		"America/La_Paz":                 {"bolivia", "sucre"},
		"America/Asuncion":               {"paraguay"},
		"America/Montevideo":             {"uruguay"},
		"America/Caracas":                {"venezuela"},
		"America/Guatemala":              {"guatemala", "ciudad de guatemala", "guatemala city"},
		"America/Tegucigalpa":            {"honduras", "san pedro sula"},
		"America/El_Salvador":            {"el salvador", "san salvador"},
		"America/Managua":                {"nicaragua"},
		"America/Costa_Rica":             {"costa rica", "san jose"},
		"America/Panama":                 {"panama", "ciudad de panama", "panama city"},
		"America/Havana":                 {"cuba", "la habana", "habana"},
		"America/Santo_Domingo":          {"dominican republic", "republica dominicana"},
		"America/Port-au-Prince":         {"haiti", "port au prince", "puerto principe"},
		"America/Jamaica":                {"jamaica", "kingston"},
		"America/Puerto_Rico":            {"puerto rico", "san juan"},
		"America/Port_of_Spain":          {"trinidad and tobago", "trinidad y tobago"},
		"America/New_York":               {"united states", "usa", "us", "estados unidos", "eeuu", "new york", "nueva york", "washington"},
		"America/Toronto":                {"canada", "ottawa"},
		// The Middle East
		"Asia/Beirut":    {"lebanon", "libano"},
		"Asia/Amman":     {"jordan", "jordania", "aman"},
		"Asia/Damascus":  {"syria", "siria", "damasco"},
		"Asia/Baghdad":   {"iraq", "irak", "bagdad", "erbil"},
		"Asia/Tehran":    {"iran", "teheran"},
		"Asia/Riyadh":    {"saudi arabia", "arabia saudita", "arabia saudi", "riad", "jeddah", "yeda"},
		"Asia/Dubai":     {"united arab emirates", "uae", "emirates", "emiratos arabes unidos", "emiratos", "abu dhabi", "abu dabi"},
		"Asia/Qatar":     {"qatar", "catar", "doha"},
		"Asia/Kuwait":    {"kuwait", "kuwait city"},
		"Asia/Bahrain":   {"bahrain", "barein", "bahrein", "manama"},
		"Asia/Muscat":    {"oman", "mascate"},
		"Asia/Aden":      {"yemen", "sanaa"},
		"Asia/Jerusalem": {"israel", "jerusalem", "jerusalen", "tel aviv"},
		"Asia/Hebron":    {"palestine", "palestina", "west bank", "cisjordania", "ramallah"},
		"Asia/Gaza":      {"gaza"},
		// South Asia
		"Asia/Kolkata":    {"india", "delhi", "new delhi", "nueva delhi", "mumbai", "bombay", "bangalore", "bengaluru", "chennai", "hyderabad", "calcutta", "calcuta"},
		"Asia/Karachi":    {"pakistan", "islamabad", "lahore"},
		"Asia/Dhaka":      {"bangladesh", "banglades", "dacca"},
		"Asia/Kathmandu":  {"nepal", "katmandu"},
		"Asia/Colombo":    {"sri lanka"},
		"Asia/Kabul":      {"afghanistan", "afganistan"},
		"Asia/Thimphu":    {"bhutan", "butan"},
		"Indian/Maldives": {"maldives", "maldivas", "male"},
		// South-East and East Asia, the Pacific
		"Asia/Manila":       {"philippines", "filipinas", "quezon city", "cebu"},
		"Asia/Bangkok":      {"thailand", "tailandia"},
		"Asia/Ho_Chi_Minh":  {"vietnam", "viet nam", "hanoi", "saigon", "ho chi minh city"},
		"Asia/Jakarta":      {"indonesia", "yakarta"},
		"Asia/Kuala_Lumpur": {"malaysia", "malasia"},
		"Asia/Singapore":    {"singapore", "singapur"},
		"Asia/Phnom_Penh":   {"cambodia", "camboya"},
		"Asia/Vientiane":    {"laos"},
		"Asia/Yangon":       {"myanmar", "burma", "birmania", "rangoon", "rangun"},
		"Asia/Dili":         {"timor leste", "east timor", "timor oriental"},
		"Asia/Brunei":       {"brunei"},
		"Asia/Shanghai":     {"china", "beijing", "pekin"},
		"Asia/Tokyo":        {"japan", "japon", "tokio"},
		"Asia/Seoul":        {"south korea", "korea", "corea del sur", "corea", "seul"},
		"Asia/Ulaanbaatar":  {"mongolia"},
		"Asia/Almaty":       {"kazakhstan", "kazajistan", "astana"},
		"Asia/Tashkent":     {"uzbekistan"},
		"Asia/Bishkek":      {"kyrgyzstan", "kirguistan"},
		"Asia/Dushanbe":     {"tajikistan", "tayikistan"},
		"Asia/Tbilisi":      {"georgia"},
		"Asia/Yerevan":      {"armenia", "erevan"},
		"Asia/Baku":         {"azerbaijan", "azerbaiyan"},
		"Australia/Sydney":  {"australia", "canberra"},
		"Pacific/Auckland":  {"new zealand", "nueva zelanda", "wellington"},
		"Pacific/Fiji":      {"fiji", "fiyi", "suva"},
	}
	out := map[string]string{}
	for zone, places := range groups {
		for _, p := range places {
			out[p] = zone
		}
	}
	return out
}

// halfHourZones are IANA zones without daylight saving time for the
// offsets that are not whole hours (Etc/GMT zones cover whole hours only).
func halfHourZones() map[int]string {
	return map[int]string{
		-(9*60 + 30): "Pacific/Marquesas",
		3*60 + 30:    "Asia/Tehran",
		4*60 + 30:    "Asia/Kabul",
		5*60 + 30:    "Asia/Kolkata",
		5*60 + 45:    "Asia/Kathmandu",
		6*60 + 30:    "Asia/Yangon",
		8*60 + 45:    "Australia/Eucla",
		9*60 + 30:    "Australia/Darwin",
	}
}

// resolveZone reads a zone as a participant may write it. fixed is true
// when it came from an offset, so does not follow daylight saving time.
func resolveZone(input string) (loc *time.Location, fixed, ok bool) {
	input = strings.TrimSpace(input)
	if name, ok := offsetZone(input); ok {
		loc, err := time.LoadLocation(name)
		return loc, true, err == nil
	}
	// "Bogotá, Colombia": the city, else the country.
	for _, part := range append([]string{input}, strings.Split(input, ",")...) {
		if loc, ok := placeZone(part); ok {
			return loc, false, true
		}
	}
	return nil, false, false
}

// placeZone reads an IANA name, a country or a city.
func placeZone(s string) (*time.Location, bool) {
	s = strings.TrimSpace(s)
	if s == "" || s == "Local" {
		return nil, false
	}
	if strings.Contains(s, "/") {
		if loc, err := time.LoadLocation(s); err == nil {
			return loc, true
		}
		// "america/bogota": try the city alone.
		s = s[strings.LastIndex(s, "/")+1:]
	}
	key := placeKey(s)
	if zone, ok := zoneAliases()[key]; ok {
		loc, err := time.LoadLocation(zone)
		return loc, err == nil
	}
	// Most cities that name a zone: "nairobi" is Africa/Nairobi.
	city := cityName(key)
	for _, region := range []string{"Africa", "America", "Asia", "Europe", "Australia", "Pacific", "Atlantic", "Indian"} {
		if loc, err := time.LoadLocation(region + "/" + city); err == nil {
			return loc, true
		}
	}
	return nil, false
}

// placeKey lowercases s, drops accents, and reads "_" and "-" as spaces,
// so "Bogotá", "BOGOTA" and "bogota" are one key.
func placeKey(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case unicode.Is(unicode.Mn, r):
		case r == '_' || r == '-':
			b.WriteRune(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// cityName spells a key the way zone names spell cities: "buenos aires"
// becomes "Buenos_Aires".
func cityName(key string) string {
	words := strings.Fields(key)
	for i, w := range words {
		if w != "" && w[0] >= 'a' && w[0] <= 'z' {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return strings.Join(words, "_")
}

// offsetZone reads "UTC-5", "GMT+3", "+05:30", "utc+5:45" or "UTC" as
// the IANA name of a zone that keeps that offset all year.
func offsetZone(s string) (string, bool) {
	s = strings.ToUpper(strings.ReplaceAll(s, " ", ""))
	s = strings.ReplaceAll(s, "−", "-") // the minus sign
	for _, p := range []string{"UTC", "GMT"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			if rest == "" {
				return "Etc/UTC", true
			}
			s = rest
		}
	}
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return "", false
	}
	minutes, ok := offsetMinutes(s[1:])
	if !ok {
		return "", false
	}
	if s[0] == '-' {
		minutes = -minutes
	}
	return zoneForOffset(minutes)
}

// offsetMinutes reads "5", "05", "0530" or "5:30" as minutes.
func offsetMinutes(s string) (int, bool) {
	h, m, found := strings.Cut(s, ":")
	if !found && len(s) > 2 {
		h, m = s[:len(s)-2], s[len(s)-2:]
	}
	hours, err := strconv.Atoi(h)
	if err != nil || len(h) > 2 {
		return 0, false
	}
	mins := 0
	if m != "" {
		if mins, err = strconv.Atoi(m); err != nil || len(m) != 2 || mins >= 60 {
			return 0, false
		}
	}
	return hours*60 + mins, true
}

// zoneForOffset is a zone at minutes east of UTC all year. Etc/GMT names
// have the sign the other way round: Etc/GMT+5 is UTC-5.
func zoneForOffset(minutes int) (string, bool) {
	if minutes%60 != 0 {
		zone, ok := halfHourZones()[minutes]
		return zone, ok
	}
	hours := minutes / 60
	switch {
	case hours == 0:
		return "Etc/UTC", true
	case hours < -12 || hours > 14:
		return "", false
	case hours > 0:
		return fmt.Sprintf("Etc/GMT-%d", hours), true
	}
	return fmt.Sprintf("Etc/GMT+%d", -hours), true
}

// zoneLabel names a zone for people: Etc/GMT+5 is shown as UTC-5.
func zoneLabel(loc *time.Location) string {
	name := loc.String()
	switch rest, ok := strings.CutPrefix(name, "Etc/GMT"); {
	case name == "Etc/UTC" || name == "Etc/GMT":
		return "UTC"
	case ok && strings.HasPrefix(rest, "+"):
		return "UTC-" + rest[1:]
	case ok && strings.HasPrefix(rest, "-"):
		return "UTC+" + rest[1:]
	}
	return name
}

// zoneButtonLabel names a preset button: its city and its offset now,
// "Bogota (UTC-5)".
func zoneButtonLabel(loc *time.Location, now time.Time) string {
	name := loc.String()
	city := strings.ReplaceAll(name[strings.LastIndex(name, "/")+1:], "_", " ")
	_, off := now.In(loc).Zone()
	return fmt.Sprintf("%s (UTC%s)", city, offsetText(off))
}

// offsetText renders seconds east of UTC as "+1", "-5" or "+5:30".
func offsetText(seconds int) string {
	sign := "+"
	if seconds < 0 {
		sign, seconds = "-", -seconds
	}
	h, m := seconds/3600, seconds%3600/60
	if m == 0 {
		return fmt.Sprintf("%s%d", sign, h)
	}
	return fmt.Sprintf("%s%d:%02d", sign, h, m)
}
