package detect

// Words left out on purpose, as in lexiconMore: words of one or two letters
// (Basque "ez", Icelandic "án", Amharic "ሙሉ"), and words that fold to two
// letters (Punjabi "ਹੁਣ" → "ਹਣ", Gujarati "હવે" → "હવ"); words whose everyday
// sense dominates (Finnish "toista" "another", "seuraa" "follows", Icelandic
// "slepptu" "let go", Kannada "ಬಿಟ್ಟುಬಿಡಿ" "leave", Thai "ขอโทษ" "excuse me");
// words that fold to a common word of another language or of their own
// (Catalan "sense", "totes", Galician "sen" (Turkish "sen"), Estonian "roll",
// "load", "oled", Latvian "parole", Slovak "pôvodné" (Czech "povodně"),
// Serbian "ceo", "vaše" (English "vase"), "veza", Catalan "juga" (Indonesian
// "also"), Bulgarian "сега" (→ "cera"), Azerbaijani "ötürün" (Turkish "sit"),
// Mongolian "март" (Russian "March"), Marathi "मूळ" → "मळ", Punjabi "ਪੂਰੀ" →
// "ਪਰੀ" "fairy", Kannada "ನಿಮ್ಮ" → "ನಮಮ" "our"); words longer than the 24
// bytes the tokenizer classifies once folded (many Korean, Tamil, Malayalam
// and Georgian forms: lexiconStems covers their stems); and the verbs "write"
// and "give".

// lexiconWide lists the rule lexicon's words in the languages neither
// lexicon nor lexiconMore covers, written in their own script, lower case;
// buildLexicon folds them to canonical form as it does lexiconMore's.
var lexiconWide = map[uint32][]string{
	cVerb: {
		// Finnish
		"ohita", "ohittakaa", "ohittaa", "sivuuta", "sivuuttakaa", "sivuuttaa", "unohda", "unohtakaa", "unohtaa",
		"unohdat", "huomiotta", "kumoa",
		// Estonian
		"ignoreeri", "ignoreerige", "ignoreerida", "eira", "eirake", "eirata", "unusta", "unustage", "unustada",
		"tähelepanuta",
		// Lithuanian
		"ignoruok", "ignoruokite", "ignoruoti", "nepaisyk", "nepaisykite", "nepaisyti", "pamiršk", "pamirškite",
		"pamiršti", "praleisk", "praleiskite", "apeik", "apeikite", "apeiti", "perrašyk",
		// Latvian
		"ignorē", "ignorējiet", "ignorēt", "aizmirsti", "aizmirstiet", "aizmirst", "izlaid", "izlaidiet", "apiet",
		"neievēro", "neievērojiet", "pārraksti",
		// Slovak
		"ignoruj", "ignorujte", "ignorovať", "zabudni", "zabudnite", "zabudnúť", "preskoč", "preskočte", "obíď",
		"obíďte", "obísť", "nevšímaj", "nevšímajte", "zahoď", "zahoďte", "odhoď",
		// Bulgarian
		"игнорирай", "игнорирайте", "пренебрегни", "пренебрегнете", "забрави", "забравете", "пропусни", "пропуснете",
		"заобиколи", "заобиколете", "презапиши",
		// Serbian (Cyrillic)
		"игнориши", "игноришите", "игнорисати", "занемари", "занемарите", "заборави", "заборавите", "прескочи",
		"прескочите", "заобиђи", "заобиђите", "одбаци", "одбаците",
		// Serbian (Latin)
		"ignoriši", "ignorišite", "ignorisati", "zanemari", "zanemarite", "zaboravi", "zaboravite", "preskoči",
		"preskočite", "zaobiđi", "zaobiđite", "odbaci", "odbacite",
		// Croatian
		"ignoriraj", "ignorirajte", "ignorirati", "zanemari", "zanemarite", "zanemariti", "zaboravi", "zaboravite",
		"zaboraviti", "preskoči", "preskočite", "zaobiđi", "zaobiđite", "odbaci", "odbacite",
		// Bosnian
		"ignoriši", "ignoriraj", "ignorišite", "zanemari", "zanemarite", "zaboravi", "zaboravite", "preskoči",
		"zaobiđi", "odbaci",
		// Slovenian
		"ignoriraj", "ignorirajte", "ignorirati", "prezri", "prezrite", "prezreti", "pozabi", "pozabite", "pozabiti",
		"preskoči", "preskočite", "zaobidi", "zaobidite", "zavrzi", "zavrzite",
		// Macedonian
		"игнорирај", "игнорирајте", "занемари", "занемарете", "заборави", "заборавете", "прескокни", "прескокнете",
		"заобиколи", "отфрли", "отфрлете",
		// Catalan
		"ignoreu", "oblida", "oblideu", "oblidar", "omet", "ometeu", "ometre", "descarteu", "eludeix", "sobreescriu",
		"desobeeix", "menysprea",
		// Galician
		"ignorade", "esquece", "esquecede", "esquecer", "omite", "omitir", "descarta", "desobedece", "sobrescribe",
		// Basque
		"ahaztu", "ignoratu", "baztertu", "saihestu", "jaramonik", "gainidatzi",
		// Icelandic
		"hunsaðu", "hunsið", "hunsa", "gleymdu", "gleymið", "gleyma", "sniðgakktu", "vettugi",
		// Albanian
		"injoro", "injoroni", "harro", "harroni", "anashkalo", "anashkaloni", "kapërce", "kapërceni", "shpërfill",
		"shpërfillni", "mbishkruaj",
		// Maltese
		"injora", "injoraw", "insa", "insew", "aqbeż", "aqbżu",
		// Korean
		"잊어", "잊고", "무시해", "무시하고", "무시하라", "무시해라", "무시해줘", "잊어라", "우회해", "우회하라", "무효화해", "덮어써",
		// Bengali
		"উপেক্ষা", "অগ্রাহ্য", "এড়িয়ে", "বাইপাস",
		// Urdu
		"نظرانداز", "بھولو", "فراموش", "بائیپاس",
		// Tamil
		"புறக்கணி", "பைபாஸ்",
		// Telugu
		"విస్మరించి", "విస్మరించు", "విస్మరించండి", "మర్చిపో", "మర్చిపోండి", "దాటవేయి", "దాటవేయండి", "బైపాస్",
		// Marathi
		"दुर्लक्ष", "विसरा", "विसरून", "वगळा", "टाळा",
		// Gujarati
		"અવગણો", "અવગણના", "અવગણી", "બાયપાસ",
		// Punjabi (Gurmukhi)
		"ਅਣਡਿੱਠਾ", "ਨਜ਼ਰਅੰਦਾਜ਼", "ਬਾਈਪਾਸ",
		// Kannada
		"ನಿರ್ಲಕ್ಷಿಸಿ", "ನಿರ್ಲಕ್ಷಿಸು", "ಮರೆತುಬಿಡಿ", "ಮರೆತುಬಿಡು", "ಮರೆಯಿರಿ", "ಬೈಪಾಸ್",
		// Malayalam
		"അവഗണിക്കുക", "അവഗണിക്കൂ", "മറക്കുക", "മറക്കൂ", "മറന്നേക്കൂ", "ബൈപാസ്",
		// Nepali
		"बेवास्ता", "बिर्सनुहोस्", "बिर्स", "बिर्सिदेऊ", "उपेक्षा",
		// Sinhala
		"නොසලකා", "නොසලකන්න", "අමතක",
		// Amharic
		"እርሳ", "እርሺ", "ዝለል",
		// Yoruba
		"gbàgbé", "fojúfò",
		// Hausa
		"watsi", "tsallake", "ƙetare",
		// Igbo
		"leghara", "chefuo", "chefuola",
		// Zulu
		"ziba", "ungazinaki", "khohlwa", "khohlwani", "yeqa", "weqa",
		// Xhosa
		"ungahoyi", "tyeshela", "ityeshele", "libala", "libalani", "tsiba",
		// Somali
		"ilow", "ilaaw", "ilaawa", "dayac",
		// Kurdish (Kurmanji)
		"paşguh", "paşguhkirin",
		// Kurdish (Sorani)
		"پشتگوێ", "فەرامۆش", "لەبیرکە", "تێپەڕێنە",
		// Azerbaijani
		"məhəl", "unut", "unudun",
		// Kazakh
		"елеме", "елемеңіз", "ескерме", "ескермеңіз", "ұмыт", "ұмытыңыз",
		// Uzbek
		"unut", "unuting", "chetlab", "e'tiborsiz",
		// Kyrgyz
		"унут", "унутуңуз", "унуткула",
		// Georgian
		"დაივიწყე", "გამოტოვე",
		// Armenian
		"անտեսիր", "անտեսեք", "անտեսել", "մոռացիր", "մոռացեք", "մոռանալ", "շրջանցիր", "շրջանցեք",
		// Javanese
		"lalekna", "lalekake", "liwati",
		// Mongolian
		"мартаарай", "мартчих", "алгас", "алгасаарай",
	},
	cObj: {
		// Finnish
		"ohjeet", "ohjeita", "ohjeesi", "ohjeitasi", "ohjeistus", "ohjeistukset", "ohjeistuksesi", "säännöt",
		"sääntöjä", "sääntösi", "määräykset", "direktiivit", "rajoitukset", "rajoituksia", "rajoituksesi", "käskyt",
		"komennot", "kehote", "kehotteen", "kehotteet", "kehotteesi", "järjestelmäkehote", "käytännöt", "periaatteet",
		"ohjelmointi", "ohjelmointisi",
		// Estonian
		"juhised", "juhiseid", "juhend", "juhendid", "reeglid", "reegleid", "eeskirjad", "piirangud", "piiranguid",
		"käsud", "korraldused", "direktiivid", "süsteemiviip", "põhimõtted", "programmeering",
		// Lithuanian
		"instrukcijas", "instrukcijos", "instrukcijų", "nurodymus", "nurodymai", "nurodymų", "taisykles", "taisyklės",
		"taisyklių", "gaires", "gairės", "direktyvas", "apribojimus", "apribojimai", "komandas", "politiką",
		"programavimą",
		// Latvian
		"instrukcijas", "instrukciju", "norādījumus", "norādījumi", "norādījumu", "noteikumus", "noteikumi",
		"noteikumu", "vadlīnijas", "direktīvas", "ierobežojumus", "ierobežojumi", "komandas", "pavēles",
		// Slovak
		"inštrukcie", "inštrukcií", "pokyny", "pokynov", "pravidlá", "pravidiel", "smernice", "zásady", "príkazy",
		"príkazov", "obmedzenia", "obmedzení", "nariadenia", "direktívy", "programovanie",
		// Bulgarian
		"инструкции", "инструкциите", "указания", "указанията", "правила", "правилата", "насоки", "насоките",
		"директиви", "команди", "ограничения", "ограниченията", "заповеди", "политики", "промпт", "промпта",
		"програмиране",
		// Serbian (Cyrillic)
		"упутства", "упутство", "инструкције", "правила", "смернице", "директиве", "команде", "наредбе", "ограничења",
		"програмирање",
		// Serbian (Latin)
		"uputstva", "uputstvo", "instrukcije", "pravila", "smernice", "direktive", "komande", "naredbe", "ograničenja",
		"programiranje",
		// Croatian
		"upute", "uputa", "uputama", "instrukcije", "pravila", "smjernice", "smjernica", "direktive", "naredbe",
		"ograničenja", "programiranje",
		// Bosnian
		"upute", "uputstva", "instrukcije", "pravila", "smjernice", "direktive", "naredbe", "ograničenja",
		// Slovenian
		"navodila", "navodil", "pravila", "pravil", "smernice", "smernic", "direktive", "ukaze", "ukazi", "omejitve",
		"omejitev", "programiranje",
		// Macedonian
		"инструкциите", "упатства", "упатствата", "правилата", "насоки", "насоките", "директиви", "команди", "наредби",
		"ограничувања", "ограничувањата", "промпт",
		// Catalan
		"instruccions", "instrucció", "regles", "normes", "directrius", "directives", "indicacions", "ordres",
		"restriccions", "limitacions", "polítiques", "programació",
		// Galician
		"instrucións", "instrución", "regras", "normas", "directrices", "indicacións", "ordes", "restricións",
		"limitacións", "políticas", "programación",
		// Basque
		"argibide", "jarraibide", "argibideak", "argibideei", "jarraibideak", "jarraibideei", "arauak", "arauei",
		"aginduak", "aginduei", "murrizketak", "murrizketei", "zuzentarauak", "politikak", "programazioa",
		// Icelandic
		"leiðbeiningar", "leiðbeiningarnar", "leiðbeiningunum", "fyrirmæli", "fyrirmælin", "reglur", "reglurnar",
		"reglunum", "skipanir", "skipanirnar", "takmarkanir", "takmarkanirnar", "tilskipanir",
		// Albanian
		"udhëzimet", "udhëzime", "udhëzimeve", "rregullat", "rregulla", "rregullave", "direktivat", "komandat",
		"urdhrat", "kufizimet", "kufizime", "politikat", "programimin",
		// Maltese
		"istruzzjonijiet", "regoli", "direttivi", "kmandi", "ordnijiet", "restrizzjonijiet", "limitazzjonijiet",
		// Korean
		"지시", "규칙", "지침", "명령", "제한", "제약", "지시에", "규칙에", "지시를", "지시문", "지침을", "규칙을", "규칙들", "명령어", "제한을",

		// Bengali
		"নির্দেশনা", "নির্দেশ", "নিয়ম", "নিয়মগুলো", "নিয়মাবলী", "আদেশ", "নীতিমালা", "প্রম্পট",
		// Urdu
		"ہدایات", "ہدایت", "ہدایتوں", "احکامات", "احکام", "قواعد", "اصول", "اصولوں", "پابندیاں", "پابندیوں", "پالیسی",
		"پرامپٹ",
		// Tamil
		"விதிகள்", "விதிகளை", "கட்டளைகள்", "கட்டளைகளை", "கொள்கைகள்",
		// Telugu
		"సూచనలు", "సూచనలను", "నియమాలు", "నియమాలను", "ఆదేశాలు", "ఆదేశాలను", "పరిమితులు", "పరిమితులను", "విధానాలు",
		"ప్రాంప్ట్",
		// Marathi
		"सूचना", "सूचनांकडे", "नियम", "नियमांचे", "नियमांकडे", "आदेश", "निर्बंध", "मर्यादा", "धोरण", "प्रॉम्प्ट",
		// Gujarati
		"સૂચનાઓ", "સૂચનાઓને", "નિયમો", "નિયમોને", "આદેશો", "પ્રતિબંધો", "મર્યાદાઓ", "નીતિઓ", "પ્રોમ્પ્ટ",
		// Punjabi (Gurmukhi)
		"ਹਦਾਇਤਾਂ", "ਨਿਰਦੇਸ਼", "ਨਿਯਮ", "ਨਿਯਮਾਂ", "ਹੁਕਮ", "ਪਾਬੰਦੀਆਂ", "ਸੀਮਾਵਾਂ", "ਨੀਤੀ", "ਪ੍ਰੋਂਪਟ",
		// Kannada
		"ಸೂಚನೆಗಳು", "ನಿಯಮಗಳು", "ನಿಯಮಗಳನ್ನು", "ಆದೇಶಗಳು", "ನಿರ್ಬಂಧಗಳು", "ಮಿತಿಗಳು", "ನೀತಿಗಳು", "ಪ್ರಾಂಪ್ಟ್",
		// Malayalam
		"നിയമങ്ങൾ", "കൽപ്പനകൾ", "ഉത്തരവുകൾ", "നയങ്ങൾ", "പ്രോംപ്റ്റ്",
		// Nepali
		"निर्देशनहरू", "निर्देशन", "नियमहरू", "आदेशहरू", "सीमाहरू", "प्रम्प्ट",
		// Sinhala
		"උපදෙස්", "නීතිරීති", "විධාන", "සීමාවන්",
		// Amharic
		"መመሪያዎች", "መመሪያዎችን", "መመሪያ", "ህጎች", "ሕጎች", "ህጎችን", "ደንቦች", "ደንቦችን", "ትዕዛዞች", "ትዕዛዞችን", "ገደቦች", "ገደቦችን", "ፖሊሲ",
		// Yoruba
		"ìtọ́sọ́nà", "ìlànà", "òfin", "ìhámọ́",
		// Hausa
		"umarni", "umarnin", "umarnai", "ka'idoji", "dokoki", "dokokin", "ƙuntatawa", "manufofi",
		// Igbo
		"ntụziaka", "usoro", "mmachi",
		// Zulu
		"imiyalelo", "umyalelo", "iziqondiso", "imithetho", "imigomo", "imikhawulo", "imiyalo",
		// Xhosa
		"imiyalelo", "imithetho", "imigaqo", "izikhokelo", "imiqathango",
		// Somali
		"tilmaamaha", "tilmaamo", "awaamiirta", "amarrada", "xeerarka", "xeerar", "shuruucda", "xaddidaadaha",
		"xadidaadaha", "siyaasadda",
		// Kurdish (Kurmanji)
		"rêwerz", "rêwerzan", "rêwerzên", "rêzik", "rêzikan", "rêzikên", "qaîde", "qaîdeyan", "fermanan", "sînorkirin",
		"sînorkirinan",
		// Kurdish (Sorani)
		"ڕێنماییەکان", "ڕێنمایی", "یاساکان", "فەرمانەکان", "سنوورەکان", "بەربەستەکان",
		// Azerbaijani
		"təlimatlar", "təlimatları", "göstərişlər", "göstərişləri", "qaydalar", "qaydaları", "əmrlər", "əmrləri",
		"məhdudiyyətlər", "məhdudiyyətləri", "direktivlər",
		// Kazakh
		"нұсқаулар", "нұсқауларды", "нұсқаулық", "ережелер", "ережелерді", "бұйрықтар", "бұйрықтарды", "шектеулер",
		"шектеулерді",
		// Uzbek
		"ko'rsatmalar", "ko'rsatmalarni", "yo'riqnomalar", "qoidalar", "qoidalarni", "buyruqlar", "buyruqlarni",
		"cheklovlar", "cheklovlarni", "direktivalar",
		// Kyrgyz
		"нускамалар", "нускамаларды", "көрсөтмөлөр", "көрсөтмөлөрдү", "эрежелер", "эрежелерди", "буйруктар",
		"буйруктарды", "чектөөлөр", "чектөөлөрдү",
		// Georgian
		"წესები", "წესებს", "პრომპტი", "პრომპტს",
		// Armenian
		"հրահանգները", "հրահանգներ", "հրահանգ", "կանոնները", "կանոններ", "ցուցումները", "ցուցումներ", "հրամանները",
		// Javanese
		"pitunjuk", "pranatan", "printah", "paugeran", "watesan",
		// Mongolian
		"зааварчилгааг", "зааварчилгаа", "заавар", "зааврыг", "дүрэм", "дүрмийг", "дүрмүүд", "тушаал", "тушаалыг",
		"хязгаарлалт", "хязгаарлалтыг", "промпт",
	},
	cQual: {
		// Finnish
		"aiemmat", "aiempia", "aiemmin", "aikaisemmat", "aikaisempia", "edelliset", "edellisiä", "kaikki", "kaikkia",
		"sinun", "teidän", "alkuperäiset", "järjestelmän", "nykyiset", "sisäiset", "yllä", "yllämainitut", "annetut",
		// Estonian
		"eelmised", "eelmisi", "varasemad", "varasemaid", "eelnevad", "eelnevaid", "kõik", "kõiki", "sinu", "teie",
		"algsed", "süsteemi", "ülaltoodud", "praegused", "sisemised",
		// Lithuanian
		"ankstesnes", "ankstesnius", "ankstesni", "ankstesnės", "ankstesnių", "ankstesniąsias", "visus", "visų", "tavo",
		"jūsų", "pradines", "originalias", "sistemos", "aukščiau", "esamas", "vidines", "numatytąsias",
		// Latvian
		"iepriekšējās", "iepriekšējos", "iepriekšējo", "iepriekšējie", "visus", "visu", "tavas", "tavus", "tavu",
		"jūsu", "sākotnējās", "sākotnējos", "oriģinālās", "augstāk", "esošās", "iekšējās",
		// Slovak
		"predchádzajúce", "predchádzajúcich", "predošlé", "doterajšie", "skoršie", "všetky", "všetkých", "tvoje",
		"svoje", "systémové", "pôvodný", "počiatočné", "vyššie", "aktuálne", "interné", "predvolené", "vstavané",
		// Bulgarian
		"предишни", "предишните", "предходните", "предходни", "горните", "всички", "твоите", "вашите", "системни",
		"системните", "първоначалните", "оригиналните", "текущите", "вътрешните", "вградените", "досегашните",
		// Serbian (Cyrillic)
		"претходна", "претходне", "претходни", "раније", "све", "свих", "твоја", "твоје", "ваша", "ваше", "системска",
		"системске", "почетна", "оригинална", "горенаведена", "тренутна", "унутрашња", "подразумевана",
		// Serbian (Latin)
		"prethodna", "prethodne", "prethodni", "ranije", "sve", "svih", "tvoja", "tvoje", "vaša", "sistemska",
		"sistemske", "početna", "početne", "originalna", "originalne", "gorenavedena", "trenutna", "unutrašnja",
		"podrazumevana",
		// Croatian
		"prethodne", "prethodna", "prethodni", "ranije", "sve", "svih", "tvoje", "tvoja", "sustava", "početne",
		"izvorne", "izvorna", "navedene", "gorenavedene", "trenutne", "unutarnje", "zadane",
		// Bosnian
		"prethodne", "prethodna", "ranije", "sve", "svih", "tvoje", "sistemske", "početne", "izvorne", "originalne",
		// Slovenian
		"prejšnja", "prejšnje", "prejšnjih", "predhodna", "predhodne", "vse", "vseh", "tvoja", "tvoje", "vaša",
		"sistemska", "sistemske", "začetna", "začetne", "izvirna", "izvirne", "zgornja", "zgornje", "trenutne",
		"notranje", "privzete",
		// Macedonian
		"претходни", "претходните", "сите", "твоите", "вашите", "системски", "системските", "почетни", "почетните",
		"оригинални", "оригиналните", "горенаведените", "тековни", "внатрешни",
		// Catalan
		"anteriors", "prèvies", "previs", "teves", "teus", "vostres", "inicials", "internes", "predeterminades",
		"esmentades",
		// Galician
		"anteriores", "previas", "todas", "todos", "túas", "teus", "vosas", "iniciais", "orixinais", "actuais",
		"internas", "predeterminadas",
		// Basque
		"aurreko", "aurrekoak", "lehenagoko", "guztiak", "guztiei", "zure", "zuen", "sistemaren", "sistemako",
		"jatorrizko", "hasierako", "goiko", "uneko", "barneko", "lehenetsitako",
		// Icelandic
		"fyrri", "fyrrnefndar", "allar", "þínar", "þín", "þinni", "kerfisins", "upprunalegu", "upphaflegu", "núverandi",
		"innri",
		// Albanian
		"mëparshme", "mëparshëm", "gjitha", "gjithë", "juaj", "sistemit", "fillestare", "origjinale", "sipërme",
		"sipër", "aktuale", "brendshme",
		// Maltese
		"preċedenti", "kollha", "tiegħek", "oriġinali", "inizjali", "attwali", "interni",
		// Korean
		"이전의", "이전", "위의", "모든", "기존의", "원래의", "당신의", "너의", "시스템", "초기",
		// Bengali
		"আগের", "পূর্ববর্তী", "পূর্বের", "সমস্ত", "সকল", "তোমার", "আপনার", "সিস্টেমের", "সিস্টেম", "প্রাথমিক", "উপরের",
		// Urdu
		"پچھلی", "پچھلے", "سابقہ", "تمام", "تمہاری", "تمہارے", "سسٹم", "ابتدائی", "اوپر", "اندرونی", "موجودہ",
		// Tamil
		"முந்தைய", "அனைத்து", "உங்கள்", "சிஸ்டம்", "அசல்", "மேலே",
		// Telugu
		"మునుపటి", "అన్ని", "సిస్టమ్", "ప్రారంభ", "అంతర్గత",
		// Marathi
		"मागील", "आधीच्या", "पूर्वीच्या", "पूर्वीचे", "सर्व", "तुमच्या", "तुझ्या", "सिस्टम", "वरील", "अंतर्गत",
		// Gujarati
		"અગાઉની", "અગાઉના", "પાછલી", "પાછલા", "પહેલાની", "બધી", "બધા", "તમારી", "તમારા", "તારી", "સિસ્ટમ", "પ્રારંભિક",
		"ઉપરની", "આંતરિક",
		// Punjabi (Gurmukhi)
		"ਪਿਛਲੀਆਂ", "ਪਿਛਲੇ", "ਸਾਰੀਆਂ", "ਤੁਹਾਡੀਆਂ", "ਤੁਹਾਡੇ", "ਤੇਰੀਆਂ", "ਸਿਸਟਮ", "ਸ਼ੁਰੂਆਤੀ", "ਉੱਪਰ",
		// Kannada
		"ಹಿಂದಿನ", "ಎಲ್ಲಾ", "ಎಲ್ಲ", "ಸಿಸ್ಟಮ್", "ಮೂಲ", "ಆರಂಭಿಕ", "ಮೇಲಿನ", "ಆಂತರಿಕ",
		// Malayalam
		"മുൻപത്തെ", "മുമ്പത്തെ", "എല്ലാ", "നിങ്ങളുടെ", "നിന്റെ", "സിസ്റ്റം", "യഥാർത്ഥ", "പ്രാരംഭ", "മുകളിലെ", "ആന്തരിക",
		// Nepali
		"अघिल्लो", "अघिल्ला", "पहिलेका", "तिम्रो", "तपाईंको", "सिस्टम", "प्रारम्भिक", "माथिको", "आन्तरिक",
		// Sinhala
		"කලින්", "සියලු", "සියලුම", "ඔබේ", "ඔබගේ", "පද්ධති", "ආරම්භක", "ඉහත",
		// Amharic
		"ቀደምት", "የቀድሞ", "ቀዳሚ", "ሁሉንም", "ሁሉም", "ያንተ", "የአንተ", "የእርስዎ", "የስርዓት", "ሲስተም", "የመጀመሪያ", "ከላይ",
		// Yoruba
		"gbogbo",
		// Hausa
		"gabata", "dukkan", "dukkanin", "tsarin",
		// Igbo
		"niile",
		// Zulu
		"yangaphambilini", "ezedlule", "zonke", "yonke", "wonke", "yakho", "zakho", "lwakho", "ohlelo", "yokuqala",
		// Xhosa
		"zangaphambili", "yangaphambili", "zonke", "yonke", "zakho", "yakho", "eyokuqala",
		// Somali
		"dhammaan", "nidaamka", "asalka",
		// Kurdish (Kurmanji)
		"hemû", "orîjînal",
		// Kurdish (Sorani)
		"پێشوو", "پێشووەکان", "هەموو", "هەمووی", "سیستەم", "ئەسڵی", "سەرەوە",
		// Azerbaijani
		"əvvəlki", "bütün", "sənin", "sizin", "sistem", "ilkin", "yuxarıdakı", "mövcud", "daxili",
		// Kazakh
		"алдыңғы", "бұрынғы", "барлық", "сенің", "сіздің", "жүйелік", "жүйенің", "бастапқы", "жоғарыдағы", "ішкі",
		// Uzbek
		"oldingi", "avvalgi", "barcha", "hamma", "sening", "sizning", "tizim", "tizimning", "dastlabki", "yuqoridagi",
		"ichki",
		// Kyrgyz
		"мурунку", "мурдагы", "бардык", "сенин", "сиздин", "системалык", "баштапкы", "жогорудагы", "ички",
		// Georgian
		"წინა", "ყველა", "შენი", "თქვენი", "სისტემის", "საწყისი", "ზემოთ",
		// Armenian
		"նախորդ", "նախկին", "բոլոր", "ձեր", "համակարգային", "համակարգի", "սկզբնական", "վերևի", "ներքին", "ընթացիկ",
		// Javanese
		"sadurunge", "sakdurunge", "kabeh", "sakabehe", "sampeyan", "panjenengan",
		// Mongolian
		"өмнөх", "бүгд", "чиний", "таны", "системийн", "анхны", "дээрх", "дотоод",
	},
	cQualStrong: {
		// Finnish
		"kaiken",
		// Estonian
		"kõike", "ülaltoodut",
		// Lithuanian
		"viską",
		// Slovak
		"všetko",
		// Bulgarian
		"всичко", "горното", "горепосоченото",
		// Serbian (Cyrillic)
		"све", "горенаведено",
		// Serbian (Latin)
		"gorenavedeno",
		// Croatian
		"gorenavedeno",
		// Bosnian

		// Slovenian
		"vse", "zgoraj",
		// Macedonian
		"сето", "горенаведеното",
		// Basque
		"dena", "goikoa",
		// Icelandic
		"ofangreint",
		// Albanian
		"gjithçka",
		// Maltese
		"kollox",
		// Korean
		"모든것", "전부",
		// Bengali
		"সবকিছু",
		// Marathi
		"सर्वकाही",
		// Gujarati

		// Nepali
		"सबैकुरा",
		// Kazakh
		"бәрін",
		// Uzbek
		"hammasini",
		// Armenian
		"ամբողջը",
	},
	cLeakVerb: {
		// Finnish
		"näytä", "näyttäkää", "paljasta", "paljastakaa", "toistakaa", "tulostakaa", "kerro", "kertokaa", "kopioi",
		// Estonian
		"näita", "näidake", "paljasta", "paljastage", "korrake", "prindi", "väljasta", "ütle", "öelge", "kopeeri",
		"tsiteeri", "avalda", "avaldage",
		// Lithuanian
		"parodyk", "parodykite", "atskleisk", "atskleiskite", "pakartok", "pakartokite", "išspausdink", "išvesk",
		"pasakyk", "pasakykite", "nukopijuok", "cituok", "išvardink",
		// Latvian
		"parādi", "parādiet", "atklāj", "atklājiet", "atkārto", "atkārtojiet", "izdrukā", "izvadi", "pasaki", "sakiet",
		"nokopē", "uzskaiti",
		// Slovak
		"ukáž", "ukážte", "zobraz", "zobrazte", "odhaľ", "odhaľte", "prezraď", "prezraďte", "zopakuj", "zopakujte",
		"vypíšte", "povedz", "povedzte", "skopíruj", "vytlač",
		// Bulgarian
		"покажи", "покажете", "разкрий", "разкрийте", "повтори", "повторете", "изведи", "отпечатай", "кажи", "кажете",
		"копирай", "цитирай", "изброй", "сподели",
		// Serbian (Cyrillic)
		"покажи", "покажите", "откриј", "откријте", "понови", "поновите", "испиши", "одштампај", "реци", "реците",
		"копирај", "цитирај", "наброј",
		// Serbian (Latin)
		"pokaži", "pokažite", "otkrij", "otkrijte", "ponovi", "ponovite", "ispiši", "odštampaj", "recite", "kopiraj",
		"citiraj", "nabroj",
		// Croatian
		"pokaži", "pokažite", "otkrij", "otkrijte", "ponovi", "ponovite", "ispiši", "ispišite", "kopiraj", "citiraj",
		"nabroji", "recite",
		// Bosnian
		"pokaži", "pokažite", "otkrij", "ponovi", "ispiši", "kopiraj",
		// Slovenian
		"pokaži", "pokažite", "razkrij", "razkrijte", "ponovi", "ponovite", "izpiši", "izpišite", "natisni", "povej",
		"povejte", "kopiraj", "citiraj", "naštej",
		// Macedonian
		"покажи", "покажете", "откриј", "откријте", "повтори", "повторете", "испечати", "кажи", "кажете", "копирај",
		"цитирај", "наброј", "сподели",
		// Catalan
		"mostreu", "reveleu", "repeteix", "repetiu", "imprimeix", "digues", "digueu", "llista", "comparteix",
		// Galician
		"amosa", "amosade", "amosar", "revela", "repite", "imprime", "dime", "copia", "comparte",
		// Basque
		"erakutsi", "errepikatu", "inprimatu", "esan", "kopiatu", "zerrendatu", "partekatu",
		// Icelandic
		"sýndu", "sýnið", "afhjúpaðu", "endurtaktu", "endurtakið", "prentaðu", "segðu", "segið", "afritaðu",
		// Albanian
		"trego", "tregoni", "zbulo", "zbuloni", "përsërit", "përsëritni", "printo", "shtyp", "thuaj", "thuani", "kopjo",
		// Maltese
		"ikxef", "ikxfu", "irrepeti", "għidli", "ikkopja",
		// Korean
		"보여줘", "출력해", "공개해", "밝혀", "반복해", "알려줘", "말해줘", "인쇄해", "복사해", "누설해", "말해봐",
		// Bengali
		"দেখাও", "দেখান", "প্রকাশ", "ফাঁস", "পুনরাবৃত্তি", "বলো", "বলুন",
		// Urdu
		"دکھاؤ", "دکھائیں", "ظاہر", "بتاؤ", "بتائیں", "دہراؤ", "دہرائیں", "افشا",
		// Tamil
		"காட்டவும்", "காட்டு", "காட்டுங்கள்", "சொல்லு", "அச்சிடு",
		// Telugu
		"చూపించు", "చూపించండి", "వెల్లడించు", "వెల్లడించండి", "చెప్పు", "చెప్పండి",
		// Marathi
		"दाखवा", "दाखव", "उघड", "सांगा", "पुनरावृत्ती",
		// Gujarati
		"બતાવો", "બતાવ", "દર્શાવો", "જાહેર", "પુનરાવર્તન", "છાપો", "કહો",
		// Punjabi (Gurmukhi)
		"ਦਿਖਾਓ", "ਵਿਖਾਓ", "ਦੁਹਰਾਓ", "ਪ੍ਰਗਟ", "ਛਾਪੋ",
		// Kannada
		"ತೋರಿಸಿ", "ತೋರಿಸು", "ಬಹಿರಂಗಪಡಿಸಿ", "ಮುದ್ರಿಸಿ", "ಹೇಳಿ", "ಹೇಳು",
		// Malayalam
		"കാണിക്കുക", "കാണിക്കൂ", "പറയൂ", "പറയുക",
		// Nepali
		"देखाउनुहोस्", "देखाऊ", "देखाउ", "खुलासा", "भन्नुहोस्",
		// Sinhala
		"පෙන්වන්න", "හෙළිකරන්න", "කියන්න",
		// Amharic
		"አሳየኝ", "አሳይ", "ግለጽ", "ድገም", "አትም", "ንገረኝ",
		// Yoruba
		"fihàn", "ṣàfihàn",
		// Hausa
		"bayyana", "maimaita", "kwafi",
		// Igbo
		"gosi", "gosipụta", "kwughachi",
		// Zulu
		"bonisa", "khombisa", "dalula", "phinda", "shicilela", "ngitshele",
		// Xhosa
		"bonisa", "phinda", "ndixelele", "shicilela",
		// Somali
		"muuji", "bandhig", "daabac", "sheeg",
		// Kurdish (Kurmanji)
		"eşkere", "dubare", "bibêje",
		// Kurdish (Sorani)
		"پیشانبدە", "نیشانبدە", "ئاشکرا", "بڵێ",
		// Azerbaijani
		"göstər", "göstərin", "açıqla", "açıqlayın", "təkrarla", "söylə",
		// Kazakh
		"көрсет", "көрсетіңіз", "қайтала", "қайталаңыз", "айтыңыз",
		// Uzbek
		"ko'rsat", "ko'rsating", "oshkor", "takrorla", "takrorlang", "ayting", "nusxala",
		// Kyrgyz
		"көрсөт", "көрсөтүңүз", "кайтала", "кайталаңыз", "айтыңыз",
		// Georgian
		"მაჩვენე", "აჩვენე", "გაიმეორე", "დაბეჭდე", "მითხარი",
		// Armenian
		"ցույց", "բացահայտիր", "բացահայտեք", "կրկնիր", "կրկնեք", "տպիր", "պատճենիր",
		// Javanese
		"tuduhna", "tuduhake", "tampilna", "baleni", "kandhakna", "critakna", "cithak", "salinen",
		// Mongolian
		"харуул", "харуулаарай", "давт", "давтаарай", "хэвлэ", "хэлээрэй",
	},
	cLeakObj: {
		// Finnish
		"kehote", "kehotteen", "kehotteesi", "järjestelmäkehote", "järjestelmäkehotteesi", "ohjeesi", "ohjeet",
		"ohjeistuksesi", "konfiguraatio", "konfiguraatiosi", "asetukset", "asetuksesi", "viesti", "viestin",
		"järjestelmäviesti",
		// Estonian
		"süsteemiviip", "süsteemiviipa", "juhised", "juhiseid", "konfiguratsioon", "seadistus", "sõnum", "sõnumit",
		// Lithuanian
		"raginimą", "raginimas", "užklausą", "instrukcijas", "nurodymus", "konfigūraciją", "pranešimą", "žinutę",
		// Latvian
		"uzvedni", "uzvedne", "instrukcijas", "norādījumus", "konfigurāciju", "ziņojumu",
		// Slovak
		"inštrukcie", "pokyny", "konfiguráciu", "správu",
		// Bulgarian
		"промпт", "промпта", "подкана", "подканата", "инструкции", "инструкциите", "конфигурация", "конфигурацията",
		"съобщение", "съобщението", "настройките",
		// Serbian (Cyrillic)
		"промпт", "упит", "упутства", "инструкције", "конфигурацију", "поруку", "подешавања",
		// Serbian (Latin)
		"upit", "uputstva", "instrukcije", "konfiguraciju", "poruku", "podešavanja",
		// Croatian
		"upit", "upute", "konfiguraciju", "poruku", "postavke",
		// Bosnian
		"upit", "upute", "uputstva", "konfiguraciju", "poruku",
		// Slovenian
		"navodila", "konfiguracijo", "sporočilo", "nastavitve",
		// Macedonian
		"промпт", "инструкции", "упатства", "конфигурација", "конфигурацијата", "порака", "пораката", "поставки",
		// Catalan
		"instruccions", "indicacions", "configuració", "missatge", "missatges",
		// Galician
		"instrucións", "indicacións", "configuración", "mensaxe", "mensaxes",
		// Basque
		"argibideak", "konfigurazioa", "mezua", "mezuak",
		// Icelandic
		"leiðbeiningarnar", "fyrirmælin", "stillingar", "stillingarnar", "skilaboð", "skilaboðin", "kerfisskilaboð",
		// Albanian
		"udhëzimet", "konfigurimin", "mesazhin", "mesazhi", "cilësimet",
		// Maltese
		"istruzzjonijiet", "konfigurazzjoni", "messaġġ", "messaġġi",
		// Korean
		"구성을", "메시지",
		// Bengali
		"প্রম্পট", "নির্দেশনা", "বার্তা",
		// Urdu
		"پرامپٹ", "ہدایات", "ترتیبات", "پیغام", "کنفیگریشن",
		// Tamil
		"ப்ராம்ப்ட்", "செய்தி",
		// Telugu
		"ప్రాంప్ట్", "సూచనలు", "కాన్ఫిగరేషన్", "సందేశం",
		// Marathi
		"प्रॉम्प्ट", "सूचना", "संदेश",
		// Gujarati
		"પ્રોમ્પ્ટ", "સૂચનાઓ", "ગોઠવણી", "સંદેશ",
		// Punjabi (Gurmukhi)
		"ਪ੍ਰੋਂਪਟ", "ਹਦਾਇਤਾਂ", "ਸੁਨੇਹਾ",
		// Kannada
		"ಪ್ರಾಂಪ್ಟ್", "ಸೂಚನೆಗಳು", "ಸಂದೇಶ", "ಸಂರಚನೆ",
		// Malayalam
		"പ്രോംപ്റ്റ്", "സന്ദേശം",
		// Nepali
		"प्रम्प्ट", "निर्देशनहरू", "सन्देश", "कन्फिगरेसन",
		// Sinhala
		"උපදෙස්", "පණිවිඩය",
		// Amharic
		"መመሪያዎችህን", "መመሪያዎችን", "መልእክት",
		// Yoruba
		"ìtọ́sọ́nà",
		// Hausa
		"umarnin",
		// Igbo
		"ntụziaka",
		// Zulu
		"imiyalelo", "umlayezo",
		// Xhosa
		"imiyalelo", "umyalezo",
		// Somali
		"tilmaamaha", "fariinta", "dejinta",
		// Kurdish (Kurmanji)
		"rêwerzên", "peyam",
		// Kurdish (Sorani)
		"پرۆمپت", "ڕێنماییەکان", "ڕێکخستنەکان",
		// Azerbaijani
		"təlimatları", "konfiqurasiya", "mesajı", "parametrlər",
		// Kazakh
		"промпт", "нұсқауларды", "конфигурация", "хабарлама", "баптаулар",
		// Uzbek
		"ko'rsatmalarni", "sozlamalar", "xabar", "konfiguratsiya",
		// Kyrgyz
		"промпт", "нускамаларды", "жөндөөлөр", "билдирүү",
		// Georgian
		"პრომპტი", "პრომპტს",
		// Armenian
		"հուշում", "հրահանգները",
		// Javanese
		"pitunjuk", "pesen",
		// Mongolian
		"промпт", "зааврыг", "тохиргоо", "мессеж", "зурвас",
	},
	cLeakQual: {
		// Finnish
		"piilotetut", "piilotettu", "salaiset", "salainen", "alkuperäinen", "alkuperäiset", "täydellinen", "täydet",
		"tarkka", "tarkat", "sisäiset", "luottamukselliset", "järjestelmän", "sinun",
		// Estonian
		"varjatud", "salajane", "salajased", "algne", "algsed", "täielik", "täpne", "sisemine", "konfidentsiaalne",
		"süsteemi",
		// Lithuanian
		"paslėptas", "paslėptus", "slaptas", "slaptus", "slaptą", "pradinį", "pradines", "originalų", "tikslų",
		"tikslias", "vidines", "konfidencialias", "sistemos", "tavo",
		// Latvian
		"slēptās", "slēpto", "slepenās", "slepeno", "slepenais", "sākotnējo", "sākotnējās", "pilno", "pilnīgo",
		"precīzo", "iekšējās", "konfidenciālās", "tavu", "tavas",
		// Slovak
		"skryté", "skrytý", "tajné", "tajný", "pôvodný", "úplný", "úplné", "celý", "presné", "presný", "interné",
		"dôverné", "systémový", "systémové", "doslova",
		// Bulgarian
		"скрити", "скритите", "тайни", "тайните", "секретни", "първоначални", "оригинални", "пълния", "пълните",
		"точния", "точните", "вътрешни", "поверителни", "системния", "системни", "дословно",
		// Serbian (Cyrillic)
		"скривене", "скривена", "тајне", "тајна", "почетне", "оригиналне", "потпуни", "потпуну", "тачне", "тачан",
		"унутрашње", "поверљиве", "системски", "системску", "дословно",
		// Serbian (Latin)
		"skrivene", "skrivena", "tajne", "tajna", "početne", "originalne", "potpuni", "potpunu", "tačne", "tačan",
		"unutrašnje", "poverljive", "sistemski", "sistemsku", "doslovno",
		// Croatian
		"skrivene", "tajne", "izvorne", "početne", "potpune", "cijele", "cijeli", "točne", "točan", "unutarnje",
		"povjerljive", "sustava", "doslovno",
		// Bosnian
		"skrivene", "tajne", "izvorne", "početne", "potpune", "sistemske", "doslovno",
		// Slovenian
		"skrita", "skrite", "skrivna", "skrivne", "tajna", "tajne", "začetna", "izvirna", "izvirni", "celotna",
		"celotno", "celoten", "natančna", "natančno", "notranja", "zaupna", "zaupne", "sistemski", "sistemsko",
		"dobesedno",
		// Macedonian
		"скриени", "скриените", "тајни", "тајните", "почетни", "оригинални", "целосни", "целосната", "точни",
		"внатрешни", "доверливи", "системски", "буквално",
		// Catalan
		"ocultes", "ocult", "secreta", "inicials", "completa", "completes", "sencer", "sencera", "exacte", "exactes",
		"internes", "confidencials", "literal",
		// Galician
		"ocultas", "oculto", "secretas", "secreto", "iniciais", "orixinais", "completa", "completo", "enteira",
		"exacta", "exactas", "internas", "confidenciais", "literal",
		// Basque
		"ezkutuko", "ezkutuan", "sekretu", "sekretuak", "jatorrizko", "hasierako", "osoa", "osoak", "zehatza",
		"barneko", "konfidentzialak", "sistemaren",
		// Icelandic
		"faldar", "falin", "leyndar", "leynileg", "leynilegu", "upprunalegu", "upphaflegu", "fullar", "heildar",
		"nákvæmar", "nákvæmlega", "innri",
		// Albanian
		"fshehta", "fshehur", "sekrete", "fillestare", "origjinale", "plotë", "brendshme", "konfidenciale", "sistemit",
		// Maltese
		"moħbija", "moħbi", "sigrieti", "oriġinali", "sħiħa", "eżatt", "interni", "kunfidenzjali",
		// Korean
		"숨겨진", "비밀", "원래의", "초기", "전체", "내부", "시스템", "당신의", "너의",
		// Bengali
		"গোপন", "লুকানো", "প্রাথমিক", "সম্পূর্ণ", "পুরো", "হুবহু", "অভ্যন্তরীণ", "সিস্টেমের",
		// Urdu
		"پوشیدہ", "خفیہ", "چھپی", "چھپے", "ابتدائی", "مکمل", "پوری", "اندرونی", "سسٹم",
		// Tamil
		"ரகசிய", "முழு",
		// Telugu
		"దాచిన", "రహస్య", "ప్రారంభ", "పూర్తి", "అంతర్గత", "సిస్టమ్",
		// Marathi
		"लपलेल्या", "लपवलेल्या", "गुप्त", "संपूर्ण", "अचूक", "अंतर्गत",
		// Gujarati
		"છુપાયેલી", "છુપાયેલા", "ગુપ્ત", "સંપૂર્ણ", "ચોક્કસ", "આંતરિક",
		// Punjabi (Gurmukhi)
		"ਲੁਕੀਆਂ", "ਲੁਕਵੇਂ", "ਗੁਪਤ", "ਪੂਰਾ", "ਅੰਦਰੂਨੀ",
		// Kannada
		"ಗುಪ್ತ", "ರಹಸ್ಯ", "ಮರೆಮಾಡಿದ", "ಪೂರ್ಣ", "ಸಂಪೂರ್ಣ",
		// Malayalam
		"രഹസ്യ", "പൂർണ്ണ", "മുഴുവൻ", "കൃത്യമായ",
		// Nepali
		"लुकेको", "गोप्य", "पूरा", "पूर्ण", "सम्पूर्ण", "आन्तरिक",
		// Sinhala
		"සැඟවුණු", "රහස්", "සම්පූර්ණ",
		// Amharic
		"የተደበቁ", "ሚስጥራዊ", "ምስጢራዊ", "ትክክለኛ", "ውስጣዊ",
		// Hausa
		"sirri",
		// Zulu
		"efihliwe", "eyimfihlo", "ephelele",
		// Xhosa
		"efihliweyo", "eyimfihlo",
		// Somali
		"qarsoon", "sirta", "dhammaystiran",
		// Kurdish (Kurmanji)
		"veşartî", "nehênî",
		// Kurdish (Sorani)
		"شاراوە", "نهێنی",
		// Azerbaijani
		"gizli", "məxfi", "ilkin", "tamamilə", "dəqiq", "daxili",
		// Kazakh
		"жасырын", "құпия", "бастапқы", "толық", "нақты", "ішкі",
		// Uzbek
		"yashirin", "maxfiy", "dastlabki", "to'liq", "aniq", "ichki",
		// Kyrgyz
		"жашыруун", "купуя", "баштапкы", "толук", "ички",
		// Georgian
		"ფარული", "საიდუმლო", "სრული", "ზუსტი", "შიდა",
		// Armenian
		"թաքնված", "գաղտնի", "սկզբնական", "ամբողջական", "ճշգրիտ", "ներքին", "համակարգի",
		// Javanese
		"didhelikake", "rahasia", "lengkap",
		// Mongolian
		"нуугдмал", "нууц", "анхны", "бүрэн", "дотоод",
	},
	cSecret: {
		// Finnish
		"salasana", "salasanan", "salasanat", "salasanasi", "avain", "avaimen", "avaimet", "avaimesi", "salaisuus",
		"salaisuudet", "tunnukset", "tunnistetiedot",
		// Estonian
		"parool", "paroolid", "parooli", "võtmed", "võtit", "saladus", "saladused", "mandaadid",
		// Lithuanian
		"slaptažodį", "slaptažodis", "slaptažodžiai", "raktą", "raktas", "raktai", "paslaptį", "paslaptis",
		"kredencialus",
		// Latvian
		"paroli", "atslēgu", "atslēga", "atslēgas", "noslēpumu", "noslēpums",
		// Slovak
		"heslo", "heslá", "hesiel", "kľúč", "kľúče", "tajomstvo", "tajomstvá",
		// Bulgarian
		"парола", "паролата", "пароли", "ключ", "ключа", "ключове", "тайна", "тайната",
		// Serbian (Cyrillic)
		"лозинка", "лозинку", "лозинке", "кључ", "кључеве", "тајну", "шифра", "шифру",
		// Serbian (Latin)
		"lozinka", "lozinku", "lozinke", "ključ", "ključeve", "tajnu", "šifra", "šifru",
		// Croatian
		"lozinka", "lozinku", "lozinke", "zaporka", "zaporku", "ključ", "ključeve", "tajnu",
		// Bosnian
		"lozinka", "lozinku", "šifra", "šifru", "ključ",
		// Slovenian
		"geslo", "gesla", "gesel", "ključ", "ključe", "skrivnost", "skrivnosti", "poverilnice",
		// Macedonian
		"лозинка", "лозинката", "лозинки", "клуч", "клучот", "клучеви", "тајна", "тајната",
		// Catalan
		"contrasenya", "contrasenyes", "clau", "secrets", "credencials",
		// Galician
		"contrasinal", "contrasinais", "chave", "chaves", "segredo", "segredos", "credenciais",
		// Basque
		"pasahitza", "pasahitzak", "gakoa", "gakoak", "giltza", "sekretua", "sekretuak", "kredentzialak",
		// Icelandic
		"lykilorð", "lykilorðið", "lykill", "lykilinn", "lyklar", "leyndarmál",
		// Albanian
		"fjalëkalimi", "fjalëkalimin", "fjalëkalime", "çelësi", "çelësin", "çelësat", "sekretin", "sekretet",
		// Maltese
		"ċavetta", "ċwievet", "sigriet",
		// Korean
		"암호를", "비밀을", "토큰", "토큰을",
		// Bengali
		"পাসওয়ার্ড", "চাবি", "গোপনীয়", "টোকেন",
		// Urdu
		"پاسورڈ", "کلید", "چابی", "راز", "ٹوکن",
		// Tamil
		"ரகசியம்",
		// Telugu
		"పాస్వర్డ్", "రహస్యం", "టోకెన్",
		// Marathi
		"पासवर्ड", "किल्ली", "गुपित", "रहस्य",
		// Gujarati
		"પાસવર્ડ", "ચાવી", "રહસ્ય", "ટોકન",
		// Punjabi (Gurmukhi)
		"ਪਾਸਵਰਡ", "ਚਾਬੀ", "ਕੁੰਜੀ",
		// Kannada
		"ಪಾಸ್ವರ್ಡ್", "ಕೀಲಿ", "ರಹಸ್ಯ",
		// Malayalam
		"പാസ്വേഡ്", "രഹസ്യം", "താക്കോൽ",
		// Nepali
		"पासवर्ड", "गोप्य", "रहस्य",
		// Sinhala
		"මුරපදය", "මුරපද", "යතුර", "රහස",
		// Amharic
		"የይለፍ", "ቁልፍ", "ሚስጥር", "ምስጢር",
		// Yoruba
		"àṣírí",
		// Hausa
		"sirri", "sirrin", "maɓalli",
		// Igbo
		"okwuntughe", "nzuzo", "igodo",
		// Zulu
		"iphasiwedi", "imfihlo", "ukhiye",
		// Xhosa
		"iphasiwedi", "imfihlo", "isitshixo",
		// Somali
		"furaha", "sirta",
		// Kurdish (Kurmanji)
		"şîfre", "nehênî", "mifte",
		// Kurdish (Sorani)
		"نهێنی", "کلیل", "پاسۆرد",
		// Azerbaijani
		"şifrə", "şifrəni", "parol", "parolu",
		// Kazakh
		"құпиясөзді", "құпиясөз", "кілт", "кілтті",
		// Uzbek
		"parol", "parolni", "kalit", "kalitni",
		// Kyrgyz
		"сырсөздү", "сырсөз", "ачкыч", "ачкычты",
		// Georgian
		"პაროლი", "პაროლს", "გასაღები", "საიდუმლო",
		// Armenian
		"գաղտնաբառ", "գաղտնաբառը", "բանալի", "բանալին", "գաղտնիք",
		// Javanese
		"sandhi",
		// Mongolian
		"нууц", "түлхүүр",
	},
	cPriv: {
		// Finnish
		"ylläpitäjä", "järjestelmänvalvoja", "pääkäyttäjä", "hakkeri", "pahantahtoinen",
		// Estonian
		"administraator", "häkker", "pahatahtlik", "superkasutaja",
		// Lithuanian
		"administratorius", "administratoriumi", "adminas", "įsilaužėlis", "hakeris", "piktavališkas",
		// Latvian
		"administrators", "administratoru", "administratora", "hakeris", "ļaunprātīgs",
		// Slovak
		"administrátor", "administrátorom", "správca", "hackerom", "zlomyseľný", "škodlivý",
		// Bulgarian
		"администратор", "администратора", "админ", "хакер", "злонамерен", "суперпотребител",
		// Serbian (Cyrillic)
		"администратор", "администратора", "админ", "хакер", "злонамерни",
		// Serbian (Latin)
		"administratora", "haker", "zlonamerni",
		// Croatian
		"administratora", "haker", "zlonamjerni",
		// Bosnian
		"administratora", "haker",
		// Slovenian
		"skrbnik", "heker", "haker", "zloben", "zlonameren",
		// Macedonian
		"администратор", "админ", "хакер", "злонамерен", "злобен",
		// Catalan
		"malvat", "maliciós", "superusuari",
		// Galician
		"malvado", "malicioso",
		// Basque
		"administratzailea", "administratzaile", "hackerra", "gaiztoa", "maltzurra",
		// Icelandic
		"stjórnandi", "kerfisstjóri", "hakkari", "illgjarn", "illkvittinn",
		// Albanian
		"administratori", "haker", "hakeri", "djallëzor", "keqdashës",
		// Maltese
		"amministratur", "malizzjuż",
		// Korean
		"관리자", "해커", "악당", "사악한", "루트", "슈퍼유저",
		// Bengali
		"অ্যাডমিন", "হ্যাকার", "দুষ্ট", "শয়তান",
		// Urdu
		"ایڈمن", "ہیکر", "شیطان", "بدنیت",
		// Tamil
		"நிர்வாகி", "ஹேக்கர்",
		// Telugu
		"అడ్మిన్", "హ్యాకర్", "దుష్ట",
		// Marathi
		"ॲडमिन", "हॅकर", "दुष्ट",
		// Gujarati
		"એડમિન", "હેકર", "દુષ્ટ", "શેતાન",
		// Punjabi (Gurmukhi)
		"ਐਡਮਿਨ", "ਹੈਕਰ", "ਸ਼ੈਤਾਨ", "ਦੁਸ਼ਟ",
		// Kannada
		"ಅಡ್ಮಿನ್", "ಹ್ಯಾಕರ್", "ದುಷ್ಟ",
		// Malayalam
		"അഡ്മിൻ", "ഹാക്കർ",
		// Nepali
		"एडमिन", "ह्याकर", "दुष्ट",
		// Sinhala
		"පරිපාලක", "හැකර්", "නපුරු",
		// Amharic
		"አስተዳዳሪ", "ጠላፊ",
		// Hausa
		"gudanarwa", "dandatsa",
		// Igbo
		"nchịkwa",
		// Zulu
		"umlawuli",
		// Xhosa
		"umlawuli",
		// Somali
		"maamule",
		// Kurdish (Kurmanji)
		"rêveber",
		// Kurdish (Sorani)
		"بەڕێوەبەر", "هاکەر",
		// Azerbaijani
		"haker", "zərərli",
		// Kazakh
		"әкімші", "зұлым",
		// Uzbek
		"xaker", "yovuz", "zararli",
		// Kyrgyz
		"каардуу",
		// Georgian
		"ადმინი", "ჰაკერი", "ბოროტი",
		// Armenian
		"ադմինիստրատոր", "ադմին", "հաքեր", "չարամիտ",
		// Mongolian
		"хорон",
	},
	cNoWord: {
		// Finnish
		"ilman", "mitään",
		// Lithuanian
		"jokių", "jokio",
		// Latvian
		"bez", "nekādu", "nekādus", "nekādas",
		// Slovak
		"bez", "žiadne", "žiadnych", "žiadny", "žiadna",
		// Bulgarian
		"без", "никакви",
		// Serbian (Cyrillic)
		"без", "никаквих", "икаквих",
		// Serbian (Latin)
		"bez", "nikakvih", "nikakva",
		// Croatian
		"bez", "nikakvih", "ikakvih",
		// Bosnian
		"bez", "nikakvih",
		// Slovenian
		"brez", "nobenih", "kakršnihkoli",
		// Macedonian
		"без", "никакви",
		// Galician
		"ningunha",
		// Basque
		"inolako",
		// Icelandic
		"engar", "neinar",
		// Albanian
		"asnjë",
		// Maltese
		"mingħajr",
		// Korean
		"없이", "없는", "아무런",
		// Bengali
		"ছাড়া", "বিনা", "কোনো",
		// Urdu
		"بغیر", "کوئی",
		// Telugu
		"లేకుండా", "ఎలాంటి",
		// Marathi
		"शिवाय", "विना", "कोणत्याही", "कोणतेही",
		// Gujarati
		"વિના", "વગર", "કોઈપણ",
		// Punjabi (Gurmukhi)
		"ਬਿਨਾਂ", "ਬਗੈਰ",
		// Kannada
		"ಇಲ್ಲದೆ", "ಯಾವುದೇ",
		// Malayalam
		"ഇല്ലാതെ", "യാതൊരു",
		// Nepali
		"बिना", "विना",
		// Sinhala
		"නොමැතිව", "කිසිදු",
		// Amharic
		"ምንም",
		// Yoruba
		"láìsí",
		// Zulu
		"ngaphandle",
		// Xhosa
		"ngaphandle",
		// Somali
		"la'aan",
		// Kurdish (Kurmanji)
		"bêyî",
		// Kurdish (Sorani)
		"بەبێ",
		// Kazakh
		"ешқандай",
		// Uzbek
		"hech",
		// Georgian
		"გარეშე", "არანაირი",
		// Armenian
		"առանց",
	},
	cLimit: {
		// Finnish
		"rajoitukset", "rajoituksia", "rajoituksesi", "rajoituksista", "rajat", "rajoja", "säännöt", "sääntöjä",
		"suodattimet", "suodattimia", "sensuuri", "sensuuria", "etiikka", "etiikkaa", "moraali", "moraalia",
		"periaatteet", "turvarajoitukset", "ohjeistukset",
		// Estonian
		"piirangud", "piiranguid", "piirid", "reeglid", "reegleid", "filtrid", "filtreid", "tsensuur", "eetika",
		"moraal", "põhimõtted",
		// Lithuanian
		"apribojimų", "apribojimai", "apribojimus", "ribos", "taisyklių", "taisyklės", "filtrų", "filtrai", "cenzūros",
		"cenzūra", "etikos", "etika", "principų",
		// Latvian
		"ierobežojumu", "ierobežojumus", "ierobežojumiem", "robežas", "robežu", "noteikumu", "filtrus", "filtru",
		"cenzūru", "cenzūra", "ētiku", "ētika", "principus",
		// Slovak
		"obmedzenia", "obmedzení", "pravidlá", "pravidiel", "zásady", "filtre", "filtrov", "cenzúra", "cenzúry",
		"cenzúru", "etika", "etiky", "etiku", "morálka", "morálky", "hranice", "zábrany",
		// Bulgarian
		"ограничения", "ограниченията", "правила", "правилата", "рамки", "филтри", "филтрите", "цензура", "цензурата",
		"етика", "етиката", "морал", "морала", "забрани", "принципи",
		// Serbian (Cyrillic)
		"ограничења", "правила", "граница", "границе", "филтере", "филтера", "цензуре", "цензура", "етике", "етика",
		"морала", "морал", "забране", "принципе",
		// Serbian (Latin)
		"ograničenja", "ograničenje", "pravila", "granice", "filtere", "filtera", "cenzure", "cenzura", "etike",
		"etika", "morala", "zabrane",
		// Croatian
		"ograničenja", "ograničenje", "pravila", "granice", "filtre", "filtera", "cenzure", "cenzura", "etike", "etika",
		"morala", "zabrane", "načela",
		// Bosnian
		"ograničenja", "pravila", "granice", "filtere", "cenzure", "cenzura", "etike", "zabrane",
		// Slovenian
		"omejitve", "omejitev", "omejitvami", "pravila", "pravil", "meje", "filtre", "filtrov", "cenzure", "cenzura",
		"etike", "etika", "načela", "prepovedi",
		// Macedonian
		"ограничувања", "ограничувањата", "правила", "граници", "филтри", "филтрите", "цензура", "цензурата", "етика",
		"етиката", "морал", "забрани", "принципи",
		// Catalan
		"restriccions", "limitacions", "límits", "regles", "normes", "filtres", "censura", "ètica", "principis",
		"directrius",
		// Galician
		"restricións", "limitacións", "límites", "regras", "normas", "filtros", "censura", "ética", "principios",
		// Basque
		"murrizketak", "murrizketarik", "mugak", "mugarik", "arauak", "araurik", "iragazkiak", "iragazkirik",
		"zentsura", "zentsurarik", "etika", "etikarik", "morala", "printzipioak",
		// Icelandic
		"takmarkanir", "takmarkana", "takmörk", "takmarkanirnar", "reglur", "reglna", "síur", "ritskoðun", "siðferði",
		"siðareglur",
		// Albanian
		"kufizime", "kufizimet", "kufijtë", "kufij", "rregulla", "rregullat", "filtra", "filtrat", "censurë", "etikë",
		"etika", "parime", "parimet",
		// Maltese
		"restrizzjonijiet", "limitazzjonijiet", "limiti", "regoli", "filtri", "ċensura", "etika", "prinċipji",
		// Korean
		"제한", "제약", "규칙", "제한을", "제한이", "제약을", "규칙을", "규칙이", "필터", "필터를", "검열", "윤리", "윤리적", "도덕", "원칙",
		// Bengali
		"সীমা", "নিয়ম", "ফিল্টার", "সেন্সরশিপ", "নৈতিকতা", "নীতিমালা",
		// Urdu
		"پابندیاں", "پابندیوں", "پابندی", "حدود", "قواعد", "اصول", "فلٹر", "سنسرشپ", "اخلاقیات", "اخلاق",
		// Tamil
		"வரம்புகள்", "விதிகள்", "வடிகட்டி", "தணிக்கை", "நெறிமுறை",
		// Telugu
		"పరిమితులు", "పరిమితులను", "నియమాలు", "ఫిల్టర్లు", "సెన్సార్షిప్", "నైతికత", "ఆంక్షలు",
		// Marathi
		"निर्बंध", "मर्यादा", "नियम", "फिल्टर", "सेन्सॉरशिप", "नैतिकता", "नीतिमत्ता",
		// Gujarati
		"પ્રતિબંધો", "મર્યાદાઓ", "મર્યાદા", "નિયમો", "ફિલ્ટર", "સેન્સરશિપ", "નૈતિકતા",
		// Punjabi (Gurmukhi)
		"ਪਾਬੰਦੀਆਂ", "ਪਾਬੰਦੀ", "ਸੀਮਾਵਾਂ", "ਨਿਯਮ", "ਫਿਲਟਰ", "ਸੈਂਸਰਸ਼ਿਪ", "ਨੈਤਿਕਤਾ",
		// Kannada
		"ನಿರ್ಬಂಧಗಳು", "ಮಿತಿಗಳು", "ನಿಯಮಗಳು", "ಫಿಲ್ಟರ್", "ಸೆನ್ಸಾರ್ಶಿಪ್", "ನೈತಿಕತೆ",
		// Malayalam
		"നിയമങ്ങൾ", "ഫിൽട്ടർ", "ധാർമ്മികത",
		// Nepali
		"प्रतिबन्ध", "सीमाहरू", "सीमा", "नियमहरू", "फिल्टर", "सेन्सरसिप", "नैतिकता",
		// Sinhala
		"සීමාවන්", "පෙරහන්", "වාරණ", "ආචාරධර්ම",
		// Amharic
		"ገደቦች", "ገደብ", "ህጎች", "ደንቦች", "ማጣሪያዎች", "ሳንሱር", "ስነምግባር", "ሥነምግባር",
		// Yoruba
		"ìhámọ́", "ààlà", "òfin", "ìlànà",
		// Hausa
		"ƙuntatawa", "iyakoki", "iyaka", "dokoki", "ka'idoji",
		// Igbo
		"mmachi",
		// Zulu
		"imikhawulo", "imingcele", "imithetho", "izihlungi", "izimiso",
		// Xhosa
		"imida", "imiqathango", "imithetho", "imigaqo", "izihluzo",
		// Somali
		"xaddidaadaha", "xadidaad", "xuduudaha", "xeerarka", "anshaxa",
		// Kurdish (Kurmanji)
		"sînor", "sînoran", "sînorkirin", "rêzik", "qaîde", "exlaq", "sansûr",
		// Kurdish (Sorani)
		"سنوور", "سنوورەکان", "بەربەست", "یاساکان", "ئەخلاق", "سانسۆر",
		// Azerbaijani
		"məhdudiyyətlər", "məhdudiyyət", "məhdudiyyətləri", "sərhədlər", "qaydalar", "filtrlər", "senzura", "etika",
		"əxlaq",
		// Kazakh
		"шектеулер", "шектеу", "ережелер", "сүзгілер", "цензура", "этика", "мораль",
		// Uzbek
		"cheklovlar", "cheklov", "chegaralar", "qoidalar", "filtrlar", "senzura", "etika", "axloq",
		// Kyrgyz
		"чектөөлөр", "чектөө", "эрежелер", "чектер", "чыпкалар", "цензура", "этика", "адеп",
		// Georgian
		"წესები", "ფილტრები", "ცენზურა", "ეთიკა", "მორალი",
		// Armenian
		"սահմաններ", "կանոններ", "ֆիլտրեր", "գրաքննություն", "էթիկա",
		// Javanese
		"watesan", "aturan", "paugeran", "etika",
		// Mongolian
		"хязгаарлалт", "хязгаар", "дүрэм", "шүүлтүүр", "цензур",
	},
	cUnbound: {
		// Finnish
		"rajoittamaton", "rajaton", "sensuroimaton", "suodattamaton", "moraaliton", "epäeettinen",
		// Estonian
		"piiramatu", "piiranguteta", "tsenseerimata", "filtreerimata", "amoraalne", "ebaeetiline", "reegliteta",
		// Lithuanian
		"neribotas", "neribota", "necenzūruotas", "nefiltruotas", "amoralus", "neetiškas", "nevaržomas",
		// Latvian
		"neierobežots", "neierobežota", "necenzēts", "nefiltrēts", "amorāls", "neētisks",
		// Slovak
		"neobmedzený", "neobmedzená", "necenzurovaný", "nefiltrovaný", "amorálny", "neetický", "nespútaný",
		// Bulgarian
		"неограничен", "неограничена", "нецензуриран", "нефилтриран", "аморален", "неетичен",
		// Serbian (Cyrillic)
		"неограничен", "неограничена", "нецензурисан", "нефилтриран", "аморалан", "неетичан",
		// Serbian (Latin)
		"neograničen", "neograničena", "necenzurisan", "nefiltriran", "amoralan", "neetičan",
		// Croatian
		"neograničen", "neograničena", "necenzuriran", "nefiltriran", "amoralan", "neetičan", "nesputan",
		// Bosnian
		"neograničen", "neograničena", "necenzurisan", "amoralan",
		// Slovenian
		"neomejen", "neomejena", "necenzuriran", "nefiltriran", "amoralen", "neetičen", "neobrzdan",
		// Macedonian
		"неограничен", "неограничена", "нецензуриран", "нефилтриран", "аморален", "неетички",
		// Catalan
		"desenfrenat", "desenfrenada",
		// Galician
		"ilimitado", "ilimitada", "inmoral",
		// Basque
		"mugagabea", "mugagabe", "amorala",
		// Icelandic
		"ótakmarkaður", "ótakmarkað", "óritskoðaður", "ósíaður", "siðlaus",
		// Albanian
		"pakufizuar", "pakufi", "pacensuruar", "pafiltruar",
		// Maltese
		"illimitat", "immorali",
		// Korean
		"무제한", "탈옥",
		// Bengali
		"সীমাহীন", "অসীম", "অনৈতিক", "লাগামহীন",
		// Urdu
		"لامحدود", "بےلگام", "غیراخلاقی", "بےقابو", "غیرمحدود",
		// Tamil
		"வரம்பற்ற",
		// Telugu
		"అపరిమిత", "అపరిమితమైన", "అనైతిక",
		// Marathi
		"अमर्याद", "अमर्यादित", "अनैतिक", "निर्बंधमुक्त",
		// Gujarati
		"અમર્યાદિત", "અનૈતિક", "બેલગામ",
		// Punjabi (Gurmukhi)
		"ਅਸੀਮਤ", "ਬੇਲਗਾਮ", "ਅਨੈਤਿਕ",
		// Kannada
		"ಅನಿಯಮಿತ", "ಅನೈತಿಕ", "ಅಪರಿಮಿತ",
		// Malayalam

		// Nepali
		"असीमित", "अनैतिक", "बेलगाम", "निर्बाध",
		// Sinhala
		"අසීමිත",
		// Amharic
		"ያልተገደበ",
		// Zulu
		"ongenamkhawulo",
		// Xhosa
		"ongenamida",
		// Kurdish (Kurmanji)
		"bêsînor",
		// Kurdish (Sorani)
		"بێسنوور",
		// Azerbaijani
		"limitsiz", "məhdudiyyətsiz", "senzurasız", "filtrsiz", "əxlaqsız", "qaydasız",
		// Kazakh
		"шектеусіз", "цензурасыз", "сүзгісіз", "ережесіз", "шексіз",
		// Uzbek
		"cheksiz", "cheklanmagan", "senzurasiz", "filtrsiz", "axloqsiz",
		// Kyrgyz
		"чексиз", "чектөөсүз", "цензурасыз",
		// Georgian
		"ულიმიტო",
		// Armenian
		"անսահմանափակ", "անսահման", "անբարոյական", "անզուսպ",
		// Mongolian
		"хязгааргүй", "цензургүй", "дүрэмгүй",
	},
	cPersona: {
		// Finnish
		"teeskentele", "teeskennelkää", "teeskennellä", "kuvittele", "kuvitelkaa", "roolipeli", "rooli", "roolissa",
		"roolia", "hahmo", "hahmona", "hahmoa", "simuloi", "käyttäydy",
		// Estonian
		"teeskle", "teesklege", "kujuta", "kujutage", "kujutle", "rollimäng", "rolli", "tegelane", "tegelaskuju",
		"simuleeri", "käitu", "režiim", "režiimis",
		// Lithuanian
		"apsimesk", "apsimeskite", "apsimesti", "įsivaizduok", "įsivaizduokite", "vaidink", "vaidmenį", "vaidmuo",
		"personažas", "personažą", "veikėjas", "simuliuok", "elkis", "režimas", "režimą", "režimu",
		// Latvian
		"izliecies", "izlikties", "iedomājies", "iedomājieties", "iztēlojies", "lomu", "personāžu", "simulē",
		"uzvedies", "režīmā", "režīmu",
		// Slovak
		"predstieraj", "predstierajte", "hraj", "hrajte", "rolu", "postava", "postavu", "simuluj", "predstav",
		"predstavte", "správaj", "režim", "režime", "vžij",
		// Bulgarian
		"престори", "преструвай", "представи", "представете", "въобрази", "играй", "изиграй", "роля", "ролята",
		"персонаж", "персонажа", "симулирай", "режим", "режима",
		// Serbian (Cyrillic)
		"претварај", "претварајте", "замисли", "замислите", "играј", "одиграј", "улогу", "улога", "лика", "симулирај",
		"понашај", "режим", "режиму",
		// Serbian (Latin)
		"pretvaraj", "pretvarajte", "zamisli", "zamislite", "igraj", "odigraj", "ulogu", "uloga", "simuliraj",
		"ponašaj", "režim", "režimu",
		// Croatian
		"pretvaraj", "pretvarajte", "zamisli", "zamislite", "igraj", "odigraj", "ulogu", "uloga", "simuliraj",
		"ponašaj", "režim",
		// Bosnian
		"pretvaraj", "zamisli", "igraj", "ulogu", "uloga", "simuliraj",
		// Slovenian
		"pretvarjaj", "pretvarjajte", "predstavljaj", "zamisli", "zamislite", "igraj", "odigraj", "vlogo", "vloga",
		"simuliraj", "obnašaj",
		// Macedonian
		"глуми", "преправај", "замисли", "замислете", "играј", "одиграј", "улога", "улогата", "ликот", "симулирај",
		"однесувај", "режим",
		// Catalan
		"fingeix", "fingiu", "imagineu", "personatge",
		// Galician
		"finxe", "finxide", "finxir", "imaxina", "imaxinade", "xoga", "simula", "compórtate", "personaxe",
		// Basque
		"itxurak", "imajinatu", "irudikatu", "jokatu", "rola", "rolean", "pertsonaia", "pertsonaiaren", "simulatu",
		// Icelandic
		"þykjast", "ímyndaðu", "ímyndið", "leiktu", "hlutverk", "hlutverki", "persónu", "hermdu", "hagaðu",
		// Albanian
		"shtiru", "imagjino", "imagjinoni", "luaj", "luani", "rolin", "personazh", "personazhin", "simulo", "sillu",
		"modalitet", "modalitetin",
		// Maltese
		"ilgħab", "rwol", "karattru", "issimula",
		// Korean
		"척해", "척해줘", "상상해", "역할", "캐릭터", "모드", "모드로", "행동해", "흉내",
		// Bengali
		"ভান", "অভিনয়", "কল্পনা", "ভূমিকা", "চরিত্র", "মোড",
		// Urdu
		"دکھاوا", "اداکاری", "تصور", "کردار", "ناٹک", "موڈ", "بہانہ",
		// Tamil
		"நடிக்கவும்", "கற்பனை", "பாத்திரம்",
		// Telugu
		"నటించు", "నటించండి", "ఊహించు", "ఊహించండి", "పాత్ర", "పాత్రను", "పాత్రలో",
		// Marathi
		"नाटक", "ढोंग", "कल्पना", "भूमिका", "मोड",
		// Gujarati
		"ડોળ", "નાટક", "કલ્પના", "ભૂમિકા", "પાત્ર", "મોડ",
		// Punjabi (Gurmukhi)
		"ਦਿਖਾਵਾ", "ਨਾਟਕ", "ਕਲਪਨਾ", "ਭੂਮਿਕਾ", "ਕਿਰਦਾਰ",
		// Kannada
		"ನಟಿಸಿ", "ನಟಿಸು", "ಕಲ್ಪಿಸಿ", "ಪಾತ್ರ", "ಪಾತ್ರವನ್ನು", "ಮೋಡ್",
		// Malayalam
		"നടിക്കുക", "കഥാപാത്രം", "റോൾ", "മോഡ്",
		// Nepali
		"नाटक", "बहाना", "कल्पना", "भूमिका", "मोड",
		// Sinhala
		"රඟපාන්න", "මවාපාන්න", "චරිතය", "භූමිකාව", "මාදිලිය",
		// Amharic
		"አስመስል", "ገጸባህሪ", "ገፀባህሪ", "ሁነታ",
		// Yoruba
		"díbọ́n",
		// Zulu
		"zenza", "zenze", "indima", "umlingiswa", "lingisa",
		// Xhosa
		"zenza", "indima", "umlinganiswa",
		// Somali
		"jilo", "doorka",
		// Kurdish (Sorani)
		"ڕۆڵ", "کارەکتەر", "خەیاڵ",
		// Azerbaijani
		"təsəvvür", "personaj", "rejimində",
		// Kazakh
		"кейіп", "елестет", "елестетіңіз", "рөл", "рөлін", "кейіпкер", "режимінде",
		// Uzbek
		"tasavvur", "rolini", "personaj", "qahramon", "rejimida", "o'yna",
		// Kyrgyz
		"элестет", "элестетиңиз", "ролду", "каарман",
		// Georgian
		"თითქოს", "როლი", "როლს", "რეჟიმი", "რეჟიმში", "ითამაშე",
		// Armenian
		"ձևացրու", "ձևացիր", "պատկերացրու", "խաղա", "դերը", "կերպար", "ռեժիմ", "ռեժիմում",
		// Javanese
		"ethok-ethok", "mbayangno", "bayangna",
		// Mongolian
		"төсөөл", "төсөөлөөрэй", "дүрд", "горим", "горимд",
	},
	cYou: {
		// Finnish
		"olet", "olette",
		// Estonian
		"olete",
		// Korean
		"너는",
	},
	cNow: {
		// Finnish
		"eteenpäin", "lähtien", "vastedes", "jatkossa",
		// Estonian
		"nüüd", "edaspidi", "nüüdsest",
		// Lithuanian
		"dabar",
		// Latvian
		"tagad", "turpmāk",
		// Slovak
		"teraz", "odteraz",
		// Bulgarian
		"отсега", "занапред",
		// Serbian (Cyrillic)
		"сада", "одсад", "одсада", "убудуће",
		// Serbian (Latin)
		"odsad", "odsada", "ubuduće",
		// Croatian
		"odsad", "odsada", "ubuduće", "nadalje",
		// Bosnian
		"odsad", "ubuduće",
		// Slovenian
		"zdaj", "sedaj", "odslej",
		// Macedonian
		"отсега", "одсега", "понатаму",
		// Catalan
		"endavant",
		// Galician
		"agora", "adiante",
		// Basque
		"orain", "aurrerantzean",
		// Icelandic
		"núna",
		// Albanian
		"tani", "tutje",
		// Maltese
		"issa",
		// Korean
		"지금", "이제", "이제부터",
		// Bengali
		"এখন",
		// Urdu
		"ابھی",
		// Tamil
		"இப்போது", "இனிமேல்",
		// Telugu
		"ఇప్పుడు", "ఇకపై",
		// Marathi
		"आतापासून", "यापुढे",
		// Gujarati
		"હવેથી", "અત્યારે",
		// Punjabi (Gurmukhi)

		// Kannada
		"ಇನ್ನುಮುಂದೆ", "ಈಗಿನಿಂದ",
		// Malayalam
		"ഇപ്പോൾ", "ഇനിമുതൽ",
		// Nepali
		"अहिले", "अबदेखि",
		// Sinhala
		"දැන්", "මෙතැන්සිට",
		// Amharic
		"አሁን", "ከአሁን",
		// Yoruba
		"báyìí",
		// Hausa
		"yanzu",
		// Igbo
		"ugbu",
		// Zulu
		"manje",
		// Xhosa
		"ngoku",
		// Somali
		"hadda",
		// Kurdish (Kurmanji)
		"niha",
		// Kurdish (Sorani)
		"ئێستا", "لەمەودوا",
		// Azerbaijani
		"indi",
		// Kazakh
		"қазір", "қазірден",
		// Uzbek
		"hozir", "endi", "buyon",
		// Kyrgyz
		"азыр",
		// Georgian
		"ახლა", "ახლავე",
		// Armenian
		"հիմա", "այսուհետ", "այժմ",
		// Javanese
		"saiki",
		// Mongolian
		"одоо", "одооноос",
	},
	cPrivNoun: {
		// Finnish
		"pääsy", "pääsyn", "oikeudet", "oikeuksia", "käyttöoikeudet", "käyttöoikeus", "hallinta", "hallinnan",
		"valtuudet",
		// Estonian
		"juurdepääs", "ligipääs", "õigused", "õigusi", "kontroll", "volitused",
		// Lithuanian
		"prieigą", "prieiga", "prieigos", "teises", "teisės", "privilegijas", "leidimus", "kontrolę", "valdymą",
		// Latvian
		"piekļuvi", "piekļuve", "tiesības", "privilēģijas", "atļaujas", "kontroli",
		// Slovak
		"prístup", "prístupu", "oprávnenia", "práva", "privilégiá", "kontrolu",
		// Bulgarian
		"достъп", "достъпа", "права", "правата", "привилегии", "разрешения", "контрол",
		// Serbian (Cyrillic)
		"приступ", "приступа", "права", "привилегије", "дозволе", "контролу",
		// Serbian (Latin)
		"pristup", "pristupa", "prava", "privilegije", "dozvole", "kontrolu",
		// Croatian
		"pristup", "pristupa", "prava", "ovlasti", "povlastice", "dozvole", "kontrolu",
		// Bosnian
		"pristup", "prava", "privilegije", "dozvole", "kontrolu",
		// Slovenian
		"dostop", "dostopa", "pravice", "privilegije", "dovoljenja", "nadzor",
		// Macedonian
		"пристап", "права", "привилегии", "дозволи", "контрола",
		// Catalan
		"accés", "privilegis", "drets",
		// Galician
		"acceso", "privilexios", "permisos", "dereitos",
		// Basque
		"sarbidea", "sarbide", "baimenak", "baimena", "eskubideak", "pribilegioak", "kontrola",
		// Icelandic
		"aðgang", "aðgangur", "réttindi", "heimildir",
		// Albanian
		"qasje", "qasjen", "aksesin", "privilegje", "lejet", "kontroll", "kontrollin", "drejtat",
		// Maltese
		"aċċess", "privileġġi", "drittijiet", "kontroll",
		// Korean
		"권한", "접근", "액세스", "특권", "통제권", "제어권",
		// Bengali
		"অ্যাক্সেস", "অনুমতি", "অধিকার", "নিয়ন্ত্রণ",
		// Urdu
		"رسائی", "اجازت", "اختیارات", "کنٹرول",
		// Tamil
		"அணுகல்", "அனுமதி", "உரிமைகள்",
		// Telugu
		"యాక్సెస్", "అనుమతి", "అనుమతులు", "హక్కులు", "నియంత్రణ",
		// Marathi
		"प्रवेश", "परवानगी", "अधिकार", "नियंत्रण",
		// Gujarati
		"ઍક્સેસ", "એક્સેસ", "પરવાનગી", "અધિકારો", "નિયંત્રણ",
		// Punjabi (Gurmukhi)
		"ਪਹੁੰਚ", "ਇਜਾਜ਼ਤ", "ਅਧਿਕਾਰ", "ਕੰਟਰੋਲ",
		// Kannada
		"ಪ್ರವೇಶ", "ಅನುಮತಿ", "ಹಕ್ಕುಗಳು", "ನಿಯಂತ್ರಣ",
		// Malayalam
		"ആക്സസ്", "അനുമതി", "അവകാശങ്ങൾ", "നിയന്ത്രണം",
		// Nepali
		"पहुँच", "अनुमति", "अधिकार", "नियन्त्रण",
		// Sinhala
		"අවසර", "අයිතිවාසිකම්", "පාලනය",
		// Amharic
		"መዳረሻ", "ፈቃድ", "ፍቃድ", "መብቶች", "ቁጥጥር",
		// Hausa
		"izini",
		// Igbo
		"ikike",
		// Zulu
		"ukufinyelela", "imvume", "amalungelo", "ukulawula",
		// Xhosa
		"ukufikelela", "imvume", "amalungelo", "ulawulo",
		// Somali
		"gelitaan", "ogolaansho", "xuquuq", "awood",
		// Kurdish (Kurmanji)
		"destûr", "mafên",
		// Kurdish (Sorani)
		"دەستگەیشتن", "مۆڵەت", "کۆنترۆڵ",
		// Azerbaijani
		"icazə", "icazələr", "hüquqlar", "imtiyazlar", "nəzarət",
		// Kazakh
		"рұқсат", "құқықтар", "артықшылықтар", "бақылау",
		// Uzbek
		"ruxsat", "huquqlar", "imtiyozlar", "nazorat",
		// Kyrgyz
		"уруксат", "укуктар", "артыкчылыктар", "көзөмөл",
		// Georgian
		"წვდომა", "წვდომას", "უფლებები", "ნებართვა", "კონტროლი",
		// Armenian
		"մուտք", "իրավունքներ",
		// Javanese
		"idin",
		// Mongolian
		"хандалт", "зөвшөөрөл", "хяналт",
	},
	cFull: {
		// Finnish
		"täysi", "täydet", "täyden", "rajoittamaton", "rajaton", "täydellinen", "ehdoton",
		// Estonian
		"täielik", "täieliku", "piiramatu",
		// Lithuanian
		"visišką", "visiška", "neribotą", "absoliučią",
		// Latvian
		"pilnu", "pilnīgu", "neierobežotu", "absolūtu",
		// Slovak
		"plný", "plnú", "úplný", "úplnú", "neobmedzený", "absolútny",
		// Bulgarian
		"пълен", "пълна", "пълния", "неограничен", "абсолютен",
		// Serbian (Cyrillic)
		"потпуни", "потпуну", "неограничен", "апсолутни",
		// Serbian (Latin)
		"potpuni", "potpunu", "neograničen", "apsolutni",
		// Croatian
		"potpun", "potpuni", "potpunu", "neograničen", "apsolutni",
		// Bosnian
		"potpuni", "potpunu", "neograničen",
		// Slovenian
		"poln", "polni", "polno", "popoln", "popolni", "popolno", "neomejen", "absoluten",
		// Macedonian
		"целосен", "целосна", "полн", "неограничен", "апсолутен",
		// Catalan
		"complet", "absolut",
		// Galician
		"completo", "ilimitado", "absoluto", "pleno",
		// Basque
		"osoa", "osoko", "mugagabea", "erabateko", "absolutua",
		// Icelandic
		"fullan", "fullur", "fullt", "ótakmarkaðan", "algjöran",
		// Albanian
		"plotë", "pakufizuar", "absolut", "total",
		// Maltese
		"sħiħ", "sħiħa", "totali", "assolut",
		// Korean
		"전체", "무제한", "절대적",
		// Bengali
		"সম্পূর্ণ", "পূর্ণ", "সীমাহীন",
		// Urdu
		"مکمل", "پورا", "لامحدود",
		// Tamil
		"முழு", "வரம்பற்ற",
		// Telugu
		"పూర్తి", "సంపూర్ణ", "అపరిమిత",
		// Marathi
		"पूर्ण", "संपूर्ण", "अमर्याद",
		// Gujarati
		"સંપૂર્ણ", "અમર્યાદિત",
		// Punjabi (Gurmukhi)
		"ਪੂਰਾ", "ਅਸੀਮਤ",
		// Kannada
		"ಪೂರ್ಣ", "ಸಂಪೂರ್ಣ", "ಅನಿಯಮಿತ",
		// Malayalam
		"പൂർണ്ണ", "സമ്പൂർണ്ണ",
		// Nepali
		"पूर्ण", "पूरा", "असीमित",
		// Sinhala
		"සම්පූර්ණ", "පූර්ණ", "අසීමිත",
		// Amharic
		"ያልተገደበ",
		// Yoruba
		"kíkún",
		// Hausa
		"cikakken", "cikakke",
		// Zulu
		"ogcwele", "ephelele",
		// Xhosa
		"epheleleyo", "ngokupheleleyo",
		// Somali
		"buuxa", "dhammaystiran",
		// Kurdish (Kurmanji)
		"temam", "bêsînor",
		// Kurdish (Sorani)
		"بێسنوور",
		// Azerbaijani
		"limitsiz",
		// Kazakh
		"толық", "шексіз", "абсолютті",
		// Uzbek
		"to'liq", "cheksiz",
		// Kyrgyz
		"толук", "чексиз",
		// Georgian
		"სრული", "სრულ",
		// Armenian
		"լիարժեք", "ամբողջական", "անսահմանափակ",
		// Javanese
		"kebak",
		// Mongolian
		"бүрэн", "хязгааргүй",
	},
	cWeakVerb: {
		// Finnish
		"poista", "poistakaa", "hylkää", "hylätkää", "riko", "rikkokaa",
		// Estonian
		"eemalda", "eemaldage", "keela", "lülita", "tühista", "tühistage", "rikkuge", "kustuta",
		// Lithuanian
		"išjunk", "išjunkite", "pašalink", "pašalinkite", "ištrink", "sulaužyk", "pažeisk", "atšauk", "panaikink",
		// Latvian
		"atspējo", "izslēdz", "noņem", "dzēs", "izdzēs", "pārkāp",
		// Slovak
		"vypni", "vypnite", "odstráň", "odstráňte", "deaktivuj", "zruš", "zrušte", "poruš",
		// Bulgarian
		"изключи", "изключете", "премахни", "премахнете", "изтрий", "деактивирай", "наруши", "махни", "отхвърли",
		// Serbian (Cyrillic)
		"искључи", "искључите", "уклони", "уклоните", "избриши", "деактивирај", "прекрши", "укини",
		// Serbian (Latin)
		"isključi", "isključite", "ukloni", "uklonite", "izbriši", "deaktiviraj", "prekrši", "ukini",
		// Croatian
		"isključi", "isključite", "ukloni", "uklonite", "izbriši", "deaktiviraj", "prekrši", "ukini",
		// Bosnian
		"isključi", "ukloni", "izbriši", "prekrši",
		// Slovenian
		"izklopi", "izklopite", "odstrani", "odstranite", "izbriši", "deaktiviraj", "prekrši", "ukini",
		// Macedonian
		"исклучи", "исклучете", "отстрани", "отстранете", "избриши", "деактивирај", "прекрши", "укини",
		// Catalan
		"desactiva", "desactiveu", "elimina", "suprimeix", "trenca", "viola",
		// Galician
		"desactiva", "elimina", "quita", "rompe", "viola",
		// Basque
		"desaktibatu", "kendu", "ezabatu", "hautsi", "urratu", "baliogabetu",
		// Icelandic
		"slökktu", "fjarlægðu", "eyddu", "brjóttu", "afvirkjaðu", "hafnaðu",
		// Albanian
		"çaktivizo", "fshi", "shkel", "thyej", "anulo",
		// Maltese
		"itfi", "neħħi", "ħassar", "ikser",
		// Korean
		"제거해", "삭제해", "해제해", "끄고", "어겨",
		// Bengali
		"সরাও", "সরিয়ে", "নিষ্ক্রিয়", "মুছে", "ভাঙো",
		// Urdu
		"ہٹاؤ", "حذف", "توڑو", "غیرفعال",
		// Tamil
		"நீக்கு", "நீக்கவும்", "முடக்கு",
		// Telugu
		"తొలగించు", "తొలగించండి", "నిలిపివేయి", "ఆపివేయి",
		// Marathi
		"हटवा", "काढून",
		// Gujarati
		"નિષ્ક્રિય", "કાઢી", "તોડો",
		// Punjabi (Gurmukhi)
		"ਹਟਾਓ", "ਮਿਟਾਓ",
		// Kannada
		"ತೆಗೆದುಹಾಕಿ", "ಅಳಿಸಿ",
		// Malayalam
		"നീക്കം",
		// Nepali
		"हटाउनुहोस्", "हटाउ", "मेटाउ",
		// Sinhala
		"ඉවත්කරන්න", "මකන්න",
		// Amharic
		"አስወግድ", "አጥፋ", "ሰርዝ", "አሰናክል",
		// Hausa

		// Zulu
		"susa", "cisha", "phula", "yephula",
		// Xhosa
		"susa", "aphula", "yaphule",
		// Somali
		"tirtir",
		// Kurdish (Kurmanji)
		"bişkîne",
		// Kurdish (Sorani)
		"لابە", "بسڕەوە",
		// Azerbaijani
		"söndür", "qaldır", "pozun",
		// Kazakh
		"өшір", "өшіріңіз", "жой",
		// Uzbek
		"o'chir", "o'chiring", "tashla",
		// Kyrgyz
		"өчүр", "өчүрүңүз",
		// Georgian
		"წაშალე", "გამორთე", "მოხსენი", "დაარღვიე",
		// Armenian
		"անջատիր", "հեռացրու", "ջնջիր", "խախտիր",
		// Javanese
		"busak", "busaken", "pateni", "copot",
		// Mongolian
		"унтраа", "устга", "зөрч",
	},
	cRefuse: {
		// Finnish
		"kieltäydy", "kieltäytyä", "kieltäydyt", "pahoittele", "sensuroi",
		// Estonian
		"keeldu", "keelduge", "keelduda", "vabanda", "vabandage", "tsenseeri",
		// Lithuanian
		"atsisakyk", "atsisakykite", "atsisakyti", "atsiprašyk", "atsiprašinėk", "cenzūruok",
		// Latvian
		"atsakies", "atteikties", "atsakieties", "atvainojies", "cenzē",
		// Slovak
		"odmietaj", "odmietajte", "odmietať", "odmietni", "ospravedlňuj", "cenzuruj",
		// Bulgarian
		"отказвай", "отказвайте", "откажеш", "цензурирай",
		// Serbian (Cyrillic)
		"одбијај", "одбијаш", "одбиј", "одбити", "извињавај", "цензуриши",
		// Serbian (Latin)
		"odbijaj", "odbijaš", "odbij", "odbiti", "izvinjavaj", "cenzuriši",
		// Croatian
		"odbijaj", "odbij", "odbiti", "ispričavaj", "cenzuriraj",
		// Bosnian
		"odbijaj", "odbij", "izvinjavaj",
		// Slovenian
		"zavračaj", "zavrni", "zavrniti", "opravičuj", "cenzuriraj",
		// Macedonian
		"одбивај", "одбиј", "извинувај", "цензурирај",
		// Catalan
		"refusis", "rebutgis", "rebutja", "neguis", "disculpis", "censuris",
		// Galician
		"rexeites", "rexeita", "negues", "desculpes", "censures",
		// Basque
		"ukatu", "zentsuratu",
		// Icelandic
		"neitaðu", "neita", "hafna", "ritskoða",
		// Albanian
		"refuzo", "refuzosh",
		// Maltese
		"tirrifjuta", "tirrifjutax", "tiskuża",
		// Korean
		"거부하지", "거부", "거절", "사과하지",
		// Bengali
		"অস্বীকার",
		// Urdu
		"انکار", "معذرت",
		// Tamil
		"மறுக்காதே", "மறுக்க",
		// Telugu
		"తిరస్కరించు", "నిరాకరించు", "క్షమాపణ",
		// Marathi
		"नकार", "नाकारू", "माफी",
		// Gujarati
		"ઇનકાર", "માફી",
		// Punjabi (Gurmukhi)
		"ਇਨਕਾਰ", "ਮੁਆਫੀ", "ਮਾਫੀ",
		// Kannada
		"ನಿರಾಕರಿಸು",
		// Malayalam
		"നിരസിക്കുക",
		// Nepali
		"इन्कार", "अस्वीकार", "माफी",
		// Amharic
		"እምቢ",
		// Hausa
		"hakuri",
		// Zulu
		"enqaba", "ungenqabi", "xolisa",
		// Xhosa
		"xolisa",
		// Somali
		"diid", "diidin",
		// Kurdish (Kurmanji)
		"înkar",
		// Kurdish (Sorani)
		"ڕەتمەکەرەوە",
		// Azerbaijani
		"imtina",
		// Kazakh
		"кешірім",
		// Uzbek
		"kechirim",
		// Kyrgyz
		"кечирим",
		// Georgian
		"უარი",
		// Armenian
		"մերժիր", "մերժել",
		// Javanese
		"nolak",
		// Mongolian
		"татгалз", "татгалзах",
	},
	cBound: {
		// Finnish
		"sidottu", "rajoitettu", "rajattu", "sidoksissa",
		// Estonian
		"seotud", "piiratud", "kohustatud",
		// Lithuanian
		"saistomas", "apribotas", "ribojamas", "įpareigotas", "susaistytas",
		// Latvian
		"saistīts", "ierobežots", "ierobežota", "pakļauts",
		// Slovak
		"viazaný", "obmedzený", "obmedzená", "zviazaný",
		// Bulgarian
		"обвързан", "ограничен", "ограничена", "задължен",
		// Serbian (Cyrillic)
		"везан", "ограничен", "спутан",
		// Serbian (Latin)
		"vezan", "ograničen", "sputan",
		// Croatian
		"vezan", "ograničen", "obvezan", "sputan",
		// Bosnian
		"vezan", "ograničen",
		// Slovenian
		"vezan", "omejen", "omejena", "zavezan",
		// Macedonian
		"врзан", "ограничен", "обврзан",
		// Catalan
		"lligat", "restringit", "subjecte", "obligat",
		// Galician
		"atado", "limitado", "restrinxido", "suxeito",
		// Basque
		"lotuta", "mugatuta", "mugatua", "behartuta",
		// Icelandic
		"bundinn", "bundin", "takmarkaður",
		// Albanian
		"lidhur", "kufizuar", "detyruar",
		// Maltese
		"marbut", "limitat", "ristrett",
		// Korean
		"구속", "제한된", "묶여",
		// Bengali
		"আবদ্ধ", "সীমাবদ্ধ", "বাধ্য",
		// Urdu
		"پابند", "محدود", "مجبور",
		// Telugu
		"కట్టుబడి", "పరిమితం",
		// Marathi
		"बांधील", "मर्यादित", "बंधनकारक",
		// Gujarati
		"બંધાયેલ", "મર્યાદિત",
		// Punjabi (Gurmukhi)
		"ਪਾਬੰਦ", "ਸੀਮਤ",
		// Kannada
		"ಬದ್ಧ", "ಸೀಮಿತ",
		// Nepali
		"बाध्य", "सीमित",
		// Sinhala
		"බැඳී",
		// Amharic
		"የታሰረ", "የተገደበ",
		// Azerbaijani
		"məhdud", "məcbur",
		// Kazakh
		"байланған", "шектелген", "міндетті",
		// Uzbek
		"bog'langan", "cheklangan", "majbur",
		// Kyrgyz
		"байланган", "чектелген", "милдеттүү",
		// Armenian
		"կապված",
		// Javanese
		"kaiket", "winates",
		// Mongolian
		"хязгаарлагдсан", "хүлэгдсэн",
	},
	cFollow: {
		// Finnish
		"noudata", "noudattakaa", "noudattaa", "tottele", "totelkaa", "totella", "kuuntele",
		// Estonian
		"järgige", "järgida", "kuuletu", "kuuletuge", "kuula",
		// Lithuanian
		"laikykis", "laikykitės", "vykdyk", "vykdykite", "paklusk", "pakluskite", "klausyk", "klausykite",
		// Latvian
		"ievēro", "ievērojiet", "ievērot", "seko", "sekojiet", "sekot", "paklausi", "paklausiet",
		// Slovak
		"dodržiavaj", "dodržiavajte", "poslúchaj", "poslúchajte", "nasleduj", "rešpektuj",
		// Bulgarian
		"следвай", "следвайте", "спазвай", "спазвайте", "подчинявай", "слушай", "изпълнявай",
		// Serbian (Cyrillic)
		"поштуј", "поштујте", "слушај", "послушај", "придржавај", "извршавај",
		// Serbian (Latin)
		"poštuj", "poštujte", "slušaj", "poslušaj", "pridržavaj", "pridržavajte", "izvršavaj",
		// Croatian
		"poštuj", "poštujte", "slijedi", "slijedite", "slušaj", "poslušaj", "pridržavaj", "pridržavajte", "izvršavaj",
		// Bosnian
		"poštuj", "slijedi", "slijedite", "slušaj", "pridržavaj",
		// Slovenian
		"upoštevaj", "upoštevajte", "sledite", "ubogaj", "ubogajte", "poslušaj", "spoštuj",
		// Macedonian
		"следи", "следете", "почитувај", "почитувајте", "слушај", "послушај", "придржувај",
		// Catalan
		"segueix", "seguiu", "obeeix", "obeïu", "compleix",
		// Galician
		"segue", "obedece", "respecta", "cumpre", "escoita",
		// Basque
		"jarraitu", "obeditu", "entzun", "errespetatu",
		// Icelandic
		"fylgdu", "fylgið", "hlýddu", "hlýðið", "hlustaðu",
		// Albanian
		"ndiq", "ndiqni", "zbato", "zbatoni", "respekto", "dëgjo", "bindu",
		// Maltese
		"segwi", "segwu", "obdi", "irrispetta",
		// Korean
		"따르지", "따르세요", "준수", "지켜", "복종해", "복종",
		// Bengali
		"অনুসরণ", "মানো", "মেনে", "পালন",
		// Urdu
		"پیروی", "مانو", "اطاعت",
		// Tamil
		"பின்பற்று", "கீழ்ப்படி",
		// Telugu
		"పాటించు", "పాటించండి", "అనుసరించు",
		// Marathi
		"पाळा", "पालन", "अनुसरण", "ऐका",
		// Gujarati
		"અનુસરો", "પાળો", "પાલન",
		// Punjabi (Gurmukhi)
		"ਪਾਲਣਾ",
		// Kannada
		"ಪಾಲಿಸು", "ಅನುಸರಿಸಿ", "ಅನುಸರಿಸು",
		// Malayalam
		"പാലിക്കുക", "അനുസരിക്കുക", "പിന്തുടരുക",
		// Nepali
		"पालना", "पालन", "अनुसरण",
		// Sinhala
		"අනුගමනය", "පිළිපදින්න",
		// Amharic
		"ተከተል", "ታዘዝ", "አክብር",
		// Hausa
		"biyayya", "kiyaye",
		// Igbo
		"soro", "gbaso",
		// Zulu
		"landela", "lalela", "thobela",
		// Xhosa
		"landela", "mamela", "thobela",
		// Somali
		"raac", "adeec", "dhegayso",
		// Kurdish (Kurmanji)
		"bişopîne", "guhdarî",
		// Kurdish (Sorani)
		"پەیڕەوی", "گوێڕایەڵ",
		// Azerbaijani
		"riayət", "itaət", "dinlə",
		// Kazakh
		"орында", "орындаңыз", "бағын", "бағыныңыз", "ұстан", "тыңда",
		// Uzbek
		"rioya", "bo'ysun", "ergash",
		// Kyrgyz
		"аткар", "аткарыңыз", "ээрчи", "тыңда",
		// Georgian
		"მიჰყევი", "დაიცავი",
		// Armenian
		"հետևիր", "հետևեք", "ենթարկվիր", "լսիր",
		// Javanese
		"tindakake", "manut", "rungokna",
		// Mongolian
		"дага", "дагаарай", "мөрд", "мөрдөөрэй",
	},
}
