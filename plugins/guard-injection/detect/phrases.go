package detect

import "github.com/llmgw/llmgw/plugins/guard-injection/normalize"

// phraseMatcher finds which of a fixed set of phrases occur in a text in one
// pass: each position's next three bytes index a small table of candidate
// phrases, which are then compared. Cost is linear in the text whatever the
// number of phrases, with no backtracking.
type phraseMatcher struct {
	phrases []string
	table   [phraseTableSize][]uint8
	groups  map[string]phraseSet
}

const phraseTableSize = 4096

// phraseSet is a set of phrase ids (up to 256 phrases).
type phraseSet [4]uint64

func (p *phraseSet) add(id int) { p[id>>6] |= 1 << (id & 63) }
func (p phraseSet) any(q phraseSet) bool {
	return p[0]&q[0] != 0 || p[1]&q[1] != 0 || p[2]&q[2] != 0 || p[3]&q[3] != 0
}

func trigramKey(a, b, c byte) uint32 {
	return (uint32(a)*961 + uint32(b)*31 + uint32(c)) % phraseTableSize
}

func newPhraseMatcher(groups map[string][]string) *phraseMatcher {
	m := &phraseMatcher{groups: map[string]phraseSet{}}
	ids := map[string]int{}
	for name, list := range groups {
		var set phraseSet
		for _, p := range list {
			if !isASCII(p) {
				// The text is matched after normalisation (accents and
				// vowel signs removed, Cyrillic look-alikes folded), so the
				// phrase must be too.
				p = normalize.Normalize(p).Canonical
			}
			if len(p) < 3 {
				panic("phrase too short: " + p)
			}
			id, ok := ids[p]
			if !ok {
				id = len(m.phrases)
				if id >= 256 {
					panic("too many phrases")
				}
				ids[p] = id
				m.phrases = append(m.phrases, p)
				k := trigramKey(p[0], p[1], p[2])
				m.table[k] = append(m.table[k], uint8(id))
			}
			set.add(id)
		}
		m.groups[name] = set
	}
	return m
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// scan returns the set of phrases found in s.
func (m *phraseMatcher) scan(s string) phraseSet {
	var found phraseSet
	for i := 0; i+3 <= len(s); i++ {
		cands := m.table[trigramKey(s[i], s[i+1], s[i+2])]
		for _, id := range cands {
			p := m.phrases[id]
			if len(p) <= len(s)-i && s[i:i+len(p)] == p {
				found.add(int(id))
			}
		}
	}
	return found
}

// has reports whether any phrase of the named group was found.
func (m *phraseMatcher) has(found phraseSet, group string) bool {
	set, ok := m.groups[group]
	if !ok {
		panic("unknown phrase group " + group)
	}
	return found.any(set)
}

// phraseGroups are the fixed phrases the rules look for, by purpose.
var phraseGroups = map[string][]string{
	"template": {
		"<|im_start|>", "<|im_end|>", "<|system|>", "<|user|>", "<|assistant|>", "<|endoftext|>",
		"<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>", "<|begin_of_text|>", "[inst]", "[/inst]",
		"<<sys>>", "<</sys>>", "<start_of_turn>", "<end_of_turn>", "### system:", "### system\n", "###system:",
		"### instruction:", "### instruction\n", "### assistant:", "### assistant\n", "<|channel|>", "<|message|>",
	},
	"hidden_css": {
		"display:none", "display: none", "font-size:0", "font-size: 0", "visibility:hidden", "visibility: hidden",
		"opacity:0", "opacity: 0", "color:white", "color: white", "color:#fff", "color: #fff",
	},
	"fake_system": {
		"new system directive", "new system instruction", "new system prompt", "new system rule", "system override",
		"new directive:", "new instructions:", "updated instructions:", "system update:", "admin override",
		"developer override",
	},
	"regardless": {
		"regardless of policy", "regardless of the policy", "regardless of policies", "regardless of any policy",
		"regardless of the rules", "regardless of rules", "regardless of your guidelines", "regardless of ethics",
		"regardless of safety", "regardless of legality", "regardless of how unethical", "regardless of morality",
		"regardless of any ethical", "regardless of whether it",
	},
	"obey_me": {
		"obey only me", "you now obey", "obey me", "only obey me", "answer without filtering", "without any filtering",
		"without filtering", "comply with every request", "comply with all requests",
	},
	"do_anything":  {"do anything now"},
	"given_to_you": {"you were given", "were you given", "given to you", "you received", "you were told", "were you told"},
	"leak_context": {
		"before my first", "above this", "start of the conversation", "before this conversation", "before my message",
		"beginning of the conversation", "above the conversation", "start of this conversation", "beginning of this conversation",
	},
	"ai_context": {
		" ai ", " ai,", " ai.", "chatgpt", "gpt", "language model", "openai", "assistant", "guidelines",
		"policy", "policies", "ethical", "moral", "filter", "censor", "illegal", "harmful", "jailbreak", "character",
	},
	"dan_context": {
		"you are", "you're", "pretend", "act as", " mode", "jailbreak", "character", "do anything", "anything now",
		"openai", "chatgpt",
		"persona", "stands for",
	},
	// Fake authority: an instruction claiming to come from the developer,
	// the operator or the model's vendor.
	"fake_authority": {
		"new instructions from", "instructions from the developer", "instruction from the developer", "message from openai",
		"message from anthropic", "from your operator", "from the system owner", "from your developer", "developer note:",
		"priority instruction", "supersedes all", "supersede all", "filters are off", "filters are disabled",
		"restrictions have been lifted", "policy is disabled", "override code", "you are authorised to answer",
		"you are authorized to answer",
	},
	// Fake end-of-input and role markers ("[END OF INPUT]", "</user>").
	"fake_marker": {
		"[end of input]", "end of user input", "[system]", "</user>", "end of document ----", "end of conversation",
		"previous context cleared", "new instruction:", "[system](", "system: previous", "[/user]", "[end of user",
	},
	// Override verbs and their objects in languages the word lexicon does
	// not cover (Russian, Chinese, Japanese, Korean, Dutch, Polish, Turkish,
	// Arabic, Hindi, Vietnamese): a verb and an object together are an override.
	"intl_verb": {
		"игнорируй", "игнорируйте", "забудь", "забудьте", "忽略", "无视", "無視", "忘记", "忘掉", "忘れ", "무시",
		"잊고", "잊어", "negeer", "vergeet", "zignoruj", "zapomnij", "yok say", "gormezden gel", "unut",
		"تجاهل", "انس ", "अनदेखा", "भूल जाओ", "bo qua", "quen di",
	},
	"intl_obj": {
		"инструкци", "правила", "ограничени", "指令", "指示", "规则", "規則", "ルール", "限制", "制限", "提示词",
		"プロンプト", "지시", "규칙", "제한", "프롬프트", "instructies", "regels", "instrukcje", "zasady", "polecenia",
		"talimat", "kurallar", "التعليمات", "القواعد", "निर्देश", "नियम", "huong dan", "quy tac",
	},
	// Override verbs of several words ("set aside every instruction").
	"override_multi": {
		"set aside", "put aside", "pay no attention to", "throw out", "haz caso omiso", "hagas caso omiso",
		"no hagas caso", "ne tiens plus compte", "ne tenez plus compte", "ne tiens pas compte",
		"ne tenez pas compte", "fais abstraction", "faites abstraction", "non tenere conto", "non tener conto",
		"nao leve em conta", "nao considere", "hor nicht auf",
	},
	// Rules declared void ("the previous rules no longer apply").
	"void": {
		"no longer apply", "no longer applies", "no longer valid", "no longer in effect", "no longer in force",
		"are now void", "are void", "are lifted", "ne s'appliquent plus", "ne sont plus valables",
		"gelten nicht mehr", "ya no aplican", "ya no se aplican", "ya no son validas", "non valgono piu",
		"non si applicano piu", "nao se aplicam mais", "nao valem mais",
	},
	// Where the hidden prompt sits, relative to the conversation.
	"leak_conv": {
		"before my first", "above my first", "preceding my first", "start of the conversation", "start of this conversation",
		"beginning of the conversation", "beginning of this conversation", "before this conversation",
		"before our conversation", "avant cette conversation", "avant notre conversation", "debut de la conversation",
		"vor diesem gesprach", "antes de esta conversacion", "prima di questa conversazione", "antes desta conversa",
	},
}
