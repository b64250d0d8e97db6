package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The Kubernetes manifests of deploy/kubernetes are checked offline: each
// object is decoded strictly into the subset of the Kubernetes API it
// uses (an unknown or misspelt field is an error), and the Job's
// arguments are parsed by the real crawl and analyze commands' flags.

const deployDir = "../../deploy/kubernetes"

type k8sMeta struct {
	Name   string            `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

// k8sObject is the part of every object read first, to pick its type.
type k8sObject struct {
	APIVersion string `yaml:"apiVersion"`
	Kind       string `yaml:"kind"`
}

type k8sJob struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		CompletionMode       string `yaml:"completionMode"`
		Completions          *int   `yaml:"completions"`
		Parallelism          *int   `yaml:"parallelism"`
		BackoffLimit         *int   `yaml:"backoffLimit"`
		BackoffLimitPerIndex *int   `yaml:"backoffLimitPerIndex"`
		MaxFailedIndexes     *int   `yaml:"maxFailedIndexes"`
		Template             struct {
			Metadata k8sMeta    `yaml:"metadata"`
			Spec     k8sPodSpec `yaml:"spec"`
		} `yaml:"template"`
	} `yaml:"spec"`
}

type k8sPodSpec struct {
	RestartPolicy   string         `yaml:"restartPolicy"`
	SecurityContext map[string]any `yaml:"securityContext"`
	InitContainers  []k8sContainer `yaml:"initContainers"`
	Containers      []k8sContainer `yaml:"containers"`
	Volumes         []struct {
		Name                  string `yaml:"name"`
		PersistentVolumeClaim *struct {
			ClaimName string `yaml:"claimName"`
		} `yaml:"persistentVolumeClaim"`
		ConfigMap *struct {
			Name string `yaml:"name"`
		} `yaml:"configMap"`
	} `yaml:"volumes"`
}

type k8sContainer struct {
	Name            string         `yaml:"name"`
	Image           string         `yaml:"image"`
	RestartPolicy   string         `yaml:"restartPolicy"`
	Command         []string       `yaml:"command"`
	Args            []string       `yaml:"args"`
	SecurityContext map[string]any `yaml:"securityContext"`
	StartupProbe    struct {
		TCPSocket struct {
			Port int `yaml:"port"`
		} `yaml:"tcpSocket"`
		PeriodSeconds    int `yaml:"periodSeconds"`
		FailureThreshold int `yaml:"failureThreshold"`
	} `yaml:"startupProbe"`
	Env []struct {
		Name  string `yaml:"name"`
		Value string `yaml:"value"`
	} `yaml:"env"`
	Resources    map[string]map[string]string `yaml:"resources"`
	VolumeMounts []struct {
		Name      string `yaml:"name"`
		MountPath string `yaml:"mountPath"`
		ReadOnly  bool   `yaml:"readOnly"`
	} `yaml:"volumeMounts"`
}

type k8sPVC struct {
	APIVersion string  `yaml:"apiVersion"`
	Kind       string  `yaml:"kind"`
	Metadata   k8sMeta `yaml:"metadata"`
	Spec       struct {
		AccessModes []string                     `yaml:"accessModes"`
		Resources   map[string]map[string]string `yaml:"resources"`
	} `yaml:"spec"`
}

type k8sConfigMap struct {
	APIVersion string            `yaml:"apiVersion"`
	Kind       string            `yaml:"kind"`
	Metadata   k8sMeta           `yaml:"metadata"`
	Data       map[string]string `yaml:"data"`
}

// manifests is what the files of deploy/kubernetes hold, by name.
type manifests struct {
	jobs       map[string]*k8sJob
	pvcs       map[string]*k8sPVC
	configMaps map[string]*k8sConfigMap
}

// decodeStrict decodes one YAML document into v, refusing fields v does
// not have.
func decodeStrict(doc *yaml.Node, v any) error {
	b, err := yaml.Marshal(doc)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	return dec.Decode(v)
}

// parseManifests reads every object of the YAML streams in files.
func parseManifests(files ...string) (*manifests, error) {
	m := &manifests{jobs: map[string]*k8sJob{}, pvcs: map[string]*k8sPVC{}, configMaps: map[string]*k8sConfigMap{}}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		for i := 1; ; i++ {
			var doc yaml.Node
			if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
				break
			} else if err != nil {
				return nil, fmt.Errorf("%s: document %d: %w", f, i, err)
			}
			var obj k8sObject
			if err := doc.Decode(&obj); err != nil {
				return nil, fmt.Errorf("%s: document %d: %w", f, i, err)
			}
			var name string
			var err2 error
			switch want := obj.APIVersion + " " + obj.Kind; want {
			case "batch/v1 Job":
				j := new(k8sJob)
				err2 = decodeStrict(&doc, j)
				name = j.Metadata.Name
				m.jobs[name] = j
			case "v1 PersistentVolumeClaim":
				p := new(k8sPVC)
				err2 = decodeStrict(&doc, p)
				name = p.Metadata.Name
				m.pvcs[name] = p
			case "v1 ConfigMap":
				c := new(k8sConfigMap)
				err2 = decodeStrict(&doc, c)
				name = c.Metadata.Name
				m.configMaps[name] = c
			default:
				return nil, fmt.Errorf("%s: document %d: unexpected object %q", f, i, want)
			}
			if err2 != nil {
				return nil, fmt.Errorf("%s: document %d (%s): %w", f, i, obj.Kind, err2)
			}
			if name == "" {
				return nil, fmt.Errorf("%s: document %d (%s) has no name", f, i, obj.Kind)
			}
		}
	}
	return m, nil
}

// container returns the container of the Job's pods with that name.
func (j *k8sJob) container(name string) *k8sContainer {
	for i := range j.Spec.Template.Spec.Containers {
		if c := &j.Spec.Template.Spec.Containers[i]; c.Name == name {
			return c
		}
	}
	return nil
}

// mountFor returns the mount of c under which the file or folder p lies,
// and the volume it mounts.
func mountFor(c *k8sContainer, p string) (mountPath, volume string, readOnly bool, ok bool) {
	for _, vm := range c.VolumeMounts {
		if p == vm.MountPath || strings.HasPrefix(p, strings.TrimSuffix(vm.MountPath, "/")+"/") {
			return vm.MountPath, vm.Name, vm.ReadOnly, true
		}
	}
	return "", "", false, false
}

// checkVolumes checks that every mount of every container of j names a
// volume of the pod, and that every volume names a claim or ConfigMap
// that the manifests define.
func (m *manifests) checkVolumes(j *k8sJob) []error {
	var errs []error
	spec := &j.Spec.Template.Spec
	vols := map[string]bool{}
	for _, v := range spec.Volumes {
		vols[v.Name] = true
		switch {
		case v.PersistentVolumeClaim != nil:
			if m.pvcs[v.PersistentVolumeClaim.ClaimName] == nil {
				errs = append(errs, fmt.Errorf("job %s: volume %s: no PersistentVolumeClaim %q defined", j.Metadata.Name, v.Name, v.PersistentVolumeClaim.ClaimName))
			}
		case v.ConfigMap != nil:
			if m.configMaps[v.ConfigMap.Name] == nil {
				errs = append(errs, fmt.Errorf("job %s: volume %s: no ConfigMap %q defined", j.Metadata.Name, v.Name, v.ConfigMap.Name))
			}
		default:
			errs = append(errs, fmt.Errorf("job %s: volume %s: neither a claim nor a ConfigMap", j.Metadata.Name, v.Name))
		}
	}
	for _, c := range slices.Concat(spec.InitContainers, spec.Containers) {
		if c.Image == "" {
			errs = append(errs, fmt.Errorf("job %s: container %s has no image", j.Metadata.Name, c.Name))
		}
		for _, vm := range c.VolumeMounts {
			if !vols[vm.Name] {
				errs = append(errs, fmt.Errorf("job %s: container %s mounts %q, which is not a volume of the pod", j.Metadata.Name, c.Name, vm.Name))
			}
		}
	}
	return errs
}

// deployPlan is what the crawl Job does, read from its manifest.
type deployPlan struct {
	shards int    // N
	out    string // --out: the shards write to out/shard=K
	claim  string // the claim --out is on
}

// checkCrawlJob checks the Indexed Job that crawls the shards: N
// completions, each pod crawling --shard auto/N with --resume (a retried
// index continues its shard), to a resolver the pod runs itself, into a
// writable volume.
func (m *manifests) checkCrawlJob(name string) (deployPlan, []error) {
	var plan deployPlan
	j := m.jobs[name]
	if j == nil {
		return plan, []error{fmt.Errorf("no Job %s", name)}
	}
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf("job "+name+": "+format, a...)) }
	s := &j.Spec
	if s.CompletionMode != "Indexed" {
		fail("completionMode %q, want Indexed (JOB_COMPLETION_INDEX is set only then)", s.CompletionMode)
	}
	if s.Completions == nil || *s.Completions < 1 {
		fail("completions must be set to N, the number of shards")
		return plan, errs
	}
	n := *s.Completions
	if s.Parallelism == nil || *s.Parallelism < 1 || *s.Parallelism > n {
		fail("parallelism %v: want 1 to completions (%d)", s.Parallelism, n)
	}
	if rp := s.Template.Spec.RestartPolicy; rp != "Never" && rp != "OnFailure" {
		fail("restartPolicy %q: a Job's pods need Never or OnFailure", rp)
	}
	if s.BackoffLimitPerIndex != nil && s.Template.Spec.RestartPolicy != "Never" {
		fail("backoffLimitPerIndex needs restartPolicy Never")
	}
	errs = append(errs, m.checkVolumes(j)...)

	c := j.container("crawl")
	if c == nil {
		fail("no container named crawl")
		return plan, errs
	}
	if len(c.Args) == 0 || c.Args[0] != "crawl" {
		fail("container crawl: args %q do not start with the crawl command", c.Args)
		return plan, errs
	}
	cmd := newCrawlCmd(nil, io.Discard, io.Discard)
	if err := cmd.ParseFlags(c.Args[1:]); err != nil {
		fail("container crawl: %v", err)
		return plan, errs
	}
	flag := func(name string) string { return cmd.Flags().Lookup(name).Value.String() }
	if got, want := flag("shard"), "auto/"+strconv.Itoa(n); got != want {
		fail("container crawl: --shard %q, want %q (completions %d)", got, want, n)
	}
	if flag("resume") != "true" {
		fail("container crawl: no --resume: a pod started again for its index would refuse to continue its shard")
	}
	pos := cmd.Flags().Args()
	if len(pos) != 1 {
		fail("container crawl: %d domain lists, want 1: %q", len(pos), pos)
	} else if _, _, _, ok := mountFor(c, pos[0]); !ok {
		fail("container crawl: the list %s is on no volume of the container", pos[0])
	}
	out := flag("out")
	if !path.IsAbs(out) {
		fail("container crawl: --out %q is not an absolute path", out)
	}
	_, vol, ro, ok := mountFor(c, out)
	if !ok || ro {
		fail("container crawl: --out %s is on no writable volume of the container", out)
	}
	for _, v := range s.Template.Spec.Volumes {
		if v.Name == vol && v.PersistentVolumeClaim != nil {
			plan.claim = v.PersistentVolumeClaim.ClaimName
			if p := m.pvcs[plan.claim]; p != nil && n > 1 && !slices.Contains(p.Spec.AccessModes, "ReadWriteMany") {
				fail("claim %s of --out is not ReadWriteMany: %d pods write to it at once", plan.claim, n)
			}
		}
	}
	if ok && plan.claim == "" {
		fail("container crawl: --out %s is not on a PersistentVolumeClaim: the shards would be lost with their pods", out)
	}
	errs = append(errs, m.checkResolver(j, name, strings.Split(strings.Trim(flag("resolver"), "[]"), ","))...)
	plan.shards, plan.out = n, out
	return plan, errs
}

// unboundSetting matches "key: value" lines of an unbound.conf.
var unboundSetting = regexp.MustCompile(`(?m)^\s*(interface|port):\s*(\S+)\s*$`)

// checkResolver checks that each --resolver of the crawl is served in
// the pod: a native sidecar (an init container with restartPolicy
// Always, started before the crawl and stopped after it) whose unbound
// configuration, from a ConfigMap it mounts, listens on that address,
// with a startup probe on that port. An address outside the pod (a
// cluster resolver) is accepted as it is.
func (m *manifests) checkResolver(j *k8sJob, name string, resolvers []string) []error {
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf("job "+name+": "+format, a...)) }
	if len(resolvers) == 0 || resolvers[0] == "" {
		fail("container crawl: no --resolver: the pod would use the node's resolv.conf, shared by all")
		return errs
	}
	for _, r := range resolvers {
		host, port, err := net.SplitHostPort(r)
		if err != nil {
			fail("--resolver %q: %v", r, err)
			continue
		}
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			continue // a cluster resolver
		}
		found := false
		for _, ic := range j.Spec.Template.Spec.InitContainers {
			if ic.RestartPolicy != "Always" {
				continue
			}
			conf := m.sidecarConfig(j, &ic)
			settings := map[string][]string{}
			for _, kv := range unboundSetting.FindAllStringSubmatch(conf, -1) {
				settings[kv[1]] = append(settings[kv[1]], strings.Trim(kv[2], `"`))
			}
			if slices.Contains(settings["interface"], host) && slices.Contains(settings["port"], port) {
				found = true
				if strconv.Itoa(ic.StartupProbe.TCPSocket.Port) != port {
					fail("sidecar %s: startup probe on port %d, want %s: the crawl could start before its resolver", ic.Name, ic.StartupProbe.TCPSocket.Port, port)
				}
			}
		}
		if !found {
			fail("--resolver %s: no sidecar (init container with restartPolicy Always) whose unbound configuration listens there", r)
		}
	}
	return errs
}

// sidecarConfig returns the text of the configuration file that the
// sidecar's command names (-c FILE), from the ConfigMap mounted there.
func (m *manifests) sidecarConfig(j *k8sJob, c *k8sContainer) string {
	i := slices.Index(c.Command, "-c")
	if i < 0 || i+1 >= len(c.Command) {
		return ""
	}
	file := c.Command[i+1]
	mount, vol, _, ok := mountFor(c, file)
	if !ok {
		return ""
	}
	for _, v := range j.Spec.Template.Spec.Volumes {
		if v.Name == vol && v.ConfigMap != nil {
			if cm := m.configMaps[v.ConfigMap.Name]; cm != nil {
				return cm.Data[strings.TrimPrefix(strings.TrimPrefix(file, mount), "/")]
			}
		}
	}
	return ""
}

// checkAnalyzeJob checks the Job that analyses the crawl: the
// observations of every shard 1..N as inputs, none missing or extra, on
// the crawl's claim.
func (m *manifests) checkAnalyzeJob(name string, plan deployPlan) []error {
	j := m.jobs[name]
	if j == nil {
		return []error{fmt.Errorf("no Job %s", name)}
	}
	var errs []error
	fail := func(format string, a ...any) { errs = append(errs, fmt.Errorf("job "+name+": "+format, a...)) }
	errs = append(errs, m.checkVolumes(j)...)
	c := j.container("analyze")
	if c == nil || len(c.Args) == 0 || c.Args[0] != "analyze" {
		fail("no container analyze running the analyze command")
		return errs
	}
	cmd := newAnalyzeCmd(io.Discard, io.Discard)
	if err := cmd.ParseFlags(c.Args[1:]); err != nil {
		fail("container analyze: %v", err)
		return errs
	}
	var want []string
	for k := 1; k <= plan.shards; k++ {
		want = append(want, path.Join(plan.out, shardDirPrefix+strconv.Itoa(k), ObservationsName))
	}
	if got := cmd.Flags().Args(); !slices.Equal(got, want) {
		fail("inputs %q, want the %d shards' %q", got, plan.shards, want)
	}
	for _, in := range want {
		_, vol, _, ok := mountFor(c, in)
		claim := ""
		for _, v := range j.Spec.Template.Spec.Volumes {
			if v.Name == vol && v.PersistentVolumeClaim != nil {
				claim = v.PersistentVolumeClaim.ClaimName
			}
		}
		if !ok || claim != plan.claim {
			fail("input %s is not on the crawl's claim %s", in, plan.claim)
			break
		}
	}
	out := cmd.Flags().Lookup("out").Value.String()
	if _, _, ro, ok := mountFor(c, out); !ok || ro {
		fail("--out %s is on no writable volume", out)
	}
	// The DuckDB engine writes its spill files and, from observations,
	// the classified tables ($TMPDIR): both on a writable volume.
	if cmd.Flags().Lookup("engine").Value.String() == "duckdb" {
		if spill := cmd.Flags().Lookup("duckdb-temp").Value.String(); spill == "" {
			fail("--engine duckdb without --duckdb-temp: DuckDB would spill into the container's /tmp")
		} else if _, _, ro, ok := mountFor(c, spill); !ok || ro {
			fail("--duckdb-temp %s is on no writable volume", spill)
		}
		tmp := ""
		for _, e := range c.Env {
			if e.Name == "TMPDIR" {
				tmp = e.Value
			}
		}
		if _, _, ro, ok := mountFor(c, tmp); !ok || ro {
			fail("TMPDIR %q is on no writable volume: --engine duckdb classifies the observations into tables there", tmp)
		}
	}
	return errs
}

func checkDeploy(m *manifests) []error {
	plan, errs := m.checkCrawlJob("chokepoint-crawl")
	return append(errs, m.checkAnalyzeJob("chokepoint-analyze", plan)...)
}

func loadDeploy(t *testing.T) *manifests {
	t.Helper()
	m, err := parseManifests(filepath.Join(deployDir, "crawl-job.yaml"), filepath.Join(deployDir, "analyze-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestDeployManifests(t *testing.T) {
	t.Parallel()
	m := loadDeploy(t)
	if len(m.jobs) != 2 || len(m.pvcs) != 1 || len(m.configMaps) != 1 {
		t.Fatalf("%d jobs, %d claims, %d ConfigMaps; want 2, 1, 1", len(m.jobs), len(m.pvcs), len(m.configMaps))
	}
	for _, err := range checkDeploy(m) {
		t.Error(err)
	}
}

// TestDeployManifestsBroken breaks the manifests one way at a time: each
// must be caught.
func TestDeployManifestsBroken(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		mutate func(m *manifests)
		want   string
	}{
		{"not indexed", func(m *manifests) { m.jobs["chokepoint-crawl"].Spec.CompletionMode = "NonIndexed" }, "want Indexed"},
		{"completions and shards differ", func(m *manifests) { *m.jobs["chokepoint-crawl"].Spec.Completions = 7 }, `want "auto/7"`},
		{"parallelism above completions", func(m *manifests) { *m.jobs["chokepoint-crawl"].Spec.Parallelism = 9 }, "parallelism"},
		{"mount of no volume", func(m *manifests) {
			m.jobs["chokepoint-crawl"].Spec.Template.Spec.Containers[0].VolumeMounts[0].Name = "wrok"
		}, `mounts "wrok"`},
		{"no --resume", func(m *manifests) {
			c := m.jobs["chokepoint-crawl"].container("crawl")
			c.Args = slices.DeleteFunc(c.Args, func(a string) bool { return a == "--resume" })
		}, "no --resume"},
		{"explicit shard", func(m *manifests) {
			c := m.jobs["chokepoint-crawl"].container("crawl")
			c.Args[slices.Index(c.Args, "--shard")+1] = "1/8"
		}, "--shard"},
		{"resolver port not served", func(m *manifests) {
			c := m.jobs["chokepoint-crawl"].container("crawl")
			c.Args[slices.Index(c.Args, "--resolver")+1] = "127.0.0.1:53"
		}, "no sidecar"},
		{"unknown flag", func(m *manifests) {
			c := m.jobs["chokepoint-crawl"].container("crawl")
			c.Args = append(c.Args, "--shards", "8")
		}, "unknown flag"},
		{"out on no volume", func(m *manifests) {
			c := m.jobs["chokepoint-crawl"].container("crawl")
			c.Args[slices.Index(c.Args, "--out")+1] = "/tmp/crawl"
		}, "no writable volume"},
		{"analysis misses a shard", func(m *manifests) {
			c := m.jobs["chokepoint-analyze"].container("analyze")
			c.Args = slices.DeleteFunc(c.Args, func(a string) bool { return strings.Contains(a, "shard=8/") })
		}, "want the 8 shards'"},
		{"claim not defined", func(m *manifests) { delete(m.pvcs, "chokepoint-work") }, "no PersistentVolumeClaim"},
		{"duckdb spill off the volume", func(m *manifests) {
			c := m.jobs["chokepoint-analyze"].container("analyze")
			c.Args[slices.Index(c.Args, "--duckdb-temp")+1] = "/tmp/spill"
		}, "--duckdb-temp /tmp/spill is on no writable volume"},
		{"duckdb tables in the container", func(m *manifests) { m.jobs["chokepoint-analyze"].container("analyze").Env = nil }, "TMPDIR"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := loadDeploy(t)
			tt.mutate(m)
			errs := checkDeploy(m)
			for _, err := range errs {
				if strings.Contains(err.Error(), tt.want) {
					return
				}
			}
			t.Errorf("no error with %q among %v", tt.want, errs)
		})
	}
}

// TestDeployManifestsStrict checks that a misspelt field is refused by
// the decoding itself.
func TestDeployManifestsStrict(t *testing.T) {
	t.Parallel()
	b, err := os.ReadFile(filepath.Join(deployDir, "crawl-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "crawl-job.yaml")
	if err := os.WriteFile(bad, bytes.Replace(b, []byte("completionMode:"), []byte("completionmode:"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := parseManifests(bad); err == nil || !strings.Contains(err.Error(), "completionmode") {
		t.Errorf("misspelt field: err = %v, want one naming completionmode", err)
	}
}
