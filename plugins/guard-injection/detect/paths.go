package detect

// A word that is part of a file's path or a snake_case name names a file or
// a symbol, not something the prompt says: "show me
// internal/prompt/override_rules.go" asks for a file, "show me the prompt
// override rules" may ask for the assistant's instructions. Neither the
// rules' lexicon classes nor the model's class features read such words
// (their n-grams still count); version 29.

// pathPart reports whether the word s[i:j] is joined to a neighbouring word
// by a path separator or an underscore ("core/api", "../../x", "C:\dir",
// "system_prompt"), or is a file's name before a known extension or that
// extension ("respond.go").
func pathPart(s string, i, j int) bool {
	if i >= 2 && joiner(s[i-1]) && pathNeighbour(s[i-2]) {
		return true
	}
	if j+1 < len(s) && joiner(s[j]) && pathNeighbour(s[j+1]) {
		return true
	}
	if j+1 < len(s) && s[j] == '.' && knownExt(s, j+1) {
		return true
	}
	return i >= 2 && s[i-1] == '.' && isWordByte(s[i-2]) && knownExt(s, i)
}

func joiner(c byte) bool { return c == '/' || c == '\\' || c == '_' }

func pathNeighbour(c byte) bool { return isWordByte(c) || c == '.' || c == '~' }

// fileExts are extensions of source, configuration and text files, the
// ones a request to a coding agent names.
var fileExts = map[string]bool{
	"go": true, "py": true, "ts": true, "tsx": true, "js": true, "jsx": true, "mjs": true, "cjs": true, "md": true,
	"txt": true, "json": true, "yaml": true, "yml": true, "toml": true, "rb": true, "rs": true, "java": true,
	"kt": true, "cs": true, "php": true, "sh": true, "sql": true, "tf": true, "html": true, "css": true, "xml": true,
	"cfg": true, "ini": true, "env": true, "lock": true, "c": true, "h": true, "cc": true, "cpp": true, "hpp": true,
	"swift": true, "ex": true, "exs": true, "vue": true, "ipynb": true, "csv": true, "log": true, "conf": true,
	"proto": true, "lua": true, "dart": true, "scala": true, "pl": true, "r": true, "mdx": true, "rst": true,
	"gradle": true, "mod": true, "sum": true, "bak": true, "diff": true, "patch": true,
}

// knownExt reports whether s[at:] starts with a known extension ending the
// word (followed by a non-word byte or the end).
func knownExt(s string, at int) bool {
	e := at
	for e < len(s) && e-at <= 6 && isWordByte(s[e]) {
		e++
	}
	if e == at || e-at > 6 || (e < len(s) && isWordByte(s[e])) {
		return false
	}
	return fileExts[s[at:e]]
}
