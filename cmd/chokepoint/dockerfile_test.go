package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// dockerInstruction is one instruction of a Dockerfile: its keyword and
// its arguments, continuation lines joined.
type dockerInstruction struct {
	line    int
	keyword string
	args    string
}

// parseDockerfile splits a Dockerfile into instructions, skipping
// comments and joining lines that end with a backslash.
func parseDockerfile(text string) []dockerInstruction {
	var out []dockerInstruction
	var cur strings.Builder
	start := 0
	for i, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if cur.Len() == 0 && (t == "" || strings.HasPrefix(t, "#")) {
			continue
		}
		if cur.Len() == 0 {
			start = i + 1
		}
		cont := strings.HasSuffix(t, `\`)
		cur.WriteString(strings.TrimSuffix(t, `\`))
		cur.WriteByte(' ')
		if cont {
			continue
		}
		kw, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		out = append(out, dockerInstruction{line: start, keyword: strings.ToUpper(kw), args: strings.TrimSpace(args)})
		cur.Reset()
	}
	return out
}

// debianOf maps the Debian codenames of the golang images to the
// versions in the names of the distroless images.
var debianOf = map[string]string{"bookworm": "12", "trixie": "13"}

// checkDockerfile checks a Dockerfile (text) offline, no image pulled or
// built: known instructions only; a builder that compiles the command
// with cgo and the duckdb tag, on a Debian whose glibc is the runtime
// image's (a binary linked against a newer glibc does not start on an
// older one), with Go no older than go.mod's (gomod); a runtime image
// with glibc and libstdc++ (distroless/cc), the binary copied from the
// builder stage and an exec-form entrypoint naming it.
func checkDockerfile(text, gomod string) []error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	known := []string{"ARG", "FROM", "RUN", "WORKDIR", "COPY", "ENTRYPOINT", "ENV", "USER", "LABEL"}
	args := map[string]string{}
	var stages, from, copied []string
	var build, entry string
	for _, in := range parseDockerfile(text) {
		if !slices.Contains(known, in.keyword) {
			fail("line %d: unknown or unexpected instruction %q", in.line, in.keyword)
		}
		switch in.keyword {
		case "ARG":
			if k, v, ok := strings.Cut(in.args, "="); ok && len(stages) == 0 {
				args[k] = v
			}
		case "FROM":
			f := strings.Fields(in.args)
			image := f[0]
			if m := regexp.MustCompile(`^\$\{(\w+)\}$`).FindStringSubmatch(image); m != nil {
				if image = args[m[1]]; image == "" {
					fail("line %d: FROM ${%s} without a default for it before the first stage", in.line, m[1])
				}
			}
			from = append(from, image)
			name := ""
			if len(f) == 3 && strings.EqualFold(f[1], "AS") {
				name = f[2]
			}
			stages = append(stages, name)
		case "RUN":
			if strings.Contains(in.args, "go build") {
				build = in.args
			}
		case "COPY":
			if m := regexp.MustCompile(`--from=(\S+)\s`).FindStringSubmatch(in.args); m != nil {
				if !slices.Contains(stages[:len(stages)-1], m[1]) {
					fail("line %d: COPY --from=%s: no earlier stage of that name", in.line, m[1])
				}
				f := strings.Fields(in.args)
				copied = append(copied, f[len(f)-1])
			}
		case "ENTRYPOINT":
			entry = in.args
		}
	}
	if len(from) != 2 {
		fail("%d stages, want a builder and a runtime: %q", len(from), from)
		return errs
	}
	for _, want := range []string{"CGO_ENABLED=1", "-tags duckdb", "./cmd/chokepoint"} {
		if !strings.Contains(build, want) {
			fail("the go build command has no %q: %s", want, build)
		}
	}
	goImage := regexp.MustCompile(`^golang:(\d+)\.(\d+)(?:\.\d+)?-(\w+)$`).FindStringSubmatch(from[0])
	if goImage == nil {
		fail("builder %q: want golang:MAJOR.MINOR-CODENAME (a Debian-based golang image)", from[0])
		return errs
	}
	if m := regexp.MustCompile(`(?m)^go (\d+)\.(\d+)`).FindStringSubmatch(gomod); m == nil {
		fail("go.mod has no go directive")
	} else if a, b := atoi(m[1])*1000+atoi(m[2]), atoi(goImage[1])*1000+atoi(goImage[2]); b < a {
		fail("builder %s is older than go.mod's Go %s.%s", from[0], m[1], m[2])
	}
	deb := debianOf[goImage[3]]
	if deb == "" {
		fail("builder %s: unknown Debian codename %q", from[0], goImage[3])
	}
	if !regexp.MustCompile(`^gcr\.io/distroless/cc-debian` + deb + `(:\S+)?$`).MatchString(from[1]) {
		fail("runtime %s: want gcr.io/distroless/cc-debian%s (glibc and libstdc++ of the builder's Debian %s)", from[1], deb, goImage[3])
	}
	var ep []string
	if err := json.Unmarshal([]byte(entry), &ep); err != nil || len(ep) == 0 {
		fail("ENTRYPOINT %q: want the exec form, a JSON array", entry)
	} else if !slices.Contains(copied, ep[0]) {
		fail("ENTRYPOINT %s is not a file copied from the builder (%q)", ep[0], copied)
	}
	return errs
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

func readDeployFiles(t *testing.T) (dockerfile, gomod string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := os.ReadFile(filepath.Join("..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b), string(m)
}

// TestDockerfile: deploy/Dockerfile passes checkDockerfile.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	for _, err := range checkDockerfile(readDeployFiles(t)) {
		t.Error(err)
	}
}

// TestDockerfileBroken breaks deploy/Dockerfile one way at a time: each
// must be caught.
func TestDockerfileBroken(t *testing.T) {
	t.Parallel()
	text, gomod := readDeployFiles(t)
	tests := []struct{ name, old, new, want string }{
		{"without cgo", "CGO_ENABLED=1", "CGO_ENABLED=0", `no "CGO_ENABLED=1"`},
		{"without the duckdb tag", "-tags duckdb", "", `no "-tags duckdb"`},
		{"static runtime", "distroless/cc-debian12", "distroless/static-debian12", "want gcr.io/distroless/cc-debian12"},
		{"runtime of another Debian", "golang:1.26-bookworm", "golang:1.26-trixie", "want gcr.io/distroless/cc-debian13"},
		{"old Go", "golang:1.26-bookworm", "golang:1.21-bookworm", "older than go.mod's"},
		{"misspelt instruction", "WORKDIR /src", "WORKDRI /src", `"WORKDRI"`},
		{"copy from no stage", "COPY --from=build", "COPY --from=builder", "no earlier stage"},
		{"shell-form entrypoint", `ENTRYPOINT ["/usr/local/bin/chokepoint"]`, "ENTRYPOINT /usr/local/bin/chokepoint", "exec form"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if !strings.Contains(text, tt.old) {
				t.Fatalf("deploy/Dockerfile has no %q to break", tt.old)
			}
			errs := checkDockerfile(strings.Replace(text, tt.old, tt.new, 1), gomod)
			for _, err := range errs {
				if strings.Contains(err.Error(), tt.want) {
					return
				}
			}
			t.Errorf("no error with %q among %v", tt.want, errs)
		})
	}
}
