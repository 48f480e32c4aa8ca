package detect

// Words left out on purpose: words of one or two letters ("ne", "ты", "لا",
// "आप"), words that fold to a common word of another language (Swedish
// "visa", Romanian "parolă" → Italian "parola"), and the verbs "write" and
// "give" of the new languages, which the rules do not yet exempt when they
// ask for a new prompt ("write a system prompt for …").

// lexiconMore lists the rule lexicon's words in further languages, written in
// their own script, lower case; buildLexicon folds them to canonical form.
var lexiconMore = map[uint32][]string{
	cVerb: {
		// Dutch
		"negeer", "negeren", "negeert", "vergeet", "vergeten", "omzeil", "omzeilen", "omzeilt", "overschrijf",
		"overschrijven", "veronachtzaam", "veronachtzamen", "verwerp", "verwerpen",
		// Swedish
		"ignorera", "ignorerar", "strunta", "struntar", "glöm", "glömma", "åsidosätt", "åsidosätta", "kringgå",
		"bortse", "förbigå",
		// Danish
		"ignorer", "ignorere", "ignorerer", "glem", "glemme", "tilsidesæt", "tilsidesætte", "omgå",
		// Norwegian (bokmål)
		"ignorer", "ignorere", "ignorerer", "glem", "glemme", "overse", "tilsidesett", "omgå",
		// Polish
		"zignoruj", "zignorujcie", "ignoruj", "ignorujcie", "zignorować", "ignorować", "zapomnij", "zapomnijcie",
		"zapomnieć", "pomiń", "pomińcie", "pominąć", "omiń", "obejdź", "obejdźcie", "obejść", "nadpisz",
		"zlekceważ", "lekceważ", "odrzuć", "odrzućcie", "porzuć",
		// Czech
		"ignoruj", "ignorujte", "ignorovat", "zapomeň", "zapomeňte", "zapomenout", "přeskoč", "přeskočte",
		"obejdi", "obejděte", "obejít", "přepiš", "nevšímej", "nevšímejte", "zahoď", "zahoďte", "odhoď",
		// Romanian
		"ignoră", "ignorați", "uită", "uitați", "neglijează", "neglijați", "ocolește", "ocoliți", "omiteți",
		"nesocotește", "suprascrie",
		// Hungarian
		"ignoráld", "ignorálj", "ignorálja", "ignoráljátok", "felejts", "felejtsen", "felejtsd", "felejtse",
		"felejtsétek", "mellőzd", "mellőzze", "felülírja", "felülírni",
		// Turkish
		"görmezden", "unut", "unutun", "unutmak", "atla", "atlayın", "atlat",
		// Indonesian / Malay
		"abaikan", "abaikanlah", "mengabaikan", "lupakan", "lupakanlah", "melupakan", "lewati", "langkau", "timpa",
		// Vietnamese
		"phớt",
		// Tagalog
		"balewalain", "kalimutan", "kaligtaan", "laktawan", "lampasan", "isantabi",
		// Swahili
		"puuza", "puuzeni", "kupuuza", "sahau", "sahauni", "kusahau", "kwepa",
		// Russian
		"игнорируй", "игнорируйте", "игнорировать", "проигнорируй", "проигнорируйте", "забудь", "забудьте",
		"забыть", "пропусти", "пропустите", "обойди", "обойдите", "обойти", "отбрось", "отбросьте", "отмени",
		"отмените", "перезапиши", "пренебреги", "пренебрегите",
		// Ukrainian
		"ігноруй", "ігноруйте", "ігнорувати", "проігноруй", "забудь", "забудьте", "забути", "пропусти",
		"пропустіть", "обійди", "обійдіть", "відкинь", "відкиньте", "знехтуй", "нехтуй", "скасуй", "скасуйте",
		"перезапиши",
		// Greek
		"αγνόησε", "αγνοήστε", "ξέχασε", "ξεχάστε", "παράβλεψε", "παραβλέψτε", "παράκαμψε", "παρακάμψτε",
		"παραμέρισε",
		// Hindi
		"अनदेखा", "नज़रअंदाज़", "भूलो", "भूलिए", "उपेक्षा", "अवहेलना", "दरकिनार", "अनसुना", "बायपास",
		// Hindi, romanized (Hinglish)
		"bhool", "bhoolo", "bhulo", "bhula", "bhoolna", "nazarandaaz", "nazarandaz", "najarandaz", "andekha",
		"anadekha",
		// Arabic
		"تجاهل", "تجاهلي", "تجاهلوا", "انسوا", "أهمل", "تخط", "تخطى", "تجاوز", "تجاوزي", "تجاوزوا", "تغاض",
		"تغاضى", "تناس",
		// Hebrew
		"התעלם", "התעלמי", "התעלמו", "להתעלם", "תתעלם", "שכח", "שכחי", "שכחו", "לשכוח", "תשכח", "עקוף", "לעקוף",
		"דלג", "דלגי", "תדלג", "זנח",
		// Persian
		"نادیده", "فراموش", "صرفنظر",
		// French (further forms)
		"ignorons", "oublions", "contourner", "écarte", "écartez", "écarter", "outrepasser", "désobéis",
		"désobéissez", "omets", "omettez", "omettre", "zappe", "zappez",
		// German (further forms)
		"missachtet", "missachtest", "ignorierst", "überspring", "überspringt", "überspringen", "umgeh", "umgeht",
		"verwerft", "verwerfen", "überschreibe", "überschreib", "übergehe", "übergeh", "übergeht", "übergehen",
		// Spanish (further forms, voseo included)
		"salteá", "ignorad", "olvidad", "olvídate", "olvídalas", "olvídalo", "ignóralas", "ignóralo", "omitan",
		"omita", "omitid", "descarten", "desestima", "desestime", "desatiende", "desatienda", "sáltate", "eludir",
		"sobrescribe", "sobreescribe", "olvídense",
		// Italian (further forms)
		"trascurate", "tralasciate", "tralasciare", "aggirate", "aggirare", "scartate", "scartare", "sovrascrivi",
		"bypassa", "eludi", "disattendi", "disattendere", "dimenticale", "ignorale", "ignoralo",
		// Portuguese (further forms, tu and você)
		"esquece", "desconsidera", "despreza", "contorna", "contornar", "pula", "pular", "omita", "burle",
		"sobrescreva", "sobrescreve", "negligencie", "desobedeça",
	},
	cNeg: {
		// Dutch
		"niet", "nooit", "geen",
		// Swedish
		"inte", "aldrig", "sluta", "ingen", "inga",
		// Danish
		"ikke", "aldrig", "ingen",
		// Norwegian (bokmål)
		"ikke", "aldri", "ingen",
		// Polish
		"nie", "nigdy", "przestań",
		// Czech
		"nikdy", "přestaň", "přestaňte",
		// Romanian
		"niciodată", "nicicând",
		// Hungarian
		"nem", "soha",
		// Turkish
		"değil", "asla", "hiçbir", "yapma",
		// Indonesian / Malay
		"tidak", "jangan", "bukan", "tiada", "berhenti",
		// Tagalog
		"huwag", "kailanman",
		// Swahili
		"kamwe", "hapana",
		// Russian
		"никогда", "ничем", "перестань", "прекрати",
		// Ukrainian
		"ніколи", "нічим", "припини",
		// Greek
		"μην", "δεν", "ποτέ", "όχι", "σταμάτα",
		// Hindi
		"नहीं",
		// Hindi, romanized (Hinglish)
		"nahi", "nahin",
		// Arabic
		"أبدا", "ليس", "لست", "توقف",
		// Hebrew
		"לעולם", "תפסיק", "הפסק", "אינך", "אינכם", "אין",
		// Persian
		"هرگز", "نکن", "هیچ",
		// French (further forms)
		"arrête", "arrêtez", "cesse", "cessez",
		// German (further forms)
		"keinen", "keinem", "keiner", "nie",
		// Italian (further forms)
		"smetti", "smettila",
	},
	cFollow: {
		// Dutch
		"volg", "volgen", "volgt", "gehoorzaam", "gehoorzamen", "gehoorzaamt", "luister", "respecteer", "naleven",
		// Swedish
		"följ", "följa", "följer", "lyd", "lyda", "lyssna", "respektera",
		// Danish
		"følg", "følge", "adlyd", "adlyde", "lyt", "overhold",
		// Norwegian (bokmål)
		"følg", "følge", "adlyd", "lytt", "overhold",
		// Polish
		"przestrzegaj", "przestrzegajcie", "przestrzegać", "słuchaj", "słuchajcie", "słuchać", "wykonuj",
		"wykonujcie", "stosuj", "posłuchaj", "podążaj",
		// Czech
		"dodržuj", "dodržujte", "poslouchej", "poslouchejte", "řiďte", "následuj", "respektuj",
		// Romanian
		"urmează", "urmați", "respectă", "respectați", "ascultă", "ascultați", "conformează",
		// Hungarian
		"kövesd", "kövesse", "kövessétek", "követni", "engedelmeskedj", "engedelmeskedjen", "hallgass",
		// Turkish
		"takip", "itaat", "dinle", "dinleyin", "uyun", "uymak",
		// Indonesian / Malay
		"ikuti", "mengikuti", "patuhi", "mematuhi", "turuti", "taati", "menaati", "dengarkan",
		// Tagalog
		"sundin", "sumunod", "sundan", "pakinggan", "igalang",
		// Swahili
		"fuata", "fuateni", "kufuata", "tii", "sikiliza", "heshimu",
		// Russian
		"следуй", "следуйте", "следовать", "подчиняйся", "подчиняйтесь", "слушайся", "слушай", "соблюдай",
		"соблюдайте", "выполняй", "выполняйте",
		// Ukrainian
		"дотримуйся", "дотримуйтесь", "слідуй", "слідуйте", "виконуй", "виконуйте", "слухайся", "підкоряйся",
		// Greek
		"ακολούθησε", "ακολουθήστε", "ακολουθείς", "υπάκουσε", "υπακούστε", "υπακούς", "τήρησε", "τηρήστε",
		"σεβάσου", "άκου",
		// Hindi
		"पालन", "अनुसरण", "मानो",
		// Hindi, romanized (Hinglish)
		"maano", "palan",
		// Arabic
		"اتبع", "اتبعي", "اتبعوا", "تتبع", "تتبعي", "تطع", "أطع", "التزم", "تلتزم", "تلتزمي", "تمتثل", "امتثل",
		// Hebrew
		"תציית", "ציית", "צייתי", "לציית", "תעקוב", "עקוב", "תקשיב", "תכבד",
		// Persian
		"پیروی", "اطاعت", "رعایت", "تبعیت",
		// French (further forms)
		"suivre", "obéir", "écoute", "écoutez", "écouter", "respecte", "respecter", "applique", "appliquez",
		"conformez",
		// German (further forms)
		"befolg", "befolgt", "befolgst", "folgen", "folgt", "gehorchen", "gehorcht", "gehorch", "beachte",
		"beachten", "beachtet",
		// Spanish (further forms, voseo included)
		"obedece", "obedezca", "obedezcan", "sigan", "acates", "acatar", "acata", "respetes", "respeta",
		"respetar", "cumplas", "cumple", "cumplir", "escuches", "escucha", "apliques",
		// Italian (further forms)
		"seguite", "obbedite", "rispetta", "rispettare", "rispettate", "ascoltare", "ascolta", "ascoltate",
		"attenerti", "attieniti", "ubbidire", "ubbidisci",
		// Portuguese (further forms, tu and você)
		"segue", "obedece", "obedeçam", "sigam", "respeite", "respeita", "respeitar", "cumpra", "cumpre",
		"cumprir", "acate", "acatar", "escute", "ouça",
	},
	cQual: {
		// Dutch
		"vorige", "voorgaande", "eerdere", "bovenstaande", "oorspronkelijke", "originele", "alle", "jouw",
		"jullie", "systeem", "huidige", "bestaande", "standaard", "interne", "ingebouwde", "initiële",
		// Swedish
		"tidigare", "föregående", "ovanstående", "dina", "ditt", "ursprungliga", "systemets", "nuvarande",
		"befintliga", "inbyggda",
		// Danish
		"tidligere", "foregående", "ovenstående", "alle", "dine", "oprindelige", "originale", "nuværende",
		"eksisterende", "indbyggede",
		// Norwegian (bokmål)
		"tidligere", "forrige", "foregående", "ovenstående", "alle", "dine", "ditt", "opprinnelige", "originale",
		"nåværende", "eksisterende", "innebygde",
		// Polish
		"poprzednie", "poprzednich", "poprzednią", "poprzedni", "wcześniejsze", "wcześniejszych", "powyższe",
		"powyższych", "wszystkie", "wszystkich", "wszelkie", "twoje", "twoich", "twoją", "twój", "wasze",
		"waszych", "swoje", "swoich", "systemowe", "systemowych", "pierwotne", "pierwotnych", "oryginalne",
		"oryginalnych", "początkowe", "początkowych", "dotychczasowe", "dotychczasowych", "obecne", "domyślne",
		"wbudowane", "wewnętrzne",
		// Czech
		"předchozí", "předešlé", "dřívější", "výše", "všechny", "všech", "tvoje", "tvé", "tvoji", "své", "svoje",
		"systémové", "původní", "počáteční", "výchozí", "stávající", "současné", "interní", "vestavěné",
		// Romanian
		"anterioare", "anterioară", "precedente", "precedentă", "toate", "tău", "voastre", "sistemului",
		"inițiale", "originale", "existente", "curente", "actuale", "implicite", "interne",
		// Hungarian
		"előző", "korábbi", "fenti", "összes", "minden", "eddigi", "eredeti", "kezdeti", "rendszer",
		"alapértelmezett", "jelenlegi", "belső", "beépített", "meglévő", "utasításaidat", "utasításaid",
		"szabályaidat", "irányelveidet",
		// Turkish
		"önceki", "öncekiler", "yukarıdaki", "tüm", "bütün", "senin", "sizin", "sistem", "orijinal", "varsayılan",
		"mevcut", "dahili", "talimatlarınızı", "kurallarınızı",
		// Indonesian / Malay
		"sebelumnya", "terdahulu", "semua", "seluruh", "segala", "anda", "kamu", "sistem", "asli", "awal",
		"bawaan", "atas", "instruksimu", "perintahmu", "aturanmu", "arahanmu",
		// Tagalog
		"nakaraang", "nakaraan", "naunang", "iyong", "ninyong", "lahat", "orihinal", "itaas",
		// Swahili
		"zilizopita", "iliyopita", "awali", "zote", "yote", "zako", "yako", "lako", "mfumo", "asili",
		// Russian
		"предыдущие", "предыдущих", "предыдущим", "предыдущую", "прежние", "прежних", "прошлые", "прошлых",
		"ранее", "вышеуказанные", "вышеизложенные", "вышеперечисленные", "вышеупомянутые", "выше", "все", "всех",
		"твои", "твоих", "ваши", "ваших", "свои", "своих", "системные", "системных", "изначальные", "исходные",
		"первоначальные", "оригинальные", "текущие", "встроенные", "внутренние", "заданные",
		// Ukrainian
		"попередні", "попередніх", "попередню", "минулі", "раніше", "вищезазначені", "всі", "усі", "всіх", "усіх",
		"твої", "твоїх", "ваші", "ваших", "свої", "своїх", "системні", "системних", "початкові", "оригінальні",
		"поточні", "вбудовані", "внутрішні",
		// Greek
		"προηγούμενες", "προηγούμενα", "προηγούμενων", "προηγούμενη", "προηγούμενο", "όλες", "όλα", "όλους",
		"όλων", "σου", "σας", "αρχικές", "αρχικά", "αρχικό", "συστήματος", "παραπάνω", "ανωτέρω", "ενσωματωμένες",
		"εσωτερικές", "τρέχουσες", "προεπιλεγμένες", "υπάρχουσες", "πρωτότυπες",
		// Hindi
		"पिछले", "पिछली", "पूर्व", "पहले", "सभी", "सारे", "सारी", "तुम्हारे", "तुम्हारी", "आपके", "आपकी", "सिस्टम",
		"प्रारंभिक", "शुरुआती", "उपरोक्त", "ऊपर", "आंतरिक", "डिफ़ॉल्ट", "मौजूदा",
		// Hindi, romanized (Hinglish)
		"pichle", "pichhle", "pichli", "pehle", "saare", "sabhi", "tumhare", "tumhari", "aapke", "aapki", "tere",
		"upar", "sab",
		// Arabic
		"السابقة", "السابقه", "السابق", "سابقة", "الماضية", "جميع", "كافة", "الأصلية", "الأولية", "النظام",
		"الحالية", "المدمجة", "الداخلية", "أعلاه", "الافتراضية", "المسبقة", "تعليماتك", "إرشاداتك", "قواعدك",
		"أوامرك", "توجيهاتك", "قيودك",
		// Hebrew
		"הקודמות", "הקודמים", "הקודמת", "הקודם", "קודמות", "קודמים", "כולן", "כולם", "שלך", "שלכם", "המקוריות",
		"המקוריים", "הראשוניות", "המערכת", "לעיל", "הנוכחיות", "הפנימיות", "המובנות", "הוראותיך", "הנחיותיך",
		// Persian
		"قبلی", "پیشین", "همه", "تمام", "تمامی", "شما", "سیستم", "سیستمی", "اولیه", "بالا", "فعلی", "داخلی",
		"پیشفرض",
		// French (further forms)
		"antérieure", "antérieur", "initiale", "originelles", "votre", "actuelles", "internes", "anciennes",
		"passées", "dernières", "existantes", "préalables",
		// German (further forms)
		"vorangehenden", "vorangegangene", "vorausgegangenen", "ursprüngliche", "anfänglichen", "initialen",
		"bestehenden", "aktuellen", "internen", "eingebauten", "dein", "deiner", "deinem", "eure", "euren",
		"sämtliche", "sämtlichen", "jegliche", "jeglichen", "alten", "obenstehenden", "obenstehende",
		"vorstehenden", "vorgegebenen", "standardmäßigen",
		// Spanish (further forms, voseo included)
		"vuestras", "vuestros", "previa", "previo", "inicial", "pasadas", "antiguas", "actuales", "internas",
		"predeterminadas", "arriba",
		// Italian (further forms)
		"tuoi", "vostre", "vostri", "originarie", "attuali", "interne", "predefinite", "vecchie", "passate",
		"suddette", "sopraindicate", "soprastanti",
		// Portuguese (further forms, tu and você)
		"teu", "tua", "seus", "vossas", "originais", "iniciais", "antigas", "atuais", "internas", "padrão",
		"predefinidas", "passadas",
	},
	cQualStrong: {
		// Dutch
		"bovenstaande",
		// Swedish
		"allt", "ovanstående",
		// Danish
		"ovenstående", "alting",
		// Norwegian (bokmål)
		"ovenstående",
		// Polish
		"wszystko", "powyższe", "powyższego",
		// Czech
		"všechno", "vše",
		// Romanian
		"totul",
		// Hungarian
		"mindent", "fentieket", "fentiek",
		// Turkish
		"herşey", "herşeyi", "hepsini", "yukarıdakileri",
		// Indonesian / Malay
		"semuanya", "segalanya",
		// Russian
		"всё", "вышесказанное", "вышеизложенное",
		// Ukrainian
		"все", "усе",
		// Greek
		"παραπάνω", "ανωτέρω",
		// Hindi
		"सबकुछ", "उपरोक्त",
		// Hindi, romanized (Hinglish)
		"sabkuch", "sabkuchh",
		// Arabic
		"أعلاه",
		// Hebrew
		"הכל", "הכול", "לעיל",
		// Persian
		"همهچیز",
		// German (further forms)
		"obenstehende", "obenstehenden", "vorstehende", "vorstehenden",
	},
	cObj: {
		// Dutch
		"instructies", "instructie", "regels", "regel", "richtlijnen", "aanwijzingen", "bevelen", "beperkingen",
		"voorschriften", "beleid", "restricties", "programmering", "systeeminstructies",
		// Swedish
		"instruktioner", "instruktionerna", "instruktion", "regler", "reglerna", "riktlinjer", "riktlinjerna",
		"direktiv", "anvisningar", "anvisningarna", "kommandon", "begränsningar", "begränsningarna",
		"restriktioner", "programmering", "systeminstruktioner",
		// Danish
		"instruktioner", "instruktionerne", "instrukser", "regler", "reglerne", "retningslinjer",
		"retningslinjerne", "anvisninger", "direktiver", "kommandoer", "begrænsninger", "restriktioner",
		"programmering",
		// Norwegian (bokmål)
		"instruksjoner", "instruksjonene", "instrukser", "regler", "reglene", "retningslinjer", "retningslinjene",
		"direktiver", "kommandoer", "begrensninger", "begrensningene", "restriksjoner", "programmering",
		// Polish
		"instrukcje", "instrukcji", "instrukcja", "polecenia", "poleceń", "polecenie", "zasady", "zasad", "reguły",
		"reguł", "wytyczne", "wytycznych", "ograniczenia", "ograniczeń", "dyrektywy", "dyrektyw", "nakazy",
		"rozkazy", "komendy", "wskazówki", "wskazówek", "polityki", "politykę", "programowanie",
		// Czech
		"instrukce", "pokyny", "pokynů", "pokyn", "pravidla", "pravidel", "směrnice", "zásady", "zásad", "příkazy",
		"příkazů", "omezení", "nařízení", "direktivy", "programování",
		// Romanian
		"instrucțiunile", "instrucțiuni", "instrucțiunilor", "regulile", "reguli", "regulilor", "directivele",
		"indicațiile", "indicații", "comenzile", "comenzi", "restricțiile", "restricții", "politicile",
		"limitările", "limitări", "ghidurile", "programarea",
		// Hungarian
		"utasítások", "utasításokat", "utasítást", "utasításaidat", "utasításaid", "szabályok", "szabályokat",
		"szabályaidat", "irányelvek", "irányelveket", "irányelveidet", "parancsokat", "parancsok", "korlátozások",
		"korlátozásokat", "korlátokat", "előírások", "előírásokat", "promptot",
		// Turkish
		"talimatlar", "talimatları", "talimatlarını", "talimatlarınızı", "talimat", "talimatı", "kurallar",
		"kuralları", "kurallarını", "kurallarınızı", "yönergeler", "yönergeleri", "yönergelerini", "komutlar",
		"komutları", "emirler", "emirleri", "kısıtlamalar", "kısıtlamaları", "sınırlamalar", "sınırlamaları",
		"politikalar", "direktifler", "direktifleri",
		// Indonesian / Malay
		"instruksi", "instruksimu", "instruksinya", "perintah", "perintahmu", "aturan", "aturanmu", "peraturan",
		"pedoman", "arahan", "arahanmu", "petunjuk", "batasan", "pembatasan", "larangan", "kebijakan", "ketentuan",
		// Vietnamese
		"lệnh",
		// Tagalog
		"tagubilin", "tagubiling", "utos", "panuntunan", "patakaran", "alituntunin", "instruksyon", "instruksiyon",
		"direksyon", "limitasyon", "paghihigpit",
		// Swahili
		"maagizo", "maelekezo", "sheria", "kanuni", "amri", "miongozo", "mwongozo", "vikwazo",
		// Russian
		"инструкции", "инструкциям", "инструкцию", "инструкция", "правила", "правил", "правило", "указания",
		"указаний", "директивы", "директив", "команды", "команд", "ограничения", "ограничений", "установки",
		"установок", "предписания", "предписаний", "промпт", "промпта", "политику", "политики", "программирование",
		"приказы", "распоряжения",
		// Ukrainian
		"інструкції", "інструкцій", "інструкцію", "правила", "правил", "вказівки", "вказівок", "директиви",
		"команди", "команд", "обмеження", "настанови", "настанов", "промпт", "політику", "накази",
		// Greek
		"οδηγίες", "οδηγιών", "οδηγία", "κανόνες", "κανόνων", "κανόνα", "εντολές", "εντολών", "περιορισμούς",
		"περιορισμοί", "περιορισμών", "κατευθυντήριες", "πολιτική", "προγραμματισμό", "διαταγές",
		// Hindi
		"निर्देश", "निर्देशों", "नियम", "नियमों", "आदेश", "आदेशों", "प्रतिबंध", "प्रतिबंधों", "पाबंदियां",
		"पाबंदियों", "सीमाएं", "सीमाओं", "नीति", "नीतियों", "प्रॉम्प्ट", "हिदायतें", "हिदायतों",
		// Hindi, romanized (Hinglish)
		"niyam", "nirdesh", "hidayat", "hidayatein", "aadesh", "adesh", "pabandi", "pabandiyan",
		// Arabic
		"التعليمات", "تعليمات", "تعليماتك", "الإرشادات", "إرشادات", "إرشاداتك", "القواعد", "قواعد", "قواعدك",
		"الأوامر", "أوامر", "أوامرك", "التوجيهات", "توجيهات", "توجيهاتك", "القيود", "قيود", "قيودك", "السياسات",
		"سياسات", "البرمجة", "البرومبت", "برومبت", "الضوابط", "ضوابط",
		// Hebrew
		"ההוראות", "הוראות", "הוראותיך", "ההנחיות", "הנחיות", "הנחיותיך", "הכללים", "כללים", "הפקודות", "פקודות",
		"המגבלות", "מגבלות", "ההגבלות", "הגבלות", "המדיניות", "מדיניות", "הפרומפט", "פרומפט", "התכנות",
		// Persian
		"دستورالعملها", "دستورالعمل", "دستورات", "دستورها", "قوانین", "قواعد", "رهنمودها", "محدودیتها", "محدودیت",
		"سیاستها", "پرامپت",
		// French (further forms)
		"indications", "contraintes", "programmation", "politiques", "principes",
		// German (further forms)
		"regel", "befehl", "vorgabe", "richtlinie", "einschränkung", "beschränkungen", "beschränkung",
		"direktiven", "instruktion", "vorschrift", "grundsätze", "prinzipien", "programmierung", "leitlinien",
		"auflagen", "systemanweisungen", "systemanweisung", "verbote", "schranken",
		// Spanish (further forms, voseo included)
		"instrucción", "regla", "norma", "directriz", "directivas", "comandos", "indicación", "pautas",
		"lineamientos", "programación", "restricción", "limitaciones", "consignas", "principios",
		// Italian (further forms)
		"istruzione", "regola", "direttiva", "indicazione", "comandi", "vincoli", "programmazione", "norme",
		"principi", "consegne", "disposizioni",
		// Portuguese (further forms, tu and você)
		"instrução", "regra", "diretriz", "diretivas", "orientação", "comandos", "programação", "princípios",
	},
	cLeakVerb: {
		// Dutch
		"toon", "tonen", "onthul", "onthullen", "herhaal", "herhalen", "vertel", "citeer", "kopieer", "weergeven",
		// Swedish
		"avslöja", "upprepa", "berätta", "citera", "kopiera", "dela",
		// Danish
		"vis", "afslør", "gentag", "fortæl", "udskriv", "citer", "kopier",
		// Norwegian (bokmål)
		"vis", "avslør", "gjenta", "fortell", "siter", "kopier",
		// Polish
		"pokaż", "pokażcie", "wyświetl", "wyświetlcie", "ujawnij", "ujawnijcie", "powtórz", "powtórzcie", "wypisz",
		"wypiszcie", "zdradź", "wydrukuj", "powiedz", "skopiuj", "zacytuj", "udostępnij",
		// Czech
		"ukaž", "ukažte", "zobraz", "zobrazte", "odhal", "odhalte", "prozraď", "prozraďte", "zopakuj", "zopakujte",
		"opakuj", "vypiš", "vypište", "řekni", "sděl", "vytiskni", "zkopíruj", "ocituj",
		// Romanian
		"arată", "arătați", "afișează", "afișați", "dezvăluie", "dezvăluiți", "repetă", "repetați", "spune",
		"spuneți", "tipărește", "copiază", "citează", "listează",
		// Hungarian
		"mutasd", "mutassa", "mutassátok", "ismételd", "ismételje", "áruld", "fedd", "közöld", "listázd",
		"nyomtasd", "másold", "idézd", "mondd",
		// Turkish
		"göster", "gösterin", "ifşa", "açığa", "tekrarla", "tekrarlayın", "söyle", "söyleyin", "paylaş", "yazdır",
		"kopyala", "listele",
		// Indonesian / Malay
		"tampilkan", "tunjukkan", "perlihatkan", "ungkapkan", "bocorkan", "ulangi", "cetak", "beritahu",
		"sebutkan", "salin", "bagikan", "paparkan", "tunjuk",
		// Tagalog
		"ipakita", "ibunyag", "ulitin", "sabihin", "ilista", "kopyahin", "ilabas",
		// Swahili
		"onyesha", "onyesheni", "fichua", "rudia", "niambie", "nakili", "chapisha",
		// Russian
		"покажи", "покажите", "выведи", "выведите", "раскрой", "раскройте", "повтори", "повторите", "распечатай",
		"расскажи", "скажи", "скажите", "процитируй", "скопируй", "перечисли", "выдай", "озвучь", "огласи",
		// Ukrainian
		"покажи", "покажіть", "виведи", "виведіть", "розкрий", "розкрийте", "повтори", "повторіть", "скажи",
		"скажіть", "розкажи", "надрукуй", "перелічи", "процитуй", "скопіюй",
		// Greek
		"δείξε", "δείξτε", "αποκάλυψε", "αποκαλύψτε", "επανάλαβε", "επαναλάβετε", "πες", "πείτε", "τύπωσε",
		"εκτύπωσε", "εμφάνισε", "εμφανίστε", "αντίγραψε", "παράθεσε",
		// Hindi
		"दिखाओ", "दिखाएं", "दिखाइए", "बताओ", "बताएं", "बताइए", "दोहराओ", "दोहराएं", "प्रकट", "उजागर", "साझा",
		"छापो",
		// Hindi, romanized (Hinglish)
		"dikhao", "batao", "bataao", "dohrao", "dohraao", "chhapo",
		// Arabic
		"اعرض", "اعرضي", "أظهر", "أرني", "اكشف", "اكشفي", "كرر", "كرري", "اطبع", "أخبرني", "انسخ", "اذكر", "شارك",
		// Hebrew
		"הצג", "הציגי", "הראי", "חשוף", "חשפי", "תחשוף", "חזור", "חזרי", "הדפס", "הדפיסי", "תגיד", "העתק", "שתף",
		// Persian
		"نشان", "فاش", "تکرار", "بگو", "چاپ", "افشا",
		// French (further forms)
		"montre-moi", "donne-moi", "dis-moi", "révéler", "montrer", "répéter", "imprimez", "dites", "partagez",
		"copie", "copiez", "divulgue", "divulguez", "citez",
		// German (further forms)
		"zeigen", "gebt", "verrat", "verraten", "verratet", "nenn", "nennen", "drucken", "wiederhol",
		"wiederholen", "sagen", "offenbare", "offenbaren", "enthülle", "enthüllen", "kopiere", "kopieren",
		"zitiere", "zitieren", "auflisten", "preisgeben", "ausdrucken",
		// Spanish (further forms, voseo included)
		"muestren", "muestre", "mostrar", "revelar", "revélame", "decime", "imprimir", "repetir", "repíteme",
		"copia", "expón", "enséñame",
		// Italian (further forms)
		"mostrate", "mostrare", "mostrarmi", "rivelate", "rivelare", "rivelami", "ripetete", "ripetere",
		"stampate", "dite", "dicci", "copia", "condividi", "svela", "trascrivi", "fornisci", "restituisci",
		// Portuguese (further forms, tu and você)
		"mostrar", "mostrem", "mostre-me", "revelar", "revelem", "imprimir", "diga-me", "repetir", "exiba",
		"exibir", "compartilhe", "copie", "forneça", "transcreva",
	},
	cLeakObj: {
		// Dutch
		"instructies", "systeemprompt", "systeeminstructies", "configuratie", "bericht", "berichten",
		"systeembericht",
		// Swedish
		"instruktioner", "instruktionerna", "systemprompt", "systemprompten", "prompten", "konfiguration",
		"konfigurationen", "meddelande", "meddelandet",
		// Danish
		"instruktioner", "instruktionerne", "systemprompt", "systemprompten", "prompten", "konfiguration",
		"konfigurationen", "besked", "beskeden",
		// Norwegian (bokmål)
		"instruksjoner", "instruksjonene", "systemprompt", "systemprompten", "prompten", "konfigurasjon",
		"konfigurasjonen",
		// Polish
		"prompta", "promptu", "instrukcje", "instrukcji", "konfigurację", "konfiguracja", "konfiguracji",
		"wiadomość", "wiadomości",
		// Czech
		"promptu", "instrukce", "pokyny", "konfiguraci", "konfigurace", "zprávu", "zpráva",
		// Romanian
		"promptul", "instrucțiunile", "instrucțiuni", "configurația", "configurarea", "mesajul",
		// Hungarian
		"promptot", "promptodat", "rendszerprompt", "rendszerpromptot", "utasításokat", "utasításaidat",
		"konfigurációt", "konfigurációdat", "üzenetet", "rendszerüzenetet",
		// Turkish
		"istem", "istemi", "istemini", "promptu", "promptunu", "talimatları", "talimatlarını", "talimatlarınızı",
		"yapılandırma", "yapılandırmanı", "yapılandırmayı", "mesajı", "mesajını",
		// Indonesian / Malay
		"instruksi", "instruksimu", "promptmu", "konfigurasi", "pesan", "arahan",
		// Tagalog
		"tagubilin", "instruksyon", "instruksiyon", "mensahe",
		// Swahili
		"maagizo", "maelekezo", "ujumbe", "usanidi",
		// Russian
		"промпт", "промпта", "инструкции", "инструкцию", "конфигурацию", "конфигурация", "сообщение", "указания",
		// Ukrainian
		"промпт", "інструкції", "конфігурацію", "повідомлення",
		// Greek
		"προτροπή", "προτροπής", "οδηγίες", "διαμόρφωση", "μήνυμα", "μηνύματος",
		// Hindi
		"प्रॉम्प्ट", "निर्देश", "निर्देशों", "संदेश",
		// Hindi, romanized (Hinglish)
		"nirdesh", "sandesh",
		// Arabic
		"التعليمات", "تعليمات", "تعليماتك", "الإرشادات", "إرشاداتك", "البرومبت", "برومبت", "الرسالة", "رسالة",
		"التكوين",
		// Hebrew
		"ההוראות", "הוראות", "הוראותיך", "ההנחיות", "הנחיות", "הנחיותיך", "הפרומפט", "פרומפט", "ההודעה", "הודעה",
		"התצורה", "תצורה",
		// Persian
		"پرامپت", "دستورالعملها", "دستورالعمل", "دستورات", "پیام", "پیکربندی",
		// French (further forms)
		"consigne", "instruction",
		// German (further forms)
		"systemanweisungen", "systemanweisung", "anweisung", "instruktionen",
		// Spanish (further forms, voseo included)
		"indicaciones", "instrucción",
		// Italian (further forms)
		"istruzione", "direttive", "indicazioni",
		// Portuguese (further forms, tu and você)
		"instrução",
	},
	cLeakQual: {
		// Dutch
		"jouw", "verborgen", "geheime", "oorspronkelijke", "originele", "volledige", "exacte", "interne",
		"vertrouwelijke", "initiële", "systeem", "hele", "letterlijke",
		// Swedish
		"ditt", "dolda", "hemliga", "ursprungliga", "fullständiga", "exakta", "interna", "konfidentiella", "hela",
		"systemets",
		// Danish
		"dine", "skjulte", "hemmelige", "oprindelige", "fulde", "fuldstændige", "nøjagtige", "interne",
		"fortrolige", "hele",
		// Norwegian (bokmål)
		"dine", "ditt", "skjulte", "hemmelige", "opprinnelige", "fulle", "fullstendige", "nøyaktige", "interne",
		"konfidensielle", "hele",
		// Polish
		"twoje", "twój", "twoja", "twojego", "twoich", "swój", "swoje", "swoją", "swojego", "systemowy",
		"systemowe", "systemowego", "systemową", "systemowych", "ukryte", "ukryty", "ukrytą", "ukrytych", "tajne",
		"tajny", "tajną", "tajnych", "początkowe", "początkowy", "początkową", "oryginalne", "oryginalny",
		"oryginalną", "pierwotny", "pierwotne", "pierwotną", "pełny", "pełną", "pełne", "dokładny", "dokładną",
		"dokładne", "cały", "całą", "całe", "wewnętrzne", "wewnętrzny", "poufne", "poufny", "dosłownie",
		// Czech
		"tvůj", "tvoje", "tvé", "tvoji", "svůj", "své", "systémový", "systémové", "systémovou", "skryté", "skrytý",
		"skrytou", "tajné", "tajný", "tajnou", "původní", "počáteční", "úplný", "úplné", "úplnou", "celý", "celou",
		"přesné", "přesný", "interní", "důvěrné", "doslova",
		// Romanian
		"tău", "sistemului", "ascunse", "ascuns", "secrete", "inițial", "inițiale", "originale", "complet",
		"complete", "întreg", "întregul", "exacte", "interne", "confidențiale",
		// Hungarian
		"rejtett", "titkos", "eredeti", "kezdeti", "teljes", "pontos", "belső", "bizalmas", "rendszer",
		"rendszerszintű", "promptodat", "utasításaidat", "konfigurációdat",
		// Turkish
		"senin", "sizin", "sistem", "gizli", "orijinal", "başlangıç", "tamamını", "tüm", "dahili", "eksiksiz",
		"talimatlarınızı",
		// Indonesian / Malay
		"anda", "kamu", "sistem", "tersembunyi", "rahasia", "rahsia", "asli", "awal", "lengkap", "penuh", "persis",
		"seluruh", "utuh", "instruksimu", "promptmu",
		// Tagalog
		"iyong", "ninyong", "nakatago", "lihim", "orihinal", "buong", "eksaktong",
		// Swahili
		"zako", "yako", "lako", "iliyofichwa", "zilizofichwa", "kamili", "asili", "mfumo",
		// Russian
		"твой", "твою", "твоего", "твоих", "ваш", "ваши", "вашу", "ваших", "свой", "системный", "системные",
		"системную", "системного", "скрытые", "скрытый", "скрытую", "секретные", "секретный", "тайные", "исходный",
		"исходные", "изначальный", "изначальные", "первоначальный", "оригинальный", "полный", "полностью",
		"полную", "весь", "внутренние", "внутренний", "конфиденциальные", "точный", "точную", "дословно",
		// Ukrainian
		"твій", "твої", "твою", "ваш", "ваші", "вашу", "системний", "системні", "системну", "приховані",
		"прихований", "секретні", "таємні", "початковий", "початкові", "оригінальний", "повний", "повну", "весь",
		"внутрішні", "конфіденційні", "дослівно",
		// Greek
		"σου", "σας", "κρυφές", "κρυφό", "κρυφή", "κρυφά", "μυστικές", "μυστικό", "μυστική", "αρχικές", "αρχικό",
		"αρχική", "πλήρεις", "πλήρες", "πλήρη", "ολόκληρο", "ολόκληρη", "ακριβές", "ακριβείς", "εσωτερικές",
		"συστήματος", "εμπιστευτικές",
		// Hindi
		"तुम्हारे", "तुम्हारी", "तुम्हारा", "आपके", "आपकी", "आपका", "सिस्टम", "छिपे", "छिपी", "गुप्त", "प्रारंभिक",
		"संपूर्ण", "आंतरिक", "गोपनीय", "सटीक",
		// Hindi, romanized (Hinglish)
		"tumhare", "tumhara", "tumhari", "aapka", "aapke", "aapki", "tera", "tere", "chhupe", "chupe", "chhupa",
		"gupt",
		// Arabic
		"النظام", "المخفية", "مخفية", "السرية", "سرية", "الأصلية", "الأولية", "الكاملة", "كاملة", "بالكامل",
		"الداخلية", "حرفيا", "تعليماتك", "إرشاداتك", "قواعدك",
		// Hebrew
		"שלך", "שלכם", "המערכת", "מערכת", "הנסתרות", "הנסתרים", "נסתרות", "הסודיות", "סודיות", "הסודי", "המקוריות",
		"המקורי", "המלא", "המלאות", "המלאה", "המדויק", "המדויקות", "הפנימיות", "הראשוניות", "הוראותיך", "הנחיותיך",
		// Persian
		"سیستمی", "سیستم", "مخفی", "پنهان", "محرمانه", "اولیه", "کامل", "دقیق", "داخلی", "شما", "خودت",
		// French (further forms)
		"initiales", "initiale", "secrète", "secrètes", "originale", "originales", "complètes", "complet",
		"entier", "entière", "exacte", "exactes", "interne", "internes", "confidentielles",
		// German (further forms)
		"dein", "deiner", "deinem", "versteckte", "versteckten", "verborgene", "verborgenen", "ursprüngliche",
		"ursprünglichen", "anfängliche", "anfänglichen", "vollständige", "vollständigen", "vollen", "gesamte",
		"gesamten", "genaue", "genauen", "exakte", "exakten", "interne", "internen", "vertrauliche",
		"vertraulichen", "wörtlich",
		// Spanish (further forms, voseo included)
		"vuestro", "vuestras", "ocultas", "ocultos", "secreto", "secretas", "secretos", "inicial", "iniciales",
		"originales", "completo", "completa", "completas", "entero", "entera", "exacto", "exacta", "exactas",
		"interno", "internas", "confidencial", "confidenciales", "literal", "literalmente",
		// Italian (further forms)
		"tua", "tuoi", "vostro", "vostre", "nascosta", "nascosti", "segreto", "segreta", "segrete", "segreti",
		"iniziale", "iniziali", "originale", "originali", "completo", "completa", "intero", "intera", "esatto",
		"esatta", "esatte", "interno", "interne", "riservate", "riservato", "confidenziali", "testuale",
		"testualmente",
		// Portuguese (further forms, tu and você)
		"teu", "tua", "teus", "tuas", "seus", "vosso", "escondido", "escondida", "escondidas", "secreta",
		"secretas", "inicial", "iniciais", "originais", "completo", "completa", "completas", "inteiro", "inteira",
		"exato", "exata", "exatas", "interno", "internas", "confidencial", "confidenciais", "literal",
		"literalmente",
	},
	cSecret: {
		// Dutch
		"wachtwoord", "wachtwoorden", "sleutel", "sleutels", "geheim", "inloggegevens", "toegangscode",
		// Swedish
		"lösenord", "lösenordet", "nyckel", "nycklar", "hemlighet", "hemligheter", "inloggningsuppgifter",
		// Danish
		"adgangskode", "adgangskoder", "kodeord", "nøgle", "nøgler", "hemmelighed", "hemmeligheder",
		// Norwegian (bokmål)
		"passord", "passordet", "nøkkel", "nøkler", "hemmelighet", "hemmeligheter",
		// Polish
		"hasło", "hasła", "haseł", "klucz", "klucze", "klucza", "kluczy", "sekret", "sekrety",
		// Czech
		"heslo", "hesla", "hesel", "klíč", "klíče", "tajemství",
		// Romanian
		"parolele", "cheia", "cheile", "cheie", "secretul", "secretele",
		// Hungarian
		"jelszó", "jelszót", "jelszavak", "jelszavakat", "jelszavad", "kulcs", "kulcsot", "kulcsokat", "titok",
		"titkot",
		// Turkish
		"şifre", "şifreyi", "şifreler", "şifreleri", "şifreni", "anahtar", "anahtarı", "anahtarlar", "anahtarını",
		// Indonesian / Malay
		"kunci", "rahasia", "rahsia", "kredensial",
		// Tagalog
		"lihim",
		// Swahili
		"nenosiri", "nywila", "ufunguo", "funguo",
		// Russian
		"пароль", "пароли", "пароля", "паролей", "ключ", "ключи", "ключа", "секрет", "секреты", "токен", "токены",
		"учётные",
		// Ukrainian
		"пароль", "паролі", "паролів", "пароля", "ключ", "ключі", "ключа", "секрет", "секрети", "облікові",
		"токен",
		// Greek
		"συνθηματικό", "κλειδί", "κλειδιά", "διαπιστευτήρια", "μυστικό",
		// Hindi
		"पासवर्ड", "कुंजी", "चाबी", "रहस्य", "क्रेडेंशियल",
		// Hindi, romanized (Hinglish)
		"raaz",
		// Arabic
		"مفتاح", "المفتاح", "مفاتيح", "الأسرار", "أسرار", "السري",
		// Hebrew
		"סיסמה", "הסיסמה", "סיסמא", "הסיסמא", "סיסמאות", "מפתח", "המפתח", "מפתחות", "סוד", "הסוד", "סודות",
		// Persian
		"رمز", "گذرواژه", "کلید", "راز",
		// French (further forms)
		"clé", "clés", "identifiants",
		// German (further forms)
		"passwörter", "kennwort", "kennwörter", "zugangsdaten", "geheimnisse", "api-schlüssel",
		// Spanish (further forms, voseo included)
		"contraseñas", "claves", "credenciales", "secreto", "secretos",
		// Italian (further forms)
		"chiavi", "credenziali", "segreto", "segreti",
		// Portuguese (further forms, tu and você)
		"senhas", "chaves", "credenciais", "segredo", "segredos",
	},
	cPriv: {
		// Dutch
		"beheerder", "systeembeheerder", "kwaadaardig", "kwaadaardige",
		// Swedish
		"administratör", "ondskefull", "ondskefulla", "illasinnad",
		// Danish
		"ondsindet", "ondsindede",
		// Norwegian (bokmål)
		"ondsinnet", "ondsinnede",
		// Polish
		"administratorem", "administratora", "adminem", "haker", "hakerem", "złośliwy", "złośliwym",
		"superużytkownikiem",
		// Czech
		"administrátor", "administrátora", "administrátorem", "správce", "hackerem", "škodlivý", "zlomyslný",
		// Romanian
		"administratorul", "malițios", "malefic",
		// Hungarian
		"adminisztrátor", "rendszergazda", "gonosz", "rosszindulatú",
		// Turkish
		"yönetici", "yöneticisi", "yöneticisin", "şeytani", "kötücül",
		// Indonesian / Malay
		"peretas", "jahat",
		// Swahili
		"msimamizi", "mdukuzi", "mwovu",
		// Russian
		"администратор", "администратором", "админ", "админом", "хакер", "хакером", "злой", "злым", "злобный",
		"вредоносный", "суперпользователь",
		// Ukrainian
		"адміністратор", "адміністратором", "адмін", "адміном", "хакер", "хакером", "злий", "злим", "зловмисний",
		"шкідливий",
		// Greek
		"διαχειριστής", "διαχειριστή", "χάκερ", "κακόβουλος", "μοχθηρός",
		// Hindi
		"एडमिन", "हैकर", "दुष्ट", "शैतान",
		// Hindi, romanized (Hinglish)
		"shaitan", "shaitaan",
		// Arabic
		"أدمن", "هاكر", "مخترق", "شرير", "شريرا", "الشرير", "خبيث",
		// Hebrew
		"אדמין", "האקר", "רשע", "מרושע", "זדוני", "זדונית",
		// Persian
		"ادمین", "هکر", "شرور", "مخرب",
		// French (further forms)
		"administratrice", "malveillant", "maléfique", "diabolique",
		// German (further forms)
		"böse", "bösartig", "bösartiger", "boshaft", "uneingeschränkt",
		// Spanish (further forms, voseo included)
		"administradora", "malvado", "malvada", "malicioso", "maliciosa", "superusuario", "malévolo",
		// Italian (further forms)
		"amministratrice", "malvagio", "malvagia", "malevolo", "malintenzionato", "maligno",
		// Portuguese (further forms, tu and você)
		"administradora", "malvado", "maligno", "malicioso", "maliciosa", "perverso",
	},
	cNoWord: {
		// Dutch
		"zonder", "geen",
		// Swedish
		"utan", "inga", "ingen",
		// Danish
		"uden", "ingen",
		// Norwegian (bokmål)
		"uten", "ingen",
		// Polish
		"bez", "żadnych", "żadne", "żadnej", "żadnego",
		// Czech
		"bez", "žádné", "žádná", "žádný", "žádných",
		// Romanian
		"fără", "niciun", "nicio",
		// Hungarian
		"nélkül", "semmilyen",
		// Turkish
		"olmadan", "hiçbir",
		// Indonesian / Malay
		"tanpa", "tiada",
		// Tagalog
		"walang",
		// Swahili
		"bila",
		// Russian
		"без", "никаких",
		// Ukrainian
		"без", "жодних", "жодного",
		// Greek
		"χωρίς", "κανένα", "καμία", "κανέναν",
		// Hindi
		"बिना", "कोई",
		// Hindi, romanized (Hinglish)
		"bina", "bagair", "baghair",
		// Arabic
		"بدون", "بلا", "دون",
		// Hebrew
		"בלי", "ללא", "אין", "שום", "חסר",
		// Persian
		"بدون", "هیچ",
		// German (further forms)
		"keinen", "keiner", "frei",
		// Spanish (further forms, voseo included)
		"ninguno", "ningunas",
		// Italian (further forms)
		"nessuno", "privo", "priva", "privi",
	},
	cLimit: {
		// Dutch
		"beperkingen", "beperking", "grenzen", "richtlijnen", "regels", "censuur", "ethiek", "moraal", "normen",
		"restricties", "voorschriften", "waarborgen", "veiligheidsregels", "veiligheidsfilters",
		// Swedish
		"begränsningar", "begränsningarna", "restriktioner", "regler", "reglerna", "riktlinjer", "riktlinjerna",
		"spärrar", "gränser", "censur", "etik",
		// Danish
		"begrænsninger", "restriktioner", "regler", "retningslinjer", "filtre", "grænser", "censur", "etik",
		// Norwegian (bokmål)
		"begrensninger", "restriksjoner", "regler", "retningslinjer", "filtre", "grenser", "sensur", "etikk",
		// Polish
		"ograniczenia", "ograniczeń", "ograniczeniami", "zasady", "zasad", "reguły", "reguł", "wytyczne",
		"wytycznych", "filtry", "filtrów", "cenzura", "cenzury", "cenzurę", "etyka", "etyki", "etykę", "moralność",
		"moralności", "granice", "granic", "zabezpieczenia", "zabezpieczeń", "blokady", "blokad",
		// Czech
		"omezení", "pravidla", "pravidel", "zásady", "zásad", "směrnice", "filtry", "filtrů", "cenzura", "cenzury",
		"cenzuru", "etika", "etiky", "etiku", "morálka", "morálky", "morálku", "hranice", "zábrany", "pojistky",
		// Romanian
		"restricții", "restricțiile", "limitele", "limitări", "limitările", "reguli", "regulile", "filtre",
		"filtrele", "cenzură", "etică", "morală", "principiile", "constrângeri", "constrângerile",
		// Hungarian
		"korlátozások", "korlátozásokat", "korlátok", "korlátokat", "szabályok", "szabályokat", "irányelvek",
		"irányelveket", "szűrők", "szűrőket", "cenzúra", "cenzúrát", "etika", "erkölcs",
		// Turkish
		"kısıtlamalar", "kısıtlama", "kısıtlamaları", "sınırlar", "sınırları", "sınırlama", "sınırlamalar",
		"kurallar", "kuralları", "filtreler", "filtre", "sansür", "etik", "ahlak", "yönergeler",
		// Indonesian / Malay
		"batasan", "pembatasan", "batas", "aturan", "peraturan", "pedoman", "etika", "larangan", "sekatan",
		// Tagalog
		"limitasyon", "paghihigpit", "patakaran", "panuntunan", "alituntunin", "hangganan", "etika",
		// Swahili
		"vikwazo", "mipaka", "sheria", "kanuni", "maadili", "vichujio", "miongozo",
		// Russian
		"ограничения", "ограничений", "правила", "правил", "рамки", "рамок", "фильтры", "фильтров", "цензура",
		"цензуры", "цензуру", "этика", "этики", "мораль", "морали", "запреты", "запретов", "принципы", "принципов",
		// Ukrainian
		"обмеження", "обмежень", "правила", "правил", "рамки", "рамок", "фільтри", "фільтрів", "цензура",
		"цензури", "цензуру", "етика", "етики", "мораль", "моралі", "заборони", "заборон", "принципи",
		// Greek
		"περιορισμούς", "περιορισμοί", "περιορισμών", "όρια", "ορίων", "κανόνες", "κανόνων", "φίλτρα", "φίλτρων",
		"λογοκρισία", "λογοκρισίας", "ηθική", "ηθικής", "δεοντολογία", "οδηγίες",
		// Hindi
		"प्रतिबंध", "प्रतिबंधों", "पाबंदी", "पाबंदियां", "पाबंदियों", "सीमाएं", "सीमाओं", "नियम", "नियमों",
		"फ़िल्टर", "सेंसरशिप", "नैतिकता",
		// Hindi, romanized (Hinglish)
		"pabandi", "pabandiyan", "pabandiyon", "niyam", "naitikta",
		// Arabic
		"قيود", "القيود", "قيودك", "حدود", "الحدود", "ضوابط", "الضوابط", "قواعد", "القواعد", "فلاتر", "الفلاتر",
		"مرشحات", "رقابة", "الرقابة", "أخلاقيات", "الأخلاقيات", "الأخلاق", "أخلاق", "المبادئ", "محاذير", "ممنوعات",
		// Hebrew
		"מגבלות", "המגבלות", "הגבלות", "ההגבלות", "כללים", "הכללים", "גבולות", "הגבולות", "מסננים", "פילטרים",
		"צנזורה", "הצנזורה", "אתיקה", "האתיקה", "מוסר", "המוסר", "עקרונות",
		// Persian
		"محدودیتها", "محدودیت", "قوانین", "قواعد", "فیلترها", "فیلتر", "سانسور", "اخلاق", "اخلاقیات", "مرزها",
		"رهنمودها", "چارچوبها",
		// French (further forms)
		"règle", "limite", "contraintes", "garde-fous", "principes", "éthique", "filtre", "barrières", "interdits",
		// German (further forms)
		"beschränkungen", "beschränkung", "einschränkung", "grenze", "regel", "schranken", "ethik", "vorschriften",
		"richtlinie", "sicherheitsfilter", "sicherheitsvorkehrungen", "inhaltsbeschränkungen", "verbote",
		"hemmungen", "prinzipien", "grundsätze", "leitplanken", "schutzmaßnahmen",
		// Spanish (further forms, voseo included)
		"restricción", "límite", "regla", "filtro", "ética", "principios", "barreras", "salvaguardas",
		"directrices", "pautas", "tabúes", "prohibiciones",
		// Italian (further forms)
		"restrizione", "limite", "vincoli", "regola", "norme", "filtro", "etica", "principi", "paletti",
		"barriere", "divieti",
		// Portuguese (further forms, tu and você)
		"restrição", "limite", "ética", "princípios", "barreiras", "salvaguardas", "proteções", "proibições",
		"diretrizes",
	},
	cUnbound: {
		// Dutch
		"ongefilterd", "ongefilterde", "ongecensureerd", "ongecensureerde", "onbeperkt", "onbeperkte", "ongeremd",
		"ongeremde", "amoreel", "immoreel", "onethisch", "onethische", "grenzeloos",
		// Swedish
		"ofiltrerad", "ofiltrerat", "ocensurerad", "ocensurerat", "obegränsad", "obegränsat", "amoralisk",
		"omoralisk", "oetisk", "ohämmad",
		// Danish
		"ufiltreret", "ucensureret", "ubegrænset", "amoralsk", "umoralsk", "uetisk",
		// Norwegian (bokmål)
		"ufiltrert", "usensurert", "ubegrenset", "amoralsk", "umoralsk", "uetisk",
		// Polish
		"nieograniczony", "nieograniczona", "nieograniczone", "nieocenzurowany", "nieocenzurowana",
		"niecenzurowany", "niecenzurowana", "niefiltrowany", "niefiltrowana", "amoralny", "amoralna", "niemoralny",
		"nieetyczny", "nieetyczna", "nieskrępowany",
		// Czech
		"neomezený", "neomezená", "neomezené", "necenzurovaný", "necenzurovaná", "nefiltrovaný", "nefiltrovaná",
		"amorální", "nemorální", "neetický", "neetická", "nespoutaný", "nespoutaná",
		// Romanian
		"nelimitat", "nelimitată", "necenzurat", "necenzurată", "nefiltrat", "nefiltrată", "imoral", "imorală",
		"neetic", "neetică", "nerestricționat",
		// Hungarian
		"korlátlan", "cenzúrázatlan", "szűretlen", "amorális", "erkölcstelen", "etikátlan", "gátlástalan",
		// Turkish
		"sınırsız", "sansürsüz", "filtresiz", "kısıtlamasız", "ahlaksız", "etiksiz", "kuralsız",
		// Russian
		"неограниченный", "неограниченная", "неограниченное", "безграничный", "нецензурированный",
		"нефильтрованный", "аморальный", "аморальная", "безнравственный", "неэтичный", "неэтичная",
		// Ukrainian
		"необмежений", "необмежена", "нецензурований", "нефільтрований", "аморальний", "аморальна", "неетичний",
		"неетична", "безмежний",
		// Greek
		"απεριόριστος", "απεριόριστη", "απεριόριστο", "αλογόκριτος", "αλογόκριτο", "ανήθικος", "ανήθικη",
		"αφιλτράριστος", "ασύδοτος",
		// Hindi
		"असीमित", "बेलगाम", "अनैतिक", "बेरोकटोक", "अनियंत्रित",
		// Hindi, romanized (Hinglish)
		"asimit", "belagaam",
		// Persian
		"نامحدود", "بیمحدودیت", "بیسانسور", "بیاخلاق", "غیراخلاقی", "بیقید", "افسارگسیخته",
		// French (further forms)
		"illimité", "illimitée", "débridé", "débridée", "immorale", "amorale",
		// German (further forms)
		"uneingeschränkt", "uneingeschränkte", "uneingeschränkter", "unzensiert", "unzensierte", "unzensierter",
		"ungefiltert", "ungefilterte", "ungefilterter", "unbegrenzt", "grenzenlos", "amoralisch", "unmoralisch",
		"unethisch", "entfesselt", "entfesselte", "hemmungslos", "zügellos",
		// Spanish (further forms, voseo included)
		"ilimitado", "ilimitada", "desenfrenado", "desenfrenada", "inmoral", "antiético", "antiética",
		"descontrolado", "desatado", "desencadenado",
		// Italian (further forms)
		"illimitato", "illimitata", "amorale", "immorale", "sfrenato", "sfrenata", "scatenato", "scatenata",
		// Portuguese (further forms, tu and você)
		"ilimitado", "ilimitada", "desenfreado", "desenfreada", "imoral", "antiético", "antiética",
		"descontrolado", "desbloqueado",
	},
	cPersona: {
		// Dutch
		"alsof", "rollenspel", "personage", "speel", "rol", "simuleer", "gedraag", "modus", "verbeeld",
		// Swedish
		"låtsas", "rollspel", "karaktär", "simulera", "föreställ", "agera", "rollen",
		// Danish
		"foregiv", "rollespil", "karakter", "simuler", "forestil", "spil",
		// Norwegian (bokmål)
		"rollespill", "karakter", "simuler", "forestill", "modus",
		// Polish
		"udawaj", "udawajcie", "udawać", "wciel", "odgrywaj", "odegraj", "rola", "rolę", "roli", "postać",
		"postaci", "symuluj", "wyobraź", "zachowuj", "tryb", "trybie",
		// Czech
		"předstírej", "předstírejte", "hraj", "hrajte", "roli", "postava", "postavu", "simuluj", "představ",
		"představte", "chovej", "režim", "režimu", "vžij",
		// Romanian
		"prefă-te", "joacă", "rol", "rolul", "personaj", "personajul", "simulează", "imaginează-ți", "comportă-te",
		// Hungarian
		"mintha", "tettesd", "játszd", "játssz", "szerepjáték", "szerep", "szerepet", "karakter", "karaktert",
		"szimuláld", "képzeld", "viselkedj", "módban",
		// Turkish
		"rol", "rolü", "rolünü", "karakter", "karakteri", "taklit", "canlandır", "davran", "hayal", "simüle",
		"oyna",
		// Indonesian / Malay
		"berpura-pura", "pura-pura", "berperan", "peran", "perankan", "karakter", "bayangkan", "simulasikan",
		"bertindak", "berlagak", "berperilaku",
		// Tagalog
		"magpanggap", "kunwari", "gumanap", "karakter",
		// Swahili
		"jifanye", "igiza", "uigizaji", "mhusika",
		// Russian
		"притворись", "притворитесь", "представь", "представьте", "сыграй", "сыграйте", "играй", "роль", "роли",
		"персонаж", "персонажа", "симулируй", "изобрази", "режим", "режиме", "вообрази",
		// Ukrainian
		"прикидайся", "прикинься", "прикиньтеся", "уяви", "уявіть", "зіграй", "зіграйте", "грай", "роль", "ролі",
		"персонаж", "персонажа", "режим", "режимі", "симулюй",
		// Greek
		"προσποιήσου", "προσποιηθείτε", "παρίστανε", "υποδύσου", "υποδυθείτε", "φαντάσου", "φανταστείτε", "ρόλο",
		"ρόλος", "ρόλου", "χαρακτήρα", "χαρακτήρας", "προσομοίωσε", "συμπεριφέρσου",
		// Hindi
		"नाटक", "दिखावा", "कल्पना", "भूमिका", "किरदार", "अभिनय", "मोड", "बनो",
		// Hindi, romanized (Hinglish)
		"natak", "naatak", "kirdar", "kirdaar", "bhumika",
		// Arabic
		"تظاهر", "تظاهري", "تظاهروا", "تقمص", "تقمصي", "العب", "الشخصية", "شخصية", "تخيل", "تخيلي", "محاكاة",
		// Hebrew
		"העמד", "תעמיד", "העמידי", "שחק", "שחקי", "תשחק", "תפקיד", "התפקיד", "דמות", "הדמות", "דמיין", "דמייני",
		"תדמיין", "התנהג",
		// Persian
		"وانمود", "نقش", "شخصیت", "تصور", "تظاهر",
		// French (further forms)
		"semblant", "imaginez", "jouez", "incarnez", "simule", "simulez", "comporte-toi", "agis", "agissez",
		// German (further forms)
		"spiel", "spielen", "simuliere", "simulieren", "verhalte", "verkörpere", "verkörpern", "figur",
		"charakter", "modus", "schlüpfe",
		// Spanish (further forms, voseo included)
		"imagínate", "actúa", "juega", "simula", "rol", "personifica", "encarna", "compórtate",
		// Italian (further forms)
		"fingi", "fingete", "fingiti", "immaginate", "immaginati", "interpretare", "recita", "gioca", "simula",
		"comportati", "impersona", "modalità",
		// Portuguese (further forms, tu and você)
		"atue", "atua", "aja", "comporte-se", "simule", "simula", "encarne", "incorpore",
	},
	cYou: {
		// Dutch
		"jij", "jullie",
		// Polish
		"jesteś", "jesteście", "będziesz",
		// Czech
		"jsi", "jste", "budeš",
		// Romanian
		"ești", "sunteți",
		// Turkish
		"sen", "siz", "sensin", "sizsiniz",
		// Indonesian / Malay
		"anda", "kamu", "engkau", "kau", "awak", "kalian",
		// Tagalog
		"ikaw", "kayo",
		// Swahili
		"wewe", "nyinyi", "ninyi",
		// Russian
		"будешь", "будете", "являешься", "являетесь",
		// Ukrainian
		"будеш", "будете",
		// Greek
		"εσύ", "είσαι", "εσείς", "είστε",
		// Hindi, romanized (Hinglish)
		"aap",
		// Arabic
		"أنت", "أنتم", "انتي", "حضرتك",
		// Hebrew
		"אתה", "אתם", "אתן", "הינך", "הנך",
		// Persian
		"شما", "هستی", "هستید",
		// French (further forms)
		"êtes", "toi",
		// German (further forms)
		"seid",
		// Spanish (further forms, voseo included)
		"ustedes", "serás",
		// Italian (further forms)
		"siete", "sarai",
		// Portuguese (further forms, tu and você)
		"serás",
	},
	cNow: {
		// Dutch
		"voortaan",
		// Swedish
		"hädanefter", "framöver",
		// Danish
		"fremover", "herefter", "fremadrettet",
		// Norwegian (bokmål)
		"fremover", "heretter",
		// Polish
		"teraz", "odtąd", "obecnie",
		// Czech
		"nyní", "odteď", "odnynějška", "napříště",
		// Romanian
		"acum",
		// Hungarian
		"mostantól", "ezentúl",
		// Turkish
		"şimdi", "artık", "itibaren",
		// Indonesian / Malay
		"sekarang", "kini", "seterusnya",
		// Tagalog
		"ngayon",
		// Swahili
		"sasa",
		// Russian
		"теперь", "сейчас", "отныне", "впредь",
		// Ukrainian
		"тепер", "зараз", "відтепер", "надалі", "віднині",
		// Greek
		"τώρα", "εφεξής", "πλέον",
		// Hindi
		"अभी", "अबसे",
		// Hindi, romanized (Hinglish)
		"abse", "abhi",
		// Arabic
		"الآن", "حاليا", "فصاعدا",
		// Hebrew
		"עכשיו", "כעת", "מעכשיו", "מעתה", "והלאה",
		// Persian
		"اکنون", "حالا",
		// French (further forms)
		"dorénavant",
		// German (further forms)
		"sofort", "fortan", "künftig", "nunmehr",
		// Spanish (further forms, voseo included)
		"adelante", "ahorita",
		// Italian (further forms)
		"d'ora", "ormai",
		// Portuguese (further forms, tu and você)
		"doravante",
	},
	cPrivNoun: {
		// Dutch
		"toegang", "rechten", "bevoegdheden", "machtigingen", "controle", "beheerdersrechten",
		// Swedish
		"åtkomst", "behörighet", "behörigheter", "rättigheter", "privilegier", "kontroll",
		// Danish
		"adgang", "rettigheder", "tilladelser", "privilegier", "kontrol",
		// Norwegian (bokmål)
		"tilgang", "rettigheter", "tillatelser", "privilegier", "kontroll",
		// Polish
		"dostęp", "dostępu", "uprawnienia", "uprawnień", "przywileje", "kontrolę", "kontrola", "kontroli",
		// Czech
		"přístup", "přístupu", "oprávnění", "práva", "privilegia", "kontrolu",
		// Romanian
		"acces", "accesul", "privilegii", "privilegiile", "permisiuni", "drepturi", "controlul",
		// Hungarian
		"hozzáférés", "hozzáférést", "jogosultságok", "jogosultságokat", "jogok", "jogokat", "kiváltságok",
		"irányítás", "irányítást",
		// Turkish
		"erişim", "erişimi", "yetki", "yetkiler", "yetkileri", "ayrıcalıklar", "izinler", "haklar", "kontrol",
		// Indonesian / Malay
		"akses", "izin", "kendali", "kontrol", "wewenang", "keistimewaan", "hak",
		// Tagalog
		"pahintulot", "karapatan", "kontrol",
		// Swahili
		"ufikiaji", "ruhusa", "haki", "mamlaka", "udhibiti",
		// Russian
		"доступ", "доступа", "права", "привилегии", "полномочия", "разрешения", "контроль",
		// Ukrainian
		"доступ", "права", "привілеї", "повноваження", "дозволи", "контроль",
		// Greek
		"πρόσβαση", "πρόσβασης", "δικαιώματα", "προνόμια", "έλεγχο", "έλεγχος", "άδειες",
		// Hindi
		"पहुंच", "अनुमति", "अधिकार", "नियंत्रण",
		// Hindi, romanized (Hinglish)
		"adhikar", "ijazat", "anumati",
		// Arabic
		"صلاحيات", "الصلاحيات", "وصول", "الوصول", "امتيازات", "الامتيازات", "تحكم", "التحكم", "أذونات",
		// Hebrew
		"גישה", "הרשאות", "ההרשאות", "הרשאה", "זכויות", "שליטה",
		// Persian
		"دسترسی", "مجوز", "مجوزها", "اختیارات", "کنترل", "امتیازات",
		// French (further forms)
		"accès", "droits", "autorisations", "contrôle",
		// German (further forms)
		"zugriff", "zugang", "rechte", "berechtigungen", "privilegien", "kontrolle", "befugnisse", "adminrechte",
		// Spanish (further forms, voseo included)
		"acceso", "privilegios", "permisos", "derechos",
		// Italian (further forms)
		"accesso", "privilegi", "permessi", "diritti", "controllo", "autorizzazioni",
		// Portuguese (further forms, tu and você)
		"acesso", "privilégios", "permissões", "direitos", "controle", "controlo",
	},
	cFull: {
		// Dutch
		"volledige", "volledig", "onbeperkte", "onbeperkt", "totale",
		// Swedish
		"fullständig", "fullständiga", "obegränsad", "fulla",
		// Danish
		"fuld", "fulde", "fuldstændig", "ubegrænset",
		// Norwegian (bokmål)
		"fulle", "fullstendig", "ubegrenset",
		// Polish
		"pełny", "pełne", "pełen", "pełnym", "pełną", "nieograniczony", "nieograniczone", "całkowity", "całkowitą",
		"absolutny",
		// Czech
		"plný", "plná", "plné", "plnou", "úplný", "úplnou", "neomezený", "neomezenou", "absolutní",
		// Romanian
		"complet", "deplin", "nelimitat", "absolut",
		// Hungarian
		"teljes", "korlátlan", "abszolút",
		// Turkish
		"sınırsız", "mutlak", "eksiksiz",
		// Indonesian / Malay
		"penuh", "lengkap", "mutlak",
		// Tagalog
		"buong", "ganap",
		// Swahili
		"kamili",
		// Russian
		"полный", "полные", "полным", "полного", "неограниченный", "абсолютный",
		// Ukrainian
		"повний", "повні", "повного", "необмежений", "абсолютний",
		// Greek
		"πλήρη", "πλήρης", "πλήρες", "απεριόριστη", "απόλυτο", "απόλυτη", "ολική",
		// Hindi
		"पूर्ण", "असीमित", "संपूर्ण",
		// Hindi, romanized (Hinglish)
		"poora", "purna",
		// Arabic
		"كاملة", "كامل", "مطلقة", "مطلق", "الكاملة",
		// Hebrew
		"מלאה", "מלא", "מוחלטת", "מוחלט",
		// Persian
		"کامل", "نامحدود", "مطلق",
		// French (further forms)
		"totale", "illimité", "absolu", "entier",
		// German (further forms)
		"voll", "vollen", "vollständig", "vollständigen", "uneingeschränkten", "uneingeschränkt", "unbegrenzt",
		"unbegrenzten", "totale", "kompletten",
		// Spanish (further forms, voseo included)
		"completo", "ilimitado", "absoluto", "pleno",
		// Italian (further forms)
		"completo", "totale", "pieno", "illimitato", "assoluto",
		// Portuguese (further forms, tu and você)
		"completo", "ilimitado", "absoluto", "pleno",
	},
	cWeakVerb: {
		// Dutch
		"verwijder", "verwijderen", "schakel", "uitschakelen", "deactiveer", "deactiveren", "doorbreek",
		"overtreed",
		// Swedish
		"inaktivera", "avaktivera", "radera", "stäng", "bryt",
		// Danish
		"deaktiver", "deaktivere", "fjern", "slet", "bryd",
		// Norwegian (bokmål)
		"deaktiver", "fjern", "slett", "bryt",
		// Polish
		"wyłącz", "wyłączcie", "usuń", "usuńcie", "dezaktywuj", "złam", "znieś", "zdejmij",
		// Czech
		"vypni", "vypněte", "odstraň", "odstraňte", "deaktivuj", "zruš", "zrušte", "poruš",
		// Romanian
		"dezactivează", "dezactivați", "elimină", "eliminați", "șterge", "ștergeți", "încalcă", "renunță",
		// Hungarian
		"kapcsold", "kapcsolja", "távolítsd", "töröld", "szegd", "tiltsd",
		// Turkish
		"kaldır", "kaldırın", "sil", "kapat", "ihlal",
		// Indonesian / Malay
		"nonaktifkan", "matikan", "hapus", "hilangkan", "singkirkan", "buang", "langgar", "lepaskan",
		// Tagalog
		"alisin", "tanggalin", "burahin",
		// Swahili
		"zima", "ondoa", "futa", "vunja",
		// Russian
		"отключи", "отключите", "убери", "уберите", "удали", "удалите", "сними", "снимите", "нарушь", "выключи",
		"деактивируй", "откажись", "откажитесь",
		// Ukrainian
		"вимкни", "вимкніть", "прибери", "приберіть", "видали", "видаліть", "зніми", "зніміть", "порушуй",
		"відключи",
		// Greek
		"απενεργοποίησε", "απενεργοποιήστε", "αφαίρεσε", "αφαιρέστε", "διέγραψε", "παραβίασε", "κατάργησε",
		// Hindi
		"हटाओ", "हटाएं", "तोड़ो",
		// Hindi, romanized (Hinglish)
		"hatao",
		// Arabic
		"عطل", "أزل", "احذف", "اكسر", "تخلص", "ارفع", "أوقف",
		// Hebrew
		"בטל", "הסר", "הסירי", "מחק", "מחקי", "שבור", "כבה",
		// Persian
		"غیرفعال", "حذف", "نقض", "بشکن",
		// French (further forms)
		"désactive", "désactivez", "retirez", "enlève", "enlevez", "levez", "viole", "violez", "brise", "brisez",
		// German (further forms)
		"deaktiviere", "deaktivieren", "entferne", "entfernen", "schalte", "breche", "brich", "verletze",
		"abschalten", "ausschalten",
		// Spanish (further forms, voseo included)
		"desactiva", "desactive", "elimina", "quita", "retira", "suprime", "rompe", "viola", "abandona",
		"deshabilita", "levanta", "apaga",
		// Italian (further forms)
		"disattiva", "disattivate", "rimuovi", "rimuovete", "elimina", "togli", "togliete", "rompi", "viola",
		"abbandona", "sospendi", "revoca",
		// Portuguese (further forms, tu and você)
		"desative", "desativa", "desativar", "remova", "elimine", "quebre", "viole", "abandone", "suspenda",
		"desligue", "desliga",
	},
	cOwner: {
		// Dutch
		"jouw", "alle", "ethische", "morele", "veiligheid",
		// Swedish
		"dina", "etiska", "moraliska",
		// Danish
		"dine", "alle", "etiske",
		// Norwegian (bokmål)
		"dine", "alle", "etiske",
		// Polish
		"twoje", "twoich", "swoje", "swoich", "wszystkie", "wszelkie", "etyczne", "moralne", "bezpieczeństwa",
		// Czech
		"tvoje", "tvé", "svoje", "své", "všechny", "etické", "morální", "bezpečnostní",
		// Romanian
		"toate", "tău", "etice", "morale", "siguranță",
		// Hungarian
		"összes", "minden", "etikai", "biztonsági", "erkölcsi",
		// Turkish
		"senin", "sizin", "tüm", "bütün", "etik", "güvenlik", "ahlaki",
		// Indonesian / Malay
		"semua", "anda", "kamu", "keamanan", "keselamatan",
		// Tagalog
		"iyong", "lahat",
		// Swahili
		"zako", "yako", "zote", "usalama",
		// Russian
		"твои", "ваши", "свои", "все", "этические", "моральные",
		// Ukrainian
		"твої", "ваші", "свої", "всі", "усі", "етичні", "моральні",
		// Greek
		"σου", "σας", "όλους", "όλες", "ηθικούς", "ασφαλείας",
		// Hindi
		"अपने", "सारे", "सभी", "नैतिक", "सुरक्षा",
		// Arabic
		"جميع", "كافة", "الأخلاقية", "الأمان", "السلامة", "قيودك",
		// Hebrew
		"שלך", "שלכם", "האתיות", "הבטיחות", "המוסריות",
		// Persian
		"همه", "تمام", "اخلاقی", "ایمنی", "امنیتی", "شما",
		// French (further forms)
		"tous", "toutes", "votre", "éthiques", "morales", "sécurité",
		// German (further forms)
		"deinen", "deiner", "alle", "sämtliche", "ethischen", "moralischen", "eigenen",
		// Spanish (further forms, voseo included)
		"todas", "todos", "éticas", "éticos", "morales", "seguridad",
		// Italian (further forms)
		"tuoi", "tutte", "tutti", "etiche", "morali", "sicurezza",
		// Portuguese (further forms, tu and você)
		"seus", "teus", "tuas", "todas", "todos", "éticas", "morais", "segurança",
	},
	cRefuse: {
		// Dutch
		"weiger", "weigeren", "weigert", "verontschuldig", "verontschuldigen", "censureer",
		// Swedish
		"vägra", "vägrar", "avböj", "neka", "censurera", "ursäkt",
		// Danish
		"afvis", "afvise", "nægt", "nægte", "undskyld", "censurer",
		// Norwegian (bokmål)
		"nekt", "nekte", "avvis", "avvise", "beklag", "sensurer",
		// Polish
		"odmawiaj", "odmawiać", "odmów", "odmawiajcie", "przepraszaj", "przepraszać", "cenzuruj",
		// Czech
		"odmítej", "odmítejte", "odmítat", "odmítni", "omlouvej", "omlouvat", "cenzuruj",
		// Romanian
		"refuză", "refuzați", "cenzurează", "respinge",
		// Hungarian
		"tagadd", "megtagadni", "megtagadja", "cenzúrázz",
		// Turkish
		"reddet", "reddetmek", "özür", "sansürle",
		// Indonesian / Malay
		"menolak", "tolak", "maaf",
		// Tagalog
		"tumanggi", "tanggihan",
		// Swahili
		"kataa", "kukataa",
		// Russian
		"отказывайся", "отказывайтесь", "отказываться", "отказывай", "отказывать", "извиняйся", "извиняться",
		"цензурируй",
		// Ukrainian
		"відмовляй", "відмовляйся", "відмовлятися", "відмовляйтеся", "вибачайся", "перепрошуй", "цензуруй",
		// Greek
		"αρνείσαι", "αρνηθείς", "αρνηθείτε", "απορρίψεις", "απορρίπτεις", "συγγνώμη", "λογοκρίνεις", "λογόκρινε",
		// Hindi
		"इनकार", "मना", "माफ़ी", "क्षमा",
		// Hindi, romanized (Hinglish)
		"inkaar", "inkar", "maafi",
		// Arabic
		"ترفض", "ترفضي", "ارفض", "الرفض", "تعتذر", "تعتذري",
		// Hebrew
		"תסרב", "תסרבי", "לסרב", "סרב", "תתנצל", "תתנצלי", "להתנצל", "תצנזר",
		// Persian
		"امتناع", "عذرخواهی",
		// French (further forms)
		"refusez", "excusez", "déclinez", "rejette", "rejetez",
		// German (further forms)
		"lehne", "lehn", "verweigere", "verweigerst", "weigere", "weigern", "entschuldige", "entschuldigen",
		"zensiere", "zensieren",
		// Spanish (further forms, voseo included)
		"niegues", "rechaces", "rehúses", "rehusar", "disculpes", "disculparte", "censures", "censurar",
		// Italian (further forms)
		"rifiutarti", "rifiutarsi", "scusarti", "scusarsi", "censurare", "negare", "negarti", "declinare",
		// Portuguese (further forms, tu and você)
		"recuse", "recuses", "negue", "negues", "rejeite", "desculpe", "desculpar", "censurar",
	},
	cBound: {
		// Dutch
		"gebonden", "beperkt", "onderworpen",
		// Swedish
		"bunden", "bundna", "begränsad",
		// Danish
		"bundet", "begrænset", "underlagt",
		// Norwegian (bokmål)
		"bundet", "begrenset", "underlagt",
		// Polish
		"ograniczony", "ograniczona", "związany", "związana", "skrępowany", "skrępowana",
		// Czech
		"vázán", "vázaný", "vázaná", "omezen", "omezený", "omezená", "svázán", "svázaný",
		// Romanian
		"legat", "limitat", "restricționat", "constrâns",
		// Hungarian
		"kötve", "korlátozva", "korlátozott", "kötött",
		// Turkish
		"kısıtlı", "sınırlı",
		// Indonesian / Malay
		"terikat", "terbatas", "dibatasi",
		// Tagalog
		"nakatali", "limitado", "nakagapos",
		// Russian
		"ограничен", "ограничена", "связан", "связана", "скован", "скована",
		// Ukrainian
		"обмежений", "обмежена", "обмежені", "скутий",
		// Greek
		"δεσμεύεσαι", "δεσμευμένος", "δεσμευμένη", "περιορισμένος", "περιορισμένη", "περιορίζεσαι",
		// Hindi
		"बाध्य", "सीमित",
		// Arabic
		"مقيد", "مقيدا", "مقيدة", "ملزم", "ملزما", "ملزمة", "محدود",
		// Hebrew
		"מוגבל", "מוגבלת", "מוגבלים", "כבול", "כבולה", "מחויב", "מחויבת",
		// Persian
		"محدود", "مقید", "ملزم", "پایبند",
		// French (further forms)
		"liée", "limité", "limitée", "restreint", "restreinte", "contraint", "contrainte", "soumis", "soumise",
		// German (further forms)
		"gebunden", "eingeschränkt", "beschränkt", "begrenzt", "verpflichtet", "unterworfen", "gefesselt",
		// Spanish (further forms, voseo included)
		"atado", "atada", "limitado", "limitada", "restringido", "restringida", "sujeto", "obligado", "obligada",
		// Italian (further forms)
		"vincolato", "vincolata", "limitato", "limitata", "legata", "soggetto", "obbligato", "ristretto",
		// Portuguese (further forms, tu and você)
		"limitado", "limitada", "restrito", "restrita", "vinculado", "sujeito", "amarrado",
	},
}
