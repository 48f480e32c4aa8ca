package detect

import (
	"math/bits"
	"strings"
)

// Word classes of the rule lexicon. A word may belong to several.
const (
	cVerb       uint32 = 1 << iota // ignore, disregard, forget, bypass, … (override verbs)
	cNeg                           // not, no, never, don't
	cFollow                        // follow, obey, listen, comply (negated: an override)
	cQual                          // previous, prior, above, all, your, system, … (what is overridden)
	cQualStrong                    // above, everything, foregoing: an override even without an object
	cObj                           // instructions, rules, directives, prompt, policy, …
	cLeakVerb                      // print, reveal, show, repeat, output, …
	cLeakObj                       // prompt, instructions, message, configuration, …
	cLeakQual                      // your, system, hidden, initial, original, secret, …
	cSecret                        // password, key, secret, credentials, token
	cPriv                          // admin, root, hacker, unrestricted, jailbroken, evil, …
	cNoWord                        // no, without, free, sans, sin, ohne, senza, sem
	cLimit                         // restrictions, limits, guidelines, filters, ethics, …
	cUnbound                       // unrestricted, unfiltered, uncensored, amoral, …
	cPersona                       // pretend, roleplay, act, simulate, imagine, character, …
	cYou                           // you, you're, tu, du, vous, usted
	cNow                           // now, henceforth, maintenant, jetzt, ahora, ora, agora
	cPrivNoun                      // access, privileges, permissions, rights, control
	cFull                          // full, unrestricted, unlimited, total, complete, root
	cWeakVerb                      // drop, remove, disable, …: an override only of safety limits
	cOwner                         // your, safety, ethical, openai, …: whose limits are dropped
	cRefuse                        // refuse, decline, apologize, censor: refusal suppression when negated
	cBound                         // bound, restricted, limited: "not bound by" is a no-limits cue
	cIf                            // if, when, si, wenn, jika, если: a condition (lexicon_ask.go)
	cAsk                           // asks, requests, pide, bittet, просит: someone else's request (lexicon_ask.go)
)

// lexicon lists the words of each class. Forms in English, French, German,
// Spanish, Italian and Portuguese, accents removed (the canonical text has none).
// lexiconMore (lexicon_more.go, version 18) adds twenty more languages and
// more forms of these five, written in their own script and folded to
// canonical form when the index is built.
var lexicon = map[uint32][]string{
	cVerb: {
		// English
		"ignore", "ignores", "ignoring", "ignored", "disregard", "disregards", "disregarding", "forget", "forgets",
		"forgetting", "skip", "neglect", "overlook", "omit", "bypass", "bypassing", "override", "overriding",
		"overwrite", "circumvent", "unlearn",
		// French
		"ignorez", "ignorer", "ignore", "ignores", "oubliez", "oublie", "oublier", "oublies", "contourne", "contournez",
		"abandonne", "abandonnez", "negligez", "neglige", "outrepasse", "outrepassez", "supprime", "supprimez",
		// German
		"ignoriere", "ignorieren", "ignorier", "ignoriert", "vergiss", "vergessen", "vergesst", "missachte",
		"missachten", "umgehe", "umgehen", "verwirf", "verwerfe", "uberspringe", "losche",
		// Spanish
		"ignora", "ignorar", "ignoren", "olvida", "olvide", "olvidar", "olviden", "omite", "omitir", "descarta",
		"descartar", "desobedece", "elude", "evita", "salta", "anula", "borra",
		// Italian
		"ignorare", "ignorate", "dimentica", "dimenticare", "dimenticate", "trascura", "trascurare", "tralascia",
		"salta", "aggira", "scarta", "annulla", "cancella",
		// Portuguese
		"esqueca", "esquecer", "esquecam", "desconsidere", "desconsiderar", "despreze", "desprezar",
		"ignorem", "descarte", "contorne", "pule", "apague",
	},
	cWeakVerb: {"discard", "drop", "abandon", "ditch", "erase", "delete", "remove", "scrap", "dismiss", "suspend",
		"deactivate", "disable", "reset", "violate", "break", "evade", "lift", "turn", "switch", "shed", "lose",
		"escape", "free", "removing", "disabling", "breaking", "dropping"},
	cOwner: {"your", "safety", "ethical", "moral", "openai", "content", "all", "any", "those", "these",
		"its", "security", "vos", "tes", "deine", "tus", "tue", "suas"},
	cRefuse: {"refuse", "refuses", "refusing", "decline", "declines", "declining", "apologize", "apologise",
		"apologizing", "apologising", "censor", "censoring", "reject", "deny", "say no", "refusal", "refusals",
		"refuser", "ablehnen", "ablehnt", "verweigern", "verweigert", "negarse", "niega", "rechazar", "rechaza", "rifiuta", "rifiutare", "recusa", "recusar", "nega", "negar",
	},
	cBound: {"bound", "restricted", "limited", "constrained", "confined", "tied", "governed", "held", "beholden",
		"subject"},
	cNeg: {"not", "no", "never", "don't", "dont", "stop", "cease", "quit", "ne", "pas", "nicht", "kein", "keine", "nunca",
		"non", "nao", "mehr", "plus",
		"jamais", "niemals", "jamas", "mai",
	},
	cFollow: {"follow", "obey", "listen", "heed", "adhere", "comply", "respect", "abide", "honor", "honour",
		"following", "obeying", "respecting", "heeding", "listening",
		"suivez", "suis", "respectez", "obeis", "obeissez", "befolge", "befolgen", "folge", "gehorche", "sigas",
		"sigue", "seguir", "obedezcas", "obedecer", "seguire", "segui", "obbedire", "obbedisci", "siga", "obedeca"},
	cQual: {
		"previous", "prior", "preceding", "above", "foregoing", "earlier", "initial", "original", "all", "any",
		"every", "your", "these", "those", "system", "safety", "content", "ethical", "moral", "openai",
		"existing", "current", "old", "given", "default", "programmed", "built-in", "internal", "developer",
		"anthropic", "google", "security", "pre-prompt", "other", "first", "past", "former", "provided",
		"configured", "assigned", "ur", // "ur" is chat spelling of "your"
		// French
		"precedentes", "precedents", "precedente", "precedent", "anterieures", "anterieurs", "toutes", "tous",
		"vos", "tes", "les", "ci-dessus", "dessus", "initiales", "systeme",
		// German
		"bisherigen", "bisherige", "vorherigen", "vorherige", "vorigen", "obigen", "obige", "alle", "allen",
		"deine", "deinen", "ihre", "fruheren", "fruhere", "vorangegangenen", "ursprunglichen", "system",
		// Spanish
		"anteriores", "anterior", "previas", "previos", "todas", "todos", "tus", "sus", "las", "iniciales",
		"originales", "sistema",
		// Italian
		"precedenti", "tutte", "tutti", "tue", "le", "iniziali", "originali", "sopra",
		// Portuguese
		"previas", "suas", "teus", "tuas", "acima",
	},
	cQualStrong: {"above", "everything", "foregoing", "ci-dessus", "tout", "alles", "todo", "tutto", "tudo", "obigen"},
	cObj: {
		"instructions", "instruction", "directions", "directives", "directive", "rules", "rule", "guidelines",
		"guideline", "context", "prompt", "prompts", "commands", "command", "orders", "constraints",
		"restrictions", "programming", "policy", "policies", "filters", "filter", "training", "guardrails",
		"limitations", "safeguards", "conditioning", "protocols", "settings", "guidance", "principles",
		"ethics", "morals", "boundaries", "limits", "messages", "message", "everything", "conversation",
		// French
		"consignes", "consigne", "regles", "regle", "directives", "ordres", "instructions", "restrictions",
		"politique", "limites",
		// German
		"anweisungen", "anweisung", "regeln", "instruktionen", "befehle", "vorgaben", "richtlinien", "einschrankungen",
		"vorschriften", "grenzen",
		// Spanish
		"instrucciones", "reglas", "normas", "directrices", "indicaciones", "ordenes", "restricciones",
		"politicas", "limites",
		// Italian
		"istruzioni", "regole", "direttive", "indicazioni", "restrizioni", "limitazioni", "politiche",
		// Portuguese
		"instrucoes", "regras", "diretrizes", "orientacoes", "restricoes", "politicas", "limitacoes",
	},
	cLeakVerb: {
		"print", "reveal", "show", "output", "repeat", "display", "tell", "give", "leak", "dump", "disclose",
		"write", "share", "expose", "spell", "list", "echo", "copy", "recite", "return", "provide", "send",
		"paste", "quote",
		"affiche", "affichez", "afficher", "montre", "montrez", "revele", "revelez", "donne", "donnez", "ecris",
		"zeige", "zeig", "gib", "verrate", "nenne", "drucke", "ausgeben",
		"muestra", "muestrame", "revela", "dame", "imprime", "escribe", "dime",
		"mostra", "mostrami", "rivela", "dammi", "stampa", "scrivi", "dimmi",
		"mostre", "revele", "imprima", "escreva", "diga", "recopie", "recopiez", "repete", "repetez", "wiederhole",
		"repite", "ripeti", "repita",
	},
	cLeakObj: {
		"prompt", "instructions", "message", "configuration", "config", "guidelines", "rules", "initialization",
		"pre-prompt", "preprompt", "directives", "context", "setup", "programming",
		"consignes", "configuration", "anweisungen", "konfiguration", "systemprompt", "instrucciones",
		"mensaje", "mensagem", "messaggio", "nachricht", "systemnachricht", "systemmeldung", "mensajes", "mensagens",
		"configuracion", "istruzioni", "configurazione", "instrucoes", "configuracao",
	},
	cLeakQual: {
		"your", "system", "hidden", "initial", "original", "secret", "internal", "confidential", "developer",
		"full", "exact", "entire", "complete", "whole", "starting", "pre", "first", "above", "previous",
		"vos", "ton", "ta", "tes", "votre", "systeme", "cachee", "cache", "cachees", "caches", "deine", "deinen", "geheime", "geheimen",
		"tus", "tu", "sistema", "oculta", "oculto", "tue", "tuo", "nascosto", "nascoste", "suas", "seu", "sua",
	},
	cSecret: {"password", "passwords", "passphrase", "credentials", "secret", "secrets", "api", "token", "tokens",
		"key", "keys", "schlussel", "geheimnis", "passwort", "mot", "clave", "contrasena", "chiave", "senha", "chave"},
	cPriv: {"admin", "administrator", "root", "superuser", "hacker", "unrestricted", "unfiltered", "jailbroken",
		"god", "sudo", "privileged", "evil", "malicious", "uncensored", "unlimited", "omnipotent", "unbound",
		"unchained", "rogue", "developer", "sysadmin", "owner", "operator", "amoral", "unethical", "all-powerful",
		"administrateur", "administrador", "amministratore"},
	cNoWord: {"no", "without", "zero", "free", "sans", "sin", "ohne", "senza", "sem", "none", "any", "aucune",
		"ninguna", "nessuna", "nenhuma", "keine",
		"aucun", "keinerlei", "ningun", "nessun", "nenhum",
	},
	cLimit: {"restrictions", "restriction", "limits", "limitations", "guidelines", "rules", "filters", "filtering", "checks",
		"censorship", "ethics", "morals", "morality", "boundaries", "constraints", "safeguards", "policies",
		"principles", "limit", "filter", "guardrails", "regulations", "disclaimers", "confines", "censoring",
		"restricciones", "limites", "regles", "reglas", "regeln", "einschrankungen", "grenzen", "regole",
		"restrizioni", "limiti", "restricoes", "regras", "limitacoes",
		// What a weak verb drops when it drops the model's instructions ("drop all prior guidance").
		"guidance", "instructions", "directives", "programming", "conditioning",
		"filtres", "consignes", "filtros", "filtri", "normas", "richtlinien", "inhaltsrichtlinien", "sicherheitsrichtlinien", "inhaltsfilter", "tabous", "tabus", "limitaciones", "limitazioni", "censure", "zensur", "censura", "moderation", "moderacion", "moderazione", "moderacao",
	},
	cUnbound: {"unrestricted", "unfiltered", "uncensored", "unlimited", "amoral", "unethical", "unbound",
		"unchained", "unleashed", "unshackled", "lawless", "immoral", "jailbroken", "jailbreak", "unconstrained"},
	cPersona: {"pretend", "roleplay", "role-play", "act", "acting", "simulate", "imagine", "character", "persona",
		"embody", "behave", "become", "role", "impersonate", "personality", "mode", "play",
		"incarner", "incarne", "incarnes", "rollenspiel", "personnage", "personaje", "personaggio", "personagem", "finge", "fingir", "finja", "finjas", "interpreta", "interpretar", "immagina", "imagina", "spiele", "spielst", "joue", "jouer", "juegas", "rolle", "ruolo",
	},
	cYou: {"you", "you're", "youre", "u", "tu", "du", "vous", "usted", "voce", "sei", "eres", "bist", "es", "you'll"},
	cNow: {"now", "henceforth", "onwards", "onward", "maintenant", "desormais", "jetzt", "nun", "ahora", "ora",
		"adesso", "agora"},
	cPrivNoun: {"access", "privileges", "privilege", "permissions", "permission", "rights", "control", "powers",
		"clearance", "authority"},
	cFull: {"full", "unrestricted", "unlimited", "total", "complete", "root", "admin", "elevated", "absolute",
		"superuser"},
}

// elided are the words French and Italian shorten before a vowel.
var elided = map[string]bool{"d": true, "l": true, "n": true, "j": true, "m": true, "t": true, "s": true, "c": true,
	"qu": true, "dell": true, "dall": true, "nell": true, "sull": true, "all": true, "un": true, "quell": true}

// fuzzyWords are the words that also match with one typo (one insertion,
// deletion, substitution or transposition). They are long, distinctive words
// of the override phrases; short or common words (policy, prompt, these)
// would match ordinary words (police, there) and are matched exactly only.
var fuzzyWords = []string{
	"ignore", "ignoring", "disregard", "disregarding", "bypass", "override", "overriding", "circumvent",
	"instructions", "instruction", "directions", "directives", "guidelines", "restrictions", "programming",
	"constraints", "limitations", "safeguards", "guardrails", "previous", "preceding", "foregoing",
	"ignorez", "oubliez", "ignoriere", "ignorieren", "vergessen", "anweisungen", "instrucciones",
	"istruzioni", "instrucoes", "precedentes", "anteriores", "precedenti", "bisherigen", "vorherigen",
	"unrestricted", "unfiltered", "uncensored", "jailbroken", "administrator",
}

// lexiconIndex is the compiled lexicon: exact lookups, and typo-tolerant
// lookups of the fuzzy words grouped by first letter. A word within one edit
// of another differs from it in at most two letters of its letter set, which
// rules out most candidates before the edit distance is computed.
type lexiconIndex struct {
	exact map[string]uint32
	// maybe is a Bloom filter of exact's words (two bits per word, 16 KB,
	// about 1 % false positives): most words of a text are in no lexicon,
	// and the filter, which stays in the CPU's cache, answers them without
	// the map lookup.
	maybe   [1 << 11]uint64
	byFirst [256][]fuzzyWord
	// stems and stemStart index lexiconStems (lexicon_stems.go): each folded
	// stem's classes, and the byte length of the longest stem per first rune.
	stems     map[string]uint32
	stemStart map[rune]int
}

type fuzzyWord struct {
	word    string
	letters uint32 // bit i set when letter 'a'+i occurs
	cls     uint32
}

func letterMask(w string) uint32 {
	var m uint32
	for i := 0; i < len(w); i++ {
		if c := w[i]; 'a' <= c && c <= 'z' {
			m |= 1 << (c - 'a')
		}
	}
	return m
}

func buildLexicon() *lexiconIndex {
	ix := &lexiconIndex{exact: map[string]uint32{}}
	for cls, words := range lexicon {
		for _, w := range words {
			ix.exact[w] |= cls
		}
	}
	for _, more := range []map[uint32][]string{lexiconMore, lexiconWide, lexiconAsk} {
		for cls, words := range more {
			for _, w := range words {
				if c := Canonical(w); c != "" && !strings.ContainsAny(c, " \t\n") {
					ix.exact[c] |= cls
				}
			}
		}
	}
	for w := range ix.exact {
		a, b := bloomBits(w)
		ix.maybe[a>>6] |= 1 << (a & 63)
		ix.maybe[b>>6] |= 1 << (b & 63)
	}
	for _, w := range fuzzyWords {
		ix.byFirst[w[0]] = append(ix.byFirst[w[0]], fuzzyWord{word: w, letters: letterMask(w), cls: ix.exact[w]})
	}
	ix.addStems()
	return ix
}

// bloomBits returns the two bits of the filter maybe for w: the halves of
// w's 64-bit FNV-1a hash, each cut to the filter's 2^17 bits.
func bloomBits(w string) (uint32, uint32) {
	h := uint64(14695981039346656037)
	for i := 0; i < len(w); i++ {
		h ^= uint64(w[i])
		h *= 1099511628211
	}
	const mask = 1<<17 - 1
	return uint32(h) & mask, uint32(h>>32) & mask
}

// classify returns the classes of word, tolerating one edit for long words.
func (ix *lexiconIndex) classify(word string) uint32 {
	if a, b := bloomBits(word); ix.maybe[a>>6]&(1<<(a&63)) != 0 && ix.maybe[b>>6]&(1<<(b&63)) != 0 {
		if c, ok := ix.exact[word]; ok {
			return c
		}
	}
	// An elided article, pronoun or preposition of French or Italian
	// ("d'ignorer", "l'istruzione", "n'obéis", "qu'on") is one token with the
	// word it leans on: classify that word (version 19).
	if k := strings.IndexByte(word, '\''); k > 0 && k <= 4 && k < len(word)-1 && elided[word[:k]] {
		return ix.classify(word[k+1:])
	}
	if len(word) < 6 {
		return 0
	}
	cands := ix.byFirst[word[0]]
	if len(cands) == 0 {
		return 0
	}
	mask := letterMask(word)
	var cls uint32
	for _, fw := range cands {
		if d := len(word) - len(fw.word); d > 1 || d < -1 {
			continue
		}
		if bits.OnesCount32(mask^fw.letters) > 2 {
			continue
		}
		if osaDistanceAtMost1(word, fw.word) {
			cls |= fw.cls
		}
	}
	return cls
}

// osaDistanceAtMost1 reports whether a and b differ by at most one insertion,
// deletion, substitution or transposition of adjacent letters. The first
// letter must match: typos there are rare and matching them costs precision.
func osaDistanceAtMost1(a, b string) bool {
	if len(a) == 0 || len(b) == 0 || a[0] != b[0] {
		return false
	}
	la, lb := len(a), len(b)
	if la-lb > 1 || lb-la > 1 {
		return false
	}
	i := 0
	for i < la && i < lb && a[i] == b[i] {
		i++
	}
	if i == la && i == lb {
		return true
	}
	switch {
	case la == lb:
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < la && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:] // transposition
	case la > lb:
		return a[i+1:] == b[i:]
	default:
		return a[i:] == b[i+1:]
	}
}
