package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// massdns is run with the population's 7 questions per domain in one
// file, one "TYPE name" line per question (massdns takes a record type
// before the name on a line as that line's type), in the order of
// dnsperf's questions.txt: the same questions as dnsperf and the bare
// client, in one process. Its options:
//
//	-s N              N lookups in flight (its hash map of lookups), as the
//	                  other tools' -concurrency
//	-c 2 -i 2000      two tries per question, 2 s apart (the others: a 2 s
//	                  timeout, zdns and dnsx one retry)
//	--rcvbuf/--sndbuf 4 MB socket buffers, what chokepoint's crawl asks for
//	                  (its default, 208 KB, dropped 0.1-0.2 % of the replies
//	                  here at 256 in flight, whose retries 2 s later then
//	                  made most of its wall time)
//	-o S -w FILE      its simple text output (the answer records), written
//	                  to a file, as chokepoint writes its observations
//	--status-format json
//	                  its progress as JSON lines on standard error; the last
//	                  gives the counts (finished and successful lookups)
//
// As root it runs with --root: it would otherwise drop to the user nobody.
const massdnsQuestions = "massdns-questions.txt"

// massdnsQuestionFile writes, once per population, massdns's question
// file from questions.txt ("name TYPE" lines), so that both hold the same
// questions in the same order.
func massdnsQuestionFile(pop string) (string, error) {
	out := filepath.Join(pop, massdnsQuestions)
	if _, err := os.Stat(out); err == nil {
		return out, nil
	}
	in, err := os.Open(filepath.Join(pop, "questions.txt"))
	if err != nil {
		return "", err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(pop, massdnsQuestions+".*")
	if err != nil {
		return "", err
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriter(tmp)
	sc := bufio.NewScanner(in)
	for line := 1; sc.Scan(); line++ {
		name, typ, ok := strings.Cut(sc.Text(), " ")
		if !ok || name == "" || typ == "" || strings.ContainsAny(typ, " \t") {
			tmp.Close()
			return "", fmt.Errorf("%s:%d: not \"name TYPE\": %q", in.Name(), line, sc.Text())
		}
		fmt.Fprintf(w, "%s %s\n", typ, name)
	}
	if err := sc.Err(); err != nil {
		tmp.Close()
		return "", fmt.Errorf("%s: %w", in.Name(), err)
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	return out, os.Rename(tmp.Name(), out)
}

// massdnsStats are the counts of massdns's last JSON status line.
type massdnsStats struct {
	Processed  int64 `json:"processed_queries"`  // lookups started
	Received   int64 `json:"received_packets"`   // replies read
	Finished   int64 `json:"finished_total"`     // lookups ended, answered or given up
	Success    int64 `json:"success_total"`      // ended with an acceptable answer (NOERROR, NXDOMAIN)
	Mismatched int64 `json:"mismatched_domains"` // replies whose question is no lookup's in flight (late ones)
	IDs        int64 `json:"ids"`                // replies to a lookup's question with another ID
}

// lastMassdnsStats reads massdns's standard error (its status lines and
// any messages) and returns the counts of the last JSON status line.
func lastMassdnsStats(r io.Reader) (massdnsStats, error) {
	var last []byte
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if b := bytes.TrimSpace(sc.Bytes()); len(b) > 0 && b[0] == '{' {
			last = append(last[:0], b...)
		}
	}
	if err := sc.Err(); err != nil {
		return massdnsStats{}, err
	}
	if last == nil {
		return massdnsStats{}, fmt.Errorf("no JSON status line")
	}
	var s massdnsStats
	if err := json.Unmarshal(last, &s); err != nil {
		return massdnsStats{}, fmt.Errorf("last status line: %w", err)
	}
	if s.Finished == 0 {
		return s, fmt.Errorf("last status line counts no finished lookup: %.200s", last)
	}
	return s, nil
}

// runMassdns asks massdns the population's questions (see
// massdnsQuestions for how). Queries are the lookups massdns finished,
// lost the ones it gave up on (finished without an acceptable answer).
func runMassdns(pop, dir, addr string, o options, round int) (result, error) {
	questions, err := massdnsQuestionFile(pop)
	if err != nil {
		return result{}, err
	}
	resolvers := filepath.Join(dir, "massdns-resolvers.txt")
	if err := os.WriteFile(resolvers, []byte(addr+"\n"), 0o644); err != nil {
		return result{}, err
	}
	statusPath := filepath.Join(dir, fmt.Sprintf("massdns-%d.status", round))
	status, err := os.Create(statusPath)
	if err != nil {
		return result{}, err
	}
	defer status.Close()
	args := []string{"-r", resolvers, "-s", fmt.Sprint(o.concurrency), "-c", "2", "-i", "2000",
		"--rcvbuf", "4194304", "--sndbuf", "4194304", "-o", "S", "-w", filepath.Join(dir, fmt.Sprintf("massdns-%d.txt", round)),
		"--status-format", "json"}
	if os.Geteuid() == 0 {
		args = append(args, "--root")
	}
	cmd := exec.Command("massdns", append(args, questions)...)
	cmd.Stderr = status
	wall, cpu, rss, err := measure(cmd)
	if err != nil {
		return result{}, fmt.Errorf("%w (massdns's messages: %s)", err, statusPath)
	}
	if _, err := status.Seek(0, io.SeekStart); err != nil {
		return result{}, err
	}
	s, err := lastMassdnsStats(status)
	if err != nil {
		return result{}, fmt.Errorf("massdns: %s: %w", statusPath, err)
	}
	note := ""
	if want := 7 * int64(o.domains); s.Finished != want {
		note = fmt.Sprintf("(%d lookups finished, %d questions asked)", s.Finished, want)
	}
	if s.Mismatched > 0 || s.IDs > 0 {
		note += fmt.Sprintf("(%d replies to no question in flight, %d with a wrong ID)", s.Mismatched, s.IDs)
	}
	return result{queries: s.Finished, domains: int64(o.domains), lost: s.Finished - s.Success,
		wall: wall, cpu: cpu, rssMB: rss, note: note}, nil
}
