package detect

import (
	"unicode"
	"unicode/utf8"
)

// lexiconStems lists stems of the rule lexicon's words that the model's class
// features also find inside a longer token, for languages whose words the
// exact lexicon cannot see:
//   - scripts written without spaces (Chinese, Japanese, Thai, Lao, Khmer,
//     Burmese), where a whole clause is one token: a stem matches anywhere in
//     it, longest first;
//   - agglutinative languages (Korean, Turkish, Finnish, Hungarian, Estonian,
//     the Dravidian languages, …), where a word is a stem and its endings: a
//     stem matches at the start of a word.
//
// Stems are written in their own script; buildLexicon folds them to
// canonical form. Only the model's features use them; the rules match whole
// words.
var lexiconStems = map[uint32][]string{
	cVerb: {
		// Chinese
		"忽略", "无视", "無視", "忽视", "忽視", "忘记", "忘記", "忘掉", "绕过", "繞過", "绕开", "繞開", "跳过", "跳過", "不理会", "不理會", "置之不理",
		"不要遵守", "不必遵守", "无需遵守", "無需遵守", "不用遵守",
		// Japanese
		"忘れて", "忘れろ", "忘れなさい", "迂回", "上書き", "スキップ", "無視して",
		// Thai
		"เพิกเฉย", "ละเลย", "ไม่สนใจ", "อย่าสนใจ", "หลีกเลี่ยง", "บายพาส",
		// Lao
		"ບໍ່ສົນໃຈ", "ລະເລີຍ", "ເພີກເສີຍ",
		// Khmer
		"មិនអើពើ", "ព្រងើយ", "ភ្លេច",
		// Burmese
		"လျစ်လျူရှု", "ဂရုမစိုက်", "မေ့လိုက်",
		// Korean
		"무시하", "무시해", "무시할", "무시한", "잊어", "잊으", "잊고", "건너뛰", "우회", "무효화", "덮어쓰", "덮어써",
		// Turkish
		"yoksay", "ihmal", "görmezden",
		// Finnish
		"unohda", "unohta", "sivuut", "ohita", "ohitta",
		// Hungarian
		"felejts", "mellőz", "ignorál", "felülír", "figyelmen",
		// Estonian
		"ignoreeri", "unusta",
		// Tamil
		"புறக்கணி", "மறந்துவிடு", "மறந்துவிட",
		// Telugu
		"విస్మరించ", "మర్చిపో", "దాటవేయ",
		// Kannada
		"ನಿರ್ಲಕ್ಷಿಸ", "ಮರೆತುಬಿಡ", "ಮರೆಯಿರ",
		// Malayalam
		"അവഗണിക്ക", "അവഗണിച്ച", "മറക്കു", "മറന്നേക്ക",
		// Azerbaijani

		// Kazakh
		"елеме", "ескерме", "ұмыт",
		// Uzbek
		"e'tiborsiz",
		// Georgian
		"უგულებელყ", "დაივიწყ", "გამოტოვ", "იგნორ",
	},
	cObj: {
		// Chinese
		"指示", "指令", "规则", "規則", "准则", "準則", "守则", "守則", "规定", "規定", "指引", "方针", "方針", "原则", "原則", "政策", "命令", "约束",
		"限制", "提示词", "提示詞", "提示语", "提示語", "系统提示", "系統提示", "设定", "之前的指示", "之前的指令", "先前的指示", "先前的指令", "上述指示", "以上指示",
		// Japanese
		"ルール", "指針", "ガイドライン", "プロンプト", "システムプロンプト", "制約", "制限", "ポリシー", "規約", "以前の指示", "前の指示",
		// Thai
		"คำสั่ง", "คำแนะนำ", "กฎเกณฑ์", "ข้อกำหนด", "ข้อจำกัด", "นโยบาย", "แนวทาง", "พรอมต์", "พรอมท์", "พรอมพ์",
		// Lao
		"ຄຳສັ່ງ", "ຄຳແນະນຳ", "ກົດລະບຽບ", "ຂໍ້ກຳນົດ", "ຂໍ້ຈຳກັດ", "ນະໂຍບາຍ",
		// Khmer
		"សេចក្តីណែនាំ", "សេចក្ដីណែនាំ", "បញ្ជា", "ច្បាប់", "វិធាន", "ការរឹតបន្តឹង", "គោលការណ៍", "គោលនយោបាយ",
		// Burmese
		"ညွှန်ကြားချက်", "စည်းမျဉ်း", "စည်းကမ်း", "ကန့်သတ်ချက်", "မူဝါဒ",
		// Korean
		"지시사항", "지시문", "지침", "규칙", "명령", "제한", "프롬프트", "시스템프롬프트", "가이드라인", "정책",
		// Turkish
		"talimat", "kural", "yönerge", "komutla", "komutu", "kısıtlama", "kısıt", "sınırlama", "direktif",
		// Finnish
		"ohjee", "ohjeit", "ohjeis", "sääntö", "säännö", "rajoitu", "kehote", "kehott", "käsky", "komenno",
		// Hungarian
		"utasítás", "szabály", "irányelv", "parancs", "korlátoz", "előírás",
		// Estonian
		"juhis", "juhend", "reegl", "reegel", "piirang", "korraldus",
		// Tamil
		"அறிவுறுத்தல்", "வழிமுறை", "விதிக", "கட்டளை", "கட்டுப்பாட", "கொள்கை", "ப்ராம்ப்ட்",
		// Telugu
		"సూచనల", "నియమాల", "ఆదేశాల", "పరిమితుల", "మార్గదర్శక", "ప్రాంప్ట్",
		// Kannada
		"ಸೂಚನೆಗಳ", "ನಿಯಮಗಳ", "ಆದೇಶಗಳ", "ನಿರ್ಬಂಧಗಳ", "ಮಿತಿಗಳ", "ಪ್ರಾಂಪ್ಟ್",
		// Malayalam
		"നിർദ്ദേശ", "നിർദേശ", "നിയമങ്ങ", "കൽപ്പന", "പ്രോംപ്റ്റ",
		// Azerbaijani
		"təlimat", "göstəriş", "qayda", "məhdudiyyət", "əmrlər",
		// Kazakh
		"нұсқау", "ереже", "бұйрық", "шектеу",
		// Uzbek
		"ko'rsatma", "yo'riqnoma", "qoida", "buyruq", "cheklov",
		// Georgian
		"ინსტრუქცი", "მითითებ", "წესებ", "ბრძანებ", "შეზღუდვ", "პრომპტ",
	},
	cQual: {
		// Chinese
		"先前", "上述", "前面的", "之前的", "以前的", "以上的", "以上所有", "之前所有", "原始", "初始", "默认", "默認", "预设", "預設", "内置", "內建", "之前的指示", "之前的指令", "先前的指示", "先前的指令", "上述指示",
		"以上指示",
		// Japanese
		"以前の", "これまでの", "上記", "先ほどの", "既存の", "全ての", "すべての", "初期", "元の", "デフォルト", "以前の指示", "前の指示",
		// Thai
		"ก่อนหน้า", "ทั้งหมด", "ข้างต้น", "ดั้งเดิม",
		// Lao
		"ກ່ອນໜ້າ", "ທັງໝົດ",
		// Khmer
		"ពីមុន", "ទាំងអស់",
		// Burmese
		"ယခင်", "အားလုံး",
		// Korean
		"이전", "기존", "원래", "시스템", "모든",
		// Turkish
		"öncek", "sistem", "yukarıda", "orijinal",
		// Finnish
		"aiemm", "aikaisemm", "edellis", "alkuperäi", "järjestelmä", "kaike",
		// Hungarian
		"előző", "korábbi", "összes", "eredeti", "fenti",
		// Estonian
		"eelmis", "varasem", "eelnev", "süsteemi", "algse",
		// Tamil
		"முந்தைய", "அனைத்து", "உங்கள", "சிஸ்டம்",
		// Telugu
		"మునుపటి", "అన్నిం", "సిస్టమ్",
		// Kannada
		"ಹಿಂದಿನ", "ಎಲ್ಲಾ", "ಸಿಸ್ಟಮ್",
		// Malayalam
		"മുൻപത്തെ", "മുമ്പത്തെ", "നിങ്ങളുടെ", "സിസ്റ്റം",
		// Azerbaijani
		"əvvəlki", "yuxarıda", "ilkin",
		// Kazakh
		"алдыңғы", "бұрынғы", "барлық", "жүйелік", "бастапқы",
		// Uzbek
		"oldingi", "avvalgi", "barcha", "tizim", "dastlabki", "yuqoridagi",
		// Georgian
		"წინანდელ", "სისტემ", "საწყის", "ორიგინალ",
	},
	cQualStrong: {
		// Chinese
		"一切", "以上内容", "以上內容", "上面的内容", "上面的內容",
		// Japanese
		"上記の内容", "これまでの内容",
		// Korean
		"모든것",
		// Georgian
		"ყველაფერ",
	},
	cLeakVerb: {
		// Chinese
		"显示", "顯示", "展示", "透露", "泄露", "洩露", "泄漏", "洩漏", "揭示", "打印", "输出", "輸出", "重复", "重複", "告诉我", "告訴我", "复述", "複述",
		"列出", "复制", "複製", "说出", "說出", "公开", "公開",
		// Japanese
		"表示して", "見せて", "教えて", "出力", "繰り返", "暴露", "開示", "印刷", "列挙", "コピー", "漏らし", "漏洩", "リーク",
		// Thai
		"แสดง", "เปิดเผย", "ทำซ้ำ", "พิมพ์", "คัดลอก", "ส่งออก",
		// Lao
		"ສະແດງ", "ເປີດເຜີຍ", "ເຮັດຊ້ຳ",
		// Khmer
		"បង្ហាញ", "លាតត្រដាង", "និយាយឡើងវិញ", "ធ្វើម្តងទៀត", "បោះពុម្ព", "ចម្លង",
		// Burmese
		"ပြသ", "ထုတ်ဖော်", "ထပ်ပြော", "ပြောပြ",
		// Korean
		"보여주", "보여줘", "출력", "공개하", "공개해", "반복하", "반복해", "알려주", "알려줘", "말해주", "누설", "밝혀",
		// Turkish
		"göster", "tekrarla", "yazdır", "listele", "kopyala", "söyle", "paylaş",
		// Finnish
		"näytä", "paljasta",
		// Hungarian
		"mutasd", "mutass", "ismételd", "ismételj", "áruld", "másold", "nyomtasd", "közöld", "listázd",
		// Estonian
		"näita", "näida", "avalda",
		// Tamil
		"காட்டுங்க", "காண்பி", "வெளிப்படுத்து", "அச்சிடு", "சொல்லு",
		// Telugu
		"చూపించ", "వెల్లడించ", "ముద్రించ",
		// Kannada
		"ತೋರಿಸ", "ಬಹಿರಂಗಪಡಿಸ", "ಪುನರಾವರ್ತಿಸ", "ಮುದ್ರಿಸ",
		// Malayalam
		"കാണിക്ക", "വെളിപ്പെടുത്ത", "ആവർത്തിക്ക",
		// Azerbaijani
		"göstər", "açıqla", "təkrarla",
		// Kazakh
		"көрсет", "қайтала",
		// Uzbek
		"ko'rsat", "takrorla", "oshkor",
		// Georgian
		"მაჩვენ", "აჩვენ", "გაიმეორ", "გაამჟღავნ", "დაბეჭდ",
	},
	cLeakObj: {
		// Chinese
		"提示词", "提示詞", "提示语", "提示語", "系统提示", "系統提示", "系统消息", "系統訊息", "系统指令", "系統指令", "配置", "初始指令", "原始指令", "隐藏指令",
		"隱藏指令", "设定", "指令", "指示",
		// Japanese
		"プロンプト", "システムプロンプト", "設定", "メッセージ", "初期設定", "構成", "コンフィグ", "指示文",
		// Thai
		"พรอมต์", "พรอมท์", "พรอมพ์", "ข้อความระบบ", "คำสั่งระบบ", "การตั้งค่า",
		// Khmer
		"សេចក្តីណែនាំ", "សេចក្ដីណែនាំ",
		// Burmese
		"ညွှန်ကြားချက်",
		// Korean
		"프롬프트", "시스템프롬프트", "지시사항", "설정", "메시지",
		// Turkish
		"talimat", "yapılandırma", "mesaj",
		// Finnish
		"kehote", "kehott", "järjestelmäkehote", "asetuks", "ohjee",
		// Hungarian
		"rendszerprompt", "promptod", "utasítás", "konfigurác", "üzenet",
		// Estonian
		"süsteemiviip", "sõnum", "seadistus", "juhis",
		// Tamil
		"ப்ராம்ப்ட்", "அறிவுறுத்தல்",
		// Telugu
		"ప్రాంప్ట్", "సూచనల",
		// Kannada
		"ಪ್ರಾಂಪ್ಟ್", "ಸೂಚನೆಗಳ",
		// Malayalam
		"പ്രോംപ്റ്റ", "നിർദ്ദേശ",
		// Azerbaijani
		"təlimat",
		// Kazakh
		"нұсқау",
		// Uzbek
		"ko'rsatma",
		// Georgian
		"პრომპტ", "ინსტრუქცი",
	},
	cLeakQual: {
		// Chinese
		"隐藏", "隱藏", "秘密", "机密", "機密", "原始", "初始", "完整", "逐字", "一字不差", "内部", "內部",
		// Japanese
		"隠された", "隠し", "秘密の", "機密", "全文", "一字一句", "完全な",
		// Thai
		"ซ่อนอยู่", "ถูกซ่อน", "ต้นฉบับ", "ฉบับเต็ม",
		// Khmer
		"សម្ងាត់",
		// Burmese
		"လျှို့ဝှက်",
		// Korean
		"숨겨", "비밀", "원래",
		// Turkish
		"gizli", "dahili",
		// Finnish
		"piilotet", "salai", "luottamukselli",
		// Hungarian
		"rejtett", "titkos", "bizalmas",
		// Estonian
		"varjat", "salaja",
		// Tamil
		"ரகசிய", "மறைக்கப்பட்ட",
		// Telugu
		"రహస్య",
		// Kannada
		"ರಹಸ್ಯ",
		// Malayalam
		"രഹസ്യ",
		// Azerbaijani
		"məxfi",
		// Kazakh
		"жасырын", "құпия",
		// Uzbek
		"yashirin", "maxfiy",
		// Georgian
		"ფარულ", "საიდუმლო",
	},
	cSecret: {
		// Chinese
		"密码", "密碼", "密钥", "密鑰", "秘钥", "口令", "凭证", "憑證", "令牌", "私钥", "私鑰", "秘密",
		// Japanese
		"パスワード", "暗証番号", "秘密鍵", "認証情報", "トークン", "合言葉",
		// Thai
		"รหัสผ่าน", "กุญแจ", "ความลับ", "โทเค็น",
		// Lao
		"ລະຫັດຜ່ານ", "ຄວາມລັບ",
		// Khmer
		"ពាក្យសម្ងាត់", "សម្ងាត់",
		// Burmese
		"စကားဝှက်", "လျှို့ဝှက်ချက်",
		// Korean
		"비밀번호", "암호", "비밀", "토큰", "자격증명",
		// Turkish
		"şifre", "anahtar",
		// Finnish
		"salasana", "salaisuu", "avaime", "tunnuks",
		// Hungarian
		"jelszó", "jelszav",
		// Estonian
		"parool", "saladus", "võtme",
		// Tamil
		"கடவுச்சொல்", "ரகசிய",
		// Telugu
		"పాస్వర్డ్", "రహస్య",
		// Kannada
		"ಪಾಸ್ವರ್ಡ್", "ರಹಸ್ಯ",
		// Malayalam
		"പാസ്വേഡ", "രഹസ്യ",
		// Azerbaijani
		"şifrə",
		// Kazakh
		"құпиясөз", "кілт",
		// Uzbek
		"kalit",
		// Georgian
		"პაროლ", "გასაღებ",
	},
	cPriv: {
		// Chinese
		"管理员", "管理員", "超级用户", "超級用戶", "黑客", "駭客", "邪恶", "邪惡", "恶意", "惡意", "越狱", "越獄", "开发者模式", "開發者模式", "上帝模式",
		// Japanese
		"管理者", "ハッカー", "邪悪", "悪意", "脱獄", "ジェイルブレイク", "開発者モード", "神モード", "スーパーユーザー", "ルート権限",
		// Thai
		"ผู้ดูแลระบบ", "แอดมิน", "แฮกเกอร์", "ชั่วร้าย", "มุ่งร้าย",
		// Lao
		"ຜູ້ດູແລລະບົບ",
		// Khmer
		"អ្នកគ្រប់គ្រង",
		// Burmese
		"စီမံခန့်ခွဲသူ", "ဟက်ကာ",
		// Korean
		"관리자", "해커", "사악", "악의적", "슈퍼유저",
		// Turkish
		"yönetici",
		// Finnish
		"ylläpitäjä", "järjestelmänvalvoja", "pääkäyttäjä", "hakkeri",
		// Hungarian
		"adminisztrátor", "rendszergazd",
		// Estonian
		"administraator",
		// Tamil
		"நிர்வாகி", "ஹேக்கர்",
		// Telugu
		"నిర్వాహక", "హ్యాకర్",
		// Kannada
		"ನಿರ್ವಾಹಕ", "ಹ್ಯಾಕರ್",
		// Malayalam
		"അഡ്മിൻ", "ഹാക്കർ",
		// Kazakh
		"әкімші",
		// Georgian
		"ადმინისტრატორ", "ჰაკერ",
	},
	cNoWord: {
		// Chinese
		"没有任何", "沒有任何", "无任何", "無任何", "不带任何", "不帶任何", "毫无", "毫無",
		// Japanese
		"なしで", "無しで", "一切の",
		// Thai
		"โดยไม่มี", "ปราศจาก",
	},
	cLimit: {
		// Chinese
		"限制", "约束", "规则", "規則", "准则", "準則", "过滤", "過濾", "审查", "審查", "审核", "審核", "道德", "伦理", "倫理", "底线", "底線", "规范",
		"規範", "安全准则", "内容政策", "內容政策", "束缚", "束縛", "禁忌", "界限", "边界", "邊界",
		// Japanese
		"制限", "制約", "ルール", "フィルター", "フィルタ", "検閲", "倫理", "道徳", "ガイドライン", "安全対策", "規制", "禁止事項", "タブー", "縛り",
		// Thai
		"ข้อจำกัด", "ขีดจำกัด", "กฎเกณฑ์", "ตัวกรอง", "จริยธรรม", "ศีลธรรม", "หลักการ", "ข้อห้าม",
		// Lao
		"ຂໍ້ຈຳກັດ", "ກົດລະບຽບ", "ຈັນຍາບັນ", "ສິນທຳ",
		// Khmer
		"ការរឹតបន្តឹង", "ដែនកំណត់", "សីលធម៌",
		// Burmese
		"ကန့်သတ်ချက်", "စည်းမျဉ်း", "ကျင့်ဝတ်", "ဆင်ဆာ",
		// Korean
		"제한", "규칙", "필터", "검열", "윤리", "도덕", "원칙", "가이드라인",
		// Turkish
		"kısıtlama", "kısıt", "sınırlama", "filtre", "sansür", "ahlak",
		// Finnish
		"rajoitu", "suodatti", "sensuuri", "etiik", "moraali",
		// Hungarian
		"korlát", "cenzúr", "etika", "erkölc",
		// Estonian
		"piirang", "tsensuur", "eetika",
		// Tamil
		"கட்டுப்பாட", "வரம்பு", "தணிக்கை", "நெறிமுறை",
		// Telugu
		"పరిమితుల", "ఆంక్షల", "సెన్సార్",
		// Kannada
		"ನಿರ್ಬಂಧ", "ಸೆನ್ಸಾರ್", "ನೈತಿಕ",
		// Malayalam
		"നിയന്ത്രണ", "പരിമിതി", "സെൻസർ", "ധാർമ്മിക",
		// Azerbaijani
		"məhdudiyyət", "senzura", "əxlaq",
		// Kazakh
		"шектеу", "сүзгі",
		// Uzbek
		"cheklov", "chegara", "senzura", "axloq",
		// Georgian
		"შეზღუდვ", "ცენზურ", "ფილტრ",
	},
	cUnbound: {
		// Chinese
		"不受限制", "无限制", "無限制", "没有限制", "沒有限制", "不受约束", "不受約束", "无约束", "無約束", "不受任何限制", "不受任何约束", "无审查", "無審查", "未经审查",
		"未經審查", "未过滤", "未過濾", "不道德", "无道德", "無道德", "没有道德", "沒有道德", "越狱", "越獄", "无所顾忌", "無所顧忌", "不受拘束",
		// Japanese
		"制限なし", "制限のない", "無制限", "検閲なし", "無検閲", "フィルターなし", "倫理観のない", "非倫理的", "不道徳", "何でもあり", "脱獄",
		// Thai
		"ไม่มีข้อจำกัด", "ไร้ข้อจำกัด", "ไม่จำกัด", "ไร้ขีดจำกัด", "ไม่เซ็นเซอร์", "ไร้จริยธรรม", "ไร้ศีลธรรม",
		"เจลเบรก",
		// Lao
		"ບໍ່ມີຂໍ້ຈຳກັດ", "ບໍ່ຈຳກັດ",
		// Khmer
		"គ្មានដែនកំណត់", "គ្មានការរឹតបន្តឹង",
		// Burmese
		"အကန့်အသတ်မဲ့", "ကန့်သတ်ချက်မရှိ",
		// Korean
		"무제한", "탈옥", "비윤리", "비도덕", "검열없", "제한없", "필터없",
		// Turkish
		"sınırsız", "sansürsüz", "filtresiz", "kısıtlamasız", "ahlaksız", "kuralsız",
		// Finnish
		"rajoittamato", "rajatto", "sensuroimat", "suodattamat", "moraalito", "epäeettis",
		// Hungarian
		"korlátlan", "cenzúrázatlan", "szűretlen", "erkölcstelen",
		// Estonian
		"piiramatu", "tsenseerimata", "filtreerimata", "ebaeetili",
		// Tamil
		"வரம்பற்ற",
		// Telugu
		"అపరిమిత",
		// Kannada
		"ಅನಿಯಮಿತ",
		// Malayalam
		"പരിധിയില്ലാ", "അനിയന്ത്രിത",
		// Azerbaijani
		"limitsiz", "məhdudiyyətsiz", "senzurasız", "əxlaqsız",
		// Kazakh
		"шектеусіз", "цензурасыз", "шексіз",
		// Uzbek
		"cheksiz", "cheklanmagan", "senzurasiz", "axloqsiz",
		// Georgian
		"შეუზღუდავ", "ამორალურ",
	},
	cPersona: {
		// Chinese
		"扮演", "假装", "假裝", "角色扮演", "假设你是", "假設你是", "想象你是", "想像你是", "模拟", "模擬", "充当", "充當", "开发者模式", "開發者模式", "角色", "人设",
		"人設",
		// Japanese
		"ふりをして", "振りをして", "ふりをする", "演じて", "演じる", "役割", "ロールプレイ", "なりきって", "なりきる", "キャラクター", "想像して", "シミュレート", "振る舞",
		"開発者モード",
		// Thai
		"แกล้งทำ", "แกล้งเป็น", "สมมติ", "สวมบทบาท", "บทบาท", "ตัวละคร", "จินตนาการ", "จำลอง", "โหมด",
		// Lao
		"ສົມມຸດ", "ບົດບາດ", "ຕົວລະຄອນ", "ຈິນຕະນາການ",
		// Khmer
		"ធ្វើពុត", "តួនាទី", "តួអង្គ", "ស្រមៃ",
		// Burmese
		"ဟန်ဆောင်", "သရုပ်ဆောင်", "ဇာတ်ကောင်", "စိတ်ကူး",
		// Korean
		"척하", "척해", "상상해", "상상하", "역할", "캐릭터", "롤플레이", "흉내", "시뮬레이션", "행동해",
		// Turkish
		"canlandır", "taklit", "davran",
		// Finnish
		"teeskentel", "teeskennel", "kuvittel", "kuvitel", "roolipel", "rooli",
		// Hungarian
		"tettesd", "szerepj", "képzeld", "viselkedj",
		// Estonian
		"teeskle", "rollimäng", "tegelas", "simuleeri", "kujutle",
		// Tamil
		"நடிக்க", "கதாபாத்திர", "கற்பனை",
		// Telugu
		"నటించ", "ఊహించ",
		// Kannada
		"ನಟಿಸ", "ಕಲ್ಪಿಸ", "ಪಾತ್ರ",
		// Malayalam
		"അഭിനയിക്ക", "നടിക്ക", "സങ്കൽപ്പിക്ക", "കഥാപാത്ര",
		// Azerbaijani
		"təsəvvür", "personaj",
		// Kazakh
		"елестет", "кейіпкер", "рөл",
		// Uzbek
		"tasavvur",
		// Georgian
		"წარმოიდგინ", "პერსონაჟ", "როლ",
	},
	cNow: {
		// Chinese
		"从现在开始", "從現在開始", "从现在起", "從現在起", "今后", "今後",
		// Japanese
		"今から", "これから", "今すぐ",
		// Thai
		"จากนี้ไป", "ตั้งแต่นี้ไป",
		// Lao
		"ຕັ້ງແຕ່ນີ້ໄປ",
		// Khmer
		"ឥឡូវនេះ", "ចាប់ពីពេលនេះ", "ពីនេះតទៅ",
		// Burmese
		"ယခုမှစ",
		// Korean
		"지금부터", "이제부터", "앞으로",
		// Turkish
		"şimdi",
		// Tamil
		"இப்போது", "இனிமேல்",
		// Telugu
		"ఇప్పుడు", "ఇకపై",
		// Kannada
		"ಇನ್ನುಮುಂದೆ",
		// Malayalam
		"ഇനിമുതൽ",
		// Georgian
		"ამიერიდან",
	},
	cPrivNoun: {
		// Chinese
		"权限", "權限", "访问权限", "訪問權限", "控制权", "控制權", "特权", "特權", "最高权限", "管理权限",
		// Japanese
		"権限", "アクセス権", "アクセス", "特権", "管理権限",
		// Thai
		"สิทธิ์", "สิทธิพิเศษ", "การเข้าถึง", "การควบคุม",
		// Lao
		"ສິດທິ", "ການເຂົ້າເຖິງ",
		// Khmer
		"សិទ្ធិ", "ការចូលប្រើ", "ការអនុញ្ញាត",
		// Burmese
		"ခွင့်ပြုချက်", "ဝင်ရောက်ခွင့်",
		// Korean
		"권한", "접근", "액세스", "특권", "통제권", "제어권",
		// Turkish
		"erişim", "yetki", "ayrıcalık",
		// Finnish
		"käyttöoikeu", "oikeuksi", "oikeude", "pääsy",
		// Hungarian
		"hozzáférés", "jogosults", "kiváltság",
		// Estonian
		"juurdepääs", "ligipääs", "õigus", "volitus",
		// Tamil
		"அணுகல்", "அனுமதி", "உரிமை",
		// Telugu
		"అనుమతి", "యాక్సెస్", "హక్కుల",
		// Kannada
		"ಅನುಮತಿ", "ಪ್ರವೇಶ",
		// Malayalam
		"അനുമതി", "ആക്സസ",
		// Azerbaijani
		"icazə", "hüquq", "imtiyaz",
		// Kazakh
		"рұқсат", "құқық", "артықшылық",
		// Uzbek
		"ruxsat", "huquq", "imtiyoz",
		// Georgian
		"წვდომ", "ნებართვ", "უფლებ",
	},
	cFull: {
		// Chinese
		"完全", "无限", "無限", "绝对", "絕對", "完整",
		// Japanese
		"完全な", "完全に", "全権",
		// Thai
		"เต็มรูปแบบ", "สมบูรณ์", "เด็ดขาด",
		// Lao
		"ສົມບູນ",
		// Khmer
		"ពេញលេញ",
		// Burmese
		"အပြည့်အဝ",
		// Korean
		"완전", "무제한",
	},
	cWeakVerb: {
		// Chinese
		"解除", "移除", "删除", "刪除", "取消", "关闭", "關閉", "禁用", "停用", "打破", "违反", "違反", "突破", "抛弃", "拋棄", "丢弃", "丟棄", "摆脱",
		"擺脫",
		// Japanese
		"解除", "削除", "無効化", "無効に", "外して", "取り除", "破って", "違反", "破棄", "回避",
		// Thai
		"ปิดการใช้งาน", "ยกเลิก", "ละเมิด", "ทำลาย", "ละทิ้ง",
		// Lao
		"ຍົກເລີກ", "ລະເມີດ",
		// Khmer
		"ដកចេញ", "រំលោភ",
		// Burmese
		"ဖယ်ရှား", "ဖျက်",
		// Korean
		"비활성", "제거", "삭제", "해제",
		// Turkish
		"kaldır",
		// Finnish
		"poista",
		// Hungarian
		"kapcsold", "távolítsd", "töröld",
		// Estonian
		"eemalda", "tühista", "kustuta",
		// Tamil
		"முடக்கு",
		// Telugu
		"తొలగించ", "నిలిపివేయ",
		// Kannada
		"ತೆಗೆದುಹಾಕ", "ನಿಷ್ಕ್ರಿಯಗೊಳಿಸ", "ಅಳಿಸ",
		// Malayalam
		"നീക്കം", "ഇല്ലാതാക്ക",
		// Azerbaijani
		"söndür",
		// Kazakh
		"өшір",
		// Uzbek
		"o'chir",
		// Georgian
		"გამორთ", "წაშალ",
	},
	cRefuse: {
		// Chinese
		"拒绝", "拒絕", "道歉", "婉拒",
		// Japanese
		"拒否", "断ら", "断る", "断って", "謝罪", "謝ら",
		// Thai
		"ปฏิเสธ",
		// Lao
		"ປະຕິເສດ",
		// Khmer
		"បដិសេធ",
		// Burmese
		"ငြင်းဆို", "တောင်းပန်",
		// Korean
		"거부하", "거절", "사과하", "검열하",
		// Turkish
		"reddet",
		// Finnish
		"kieltäyt", "kieltäyd", "sensuroi",
		// Hungarian
		"megtagad",
		// Estonian
		"keeldu", "vabanda",
		// Tamil
		"மறுக்க",
		// Telugu
		"తిరస్కరించ", "నిరాకరించ",
		// Kannada
		"ನಿರಾಕರಿಸ",
		// Malayalam
		"നിരസിക്ക",
		// Azerbaijani
		"imtina",
		// Georgian

	},
	cBound: {
		// Chinese
		"受限", "束缚", "束縛", "拘束", "受制", "约束",
		// Japanese
		"縛られ", "制限され", "拘束", "束縛",
		// Thai
		"ผูกมัด", "ถูกจำกัด",
		// Korean
		"얽매", "묶여",
	},
	cFollow: {
		// Chinese
		"遵守", "遵循", "服从", "服從", "听从", "聽從", "遵照",
		// Japanese
		"従う", "従わ", "守って", "守ら", "遵守", "準拠",
		// Thai
		"ปฏิบัติตาม", "ทำตาม", "เชื่อฟัง",
		// Lao
		"ປະຕິບັດຕາມ", "ເຮັດຕາມ", "ເຊື່ອຟັງ",
		// Khmer
		"អនុវត្តតាម", "ធ្វើតាម", "គោរព",
		// Burmese
		"လိုက်နာ",
		// Korean
		"준수", "복종",
		// Turkish
		"itaat",
		// Finnish
		"noudat", "tottel", "totel",
		// Hungarian
		"kövesd", "engedelmesk",
		// Estonian
		"järgi", "kuuletu",
		// Tamil
		"பின்பற்று", "கீழ்ப்படி",
		// Telugu
		"పాటించ", "అనుసరించ",
		// Kannada
		"ಅನುಸರಿಸ",
		// Malayalam
		"പാലിക്ക", "അനുസരിക്ക", "പിന്തുടര",
		// Azerbaijani
		"riayət", "itaət",
		// Kazakh
		"орында", "бағын", "ұстан",
		// Uzbek
		"rioya", "bo'ysun",
		// Georgian
		"დაემორჩილ", "მიჰყევ",
	},
}

// minStemBytes is the shortest stem matched inside a token: one CJK
// character is three bytes and says too little alone; Latin stems need four
// letters.
const minStemBytes = 4

// unspacedScript reports runes of scripts written without spaces between
// words, in which a stem matches anywhere in a token.
func unspacedScript(r rune) bool {
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Lao,
		unicode.Khmer, unicode.Myanmar)
}

// addStems indexes the stems: each folded stem's classes, and for each first
// rune the longest stem starting with it.
func (ix *lexiconIndex) addStems() {
	ix.stems = map[string]uint32{}
	ix.stemStart = map[rune]int{}
	for cls, words := range lexiconStems {
		for _, w := range words {
			c := Canonical(w)
			if len(c) < minStemBytes || !isOneToken(c) {
				continue
			}
			ix.stems[c] |= cls
			r, _ := utf8.DecodeRuneInString(c)
			ix.stemStart[r] = max(ix.stemStart[r], len(c))
		}
	}
}

// isOneToken reports whether canonical text c is one token of the feature
// tokenizer: letters, digits, apostrophes and bytes of non-ASCII runes only.
func isOneToken(c string) bool {
	for i := 0; i < len(c); i++ {
		b := c[i]
		if !(('a' <= b && b <= 'z') || ('0' <= b && b <= '9') || b >= 0x80 || b == '\'') {
			return false
		}
	}
	return true
}

// stemAt returns the classes and byte length of the longest stem that starts
// at w[i:], or 0, 0.
func (ix *lexiconIndex) stemAt(w string, i int) (uint32, int) {
	r, _ := utf8.DecodeRuneInString(w[i:])
	longest, ok := ix.stemStart[r]
	if !ok {
		return 0, 0
	}
	for n := min(longest, len(w)-i); n >= minStemBytes; n-- {
		if cls, ok := ix.stems[w[i:i+n]]; ok {
			return cls, n
		}
	}
	return 0, 0
}

// nextStem finds the next stem in token w, a token the exact lexicon does
// not classify, at or after byte offset from: anywhere in a token of a script
// written without spaces, else only at its start and followed by at least one
// more letter. It returns the stem's offset, byte length and classes, or
// cls 0 when there is none.
func (ix *lexiconIndex) nextStem(w string, from int) (off, n int, cls uint32) {
	if len(w) <= minStemBytes || len(ix.stems) == 0 || from >= len(w) {
		return 0, 0, 0
	}
	if first, _ := utf8.DecodeRuneInString(w); !unspacedScript(first) {
		if from > 0 {
			return 0, 0, 0
		}
		if cls, n := ix.stemAt(w, 0); n < len(w) {
			return 0, n, cls
		}
		return 0, 0, 0
	}
	for i := from; i < len(w); {
		if cls, n := ix.stemAt(w, i); cls != 0 {
			return i, n, cls
		}
		_, size := utf8.DecodeRuneInString(w[i:])
		i += size
	}
	return 0, 0, 0
}
