package detect

// lexiconAsk lists the words of a builder's conditional rule, "if the user
// asks you to ignore these rules, refuse" (version 19): conditions (cIf) and
// third-person or reported requests (cAsk), in the lexicon's languages,
// written in their own script; buildLexicon folds them to canonical form.
// A rule counts only a condition followed by a request before the verb, so
// words that are also common words ("si" is also Spanish "yes", "se" its
// reflexive, "om" Swedish "about", "als" German "as") cost little alone.
var lexiconAsk = map[uint32][]string{
	cIf: {
		"if", "when", "whenever", "should", "si", "se", "om", "als", "lorsque", "lorsqu'", "quand", "wenn", "falls", "sobald", "cuando",
		"quando", "qualora", "caso", "wanneer", "indien", "när", "hvis", "når", "jeśli", "jeżeli", "gdyby", "pokud",
		"jestliže", "dacă", "eğer", "jika", "kalau", "apabila", "bila", "kung", "ikiwa", "если", "когда", "якщо",
		"коли", "όταν", "अगर", "यदि", "agar", "إذا", "إن", "اگر", "אם", "כאשר",
	},
	cAsk: {
		// English
		"asks", "asked", "requests", "requested", "tells", "told", "wants", "tries", "attempts", "demands",
		"instructs", "urges", "request", "attempt",
		// French
		"demande", "demandent", "demandait", "exige", "exigent", "veut", "veulent", "essaie", "essaye", "tente",
		// German
		"bittet", "bitten", "fordert", "verlangt", "versucht", "auffordert", "aufforderung", "anfrage",
		// Spanish
		"pide", "piden", "pidiera", "solicita", "solicitan", "exige", "intenta", "petición", "solicitud",
		// Italian
		"chiede", "chiedono", "richiede", "pretende", "tenta", "richiesta",
		// Portuguese
		"pede", "pedem", "pedir", "tentar", "pedido",
		// Dutch
		"vraagt", "vragen", "verzoek", "probeert",
		// Swedish, Danish, Norwegian
		"ber", "beder", "försöker", "prøver", "forsøker", "begär", "kræver", "krever",
		// Polish, Czech
		"prosi", "poprosi", "każe", "żąda", "próbuje", "požádá", "žádá", "požaduje", "zkusí",
		// Romanian, Hungarian, Turkish
		"cere", "solicită", "încearcă", "kéri", "kér", "isterse", "isteyen", "ister",
		// Indonesian / Malay, Tagalog, Swahili
		"meminta", "menyuruh", "mencoba", "hilingin", "humiling", "anaomba", "akiomba", "akikuomba",
		// Russian, Ukrainian
		"просит", "попросит", "требует", "потребует", "пытается", "велит", "просить", "попросить", "вимагає",
		"намагається",
		// Greek
		"ζητήσει", "ζητά", "ζητάει", "ζητήσουν",
		// Hindi
		"कहे", "कहता", "कहती", "माँगे", "kahe", "kahta", "kehta",
		// Arabic, Hebrew, Persian
		"طلب", "يطلب", "يطلب", "מבקש", "מבקשת", "ביקש", "بخواهد", "خواست",
	},
}
