package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

func TestResolveShard(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		flag    string
		env     string // "" with unset: JOB_COMPLETION_INDEX not set
		unset   bool
		want    dnscrawl.Shard
		wantOut string
		wantErr string // part of the error, "" for none
	}{
		{name: "first pod", flag: "auto/3", env: "0", want: dnscrawl.Shard{K: 1, N: 3}, wantOut: "shard=1"},
		{name: "last pod", flag: "auto/3", env: "2", want: dnscrawl.Shard{K: 3, N: 3}, wantOut: "shard=3"},
		{name: "one shard", flag: "auto/1", env: "0", want: dnscrawl.Shard{K: 1, N: 1}, wantOut: "shard=1"},
		{name: "explicit shard ignores the variable", flag: "2/4", env: "0", want: dnscrawl.Shard{K: 2, N: 4}, wantOut: ""},
		{name: "unset", flag: "auto/3", unset: true, wantErr: "JOB_COMPLETION_INDEX is not set"},
		{name: "empty", flag: "auto/3", env: " ", wantErr: "JOB_COMPLETION_INDEX is not set"},
		{name: "not a number", flag: "auto/3", env: "two", wantErr: `JOB_COMPLETION_INDEX="two" is not a number`},
		{name: "index past completions", flag: "auto/3", env: "3", wantErr: "JOB_COMPLETION_INDEX=3 is out of range 0 to 2"},
		{name: "negative index", flag: "auto/3", env: "-1", wantErr: "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := defaultCrawlOptions()
			o.Out = "crawl"
			o.lookupEnv = func(k string) (string, bool) {
				if k != jobIndexEnv {
					t.Errorf("looked up %s, want %s", k, jobIndexEnv)
				}
				return tt.env, !tt.unset
			}
			if err := (shardValue{&o}).Set(tt.flag); err != nil {
				t.Fatal(err)
			}
			err := o.validate()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("validate() = %v, want an error with %q", err, tt.wantErr)
				}
				if code := exitCode(err, &strings.Builder{}); code != exitUsage {
					t.Errorf("exit code %d, want %d", code, exitUsage)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if o.Shard != tt.want {
				t.Errorf("shard %v, want %v", o.Shard, tt.want)
			}
			if want := filepath.Join("crawl", tt.wantOut); o.Out != want {
				t.Errorf("out %q, want %q", o.Out, want)
			}
			// runRun validates before runCrawl does: the second time
			// changes nothing.
			shard, out := o.Shard, o.Out
			if err := o.validate(); err != nil || o.Shard != shard || o.Out != out {
				t.Errorf("second validate: %v, shard %v, out %q; want %v, %q", err, o.Shard, o.Out, shard, out)
			}
		})
	}
}

func TestShardFlagValues(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"auto/0", "auto/", "auto/x", "auto/-2", "auto", "0/3", "4/3"} {
		o := defaultCrawlOptions()
		if err := (shardValue{&o}).Set(bad); err == nil {
			t.Errorf("--shard %s accepted", bad)
		}
	}
	o := defaultCrawlOptions()
	v := shardValue{&o}
	for _, good := range []string{"auto/8", "3/8", "auto/2"} {
		if err := v.Set(good); err != nil {
			t.Fatalf("--shard %s: %v", good, err)
		}
		if v.String() != good {
			t.Errorf("--shard %s reads back as %q", good, v.String())
		}
	}
}

// TestCrawlShardAuto runs crawl as a pod of an Indexed Job would: the
// index comes from the environment and the output goes to the shard's
// folder, with the shard in crawl.json; without the variable the command
// exits 2 before any query.
func TestCrawlShardAuto(t *testing.T) {
	dir := t.TempDir()
	list := writeFile(t, dir, "list.txt", "a.example\nb.example\nc.example\nd.example\ne.example\nf.example\n")
	resolver := serveNXDOMAIN(t)
	out := filepath.Join(dir, "out")

	t.Setenv(jobIndexEnv, "1")
	code, _, stderr := execute(t, "", "crawl", list, "--shard", "auto/2", "--resolver", resolver, "--out", out, "--progress", "0")
	if code != exitOK {
		t.Fatalf("crawl --shard auto/2: exit %d\n%s", code, stderr)
	}
	m, err := dnscrawl.ReadManifest(filepath.Join(out, "shard=2", dnscrawl.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	if m.Shard != "2/2" {
		t.Errorf("crawl.json shard %q, want 2/2", m.Shard)
	}
	n := countLines(t, filepath.Join(out, "shard=2", ObservationsName))
	if n == 0 || n+m.OtherShards != 6 {
		t.Errorf("%d observations and %d domains left to other shards, want 6 in all with some here", n, m.OtherShards)
	}

	t.Setenv(jobIndexEnv, "")
	code, _, stderr = execute(t, "", "crawl", list, "--shard", "auto/2", "--resolver", resolver, "--out", out, "--progress", "0")
	if code != exitUsage || !strings.Contains(stderr, "JOB_COMPLETION_INDEX is not set") {
		t.Errorf("crawl --shard auto/2 without the index: exit %d, want %d with the variable named\n%s", code, exitUsage, stderr)
	}
}
