package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/mailoauth/mailoauth-tester/core/report"
)

// TestEnvironmentCheckWithoutNetwork runs the real binary's environment
// check in a network namespace with no interfaces up — no route anywhere,
// and no packet can leave the machine — and checks it ends within its
// timeout plus a second, exit 1, with a failed step per endpoint.
func TestEnvironmentCheckWithoutNetwork(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("unshare (util-linux) is not installed; .ci/run installs it")
	}
	if out, err := exec.Command(unshare, "--net", "true").CombinedOutput(); err != nil {
		t.Skipf("cannot create a network namespace here (needs root or user namespaces): %v %s", err, out)
	}
	bin := cliBinary(t)
	const timeout = 4 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), timeout+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, unshare, "--net", bin, "check", "--json", "--timeout", timeout.String())
	cmd.Env = append(os.Environ(), "HTTPS_PROXY=", "HTTP_PROXY=", "https_proxy=", "http_proxy=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	took := time.Since(start)
	if took > timeout+time.Second {
		t.Errorf("took %s, want within the %s timeout plus a second", took, timeout)
	}
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != exitFailed {
		t.Fatalf("exit = %v, want 1\nstdout: %s\nstderr: %s", err, stdout.String(), stderr.String())
	}
	validateReport(t, stdout.Bytes())
	var rep report.JSONReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, stdout.String())
	}
	if rep.Mode != "environment" || rep.OK {
		t.Errorf("mode=%s ok=%v", rep.Mode, rep.OK)
	}
	var names []string
	for _, s := range rep.Steps {
		names = append(names, s.Name+"="+s.Status)
		if s.Name != "clock" && (s.Status != "fail" || s.Diagnosis == nil || s.Diagnosis.ID != "network-unreachable") {
			t.Errorf("step %s = %s %+v, want fail network-unreachable", s.Name, s.Status, s.Diagnosis)
		}
	}
	if got := strings.Join(names, ","); got != "signin=fail,clock=skipped,imap=fail,pop=fail,smtp=fail,graph=fail" {
		t.Errorf("steps = %s", got)
	}
}
