package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/chokepoint-dev/chokepoint/data/dnscrawl"
)

// jobIndexEnv is the variable in which a Kubernetes Indexed Job
// (completionMode: Indexed) gives each pod its index, 0 to completions-1.
const jobIndexEnv = "JOB_COMPLETION_INDEX"

// shardDirPrefix begins the per-shard output folder of --shard auto/N,
// in Hive layout: OUT/shard=K.
const shardDirPrefix = "shard="

// shardValue is the --shard flag: "K/N" sets crawlOptions.Shard; "auto/N"
// sets crawlOptions.ShardAuto, resolved by resolveShard once the
// environment is read.
type shardValue struct{ o *crawlOptions }

func (v shardValue) String() string {
	if v.o.ShardAuto > 0 && v.o.Shard.N == 0 {
		return fmt.Sprintf("auto/%d", v.o.ShardAuto)
	}
	return v.o.Shard.String()
}

func (v shardValue) Set(s string) error {
	if rest, ok := strings.CutPrefix(s, "auto/"); ok {
		n, err := strconv.Atoi(rest)
		if err != nil || n < 1 {
			return fmt.Errorf("shard %q: want auto/N with N >= 1 (the Job's completions)", s)
		}
		v.o.ShardAuto, v.o.Shard = n, dnscrawl.Shard{}
		return nil
	}
	v.o.ShardAuto = 0
	return v.o.Shard.Set(s)
}

func (v shardValue) Type() string { return "K/N|auto/N" }

// resolveShard turns --shard auto/N into shard K/N, K being the Indexed
// Job's JOB_COMPLETION_INDEX plus one, and moves the output into the
// per-shard folder OUT/shard=K, so that the N pods of the Job can share
// one volume and one command line. It does nothing without auto, and
// nothing the second time (runRun validates before runCrawl does).
func (o *crawlOptions) resolveShard() error {
	if o.ShardAuto == 0 || o.Shard.N != 0 {
		return nil
	}
	n := o.ShardAuto
	lookup := o.lookupEnv
	if lookup == nil {
		lookup = os.LookupEnv
	}
	v, ok := lookup(jobIndexEnv)
	if !ok || strings.TrimSpace(v) == "" {
		return usagef("--shard auto/%d: %s is not set: auto takes the shard from a Kubernetes Indexed Job (completionMode: Indexed); elsewhere give --shard K/%d", n, jobIndexEnv, n)
	}
	i, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil {
		return usagef("--shard auto/%d: %s=%q is not a number", n, jobIndexEnv, v)
	}
	if i < 0 || i >= n {
		return usagef("--shard auto/%d: %s=%d is out of range 0 to %d: the Job's completions must equal N (%d)", n, jobIndexEnv, i, n-1, n)
	}
	o.Shard = dnscrawl.Shard{K: i + 1, N: n}
	o.Out = filepath.Join(o.Out, shardDirPrefix+strconv.Itoa(i+1))
	return nil
}
