package detect

// Developers' briefs, test plans and FAQs describe the attacks their
// assistant must handle: "a user who asks the bot to print its system
// prompt", "if a user asks you to drop these rules, decline", "attempts to
// make the bot reveal its configuration". The override, leak or persona
// words are there, but as what a third party may ask, not as what the
// prompt asks. reportedSpans marks the words of such a clause: from a
// request verb whose subject is an indefinite or generic third party ("a
// user", "someone", "customers", "if a player …", "un usager", "jemand") —
// or from a noun that names attempts ("attempts to", "tricks like") — to
// the end of the sentence. A rule that fires inside one is a weak signal,
// like a quoted override. "The user wants you to ignore …" (a definite
// subject) is not reported: documents speak of "the user" when they plant
// an instruction.

// thirdParty are subjects that name someone other than the prompt's writer,
// generically; generic are those that need no article (plurals, pronouns).
var (
	thirdParty = map[string]bool{
		"user": true, "users": true, "customer": true, "customers": true, "player": true, "players": true,
		"student": true, "students": true, "visitor": true, "visitors": true, "caller": true, "callers": true,
		"attacker": true, "attackers": true, "tester": true, "testers": true, "client": true, "clients": true,
		"member": true, "members": true, "employee": true, "employees": true, "people": true, "someone": true,
		"somebody": true, "anyone": true, "person": true, "teenagers": true, "kids": true, "passenger": true,
		"passengers": true, "guest": true, "guests": true, "patient": true, "patients": true, "reader": true,
		"readers": true, "usager": true, "usagers": true, "utilisateur": true, "utilisateurs": true,
		"quelqu'un": true, "nutzer": true, "benutzer": true, "jemand": true, "kunde": true, "kunden": true,
		"spieler": true, "usuario": true, "usuarios": true, "alguien": true, "cliente": true, "clientes": true,
		"jugador": true, "jugadores": true, "utente": true, "utenti": true, "qualcuno": true, "clienti": true,
		"giocatore": true, "giocatori": true, "utilizador": true, "utilizadores": true, "alguem": true,
		"jogador": true, "jogadores": true, "prompts": true, "attacks": true, "jailbreaks": true, "injections": true,
	}
	generic = map[string]bool{
		"users": true, "customers": true, "players": true, "students": true, "visitors": true, "callers": true,
		"attackers": true, "testers": true, "clients": true, "members": true, "employees": true, "people": true,
		"someone": true, "somebody": true, "anyone": true, "teenagers": true, "kids": true, "passengers": true,
		"guests": true, "patients": true, "readers": true, "usagers": true, "utilisateurs": true, "quelqu'un": true,
		"jemand": true, "kunden": true, "usuarios": true, "alguien": true, "clientes": true, "jugadores": true,
		"utenti": true, "qualcuno": true, "clienti": true, "giocatori": true, "utilizadores": true, "alguem": true,
		"jogadores": true, "prompts": true, "attacks": true, "jailbreaks": true, "injections": true,
	}
	// indefinite words before a subject make it generic: "a user", "if a
	// customer", "when users", "un usager", "wenn ein Kunde".
	indefinite = map[string]bool{
		"a": true, "an": true, "if": true, "when": true, "whenever": true, "some": true, "any": true, "other": true,
		"un": true, "une": true, "si": true, "lorsqu'un": true, "ein": true, "eine": true, "wenn": true, "falls": true,
		"una": true, "uno": true, "cuando": true, "se": true, "quando": true, "um": true, "uma": true,
	}
	requestVerbs = map[string]bool{
		"asks": true, "ask": true, "asked": true, "asking": true, "tries": true, "try": true, "tried": true,
		"trying": true, "attempts": true, "attempt": true, "attempted": true, "attempting": true, "wants": true,
		"want": true, "wanted": true, "tells": true, "told": true, "telling": true, "writes": true, "wrote": true,
		"writing": true, "types": true, "typed": true, "typing": true, "says": true, "said": true, "pastes": true,
		"pasted": true, "sends": true, "sent": true, "keep": true, "keeps": true,
		"demande": true, "demandent": true, "ecrit": true, "ecrivent": true, "essaie": true, "essaient": true,
		"tape": true, "fragt": true, "bittet": true, "schreibt": true, "versucht": true, "versuchen": true,
		"sagt": true, "pide": true, "piden": true, "escribe": true, "escriben": true, "intenta": true,
		"intentan": true, "dice": true, "chiede": true, "chiedono": true, "scrive": true, "scrivono": true,
		"prova": true, "provano": true, "pede": true, "pedem": true, "escreve": true, "escrevem": true,
		"tenta": true, "tentam": true, "diz": true,
	}
	// attemptNouns name attacks as things others do: "attempts to make the
	// bot reveal …", "tricks like …".
	attemptNouns = map[string]bool{
		"attempts": true, "attempt": true, "tricks": true, "trick": true, "tentatives": true, "versuche": true,
		"intentos": true, "tentativi": true, "tentativas": true,
		"requests": true,
	}
)

// reportedStarts has a bit for the first two bytes of every word of
// requestVerbs and attemptNouns: most words need no map look-up.
var reportedStarts = func() *[1 << 16 / 64]uint64 {
	var b [1 << 16 / 64]uint64
	for _, m := range []map[string]bool{requestVerbs, attemptNouns} {
		for w := range m {
			k := uint16(w[0])<<8 | uint16(w[1])
			b[k>>6] |= 1 << (k & 63)
		}
	}
	return &b
}()

// reporter tells whether a token lies in a clause that reports what a
// third party asks. It looks back from the token to the start of its
// sentence, only when a rule fires there, and reads the whole prompt for an
// order to carry the request out ("… Do it.") at most once.
type reporter struct {
	s      string
	toks   []token
	follow int8 // 0 not read yet, 1 the prompt asks to carry it out, -1 it does not
}

// at reports whether token i is in a reported clause: a token from its
// sentence's start up to it opens one (opensReport), and the prompt does not
// ask to carry it out.
func (r *reporter) at(i int) bool {
	if r == nil {
		return false
	}
	for k := i; k >= 0; k-- {
		if opensReport(r.s, r.toks, k) {
			if r.follow == 0 {
				r.follow = -1
				if asksToFollow(r.s) {
					r.follow = 1
				}
			}
			return r.follow < 0
		}
		if r.toks[k].brk {
			break
		}
	}
	return false
}

// opensReport reports a token that opens a reported clause: a request verb
// whose subject, within the four words before it, is an indefinite or
// generic third party, or a noun that names attempts followed by "to" or
// "like".
func opensReport(s string, toks []token, i int) bool {
	t := toks[i]
	if t.end-t.start < 2 {
		return false
	}
	w := word(s, t)
	if k := uint16(w[0])<<8 | uint16(w[1]); reportedStarts[k>>6]&(1<<(k&63)) == 0 {
		return false
	}
	if requestVerbs[w] {
		b := before(toks, i, 4)
		for k := len(b) - 1; k >= 0; k-- {
			sw := word(s, b[k])
			if !thirdParty[sw] {
				continue
			}
			if generic[sw] || k > 0 && indefinite[word(s, b[k-1])] {
				return true
			}
			break
		}
	}
	if attemptNouns[w] {
		if n := window(toks, i, 1); len(n) == 1 && anyWord(s, n, "to", "like", "de", "zu", "como", "di", "a") {
			return true
		}
	}
	return false
}
