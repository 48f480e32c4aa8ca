package detect

import "strings"

// A word of a file's path or name names a file, not something the prompt
// says: "show me internal/prompt/override_rules.go" asks for a file, "show
// me the prompt override rules" may ask for the assistant's instructions.
// Neither the rules' lexicon classes nor the model's class features read
// such words (their n-grams still count); version 29.

// pathPart reports whether the word s[i:j] is part of a path or a file's
// name: it is joined to a neighbouring word by a path separator or an
// underscore ("core/api", "override_rules"), or is a file's name before a
// known extension or that extension ("respond.go"), and the run of
// characters it stands in looks like a path as a whole (looksLikePath).
// Words joined in prose ("ignore/disregard", "system_prompt") stay words.
func pathPart(s string, i, j int) bool {
	joined := i >= 2 && joiner(s[i-1]) && pathNeighbour(s[i-2]) ||
		j+1 < len(s) && joiner(s[j]) && pathNeighbour(s[j+1]) ||
		j+1 < len(s) && s[j] == '.' && knownExt(s, j+1) ||
		i >= 2 && s[i-1] == '.' && isWordByte(s[i-2]) && knownExt(s, i)
	return joined && looksLikePath(s, i, j)
}

// maxPathRun bounds how far looksLikePath looks from a word for the ends of
// its run: paths are short, and a long run of joined words (a blob) would
// otherwise be read once per word in it.
const maxPathRun = 256

// looksLikePath reports whether the run of non-space characters around
// s[i:j] is a path or a file's name: it has two separators or more
// ("core/api/x.go", `c:\users\ana`), starts like one ("./", "../", "~/",
// "/x"), or ends in a file's name with a known extension.
func looksLikePath(s string, i, j int) bool {
	a, b := i, j
	for a > 0 && i-a < maxPathRun && !runStop(s[a-1]) {
		a--
	}
	for b < len(s) && b-j < maxPathRun && !runStop(s[b]) {
		b++
	}
	if a > 0 && !runStop(s[a-1]) || b < len(s) && !runStop(s[b]) {
		return false // longer than any path
	}
	run := strings.TrimRight(s[a:b], ".,:;!?")
	if strings.Count(run, "/")+strings.Count(run, "\\") >= 2 ||
		strings.HasPrefix(run, "./") || strings.HasPrefix(run, "../") || strings.HasPrefix(run, "~/") ||
		len(run) > 1 && run[0] == '/' && isWordByte(run[1]) {
		return true
	}
	dot := strings.LastIndexByte(run, '.')
	return dot > 0 && isWordByte(run[dot-1]) && knownExt(run, dot+1)
}

// runStop ends a run of characters that may be a path.
func runStop(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\r', '"', '\'', '`', '(', ')', '[', ']', '{', '}', '<', '>', ',', ';':
		return true
	}
	return false
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
